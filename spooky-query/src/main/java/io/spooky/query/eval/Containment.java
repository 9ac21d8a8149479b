package io.spooky.query.eval;

import io.spooky.core.value.ArrayValue;
import io.spooky.core.value.StringValue;
import io.spooky.core.value.Value;
import io.spooky.core.value.Values;
import java.util.function.Predicate;

/**
 * SurrealDB's {@code CONTAINS} family. An array contains a value when an item is {@code =} to it; a
 * string contains a string when it is a substring. The {@code ALL}/{@code ANY}/{@code NONE} forms
 * take an array on the right and test each of its items; with any other right-hand side they are
 * false. Anything that is neither an array nor a string contains nothing. The {@code INSIDE} forms
 * are the same tests with the operands swapped; {@code CONTAINSNOT} and {@code NOTINSIDE} are plain
 * negations.
 */
final class Containment {
  private Containment() {}

  static boolean contains(Value container, Value item) {
    return switch (container) {
      case ArrayValue a -> a.items().stream().anyMatch(x -> Values.equal(x, item));
      case StringValue s -> item instanceof StringValue t && s.value().contains(t.value());
      default -> false;
    };
  }

  static boolean containsAll(Value container, Value items) {
    return items instanceof ArrayValue a
        && (container instanceof ArrayValue || container instanceof StringValue)
        && a.items().stream().allMatch(x -> contains(container, x));
  }

  static boolean containsAny(Value container, Value items) {
    return items instanceof ArrayValue a
        && (container instanceof ArrayValue || container instanceof StringValue)
        && a.items().stream().anyMatch(x -> contains(container, x));
  }

  static boolean containsNone(Value container, Value items) {
    Predicate<Value> in = x -> contains(container, x);
    return items instanceof ArrayValue a
        && (container instanceof ArrayValue || container instanceof StringValue)
        && a.items().stream().noneMatch(in);
  }
}
