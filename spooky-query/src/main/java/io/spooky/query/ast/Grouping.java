package io.spooky.query.ast;

import java.util.List;

/**
 * {@code GROUP BY} or {@code GROUP ALL}.
 *
 * <p>SurrealDB semantics the evaluator implements: one output row per distinct group key (compared
 * with SurrealDB equality), ordered by group key; aggregate functions ({@code count()}, {@code
 * math::sum/min/max/mean}) fold over the group's rows; any other projected expression yields the
 * array of its values over the group's rows, in row order. Every {@code GROUP BY} path must be
 * projected (SurrealDB 3 rejects the statement otherwise: "Missing group idiom").
 */
public sealed interface Grouping {

  /** {@code GROUP ALL}: all rows form one group. */
  record All() implements Grouping {
    @Override
    public String toString() {
      return "GROUP ALL";
    }
  }

  /**
   * {@code GROUP BY a, b.c}: rows grouped by these paths, which name fields of the projected row (a
   * projected path or an alias), as SurrealDB resolves them.
   */
  record By(List<Expr.FieldPath> keys) implements Grouping {
    public By {
      keys = List.copyOf(keys);
      if (keys.isEmpty()) {
        throw new IllegalArgumentException("GROUP BY names at least one field");
      }
    }
  }
}
