package io.spooky.query.ast;

import java.util.Map;
import java.util.Optional;

/**
 * The built-in functions live views support, with their arities, and the ones they refuse.
 *
 * <p>Aggregates ({@code count}, {@code math::sum}, {@code math::min}, {@code math::max}, {@code
 * math::mean}) are only accepted in a grouped statement ({@code GROUP BY}/{@code GROUP ALL}) where
 * they fold the group's rows. Non-deterministic functions ({@code time::now}, {@code rand}, ...)
 * are refused because a view's content must be a function of the data alone: an incremental view is
 * only recomputed when data changes, so a clock or random input would make it silently stale.
 */
public final class Functions {

  /** Name → {min args, max args}. */
  private static final Map<String, int[]> ARITY =
      Map.ofEntries(
          Map.entry("string::lowercase", new int[] {1, 1}),
          Map.entry("string::uppercase", new int[] {1, 1}),
          Map.entry("string::contains", new int[] {2, 2}),
          Map.entry("string::starts_with", new int[] {2, 2}),
          Map.entry("string::ends_with", new int[] {2, 2}),
          Map.entry("string::len", new int[] {1, 1}),
          Map.entry("array::len", new int[] {1, 1}),
          Map.entry("math::abs", new int[] {1, 1}),
          Map.entry("count", new int[] {0, 1}),
          Map.entry("math::sum", new int[] {1, 1}),
          Map.entry("math::min", new int[] {1, 1}),
          Map.entry("math::max", new int[] {1, 1}),
          Map.entry("math::mean", new int[] {1, 1}));

  private static final Map<String, String> REFUSED =
      Map.of(
          "time::now",
          "time::now() is not allowed in a live view: a view's content must be a function of the"
              + " data only, and the clock changes without any data change",
          "rand",
          "rand() is not allowed in a live view: a view's content must be a function of the data"
              + " only");

  private Functions() {}

  /** True when live views support {@code name} (lower case, with namespace). */
  public static boolean isSupported(String name) {
    return ARITY.containsKey(name);
  }

  /** True for the aggregate functions. */
  public static boolean isAggregate(String name) {
    return switch (name) {
      case "count", "math::sum", "math::min", "math::max", "math::mean" -> true;
      default -> false;
    };
  }

  /** Smallest accepted argument count; the function must be supported. */
  public static int minArgs(String name) {
    return ARITY.get(name)[0];
  }

  /** Largest accepted argument count; the function must be supported. */
  public static int maxArgs(String name) {
    return ARITY.get(name)[1];
  }

  /**
   * Why {@code name} is refused when SurrealDB knows it but views must not use it, or empty. Any
   * {@code rand::*} or {@code time::now} call is refused with a reason.
   */
  public static Optional<String> refusal(String name) {
    String why = REFUSED.get(name);
    if (why == null && name.startsWith("rand::")) {
      why = REFUSED.get("rand").replace("rand()", name + "()");
    }
    return Optional.ofNullable(why);
  }
}
