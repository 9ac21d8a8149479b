package io.spooky.ivm.plan;

import io.spooky.core.value.Value;
import java.util.Objects;
import java.util.function.UnaryOperator;

/**
 * One ORDER BY key: how to read it from a projected row (SurrealDB sorts projected rows) and its
 * direction.
 */
public record SortKey(UnaryOperator<Value> extract, boolean descending) {
  public SortKey {
    Objects.requireNonNull(extract, "extract");
  }
}
