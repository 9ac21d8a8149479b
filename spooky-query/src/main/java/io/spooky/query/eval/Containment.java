package io.spooky.query.eval;

import io.spooky.core.value.ArrayValue;
import io.spooky.core.value.ObjectValue;
import io.spooky.core.value.StringValue;
import io.spooky.core.value.Value;
import io.spooky.core.value.Values;

/**
 * SurrealDB 3's {@code CONTAINS} family, as measured against the engine.
 *
 * <ul>
 *   <li>{@code l CONTAINS r}: an array holds an item {@code =} to r; a string has r (a string) as a
 *       substring; an object has r (a string) as a key; anything else contains nothing.
 *   <li>{@code CONTAINSALL}/{@code CONTAINSANY}/{@code CONTAINSNONE} with an array on the right
 *       test each of its items against the left array (by {@code =}) or string (as substrings;
 *       objects contain no items here): all / any / none of them. Over an empty array ALL and NONE
 *       hold and ANY does not, whatever the left side. With a string on the right they are the
 *       substring test (NONE negated). With anything else on the right ALL and ANY are false and
 *       NONE is true.
 *   <li>The {@code INSIDE} forms swap the operands; {@code CONTAINSNOT} and {@code NOTINSIDE}
 *       negate.
 * </ul>
 */
final class Containment {
  private Containment() {}

  static boolean contains(Value container, Value item) {
    return switch (container) {
      case ArrayValue a -> a.items().stream().anyMatch(x -> Values.equal(x, item));
      case StringValue s -> item instanceof StringValue t && s.value().contains(t.value());
      case ObjectValue o -> item instanceof StringValue t && o.fields().containsKey(t.value());
      default -> false;
    };
  }

  /** Membership as the ALL/ANY/NONE forms test each item: arrays and strings only. */
  private static boolean holds(Value container, Value item) {
    return !(container instanceof ObjectValue) && contains(container, item);
  }

  private static boolean substring(Value container, StringValue s) {
    return container instanceof StringValue c && c.value().contains(s.value());
  }

  static boolean containsAll(Value container, Value items) {
    return switch (items) {
      case ArrayValue a -> a.items().stream().allMatch(x -> holds(container, x));
      case StringValue s -> substring(container, s);
      default -> false;
    };
  }

  static boolean containsAny(Value container, Value items) {
    return switch (items) {
      case ArrayValue a -> a.items().stream().anyMatch(x -> holds(container, x));
      case StringValue s -> substring(container, s);
      default -> false;
    };
  }

  static boolean containsNone(Value container, Value items) {
    return switch (items) {
      case ArrayValue a -> a.items().stream().noneMatch(x -> holds(container, x));
      case StringValue s -> !substring(container, s);
      default -> true;
    };
  }
}
