package io.spooky.ivm;

import io.spooky.core.digest.Digest;
import io.spooky.core.value.ObjectValue;
import io.spooky.core.value.RecordId;
import io.spooky.core.value.Value;
import io.spooky.ivm.merkle.MerkleTree;
import io.spooky.ivm.plan.PlanCompiler;
import io.spooky.ivm.plan.UnsupportedViewException;
import io.spooky.ivm.plan.ViewPlan;
import io.spooky.ivm.routing.RoutingIndex;
import io.spooky.ivm.store.TableStore;
import io.spooky.ivm.topk.OrderedWindow;
import io.spooky.query.ast.SelectStatement;
import io.spooky.query.parse.SurqlParser;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * The live query engine: holds a copy of the source tables and a set of registered views, and turns
 * each batch of record changes into per-view deltas.
 *
 * <pre>{@code
 * ViewRegistry views = new ViewRegistry();
 * views.apply(initialLoad);                                  // creates of existing records
 * ViewSnapshot s = views.register("v1",                     // initial result + Merkle root
 *     "SELECT * FROM product WHERE category = $c ORDER BY price DESC LIMIT 10",
 *     Map.of("c", Value.of("books")));
 * for (ViewDelta d : views.apply(batch)) publish(d);         // one delta per changed view
 * byte[] saved = views.snapshotState();                      // operator state, for restarts
 * }</pre>
 *
 * <p>Views with the same statement and parameters share one computation, and computations that
 * differ only in ORDER BY, START or LIMIT share one evaluation of WHERE and SELECT. A change is
 * routed only to the views it can affect ({@link RoutingIndex}; a view {@code FROM a:1, b:2} by the
 * listed ids) and to the views whose rows read its table through record links or subqueries. After
 * {@link #apply} returns, {@link #rows} of every view equals what SurrealDB returns for the view's
 * SELECT over the same data (see {@code docs/ARCHITECTURE.md} for the documented exceptions).
 *
 * <p>Not thread-safe: one thread (the log consumer) owns a registry.
 */
public final class ViewRegistry {
  private final TableStore store = new TableStore();
  private final Map<String, ViewInstance> views = new HashMap<>();
  private final Map<String, ViewInstance> shared = new HashMap<>();
  private final Map<String, RowSource> sources = new HashMap<>();
  private final RoutingIndex<RowSource> routing = new RoutingIndex<>();
  private final Map<String, Set<RowSource>> readers = new HashMap<>();

  /** Sources of {@code FROM a:1, b:2} views, by listed record id: routed by id, not by table. */
  private final Map<RecordId, Set<RowSource>> listedBy = new HashMap<>();

  /** The SurrealQL and parameters of each shared computation registered from SurrealQL. */
  private final Map<ViewInstance, Definition> definitions = new HashMap<>();

  private record Definition(SelectStatement select, Map<String, Value> params) {}

  /**
   * Scratch collections of {@link #apply}, reused across calls (one thread owns a registry). A
   * scratch set that held more than {@link #SCRATCH_KEEP} members is replaced instead of cleared:
   * {@code HashSet.clear()} costs the set's capacity, which never shrinks, so one large batch (a
   * bulk load reaching every computation) would otherwise make every later single change pay for a
   * table sized by the number of views.
   */
  private Set<RowSource> touched = new LinkedHashSet<>();

  private final List<RowSource> targets = new ArrayList<>();
  private Set<RowSource> seen = new java.util.HashSet<>();

  private static final int SCRATCH_KEEP = 64;

  /** {@code s} cleared, or a fresh set when {@code s} grew past {@link #SCRATCH_KEEP}. */
  private static <T> Set<T> emptied(Set<T> s, java.util.function.Supplier<Set<T>> fresh) {
    if (s.size() > SCRATCH_KEEP) {
      return fresh.get();
    }
    s.clear();
    return s;
  }

  /**
   * Registers (or replaces) view {@code viewId} for a SurrealQL {@code SELECT} and returns its
   * current result.
   *
   * @throws io.spooky.query.parse.SurqlParseException when {@code surql} does not parse (with the
   *     position)
   * @throws UnsupportedViewException when the statement cannot be maintained incrementally
   */
  public ViewSnapshot register(String viewId, String surql, Map<String, Value> params) {
    return register(viewId, SurqlParser.parse(surql), params);
  }

  /** Registers (or replaces) view {@code viewId} for a parsed statement; see {@link #register}. */
  public ViewSnapshot register(String viewId, SelectStatement select, Map<String, Value> params) {
    ViewSnapshot s = register(viewId, PlanCompiler.compile(select, params));
    definitions.putIfAbsent(views.get(viewId), new Definition(select, Map.copyOf(params)));
    return s;
  }

  /**
   * Registers (or replaces) view {@code viewId} with a compiled plan and returns its current
   * result. Advanced: plans built by hand must honour {@link ViewPlan}'s contract.
   */
  public ViewSnapshot register(String viewId, ViewPlan plan) {
    unregister(viewId);
    ViewInstance instance = shared.get(plan.shareKey());
    if (instance == null) {
      RowSource source = sources.get(plan.sourceKey());
      if (source == null) {
        source = newSource(plan);
        source.initialize(store);
      }
      instance = new ViewInstance(plan, source, store);
      instance.flush();
      shared.put(plan.shareKey(), instance);
    }
    instance.viewIds.add(viewId);
    views.put(viewId, instance);
    return snapshot(viewId);
  }

  /** Removes a view; its shared computation is dropped with its last view. No-op if unknown. */
  public void unregister(String viewId) {
    ViewInstance instance = views.remove(viewId);
    if (instance == null) {
      return;
    }
    instance.viewIds.remove(viewId);
    if (instance.viewIds.isEmpty()) {
      shared.remove(instance.plan.shareKey());
      definitions.remove(instance);
      RowSource source = instance.source;
      source.consumers.remove(instance);
      if (source.consumers.isEmpty()) {
        sources.remove(source.plan.sourceKey());
        if (source.plan.records() == null) {
          routing.remove(source.plan.table(), source.plan.conjuncts(), source);
        } else {
          for (RecordId id : source.plan.records()) {
            Set<RowSource> s = listedBy.get(id);
            if (s != null && s.remove(source) && s.isEmpty()) {
              listedBy.remove(id);
            }
          }
        }
        readers.values().forEach(s -> s.remove(source));
      }
    }
  }

  /** True when {@code viewId} is registered. */
  public boolean contains(String viewId) {
    return views.containsKey(viewId);
  }

  /** Ids of the registered views. */
  public Set<String> viewIds() {
    return Set.copyOf(views.keySet());
  }

  /**
   * Applies a batch of changes in order and returns, for each view whose result changed, its delta.
   * Each change is evaluated once per shared row source it can affect; the order of the deltas is
   * unspecified.
   */
  public List<ViewDelta> apply(List<Change> changes) {
    touched = emptied(touched, LinkedHashSet::new);
    for (Change c : changes) {
      Value after = withId(c.id(), c.after());
      Value before = store.put(c.id(), after);
      targets.clear();
      seen = emptied(seen, java.util.HashSet::new);
      routing.collect(c.table(), before, after, targets);
      if (!listedBy.isEmpty()) {
        Set<RowSource> listing = listedBy.get(c.id());
        if (listing != null) {
          targets.addAll(listing);
        }
      }
      Set<RowSource> byReads = readers.get(c.table());
      if (byReads != null) {
        targets.addAll(byReads);
      }
      for (RowSource v : targets) {
        if (seen.add(v)) {
          v.onChange(c.id(), store);
          touched.add(v);
        }
      }
    }
    List<ViewDelta> out = new ArrayList<>(touched.size());
    for (RowSource source : touched) {
      for (ViewInstance v : source.consumers) {
        delta(v, out);
      }
    }
    return out;
  }

  /** Flushes one computation and adds a delta per view when its result changed. */
  private static void delta(ViewInstance v, List<ViewDelta> out) {
    OrderedWindow.Diff diff = v.flush();
    if (diff.isEmpty()) {
      return;
    }
    List<ViewDelta.Row> added = List.copyOf(placed(v, diff.added()));
    List<ViewDelta.Row> updated = List.copyOf(placed(v, diff.updated()));
    List<ViewDelta.Row> moved = List.copyOf(placed(v, diff.moved()));
    List<RecordId> removed = new ArrayList<>(diff.removed().size());
    for (Value key : diff.removed()) {
      removed.add(ViewInstance.memberId(new OrderedWindow.Row(key, null, null)));
    }
    removed = List.copyOf(removed);
    Digest root = v.tree().root();
    for (String id : v.viewIds) {
      out.add(new ViewDelta(id, added, removed, updated, moved, root));
    }
  }

  /** The current result of a view, exactly as SurrealDB returns it for the view's SELECT. */
  public List<Value> rows(String viewId) {
    ViewInstance v = instance(viewId);
    List<OrderedWindow.Row> rows = v.rows();
    List<Value> out = new ArrayList<>(rows.size());
    for (OrderedWindow.Row r : rows) {
      out.add(v.output(r));
    }
    return out;
  }

  /** The current result of a view with ids, versions and Merkle root. */
  public ViewSnapshot snapshot(String viewId) {
    ViewInstance v = instance(viewId);
    List<OrderedWindow.Row> rows = v.rows();
    List<ViewDelta.Row> out = new ArrayList<>(rows.size());
    for (int i = 0; i < rows.size(); i++) {
      MerkleTree.Member m = v.member(rows.get(i).key());
      out.add(new ViewDelta.Row(i, m.id(), v.output(rows.get(i)), m.version()));
    }
    return new ViewSnapshot(viewId, out, v.tree().root());
  }

  /**
   * Source records whose evaluation fails at run time for this view (for example arithmetic on a
   * string), with the evaluator's message. SurrealDB fails the whole SELECT in that case; the view
   * leaves those records out and keeps the others current, so a caller that needs SurrealDB's
   * all-or-nothing behaviour treats a non-empty map as the view's error. Empty for a healthy view.
   */
  public Map<RecordId, String> failures(String viewId) {
    return Map.copyOf(instance(viewId).source.failing);
  }

  /**
   * The Merkle tree of a view, for serving {@code children}/{@code members} to clients that descend
   * into differing buckets. Read it only between batches; do not modify it.
   */
  public MerkleTree tree(String viewId) {
    return instance(viewId).tree();
  }

  /**
   * Serializes the source tables and every view with its operator state (format in {@link
   * RegistrySnapshot}); {@link #restore} brings it back without re-evaluating rows.
   *
   * @throws UnsupportedViewException if a view was registered with a hand-built plan, which has no
   *     SurrealQL to store
   */
  public byte[] snapshotState() {
    Map<RecordId, Value> records = new java.util.LinkedHashMap<>();
    for (String t : store.tableNames()) {
      records.putAll(store.table(t));
    }
    List<RegistrySnapshot.Instance> instances = new ArrayList<>();
    for (ViewInstance v : shared.values()) {
      Definition d = definitions.get(v);
      if (d == null) {
        throw new UnsupportedViewException(
            "views " + v.viewIds + " were registered with a hand-built plan and cannot be saved");
      }
      instances.add(
          new RegistrySnapshot.Instance(
              d.select().toString(),
              d.params(),
              List.copyOf(v.viewIds),
              List.copyOf(v.source.rows.entrySet()),
              v.source.deps()));
    }
    return RegistrySnapshot.write(records, instances);
  }

  /** A registry equal to the one {@link #snapshotState} saved: same tables, views and state. */
  public static ViewRegistry restore(byte[] snapshot) throws CorruptSnapshotException {
    RegistrySnapshot.Contents c = RegistrySnapshot.read(snapshot);
    ViewRegistry reg = new ViewRegistry();
    for (Value record : c.records()) {
      if (!(record instanceof ObjectValue o && o.get("id") instanceof RecordId id)) {
        throw new CorruptSnapshotException("a stored record has no record id: " + record);
      }
      reg.store.put(id, record);
    }
    for (RegistrySnapshot.Instance i : c.instances()) {
      SelectStatement select;
      try {
        select = SurqlParser.parse(i.surql());
      } catch (RuntimeException e) {
        throw new CorruptSnapshotException("stored view does not parse: " + i.surql(), e);
      }
      ViewPlan plan = PlanCompiler.compile(select, i.params());
      RowSource source = reg.sources.get(plan.sourceKey());
      if (source == null) {
        source = reg.newSource(plan);
        source.restore(i.rows(), i.deps());
      }
      ViewInstance instance = new ViewInstance(plan, source, reg.store);
      instance.flush();
      reg.shared.put(plan.shareKey(), instance);
      reg.definitions.put(instance, new Definition(select, i.params()));
      for (String viewId : i.viewIds()) {
        instance.viewIds.add(viewId);
        reg.views.put(viewId, instance);
      }
    }
    return reg;
  }

  private RowSource newSource(ViewPlan plan) {
    RowSource source =
        new RowSource(
            plan, (table, v) -> readers.computeIfAbsent(table, t -> new LinkedHashSet<>()).add(v));
    sources.put(plan.sourceKey(), source);
    if (plan.records() == null) {
      routing.add(plan.table(), plan.conjuncts(), source);
    } else {
      for (RecordId id : plan.records()) {
        listedBy.computeIfAbsent(id, k -> new LinkedHashSet<>()).add(source);
      }
    }
    return source;
  }

  /** Total row evaluations so far, over all views; for tests of routing. */
  long evaluations() {
    long n = 0;
    for (RowSource s : sources.values()) {
      n += s.evaluations;
    }
    return n;
  }

  /** Row evaluations of the computation behind one view; for tests of routing. */
  long evaluations(String viewId) {
    return instance(viewId).source.evaluations;
  }

  private ViewInstance instance(String viewId) {
    ViewInstance v = views.get(viewId);
    if (v == null) {
      throw new UnknownViewException(viewId);
    }
    return v;
  }

  private static List<ViewDelta.Row> placed(ViewInstance v, List<OrderedWindow.Placed> rows) {
    List<ViewDelta.Row> out = new ArrayList<>(rows.size());
    for (OrderedWindow.Placed p : rows) {
      MerkleTree.Member m = v.member(p.row().key());
      out.add(new ViewDelta.Row(p.index(), m.id(), v.output(p.row()), m.version()));
    }
    return out;
  }

  /**
   * The stored form of a change's after-image: SurrealDB records always carry their {@code id}
   * (added when a producer left it out); anything that is not an object (NONE, NULL) means the
   * record does not exist.
   */
  private static Value withId(RecordId id, Value after) {
    if (!(after instanceof ObjectValue o)) {
      return Value.NONE;
    }
    return o.get("id") instanceof RecordId ? o : o.with("id", id);
  }
}
