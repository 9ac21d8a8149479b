package io.spooky.query.ast;

import java.util.List;
import java.util.Objects;

/**
 * One {@code SELECT} statement: the top-level query of a view, or a subquery inside one.
 *
 * <p>Clauses map one to one onto SurrealQL:
 *
 * <pre>{@code
 * SELECT [VALUE] projections FROM from [WHERE where] [GROUP BY ... | GROUP ALL]
 *        [ORDER BY order] [LIMIT limit] [START start]
 * }</pre>
 *
 * <p>Invariants (checked here and by the parser): {@code projections} is non-empty; when {@code
 * value} is true it holds exactly one {@link Projection.Field} without an alias; {@code where} is
 * {@code null} when there is no {@code WHERE}; {@code order} is empty when there is no {@code ORDER
 * BY}; {@code limit} and {@code start} are {@code null} when absent and never negative; {@code
 * group} is {@code null} when the statement does not group.
 *
 * @param projections what each result row is made of, in written order
 * @param value true for {@code SELECT VALUE expr}: each row is the bare value instead of an object
 * @param from where rows come from
 * @param where the filter, or {@code null}
 * @param order sort keys, most significant first; empty means record id order (see {@link Source})
 * @param limit {@code LIMIT n}, or {@code null}
 * @param start {@code START n}, or {@code null}
 * @param group {@code GROUP BY}/{@code GROUP ALL}, or {@code null}
 */
public record SelectStatement(
    List<Projection> projections,
    boolean value,
    Source from,
    Expr where,
    List<OrderKey> order,
    Long limit,
    Long start,
    Grouping group) {

  public SelectStatement {
    projections = List.copyOf(projections);
    order = List.copyOf(order);
    Objects.requireNonNull(from, "from");
    if (projections.isEmpty()) {
      throw new IllegalArgumentException("a SELECT projects at least one field");
    }
    if (value
        && (projections.size() != 1
            || !(projections.get(0) instanceof Projection.Field f)
            || f.alias() != null)) {
      throw new IllegalArgumentException("SELECT VALUE projects exactly one unaliased expression");
    }
    if (limit != null && limit < 0) {
      throw new IllegalArgumentException("LIMIT is never negative: " + limit);
    }
    if (start != null && start < 0) {
      throw new IllegalArgumentException("START is never negative: " + start);
    }
  }

  /** True when the statement has {@code GROUP BY} or {@code GROUP ALL}. */
  public boolean grouped() {
    return group != null;
  }

  @Override
  public String toString() {
    return SurqlPrinter.print(this);
  }
}
