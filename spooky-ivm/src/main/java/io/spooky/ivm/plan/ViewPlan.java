package io.spooky.ivm.plan;

import io.spooky.core.value.RecordId;
import io.spooky.core.value.Value;
import java.util.HashSet;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Objects;
import java.util.Set;
import java.util.function.UnaryOperator;

/**
 * A view compiled for incremental maintenance: the source table, the per-record evaluation (WHERE
 * and SELECT), the ORDER BY keys over projected rows, START and LIMIT, optional grouping, and the
 * WHERE conjuncts routing may index.
 *
 * @param table the source table; for a plan over {@code records}, the table of the first one
 * @param rows WHERE + SELECT per record (for a grouped view: the per-record group inputs); for a
 *     non-grouped view the row is the output object ORDER BY reads
 * @param output what the view returns for an output object ({@code SELECT VALUE} returns one of its
 *     fields); identity otherwise
 * @param order sort keys over the output row, most significant first; empty = key order
 * @param start START, 0 when absent
 * @param limit LIMIT, -1 when absent
 * @param group how rows fold into groups, or null
 * @param conjuncts necessary conditions on top-level fields, for routing (may be empty)
 * @param shareKey views with equal share keys are the same computation and share one instance
 * @param sourceKey plans with equal source keys have the same table and {@code rows} evaluator and
 *     share its evaluations (they may differ in order, start, limit); equals {@code shareKey} when
 *     nothing is known
 * @param records for {@code FROM a:1, b:2}: the listed record ids in written order, each once (they
 *     may belong to several tables; missing ones yield no row, rows without ORDER BY come in this
 *     order and ORDER BY ties keep it); null for {@code FROM table}
 */
public record ViewPlan(
    String table,
    RowEvaluator rows,
    UnaryOperator<Value> output,
    List<SortKey> order,
    long start,
    long limit,
    GroupPlan group,
    List<Conjunct> conjuncts,
    String shareKey,
    String sourceKey,
    List<RecordId> records) {
  public ViewPlan {
    Objects.requireNonNull(table, "table");
    Objects.requireNonNull(rows, "rows");
    Objects.requireNonNull(output, "output");
    order = List.copyOf(order);
    conjuncts = List.copyOf(conjuncts);
    Objects.requireNonNull(shareKey, "shareKey");
    Objects.requireNonNull(sourceKey, "sourceKey");
    if (start < 0 || limit < -1) {
      throw new IllegalArgumentException(
          "START >= 0 and LIMIT >= 0 or -1: " + start + ", " + limit);
    }
    if (records != null) {
      records = List.copyOf(records);
      if (records.isEmpty() || new HashSet<>(records).size() != records.size()) {
        throw new IllegalArgumentException("records must be distinct and not empty: " + records);
      }
    }
  }

  /** A plan over a whole table: {@code records} is null. */
  public ViewPlan(
      String table,
      RowEvaluator rows,
      UnaryOperator<Value> output,
      List<SortKey> order,
      long start,
      long limit,
      GroupPlan group,
      List<Conjunct> conjuncts,
      String shareKey,
      String sourceKey) {
    this(table, rows, output, order, start, limit, group, conjuncts, shareKey, sourceKey, null);
  }

  /** The tables the view's source records belong to (the rows' own tables, not links). */
  public Set<String> sourceTables() {
    if (records == null) {
      return Set.of(table);
    }
    Set<String> out = new LinkedHashSet<>();
    for (RecordId id : records) {
      out.add(id.table());
    }
    return out;
  }

  /**
   * A plan whose output is the row itself (every plan but {@code SELECT VALUE}) and that shares
   * evaluations only with plans of the same share key.
   */
  public ViewPlan(
      String table,
      RowEvaluator rows,
      List<SortKey> order,
      long start,
      long limit,
      GroupPlan group,
      List<Conjunct> conjuncts,
      String shareKey) {
    this(
        table,
        rows,
        UnaryOperator.identity(),
        order,
        start,
        limit,
        group,
        conjuncts,
        shareKey,
        shareKey,
        null);
  }
}
