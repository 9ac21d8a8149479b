package io.spooky.query.ast;

import java.util.Objects;

/**
 * One {@code ORDER BY} key.
 *
 * <p>SurrealDB sorts projected rows, so the parser only accepts a path that the {@code SELECT} list
 * produces (an alias, a projected field path, or anything under {@code *}); SurrealDB 3 rejects
 * other paths with "Missing order idiom". Values are compared with SurrealDB's total order ({@code
 * Values.compare}); rows equal on every key keep record id order. One SurrealDB 3 quirk is
 * reproduced on purpose: a key whose projection is a plain field path is read from the stored
 * record without following record links, so {@code SELECT author.name AS who ... ORDER BY who}
 * leaves rows in record id order (see {@code QueryEvaluator.orderKey}).
 *
 * @param path a path in the output row
 * @param descending true for {@code DESC}
 */
public record OrderKey(Expr.FieldPath path, boolean descending) {
  public OrderKey {
    Objects.requireNonNull(path, "path");
  }

  @Override
  public String toString() {
    return path + (descending ? " DESC" : " ASC");
  }
}
