package io.spooky.scheduler;

import io.spooky.core.value.ObjectValue;
import io.spooky.core.value.RecordId;
import io.spooky.core.value.Value;
import io.spooky.query.ast.BinaryOp;
import io.spooky.query.ast.Expr;
import io.spooky.query.ast.OrderKey;
import io.spooky.query.ast.Projection;
import io.spooky.query.ast.SelectStatement;
import io.spooky.query.ast.Source;
import io.spooky.query.eval.Snapshot;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * Lets a bootstrap page of {@code /proxy/query} read only the records it can return instead of the
 * whole table. A statement qualifies when it reads one table in record id order ({@code ORDER BY
 * id} ascending or no {@code ORDER BY}) with a {@code LIMIT}, no grouping, projections that are
 * {@code *} or field paths (no subquery could scan the table again), and no {@code WHERE} or
 * exactly {@code WHERE id > x} / {@code id >= x} with {@code x} a record id of that table (literal
 * or parameter). For such a statement the table's scan returns the first {@code START + LIMIT}
 * records after {@code x} by a range scan of the replica ({@link Replica.View#scanFrom}); the
 * evaluator still applies {@code WHERE}, order, {@code START} and {@code LIMIT}, so the result is
 * the one of a full scan.
 */
final class ProxyPage implements Snapshot {
  private final Replica.View view;
  private final String table;
  private final RecordId after;
  private final boolean inclusive;
  private final long count;

  private ProxyPage(
      Replica.View view, String table, RecordId after, boolean inclusive, long count) {
    this.view = view;
    this.table = table;
    this.after = after;
    this.inclusive = inclusive;
    this.count = count;
  }

  /** The snapshot {@code select} should read: a paging one when it qualifies, else {@code view}. */
  static Snapshot of(SelectStatement select, Map<String, Value> params, Replica.View view) {
    if (!(select.from() instanceof Source.Table t)
        || select.grouped()
        || select.limit() == null
        || !inIdOrder(select.order())
        || !select.projections().stream().allMatch(ProxyPage::plain)) {
      return view;
    }
    long count = select.limit() + (select.start() == null ? 0 : select.start());
    if (count < 0) {
      return view;
    }
    if (select.where() == null) {
      return new ProxyPage(view, t.name(), null, true, count);
    }
    if (select.where() instanceof Expr.Binary b
        && (b.op() == BinaryOp.GT || b.op() == BinaryOp.GE)
        && isId(b.left())) {
      Value bound =
          switch (b.right()) {
            case Expr.Literal l -> l.value();
            case Expr.Param p -> params.get(p.name());
            default -> null;
          };
      if (bound instanceof RecordId id && id.table().equals(t.name())) {
        return new ProxyPage(view, t.name(), id, b.op() == BinaryOp.GE, count);
      }
    }
    return view;
  }

  private static boolean inIdOrder(List<OrderKey> order) {
    return order.isEmpty()
        || (order.size() == 1 && !order.getFirst().descending() && isId(order.getFirst().path()));
  }

  private static boolean isId(Expr e) {
    return e instanceof Expr.FieldPath f && f.parts().size() == 1 && f.head().equals("id");
  }

  private static boolean plain(Projection p) {
    return p instanceof Projection.All
        || (p instanceof Projection.Field f && f.expr() instanceof Expr.FieldPath);
  }

  @Override
  public Iterable<ObjectValue> scan(String name) {
    return name.equals(table) ? view.scanFrom(table, after, inclusive, count) : view.scan(name);
  }

  @Override
  public Optional<ObjectValue> get(RecordId id) {
    return view.get(id);
  }
}
