package io.spooky.ivm.plan;

import io.spooky.core.value.Value;
import java.util.Objects;

/**
 * A necessary condition of a view's WHERE on one top-level field of the source record: {@code field
 * op constant}, a conjunct of the WHERE's top-level AND. A record that satisfies no conjunct of a
 * view before or after a change cannot be or become a member of that view, which is what routing
 * relies on.
 */
public record Conjunct(String field, Op op, Value constant) {
  /** The comparison, with the record's field on the left. */
  public enum Op {
    EQ,
    GT,
    GE,
    LT,
    LE
  }

  public Conjunct {
    Objects.requireNonNull(field, "field");
    Objects.requireNonNull(op, "op");
    Objects.requireNonNull(constant, "constant");
  }
}
