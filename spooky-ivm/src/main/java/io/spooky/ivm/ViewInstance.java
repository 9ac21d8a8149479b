package io.spooky.ivm;

import io.spooky.core.digest.ContentDigest;
import io.spooky.core.encoding.EncodingBuffer;
import io.spooky.core.value.RecordId;
import io.spooky.core.value.Value;
import io.spooky.ivm.group.GroupOperator;
import io.spooky.ivm.merkle.MerkleTree;
import io.spooky.ivm.plan.SortKey;
import io.spooky.ivm.plan.ViewPlan;
import io.spooky.ivm.store.Reads;
import io.spooky.ivm.store.TableStore;
import io.spooky.ivm.topk.OrderedWindow;
import io.spooky.query.eval.QueryEvaluationException;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.NavigableMap;
import java.util.Set;
import java.util.function.BiConsumer;

/**
 * The running state of one view plan, shared by every registered view with the same plan: the
 * evaluated rows of the source table, the dependency index of rows that read other records, the
 * ordered window and the Merkle tree of the visible rows.
 *
 * <p>Invariant after {@link #flush}: the window equals WHERE/SELECT/GROUP/ORDER/START/LIMIT applied
 * to the store, and the tree holds exactly the window's rows with their versions. Not thread-safe.
 */
final class ViewInstance {
  final ViewPlan plan;
  final Set<String> viewIds = new LinkedHashSet<>();

  private final OrderedWindow window;
  private final GroupOperator groups;
  private final MerkleTree tree = new MerkleTree();
  private final EncodingBuffer scratch = new EncodingBuffer(256);
  private final Map<Value, MerkleTree.Member> members = new HashMap<>();
  private final BiConsumer<String, ViewInstance> onTableRead;

  /** For rows that read other records: base id -> the ids and tables its evaluation read. */
  private final Map<RecordId, Tracker> deps = new HashMap<>();

  private final Map<RecordId, Set<RecordId>> readers = new HashMap<>();
  private final Map<String, Set<RecordId>> tableReaders = new HashMap<>();

  /** Source records whose evaluation currently fails, with the evaluator's message. */
  final Map<RecordId, String> failing = new HashMap<>();

  /** Row evaluations performed; package-private so routing tests can count work. */
  long evaluations;

  ViewInstance(ViewPlan plan, BiConsumer<String, ViewInstance> onTableRead) {
    this.plan = plan;
    this.onTableRead = onTableRead;
    boolean[] desc = new boolean[plan.order().size()];
    for (int i = 0; i < desc.length; i++) {
      desc[i] = plan.order().get(i).descending();
    }
    this.window = new OrderedWindow(desc, plan.start(), plan.limit());
    this.groups = plan.group() == null ? null : new GroupOperator(plan.group(), this::emit);
  }

  /** Evaluates every record of the source table and flushes. */
  void initialize(TableStore store) {
    for (var e : store.table(plan.table()).entrySet()) {
      evaluate(e.getKey(), e.getValue(), store);
    }
    if (groups != null) {
      groups.flush();
    }
    flush();
  }

  /**
   * Brings the rows that depend on record {@code id} up to date with the store: the record itself
   * when it belongs to the source table, and every row whose evaluation read it.
   */
  void onChange(RecordId id, TableStore store) {
    boolean own = id.table().equals(plan.table());
    if (own) {
      evaluate(id, store.get(id), store);
    }
    Set<RecordId> affected = null;
    Set<RecordId> byId = readers.get(id);
    if (byId != null) {
      affected = new HashSet<>(byId);
    }
    Set<RecordId> byTable = tableReaders.get(id.table());
    if (byTable != null) {
      if (affected == null) {
        affected = new HashSet<>();
      }
      affected.addAll(byTable);
    }
    if (affected != null) {
      for (RecordId base : affected) {
        if (!(own && base.equals(id))) {
          evaluate(base, store.get(base), store);
        }
      }
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

  /** The operator state a snapshot needs: evaluated rows (or group inputs) and dependencies. */
  record State(List<Map.Entry<RecordId, Value>> rows, Map<RecordId, RowReads> deps) {}

  /** What one row's evaluation read: record ids and whole tables. */
  record RowReads(Set<RecordId> ids, Set<String> tables) {}

  State exportState() {
    List<Map.Entry<RecordId, Value>> rows = new java.util.ArrayList<>();
    if (groups != null) {
      groups.forEachMember((id, inputs) -> rows.add(Map.entry(id, inputs)));
    } else {
      for (OrderedWindow.Row r : window.candidateRows()) {
        rows.add(Map.entry((RecordId) r.key(), r.content()));
      }
    }
    Map<RecordId, RowReads> d = new HashMap<>();
    deps.forEach((base, t) -> d.put(base, new RowReads(Set.copyOf(t.ids), Set.copyOf(t.tables))));
    return new State(rows, d);
  }

  /** Restores operator state exported by {@link #exportState} instead of evaluating the table. */
  void importState(State state, TableStore store) {
    for (Map.Entry<RecordId, Value> e : state.rows()) {
      if (groups != null) {
        groups.update(e.getKey(), e.getValue());
      } else {
        window.upsert(new OrderedWindow.Row(e.getKey(), sortKey(e.getValue()), e.getValue()));
      }
    }
    state
        .deps()
        .forEach(
            (base, r) -> {
              Tracker t = new Tracker(store);
              t.ids = new HashSet<>(r.ids());
              t.tables = new HashSet<>(r.tables());
              track(base, t);
            });
    flush();
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

  private void evaluate(RecordId id, Value record, TableStore store) {
    evaluations++;
    Tracker reads = new Tracker(store);
    Value row = null;
    if (!record.isNullish()) {
      try {
        row = plan.rows().evaluate(id, record, reads);
        if (!failing.isEmpty()) {
          failing.remove(id);
        }
      } catch (QueryEvaluationException e) {
        // SurrealDB fails the whole SELECT here; the view leaves the row out and reports it.
        failing.put(id, e.getMessage());
      }
    } else if (!failing.isEmpty()) {
      failing.remove(id);
    }
    track(id, reads);
    if (groups != null) {
      groups.update(id, row);
    } else if (row == null) {
      window.remove(id);
    } else {
      window.upsert(new OrderedWindow.Row(id, sortKey(row), row));
    }
  }

  /** Receives group rows from the group operator (null content = the group vanished). */
  private void emit(Value key, Value content) {
    if (content == null) {
      window.remove(key);
    } else {
      window.upsert(new OrderedWindow.Row(key, sortKey(content), content));
    }
  }

  private Value[] sortKey(Value row) {
    List<SortKey> order = plan.order();
    Value[] out = new Value[order.size()];
    for (int i = 0; i < out.length; i++) {
      out[i] = order.get(i).extract().apply(row);
    }
    return out;
  }

  private void track(RecordId base, Tracker now) {
    if (now.isEmpty() && deps.isEmpty()) {
      return;
    }
    Tracker old = now.isEmpty() ? deps.remove(base) : deps.put(base, now);
    if (old != null) {
      for (RecordId r : old.ids) {
        Set<RecordId> s = readers.get(r);
        if (s != null && s.remove(base) && s.isEmpty()) {
          readers.remove(r);
        }
      }
      for (String t : old.tables) {
        Set<RecordId> s = tableReaders.get(t);
        if (s != null && s.remove(base) && s.isEmpty()) {
          tableReaders.remove(t);
        }
      }
    }
    for (RecordId r : now.ids) {
      readers.computeIfAbsent(r, k -> new HashSet<>()).add(base);
      onTableRead.accept(r.table(), this);
    }
    for (String t : now.tables) {
      tableReaders.computeIfAbsent(t, k -> new HashSet<>()).add(base);
      onTableRead.accept(t, this);
    }
  }

  /** {@link Reads} over the store that remembers what it read. */
  private static final class Tracker implements Reads {
    private final TableStore store;
    Set<RecordId> ids = Set.of();
    Set<String> tables = Set.of();

    Tracker(TableStore store) {
      this.store = store;
    }

    @Override
    public Value get(RecordId id) {
      if (ids.isEmpty()) {
        ids = new HashSet<>();
      }
      ids.add(id);
      return store.get(id);
    }

    @Override
    public NavigableMap<RecordId, Value> scan(String table) {
      if (tables.isEmpty()) {
        tables = new HashSet<>();
      }
      tables.add(table);
      return store.table(table);
    }

    boolean isEmpty() {
      return ids.isEmpty() && tables.isEmpty();
    }
  }
}
