package io.spooky.ivm;

import io.spooky.core.value.DecimalValue;
import io.spooky.core.value.FloatValue;
import io.spooky.core.value.IntValue;
import io.spooky.core.value.RecordId;
import io.spooky.core.value.Value;
import io.spooky.ivm.plan.Conjunct;
import io.spooky.ivm.plan.ViewPlan;
import io.spooky.ivm.store.Reads;
import io.spooky.ivm.store.TableStore;
import io.spooky.query.eval.QueryEvaluationException;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.NavigableMap;
import java.util.Set;
import java.util.function.BiConsumer;

/**
 * The filter and projection stage shared by every view computation with the same table, WHERE and
 * SELECT (and parameters), whatever their ORDER BY, START and LIMIT: it evaluates each changed
 * source record once and hands the new row to each consumer.
 *
 * <p>It also owns the dependency index of rows that read other records (record links, subqueries):
 * base id → the ids and tables its last evaluation read, and the reverse maps used to find the rows
 * a change to another record invalidates.
 *
 * <p>Invariant between batches: {@link #rows} holds exactly the source records (the table's, or the
 * listed ones of {@code FROM a:1, b:2}) whose WHERE holds, each with its row as evaluated against
 * the current store. Not thread-safe.
 */
final class RowSource {
  final ViewPlan plan;
  final List<ViewInstance> consumers = new ArrayList<>(1);

  /** Current rows (non-null), by source record id. */
  final Map<RecordId, Value> rows = new HashMap<>();

  /** Source records whose evaluation currently fails, with the evaluator's message. */
  final Map<RecordId, String> failing = new HashMap<>();

  private final BiConsumer<String, RowSource> onTableRead;
  private final Map<RecordId, RowReads> deps = new HashMap<>();
  private final Map<RecordId, Set<RecordId>> readers = new HashMap<>();
  private final Map<String, Set<RecordId>> tableReaders = new HashMap<>();

  /** Row evaluations performed; package-private so routing tests can count work. */
  long evaluations;

  /** What one row's evaluation read: record ids and whole tables. */
  record RowReads(Set<RecordId> ids, Set<String> tables) {
    boolean isEmpty() {
      return ids.isEmpty() && tables.isEmpty();
    }
  }

  /** The listed records of a {@code FROM a:1, b:2} plan; null for a table plan. */
  private final Set<RecordId> listed;

  RowSource(ViewPlan plan, BiConsumer<String, RowSource> onTableRead) {
    this.plan = plan;
    this.onTableRead = onTableRead;
    this.listed = plan.records() == null ? null : Set.copyOf(plan.records());
  }

  /** Evaluates every source record (no consumer is attached yet). */
  void initialize(TableStore store) {
    if (listed != null) {
      for (RecordId id : plan.records()) {
        evaluate(id, store.get(id), store);
      }
      return;
    }
    List<RecordId> candidates = candidates(store);
    if (candidates != null) {
      for (RecordId id : candidates) {
        evaluate(id, store.get(id), store);
      }
      return;
    }
    for (var e : store.table(plan.table()).entrySet()) {
      evaluate(e.getKey(), e.getValue(), store);
    }
  }

  /**
   * The only records of the table that can be rows, found through the store's field indexes from
   * the WHERE's necessary conditions — the records whose field equals an equality conjunct's
   * constant, or (when fewer) whose field lies in a numeric range conjunct {@code lo <= f <= hi}
   * (only a number lies between two numbers in SurrealDB's order) — or null for a full scan.
   * Routing sends this source no change to any other record either, so skipping them loses nothing.
   */
  private List<RecordId> candidates(TableStore store) {
    List<RecordId> out = null;
    for (Conjunct c : plan.conjuncts()) {
      if (c.op() == Conjunct.Op.EQ) {
        out = store.lookup(plan.table(), c.field(), c.constant());
        break;
      }
    }
    for (Conjunct lo : plan.conjuncts()) {
      if ((lo.op() == Conjunct.Op.GE || lo.op() == Conjunct.Op.GT) && isNumber(lo.constant())) {
        for (Conjunct hi : plan.conjuncts()) {
          if ((hi.op() == Conjunct.Op.LE || hi.op() == Conjunct.Op.LT)
              && hi.field().equals(lo.field())
              && isNumber(hi.constant())) {
            List<RecordId> range =
                store.lookupRange(
                    plan.table(),
                    lo.field(),
                    lo.constant(),
                    hi.constant(),
                    out == null ? Integer.MAX_VALUE : out.size());
            return range == null ? out : range;
          }
        }
      }
    }
    return out;
  }

  private static boolean isNumber(Value v) {
    return v instanceof IntValue || v instanceof FloatValue || v instanceof DecimalValue;
  }

  /** True when record {@code id} is one of the view's own source records. */
  boolean isSource(RecordId id) {
    return listed == null ? id.table().equals(plan.table()) : listed.contains(id);
  }

  /** Restores rows and dependencies saved by a snapshot, without evaluating anything. */
  void restore(List<Map.Entry<RecordId, Value>> saved, Map<RecordId, RowReads> savedDeps) {
    for (Map.Entry<RecordId, Value> e : saved) {
      rows.put(e.getKey(), e.getValue());
    }
    savedDeps.forEach(this::track);
  }

  /** Dependencies of rows that read other records, for snapshots. */
  Map<RecordId, RowReads> deps() {
    return Map.copyOf(deps);
  }

  /**
   * Brings the rows that depend on record {@code id} up to date with the store: the record itself
   * when it belongs to the source table, and every row whose evaluation read it.
   */
  void onChange(RecordId id, TableStore store) {
    boolean own = isSource(id);
    if (own) {
      evaluate(id, store.get(id), store);
    }
    Set<RecordId> byId = readers.get(id);
    Set<RecordId> byTable = tableReaders.get(id.table());
    if (byId == null && byTable == null) {
      return;
    }
    Set<RecordId> affected = new HashSet<>();
    if (byId != null) {
      affected.addAll(byId);
    }
    if (byTable != null) {
      affected.addAll(byTable);
    }
    for (RecordId base : affected) {
      if (!(own && base.equals(id))) {
        evaluate(base, store.get(base), store);
      }
    }
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
    if (!reads.isEmpty() || !deps.isEmpty()) {
      track(id, new RowReads(reads.ids, reads.tables));
    }
    Value old = row == null ? rows.remove(id) : rows.put(id, row);
    if (old == null ? row == null : old.equals(row)) {
      return;
    }
    for (ViewInstance c : consumers) {
      c.accept(id, row);
    }
  }

  private void track(RecordId base, RowReads now) {
    RowReads old = now.isEmpty() ? deps.remove(base) : deps.put(base, now);
    if (old != null) {
      for (RecordId r : old.ids()) {
        Set<RecordId> s = readers.get(r);
        if (s != null && s.remove(base) && s.isEmpty()) {
          readers.remove(r);
        }
      }
      for (String t : old.tables()) {
        Set<RecordId> s = tableReaders.get(t);
        if (s != null && s.remove(base) && s.isEmpty()) {
          tableReaders.remove(t);
        }
      }
    }
    for (RecordId r : now.ids()) {
      readers.computeIfAbsent(r, k -> new HashSet<>()).add(base);
      onTableRead.accept(r.table(), this);
    }
    for (String t : now.tables()) {
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
