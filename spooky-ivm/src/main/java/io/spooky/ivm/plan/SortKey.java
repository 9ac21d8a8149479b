package io.spooky.ivm.plan;

import io.spooky.core.value.Value;
import io.spooky.query.ast.PathPart;
import java.util.List;
import java.util.Objects;
import java.util.function.UnaryOperator;

/**
 * One ORDER BY key and its direction. SurrealDB 3 sorts by the projected row, except for a key
 * naming a projection that is a field path ({@code owner.name AS who ... ORDER BY who}): that key
 * is the path read from the source record without following record links, so a path through a link
 * sorts as NONE. Such keys carry that {@code recordPath}; the others are read from the row with
 * {@code extract}.
 *
 * @param extract reads the key from a projected row (used when {@code recordPath} is null)
 * @param descending whether the key sorts descending
 * @param recordPath the path to read from the source record instead, or null
 */
public record SortKey(UnaryOperator<Value> extract, boolean descending, List<PathPart> recordPath) {
  public SortKey {
    Objects.requireNonNull(extract, "extract");
    recordPath = recordPath == null ? null : List.copyOf(recordPath);
  }

  /** A key read from the projected row. */
  public SortKey(UnaryOperator<Value> extract, boolean descending) {
    this(extract, descending, null);
  }
}
