package io.spooky.ivm;

import io.spooky.core.digest.ContentDigest;
import io.spooky.core.encoding.EncodingBuffer;
import io.spooky.core.value.RecordId;
import io.spooky.core.value.Value;
import io.spooky.ivm.group.GroupOperator;
import io.spooky.ivm.merkle.MerkleTree;
import io.spooky.ivm.plan.SortKey;
import io.spooky.ivm.plan.ViewPlan;
import io.spooky.ivm.store.TableStore;
import io.spooky.ivm.topk.OrderedWindow;
import io.spooky.query.eval.ExprEvaluator;
import java.util.HashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * The ordered, possibly grouped, result of one view plan, shared by every registered view with the
 * same plan: it consumes the rows of its {@link RowSource} (which may feed several instances that
 * differ only in ORDER BY, START or LIMIT), and keeps the group operator, the ordered window and
 * the Merkle tree of the visible rows.
 *
 * <p>Invariant after {@link #flush}: the window equals GROUP/ORDER/START/LIMIT applied to the
 * source's rows, and the tree holds exactly the window's rows with their versions. Not thread-safe.
 */
final class ViewInstance {
  final ViewPlan plan;
  final RowSource source;
  final Set<String> viewIds = new LinkedHashSet<>();

  /** The registry's records, already holding a batch's changes when its rows arrive. */
  private final TableStore store;

  private final OrderedWindow window;
  private final GroupOperator groups;
  private final MerkleTree tree = new MerkleTree();
  private final EncodingBuffer scratch = new EncodingBuffer(256);
  private final Map<Value, MerkleTree.Member> members = new HashMap<>();

  /** List positions of a non-grouped {@code FROM a:1, b:2} view's records; null otherwise. */
  private final Map<RecordId, Integer> positions;

  /** Attaches to {@code source} and loads its current rows; call {@link #flush} afterwards. */
  ViewInstance(ViewPlan plan, RowSource source, TableStore store) {
    this.plan = plan;
    this.source = source;
    this.store = store;
    if (plan.records() != null && plan.group() == null) {
      // FROM a:1, b:2 yields rows in written order, and ORDER BY ties keep it (a stable sort):
      // the list position is the last, ascending sort key.
      positions = new HashMap<>();
      for (RecordId id : plan.records()) {
        positions.put(id, positions.size());
      }
    } else {
      positions = null;
    }
    boolean[] desc = new boolean[plan.order().size() + (positions == null ? 0 : 1)];
    for (int i = 0; i < plan.order().size(); i++) {
      desc[i] = plan.order().get(i).descending();
    }
    this.window = new OrderedWindow(desc, plan.start(), plan.limit());
    this.groups = plan.group() == null ? null : new GroupOperator(plan.group(), this::emit);
    source.rows.forEach(this::accept);
    source.consumers.add(this);
  }

  /** Receives the new row of source record {@code id} (null: it no longer satisfies WHERE). */
  void accept(RecordId id, Value row) {
    if (groups != null) {
      groups.update(id, row);
    } else if (row == null) {
      window.remove(id);
    } else {
      window.upsert(new OrderedWindow.Row(id, sortKey(id, row), row));
    }
  }

  /** Ends a batch: the window's change, with the Merkle tree updated to match. */
  OrderedWindow.Diff flush() {
    if (groups != null) {
      groups.flush();
    }
    OrderedWindow.Diff diff = window.flush();
    for (Value key : diff.removed()) {
      MerkleTree.Member m = members.remove(key);
      tree.remove(m.id());
    }
    for (OrderedWindow.Placed p : diff.added()) {
      putMember(p.row());
    }
    for (OrderedWindow.Placed p : diff.updated()) {
      putMember(p.row());
    }
    return diff;
  }

  List<OrderedWindow.Row> rows() {
    return window.window();
  }

  MerkleTree tree() {
    return tree;
  }

  /** What the view returns for a window row. */
  Value output(OrderedWindow.Row row) {
    return plan.output().apply(row.content());
  }

  /** The Merkle member of a visible row: its id and the digest of its content. */
  MerkleTree.Member member(Value key) {
    return members.get(key);
  }

  private void putMember(OrderedWindow.Row row) {
    RecordId id = memberId(row);
    MerkleTree.Member m = new MerkleTree.Member(id, ContentDigest.of(output(row), scratch));
    MerkleTree.Member old = members.put(row.key(), m);
    if (old != null && !old.id().equals(id)) {
      tree.remove(old.id());
    }
    tree.put(id, m.version());
  }

  /**
   * The record id a row is filed under in the Merkle tree: the row key when it is a record id (the
   * source record), otherwise (a group row) {@code _spooky_group:[key...]}.
   */
  static RecordId memberId(OrderedWindow.Row row) {
    if (row.key() instanceof RecordId id) {
      return id;
    }
    return new RecordId("_spooky_group", row.key());
  }

  /** Receives group rows from the group operator (null content = the group vanished). */
  private void emit(Value key, Value content) {
    if (content == null) {
      window.remove(key);
    } else {
      window.upsert(new OrderedWindow.Row(key, sortKey(null, content), content));
    }
  }

  /** The sort key of {@code row}, the row of source record {@code id} (null for group rows). */
  private Value[] sortKey(RecordId id, Value row) {
    List<SortKey> order = plan.order();
    Value[] out = new Value[order.size() + (positions == null ? 0 : 1)];
    if (positions != null) {
      out[order.size()] = Value.of((long) positions.get(id));
    }
    for (int i = 0; i < order.size(); i++) {
      SortKey k = order.get(i);
      out[i] =
          k.recordPath() == null || id == null
              ? k.extract().apply(row)
              : ExprEvaluator.pick(store.get(id), k.recordPath());
    }
    return out;
  }
}
