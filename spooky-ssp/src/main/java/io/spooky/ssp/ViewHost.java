package io.spooky.ssp;

import io.spooky.core.digest.Digest;
import io.spooky.core.value.ArrayValue;
import io.spooky.core.value.ObjectValue;
import io.spooky.core.value.RecordId;
import io.spooky.core.value.StringValue;
import io.spooky.core.value.Value;
import io.spooky.core.value.Values;
import io.spooky.ivm.Change;
import io.spooky.ivm.UnknownViewException;
import io.spooky.ivm.ViewDelta;
import io.spooky.ivm.ViewRegistry;
import io.spooky.ivm.ViewSnapshot;
import io.spooky.ivm.merkle.MerkleTree;
import io.spooky.ivm.merkle.NodePath;
import io.spooky.ivm.plan.PlanCompiler;
import io.spooky.query.parse.SurqlParser;
import io.spooky.service.ConfigSource;
import io.spooky.service.Metrics;
import io.spooky.ssp.scheduler.ProxyReader;
import io.spooky.surreal.SurrealClient;
import io.spooky.surreal.capture.CaptureConfig;
import io.spooky.surreal.capture.CaptureCursor;
import io.spooky.surreal.capture.ChangeCapture;
import io.spooky.surreal.capture.ChangeEvent;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.concurrent.Callable;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Owns the view engine of one SSP and everything that must stay consistent with it.
 *
 * <p>One engine thread runs every operation on the {@link ViewRegistry} and the view metadata
 * (registration, change batches, ingest, expiry, stream snapshots), so deltas, seqs and snapshots
 * are totally ordered. After each applied batch the engine writes back, in one SurrealDB
 * transaction, the changed {@code _spooky_list_ref} rows, the changed {@code _spooky_merkle} nodes
 * and the capture cursor; writes that fail stay pending and go out with the next batch (the capture
 * re-offers a batch whose consumer threw, and re-applying it is harmless because the engine applies
 * "the record is now {@code after}").
 *
 * <p>Bootstrap order (why: no change may fall between the snapshot and the feed): define the {@code
 * _spooky_*} tables, read the stored cursor, start the capture (which defines the change feeds)
 * with its consumer held back, load the watched tables page by page, restore views from {@code
 * _spooky_query}, then release the consumer, which replays everything after the cursor.
 */
final class ViewHost implements AutoCloseable {
  private static final Logger log = LoggerFactory.getLogger(ViewHost.class);
  static final String QUERY_TABLE = "_spooky_query";
  static final String LIST_REF_TABLE = "_spooky_list_ref";
  static final String MERKLE_TABLE = "_spooky_merkle";
  static final String STATE_TABLE = "_spooky_state";

  /**
   * Bulk upserts: one INSERT per table is much faster than an UPSERT per row (a 10,000-row FOR loop
   * timed out at 30 s on the dev SurrealDB). A duplicate gets every field of the row, not only the
   * changing ones, because SurrealDB 3 treats a row deleted earlier in the same transaction as a
   * duplicate of an empty record.
   */
  private static final String UPSERT_REFS =
      "INSERT INTO _spooky_list_ref $rows ON DUPLICATE KEY UPDATE version = $input.version,"
          + " client_id = $input.client_id, view_id = $input.view_id, in = $input.in;\n";

  private static final String UPSERT_NODES =
      "INSERT INTO _spooky_merkle $nodes ON DUPLICATE KEY UPDATE hash = $input.hash,"
          + " client_id = $input.client_id, view_id = $input.view_id, node = $input.node;\n";

  private static final RecordId CURSOR_ID = RecordId.of(STATE_TABLE, "cursor");

  /** Record keys {@link #keysetBound} accepts: what SurrealDB renders without quoting. */
  private static final java.util.regex.Pattern PLAIN_KEY =
      java.util.regex.Pattern.compile("[A-Za-z0-9_]{1,18}");

  /** Lifecycle as {@code GET /health} reports it. */
  enum Status {
    BOOTSTRAPPING,
    OK,
    FAILED
  }

  /** What the engine knows about one registered view. Mutated on the engine thread only. */
  static final class ViewMeta {
    final String id;
    final String surql;
    final ObjectValue params;
    final Value clientId;
    final Duration ttl;
    volatile long lastSeenNanos;
    volatile long seq;
    volatile Digest root;

    ViewMeta(String id, String surql, ObjectValue params, Value clientId, Duration ttl) {
      this.id = id;
      this.surql = surql;
      this.params = params;
      this.clientId = clientId;
      this.ttl = ttl;
      this.lastSeenNanos = System.nanoTime();
    }
  }

  /** Receives a view's deltas and snapshots, called on the engine thread. */
  interface Subscriber {
    void snapshot(ViewMeta view, List<Value> rows);

    void delta(ViewMeta view, ViewDelta delta);

    /** The view was unregistered or expired. */
    void closed(String viewId);
  }

  private final SurrealClient db;
  private final SspConfig config;
  private final ExecutorService engine =
      Executors.newSingleThreadExecutor(r -> Thread.ofPlatform().name("ssp-engine").unstarted(r));

  /** Replaced by a scheduler re-bootstrap; engine thread only. */
  private ViewRegistry registry = new ViewRegistry();

  private final Map<String, ViewMeta> views = new ConcurrentHashMap<>();
  private final Map<String, List<Subscriber>> subscribers = new ConcurrentHashMap<>();
  private final Set<String> tables = ConcurrentHashMap.newKeySet();
  private final Map<String, Map<RecordId, Value>> pendingRefs = new LinkedHashMap<>();
  private final Map<String, Set<NodePath>> pendingNodes = new LinkedHashMap<>();
  private final CountDownLatch ready = new CountDownLatch(1);
  private final long startedNanos = System.nanoTime();
  private final Metrics.Counter eventsApplied;
  private final Metrics.Counter batches;
  private final Metrics.Histogram batchLatency;
  private volatile Status status = Status.BOOTSTRAPPING;
  private volatile String failure = "";
  private volatile CaptureCursor cursor = CaptureCursor.empty();
  private volatile double lagSeconds;
  private volatile ChangeCapture capture;
  private volatile boolean closing;
  private final Object watchLock = new Object();

  /** Scheduler mode: where tables are loaded from; null in capture mode. */
  private volatile ProxyReader proxy;

  /** Scheduler mode: the highest scheduler seq applied (docs/PROTOCOL.md 9.1). Engine thread. */
  private long appliedSeq;

  ViewHost(SurrealClient db, SspConfig config, Metrics metrics) {
    this.db = db;
    this.config = config;
    this.eventsApplied = metrics.counter("ssp_events_applied_total", "Change events applied.");
    this.batches = metrics.counter("ssp_batches_total", "Change batches applied.");
    this.batchLatency =
        metrics.histogram(
            "ssp_batch_seconds",
            "Time to apply one batch, publish its deltas and write it back.",
            0.001,
            0.0025,
            0.005,
            0.01,
            0.025,
            0.05,
            0.1,
            0.25,
            0.5,
            1,
            2.5);
    metrics.gauge("ssp_views", "Registered views.", views::size);
    metrics.gauge(
        "ssp_capture_lag_seconds",
        "Commit-to-apply delay of the last applied change.",
        () -> lagSeconds);
  }

  Status status() {
    return status;
  }

  String failure() {
    return failure;
  }

  CaptureCursor cursor() {
    return cursor;
  }

  Set<String> tables() {
    return Set.copyOf(tables);
  }

  int viewCount() {
    return views.size();
  }

  Duration uptime() {
    return Duration.ofNanos(System.nanoTime() - startedNanos);
  }

  ViewMeta meta(String viewId) {
    return views.get(viewId);
  }

  /** Runs {@code task} on the engine thread and waits for it; unwraps its exception. */
  <T> T onEngine(Callable<T> task) {
    try {
      return engine.submit(task).get();
    } catch (ExecutionException e) {
      if (e.getCause() instanceof RuntimeException r) {
        throw r;
      }
      throw new IllegalStateException(e.getCause());
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException("interrupted", e);
    }
  }

  // ------------------------------------------------------------------ bootstrap

  /** Runs the bootstrap; on failure the status becomes FAILED with the reason. */
  void bootstrap() {
    try {
      defineTables();
      Value stored = db.queryValue("SELECT VALUE cursor FROM ONLY $id", Map.of("id", CURSOR_ID));
      CaptureCursor from =
          stored instanceof StringValue s ? CaptureCursor.decode(s.value()) : CaptureCursor.empty();
      cursor = from;
      tables.addAll(config.tables().isEmpty() ? discoverTables() : config.tables());
      // Tables followed at run time because a view selects from them are followed again.
      if (db.queryValue("SELECT * FROM _spooky_query", Map.of()) instanceof ArrayValue queries) {
        for (Value v : queries.items()) {
          if (v instanceof ObjectValue o) {
            for (String t : viewTables(o)) {
              if (!t.startsWith("_spooky_") && RecordIds.isTableName(t)) {
                tables.add(t);
              }
            }
          }
        }
      }
      Set<String> watched = new LinkedHashSet<>(tables);
      watched.add(QUERY_TABLE);
      log.info("event=bootstrap_start tables={} cursor={}", tables, from.encode());
      capture = startCapture(watched, from, ready);
      for (String t : tables) {
        loadTable(t);
      }
      onEngine(
          () -> {
            restoreViews();
            return null;
          });
      status = Status.OK;
      ready.countDown();
      log.info("event=bootstrap_done views={} tables={}", views.size(), tables.size());
    } catch (RuntimeException e) {
      failure = e.getMessage() == null ? e.getClass().getSimpleName() : e.getMessage();
      status = Status.FAILED;
      log.error("event=bootstrap_failed reason=\"{}\"", failure, e);
    }
  }

  /** Scheduler mode: reports {@code bootstrapping} until the next bootstrap completes. */
  void markBootstrapping() {
    status = Status.BOOTSTRAPPING;
  }

  /**
   * Scheduler mode bootstrap ({@link io.spooky.ssp.scheduler.LocalSsp#bootstrap}): drops every view
   * and table row, loads the watched tables ({@code SSP_TABLES}, else the tables SurrealDB lists,
   * plus the tables views were registered on) through the scheduler's proxy, and accepts scheduler
   * events above {@code snapshotSeq}. No change capture runs.
   *
   * <p>Views are dropped in memory only (their streams are closed, their rows in SurrealDB stay):
   * by the time an SSP registers again the scheduler may have moved them to another SSP, which owns
   * those rows now, and it sends back the views that stay here (docs/PROTOCOL.md 9.5). Kept, they
   * would live on two SSPs, conflict in the write-back, and their expiry here would delete the rows
   * of the copy that moved.
   */
  void bootstrapThroughScheduler(ProxyReader source, long snapshotSeq) {
    status = Status.BOOTSTRAPPING;
    try {
      defineTables();
      if (tables.isEmpty()) {
        tables.addAll(config.tables().isEmpty() ? discoverTables() : config.tables());
      }
      onEngine(
          () -> {
            proxy = source;
            registry = new ViewRegistry();
            appliedSeq = snapshotSeq;
            dropViews();
            for (String t : tables) {
              loadThroughScheduler(source, t, snapshotSeq);
            }
            return null;
          });
      status = Status.OK;
      log.info(
          "event=bootstrap_done mode=scheduler views={} tables={} snapshot_seq={}",
          views.size(),
          tables.size(),
          snapshotSeq);
    } catch (RuntimeException e) {
      failure = e.getMessage() == null ? e.getClass().getSimpleName() : e.getMessage();
      status = Status.FAILED;
      throw e;
    }
  }

  /**
   * Loads {@code table} page by page through the proxy (engine thread). Pages read below {@code
   * minSeq} are read again: rows older than events already applied would undo them, whereas rows
   * newer than the applied seq are overwritten in order by the events still to come.
   *
   * <p>Pages go by id ({@code WHERE id > last ORDER BY id LIMIT k}), which the scheduler answers
   * with a range scan from {@code last}, so each page costs {@code k} records whatever its
   * position; {@code START n} would cost {@code n + k} and a whole bootstrap grow with the square
   * of the table (docs/BENCHMARKS.md). A page whose last id has a key that may not read back as the
   * same id (see {@link #keysetBound}) is followed by one page by {@code START}, which is
   * equivalent since both read the table in id order.
   */
  private void loadThroughScheduler(ProxyReader source, String table, long minSeq) {
    long loaded = 0;
    String after = null;
    while (true) {
      String surql =
          after == null
              ? "SELECT * FROM "
                  + table
                  + " ORDER BY id LIMIT "
                  + config.pageSize()
                  + " START "
                  + loaded
              : "SELECT * FROM "
                  + table
                  + " WHERE id > "
                  + after
                  + " ORDER BY id LIMIT "
                  + config.pageSize();
      ProxyReader.Page page = source.query(surql);
      if (page.seq() < minSeq) {
        try {
          Thread.sleep(20);
        } catch (InterruptedException e) {
          Thread.currentThread().interrupt();
          throw new IllegalStateException("interrupted", e);
        }
        continue;
      }
      List<Change> changes = new ArrayList<>(page.rows().size());
      String lastId = null;
      for (Value row : page.rows()) {
        if (row instanceof ObjectValue o && o.get("id") instanceof StringValue idText) {
          RecordId id = RecordIds.parse(idText.value());
          java.util.TreeMap<String, Value> f = new java.util.TreeMap<>(o.fields());
          f.put("id", id);
          changes.add(Change.create(id, new ObjectValue(f)));
          lastId = idText.value();
        }
      }
      registry.apply(changes);
      loaded += changes.size();
      if (page.rows().size() < config.pageSize()) {
        log.info("event=table_loaded table={} rows={} seq={}", table, loaded, page.seq());
        return;
      }
      after = keysetBound(table, lastId);
    }
  }

  /**
   * {@code idText} as the bound of the next page by id, or null when it cannot be one: it must be a
   * record id of {@code table} whose key is a non-negative integer or a plain identifier, and
   * render back to exactly the same text, so the proxy reads the very id the SSP saw (ids with
   * quoted, uuid, array or object keys come as text this SSP cannot map back losslessly).
   */
  static String keysetBound(String table, String idText) {
    if (idText == null || !idText.startsWith(table + ":")) {
      return null;
    }
    if (!PLAIN_KEY.matcher(idText.substring(table.length() + 1)).matches()) {
      return null;
    }
    RecordId id = RecordIds.parse(idText);
    return io.spooky.core.value.SurrealQl.recordId(id).equals(idText) ? idText : null;
  }

  /** Forgets every view without touching SurrealDB and closes their streams (engine thread). */
  private void dropViews() {
    int dropped = views.size();
    for (String id : List.copyOf(views.keySet())) {
      views.remove(id);
      for (Subscriber s : subscribers.getOrDefault(id, List.of())) {
        s.closed(id);
      }
    }
    pendingRefs.clear();
    pendingNodes.clear();
    if (dropped > 0) {
      log.info("event=views_dropped reason=rebootstrap views={}", dropped);
    }
  }

  /**
   * Applies scheduler events in seq order (engine thread), skipping those at or below the highest
   * applied seq, and writes back. Returns how many were applied.
   */
  int applyScheduled(List<IngestEvents.Sequenced> events) {
    List<Change> changes = new ArrayList<>(events.size());
    long last = appliedSeq;
    for (IngestEvents.Sequenced e : events) {
      if (e.seq() <= last) {
        continue;
      }
      last = e.seq();
      if (e.change() != null) {
        changes.add(e.change());
      }
    }
    applyIngested(changes);
    int applied = (int) (last - appliedSeq);
    appliedSeq = last;
    return applied;
  }

  private ChangeCapture startCapture(Set<String> watched, CaptureCursor from, CountDownLatch gate) {
    return ChangeCapture.start(
        db,
        CaptureConfig.of(watched).withSettle(config.settle()),
        from,
        (events, after) -> {
          gate.await();
          if (closing) {
            throw new IllegalStateException("shutting down");
          }
          onEngine(
              () -> {
                applyCaptured(events, after);
                return null;
              });
        });
  }

  /**
   * Starts following and loads {@code table} if it is not watched yet (a view registered on a table
   * created after start-up). The capture is restarted from its cursor with the table added; its
   * consumer is held until the table is loaded, so no change falls between snapshot and feed. Must
   * not be called on the engine thread.
   */
  void ensureWatched(String table) {
    if (tables.contains(table)
        || status != Status.OK
        || table.startsWith("_spooky_")
        || !RecordIds.isTableName(table)) {
      return;
    }
    if (proxy != null) {
      onEngine(
          () -> {
            if (!tables.contains(table)) {
              loadThroughScheduler(proxy, table, appliedSeq);
              tables.add(table);
            }
            return null;
          });
      return;
    }
    synchronized (watchLock) {
      if (tables.contains(table)) {
        return;
      }
      ChangeCapture old = capture;
      old.close();
      Set<String> watched = new LinkedHashSet<>(tables);
      watched.add(table);
      watched.add(QUERY_TABLE);
      CountDownLatch gate = new CountDownLatch(1);
      capture = startCapture(watched, old.cursor(), gate);
      try {
        loadTable(table);
        tables.add(table);
      } finally {
        gate.countDown();
      }
      log.info("event=table_watched table={}", table);
    }
  }

  private void defineTables() {
    db.queryValue(
        """
        DEFINE TABLE IF NOT EXISTS _spooky_query SCHEMALESS
          PERMISSIONS FOR select, create WHERE client_id = $auth.id FOR update, delete NONE;
        DEFINE TABLE IF NOT EXISTS _spooky_list_ref SCHEMALESS
          PERMISSIONS FOR select WHERE client_id = $auth.id FOR create, update, delete NONE;
        DEFINE TABLE IF NOT EXISTS _spooky_merkle SCHEMALESS
          PERMISSIONS FOR select WHERE client_id = $auth.id FOR create, update, delete NONE;
        DEFINE TABLE IF NOT EXISTS _spooky_state SCHEMALESS PERMISSIONS NONE;
        DEFINE INDEX IF NOT EXISTS _spooky_list_ref_view ON _spooky_list_ref FIELDS view_id;
        DEFINE INDEX IF NOT EXISTS _spooky_merkle_view ON _spooky_merkle FIELDS view_id;
        """,
        Map.of());
  }

  private Set<String> discoverTables() {
    Value info = db.queryValue("INFO FOR DB", Map.of());
    Set<String> out = new LinkedHashSet<>();
    if (info instanceof ObjectValue o && o.get("tables") instanceof ObjectValue t) {
      for (String name : t.fields().keySet()) {
        if (!name.startsWith("_spooky_") && RecordIds.isTableName(name)) {
          out.add(name);
        }
      }
    }
    return out;
  }

  private void loadTable(String table) {
    if (!RecordIds.isTableName(table)) {
      throw new IllegalArgumentException("invalid table name: " + table);
    }
    long loaded = 0;
    while (true) {
      Value page =
          db.queryValue(
              "SELECT * FROM " + table + " ORDER BY id LIMIT $n START $s",
              Map.of("n", config.pageSize(), "s", loaded));
      List<Value> rows = page instanceof ArrayValue a ? a.items() : List.of();
      List<Change> changes = new ArrayList<>(rows.size());
      for (Value row : rows) {
        if (row instanceof ObjectValue o && o.get("id") instanceof RecordId id) {
          changes.add(Change.create(id, o));
        }
      }
      onEngine(() -> registry.apply(changes));
      loaded += rows.size();
      log.info("event=table_load_progress table={} loaded={}", table, loaded);
      if (rows.size() < config.pageSize()) {
        return;
      }
    }
  }

  /**
   * Registers every {@code _spooky_query} record (engine thread, at bootstrap). A view whose stored
   * root equals the root just computed keeps its stored rows: a root is written only with the
   * complete rows under it, so equal roots mean there is nothing to rewrite.
   */
  private void restoreViews() {
    Value all = db.queryValue("SELECT * FROM _spooky_query", Map.of());
    if (!(all instanceof ArrayValue a)) {
      return;
    }
    // The stored roots, fetched by record id (one page of ids per request), not by a scan of
    // every Merkle node of every view.
    List<Value> rootIds = new ArrayList<>();
    for (Value v : a.items()) {
      if (v instanceof ObjectValue o
          && o.get("id") instanceof RecordId rid
          && rid.key() instanceof StringValue key) {
        rootIds.add(merkleId(key.value(), NodePath.ROOT));
      }
    }
    Map<String, String> roots = new HashMap<>();
    for (int from = 0; from < rootIds.size(); from += config.pageSize()) {
      List<Value> page = rootIds.subList(from, Math.min(rootIds.size(), from + config.pageSize()));
      Value stored =
          db.queryValue("SELECT VALUE [view_id, hash] FROM $ids", Map.of("ids", Value.array(page)));
      if (stored instanceof ArrayValue pairs) {
        for (Value p : pairs.items()) {
          if (p instanceof ArrayValue pair
              && pair.size() == 2
              && pair.get(0) instanceof StringValue view
              && pair.get(1) instanceof StringValue hash) {
            roots.put(view.value(), hash.value());
          }
        }
      }
    }
    int kept = 0;
    for (Value v : a.items()) {
      if (v instanceof ObjectValue o) {
        kept += registerFromRecord(o, roots) ? 1 : 0;
      }
    }
    log.info("event=views_restored views={} unchanged={}", views.size(), kept);
  }

  // ------------------------------------------------------------------ views

  /**
   * Registers a view (engine thread). Registering the same id with the same SurrealQL and
   * parameters only renews it; a different definition replaces it.
   *
   * @param persist whether to write the definition to {@code _spooky_query}
   */
  ViewSnapshot register(
      String id, String surql, ObjectValue params, Value clientId, Duration ttl, boolean persist) {
    return register(id, surql, params, clientId, ttl, persist, null);
  }

  /**
   * {@link #register}, skipping the write-back of a new view when {@code storedRoot} (the hex root
   * found in {@code _spooky_merkle}, or null) equals the computed one.
   */
  private ViewSnapshot register(
      String id,
      String surql,
      ObjectValue params,
      Value clientId,
      Duration ttl,
      boolean persist,
      String storedRoot) {
    ViewMeta existing = views.get(id);
    if (existing != null && existing.surql.equals(surql) && Values.equal(existing.params, params)) {
      existing.lastSeenNanos = System.nanoTime();
      return registry.snapshot(id);
    }
    ViewSnapshot snapshot = registry.register(id, surql, params.fields());
    ViewMeta meta = new ViewMeta(id, surql, params, clientId, ttl);
    meta.root = snapshot.root();
    meta.seq = existing == null ? 0 : existing.seq + 1;
    views.put(id, meta);
    pendingRefs.remove(id);
    pendingNodes.remove(id);
    boolean unchanged = existing == null && !persist && snapshot.root().hex().equals(storedRoot);
    try {
      if (!unchanged) {
        writeFullView(meta, snapshot, persist);
      }
    } catch (RuntimeException e) {
      rollBack(id, existing, e);
      throw new WriteBackException(id, e);
    }
    for (Subscriber s : subscribers.getOrDefault(id, List.of())) {
      s.snapshot(meta, registry.rows(id));
    }
    log.info(
        "event=view_registered view={} rows={} root={}",
        id,
        snapshot.rows().size(),
        snapshot.root().hex());
    return snapshot;
  }

  /**
   * Undoes a registration whose write-back failed, so that memory and SurrealDB agree on what this
   * SSP holds (engine thread): a replaced view gets its previous definition back (recomputed and
   * written again); a new view, or one whose previous definition cannot be written either, is
   * removed, and its partly written rows and its {@code _spooky_query} record are deleted where
   * SurrealDB allows, so a restart does not bring it back.
   */
  private void rollBack(String id, ViewMeta previous, RuntimeException cause) {
    views.remove(id);
    registry.unregister(id);
    pendingRefs.remove(id);
    pendingNodes.remove(id);
    if (previous != null) {
      try {
        ViewSnapshot restored = registry.register(id, previous.surql, previous.params.fields());
        previous.root = restored.root();
        views.put(id, previous);
        writeFullView(previous, restored, false);
        log.warn(
            "event=view_write_failed view={} outcome=previous_definition_kept reason=\"{}\"",
            id,
            cause.getMessage());
        return;
      } catch (RuntimeException again) {
        views.remove(id);
        registry.unregister(id);
        cause.addSuppressed(again);
        for (Subscriber s : subscribers.getOrDefault(id, List.of())) {
          s.closed(id);
        }
      }
    }
    try {
      deleteStored(id);
    } catch (RuntimeException again) {
      cause.addSuppressed(again);
    }
    log.warn(
        "event=view_write_failed view={} outcome=not_registered reason=\"{}\"",
        id,
        cause.getMessage());
  }

  /**
   * A view's rows could not be written to SurrealDB, so the view is not registered (or keeps its
   * previous definition); the request may be retried.
   */
  static final class WriteBackException extends RuntimeException {
    WriteBackException(String view, RuntimeException cause) {
      super("writing view '" + view + "' to SurrealDB failed: " + cause.getMessage(), cause);
    }
  }

  private void registerFromRecord(ObjectValue o) {
    registerFromRecord(o, Map.of());
  }

  /**
   * Registers the view a {@code _spooky_query} record defines; {@code storedRoots} (view id → hex
   * root in {@code _spooky_merkle}) lets an unchanged view keep its stored rows. Returns true when
   * the view was registered without rewriting them.
   */
  private boolean registerFromRecord(ObjectValue o, Map<String, String> storedRoots) {
    if (!(o.get("id") instanceof RecordId rid) || !(rid.key() instanceof StringValue key)) {
      return false;
    }
    if (!(o.get("surql") instanceof StringValue surql)) {
      log.warn("event=view_record_invalid view={} reason=\"no surql\"", key.value());
      return false;
    }
    ObjectValue params = o.get("params") instanceof ObjectValue p ? p : ObjectValue.EMPTY;
    Duration ttl = config.defaultTtl();
    if (o.get("ttl") instanceof StringValue t) {
      try {
        ttl = ConfigSource.parseDuration(t.value());
      } catch (IllegalArgumentException e) {
        log.warn("event=view_record_invalid view={} reason=\"bad ttl\"", key.value());
      }
    }
    String storedRoot = storedRoots.get(key.value());
    try {
      ViewSnapshot s =
          register(key.value(), surql.value(), params, o.get("client_id"), ttl, false, storedRoot);
      return s.root().hex().equals(storedRoot);
    } catch (RuntimeException e) {
      log.warn("event=view_register_failed view={} reason=\"{}\"", key.value(), e.getMessage());
      return false;
    }
  }

  /** The source tables of a {@code _spooky_query} record's statement; empty if it is invalid. */
  private static Set<String> viewTables(ObjectValue o) {
    if (!(o.get("surql") instanceof StringValue surql)) {
      return Set.of();
    }
    ObjectValue params = o.get("params") instanceof ObjectValue p ? p : ObjectValue.EMPTY;
    return viewTables(surql.value(), params);
  }

  /**
   * The tables a view's statement selects from (one, or those of a {@code FROM a:1, b:2} list);
   * empty if it is invalid.
   */
  static Set<String> viewTables(String surql, ObjectValue params) {
    try {
      return PlanCompiler.compile(SurqlParser.parse(surql), params.fields()).sourceTables();
    } catch (RuntimeException e) {
      return Set.of();
    }
  }

  /**
   * Deletes a view's list refs, Merkle nodes and query record from SurrealDB, in one transaction.
   */
  private void deleteStored(String id) {
    db.queryValue(
        """
        BEGIN TRANSACTION;
        DELETE _spooky_list_ref WHERE view_id = $v;
        DELETE _spooky_merkle WHERE view_id = $v;
        DELETE $q;
        COMMIT TRANSACTION;
        """,
        Map.of("v", id, "q", RecordId.of(QUERY_TABLE, id)));
  }

  /** Removes a view and its rows (engine thread). Returns false if it was not registered. */
  boolean unregister(String id) {
    ViewMeta meta = views.remove(id);
    if (meta == null) {
      return false;
    }
    registry.unregister(id);
    pendingRefs.remove(id);
    pendingNodes.remove(id);
    deleteStored(id);
    for (Subscriber s : subscribers.getOrDefault(id, List.of())) {
      s.closed(id);
    }
    log.info("event=view_unregistered view={}", id);
    return true;
  }

  /** Renews a view's TTL; false if unknown. */
  boolean heartbeat(String id) {
    ViewMeta meta = views.get(id);
    if (meta == null) {
      return false;
    }
    meta.lastSeenNanos = System.nanoTime();
    return true;
  }

  /** Unregisters views whose TTL ran out and that have no stream open (engine thread). */
  void expire() {
    long now = System.nanoTime();
    for (ViewMeta m : List.copyOf(views.values())) {
      if (!subscribers.getOrDefault(m.id, List.of()).isEmpty()) {
        m.lastSeenNanos = now;
      } else if (now - m.lastSeenNanos > m.ttl.toNanos()) {
        log.info("event=view_expired view={} ttl={}", m.id, m.ttl);
        unregister(m.id);
      }
    }
  }

  List<Value> rows(String id) {
    return registry.rows(id);
  }

  MerkleTree tree(String id) {
    return registry.tree(id);
  }

  /** Adds a subscriber and sends it the current snapshot (engine thread). */
  void subscribe(String viewId, Subscriber s) {
    ViewMeta meta = views.get(viewId);
    if (meta == null) {
      throw new UnknownViewException(viewId);
    }
    subscribers.computeIfAbsent(viewId, k -> new CopyOnWriteArrayList<>()).add(s);
    s.snapshot(meta, registry.rows(viewId));
  }

  void unsubscribe(String viewId, Subscriber s) {
    List<Subscriber> list = subscribers.get(viewId);
    if (list != null) {
      list.remove(s);
    }
  }

  /** Sends a fresh snapshot to one subscriber (engine thread); false if the view is gone. */
  boolean resnapshot(String viewId, Subscriber s) {
    ViewMeta meta = views.get(viewId);
    if (meta == null) {
      return false;
    }
    s.snapshot(meta, registry.rows(viewId));
    return true;
  }

  // ------------------------------------------------------------------ changes

  private void applyCaptured(List<ChangeEvent> events, CaptureCursor after) {
    long start = System.nanoTime();
    List<Change> changes = new ArrayList<>(events.size());
    Set<RecordId> reconciled = new HashSet<>();
    for (ChangeEvent e : events) {
      if (e.table().equals(QUERY_TABLE)) {
        if (!(e.id().key() instanceof StringValue k) || !reconciled.add(e.id())) {
          continue;
        }
        // Act on the record as it is now, not on the event's image: the event may be the late
        // echo of this SSP's own earlier write (a registration since replaced, or an unregister
        // since undone), and replaying it would flip the view back for a moment.
        Value current = db.queryValue("SELECT * FROM ONLY $q", Map.of("q", e.id()));
        if (!(current instanceof ObjectValue o)) {
          if (views.containsKey(k.value())) {
            unregister(k.value());
          }
        } else {
          Set<String> needed = viewTables(o);
          if (tables.containsAll(needed)) {
            registerFromRecord(o);
          } else {
            // Following a new table restarts the capture, which waits for this consumer: do it
            // on another thread, then register.
            Thread.ofVirtual()
                .start(
                    () -> {
                      for (String table : needed) {
                        try {
                          ensureWatched(table);
                        } catch (RuntimeException ex) {
                          log.warn(
                              "event=table_watch_failed table={} reason=\"{}\"",
                              table,
                              ex.getMessage());
                        }
                      }
                      execute(() -> registerFromRecord(o));
                    });
          }
        }
      } else if (tables.contains(e.table())) {
        changes.add(new Change(e.table(), e.id(), e.before(), e.after()));
      }
    }
    applyChanges(changes);
    writeBack(after);
    cursor = after;
    if (!events.isEmpty()) {
      lagSeconds =
          Math.max(
              0,
              (System.currentTimeMillis() - events.getLast().versionstamp().epochMillis()) / 1e3);
    }
    batchLatency.observe((System.nanoTime() - start) / 1e9);
  }

  /** Applies changes from {@code POST /ingest} (engine thread) and writes back. */
  void applyIngested(List<Change> changes) {
    long start = System.nanoTime();
    if (proxy == null) {
      // Capture mode: an ingested table is followed from now on. In scheduler mode a table is
      // followed only once it was loaded through the proxy (ensureWatched).
      for (Change c : changes) {
        tables.add(c.table());
      }
    }
    applyChanges(changes);
    writeBack(null);
    batchLatency.observe((System.nanoTime() - start) / 1e9);
  }

  private void applyChanges(List<Change> changes) {
    if (changes.isEmpty()) {
      return;
    }
    List<ViewDelta> deltas = registry.apply(changes);
    eventsApplied.add(changes.size());
    batches.inc();
    for (ViewDelta d : deltas) {
      ViewMeta meta = views.get(d.viewId());
      if (meta == null) {
        continue;
      }
      meta.seq++;
      meta.root = d.newRoot();
      Map<RecordId, Value> refs = pendingRefs.computeIfAbsent(meta.id, k -> new LinkedHashMap<>());
      Set<NodePath> nodes = pendingNodes.computeIfAbsent(meta.id, k -> new LinkedHashSet<>());
      for (ViewDelta.Row r : d.added()) {
        refs.put(r.id(), listRef(meta, r.id(), r.version()));
        touch(nodes, r.id());
      }
      for (ViewDelta.Row r : d.updated()) {
        refs.put(r.id(), listRef(meta, r.id(), r.version()));
        touch(nodes, r.id());
      }
      for (ViewDelta.Row r : d.moved()) {
        refs.put(r.id(), listRef(meta, r.id(), r.version()));
        touch(nodes, r.id());
      }
      for (RecordId id : d.removed()) {
        refs.put(id, Value.NONE);
        touch(nodes, id);
      }
      for (Subscriber s : subscribers.getOrDefault(meta.id, List.of())) {
        s.delta(meta, d);
      }
    }
  }

  private static void touch(Set<NodePath> nodes, RecordId id) {
    String hex = NodePath.ofBucket(MerkleTree.bucketOf(id)).hex();
    for (int i = 0; i <= hex.length(); i++) {
      nodes.add(new NodePath(hex.substring(0, i)));
    }
  }

  private static Value listRef(ViewMeta meta, RecordId in, Digest version) {
    return Value.object(
        Map.of(
            "view_id",
            Value.of(meta.id),
            "client_id",
            meta.clientId,
            "in",
            in,
            "version",
            Value.of(version.hex())));
  }

  private static RecordId listRefId(String viewId, RecordId in) {
    return new RecordId(LIST_REF_TABLE, Value.array(Value.of(viewId), in));
  }

  private static RecordId merkleId(String viewId, NodePath node) {
    return new RecordId(MERKLE_TABLE, Value.array(Value.of(viewId), Value.of(node.hex())));
  }

  private Value merkleRow(ViewMeta meta, MerkleTree tree, NodePath node) {
    return Value.object(
        Map.of(
            "id", merkleId(meta.id, node),
            "view_id", Value.of(meta.id),
            "client_id", meta.clientId,
            "node", Value.of(node.hex()),
            "hash", Value.of(tree.hash(node).hex())));
  }

  /**
   * Writes pending rows and the cursor; keeps them pending on failure. Up to {@code ssp.page_size}
   * rows and nodes go in one transaction. A larger batch (one write touching many views) is sent in
   * requests of that size, so none outlives SurrealDB's timeout: list ref upserts and deletes (with
   * the Merkle nodes that emptied) first, then Merkle nodes from the leaves up, and the last nodes
   * (the roots) in a final transaction with the cursor, which therefore still never runs ahead of
   * the rows. Every piece is an idempotent upsert or delete by id, so a failure part-way leaves
   * everything pending and the retry rewrites it. The affected views' roots are deleted before the
   * first piece and written with the last, so a reader sees either no root or the complete rows
   * under it.
   */
  private void writeBack(CaptureCursor after) {
    List<Value> upserts = new ArrayList<>();
    List<Value> deletes = new ArrayList<>();
    for (Map.Entry<String, Map<RecordId, Value>> v : pendingRefs.entrySet()) {
      for (Map.Entry<RecordId, Value> r : v.getValue().entrySet()) {
        RecordId id = listRefId(v.getKey(), r.getKey());
        if (r.getValue() == Value.NONE) {
          deletes.add(id);
        } else {
          upserts.add(withId(id, (ObjectValue) r.getValue()));
        }
      }
    }
    List<Map.Entry<Integer, Value>> byDepth = new ArrayList<>();
    for (Map.Entry<String, Set<NodePath>> v : pendingNodes.entrySet()) {
      ViewMeta meta = views.get(v.getKey());
      if (meta == null) {
        continue;
      }
      MerkleTree tree = registry.tree(meta.id);
      for (NodePath n : v.getValue()) {
        if (n.depth() > 0 && tree.hash(n).equals(MerkleTree.EMPTY)) {
          // Only non-empty nodes are stored (PROTOCOL.md §8): a node that emptied is deleted.
          deletes.add(merkleId(meta.id, n));
        } else {
          byDepth.add(Map.entry(n.depth(), merkleRow(meta, tree, n)));
        }
      }
    }
    if (upserts.isEmpty()
        && byDepth.isEmpty()
        && deletes.isEmpty()
        && (after == null || after.equals(cursor))) {
      return;
    }
    byDepth.sort(Map.Entry.<Integer, Value>comparingByKey().reversed());
    List<Value> nodes = new ArrayList<>(byDepth.size());
    byDepth.forEach(e -> nodes.add(e.getValue()));
    int chunk = config.pageSize();
    List<Value> finalNodes = nodes;
    if (upserts.size() + nodes.size() + deletes.size() > chunk) {
      // The roots go first and come back last: a reader (or this SSP restarting) that finds a
      // view's root finds its complete rows under it.
      List<Value> roots = new ArrayList<>();
      for (String view : pendingNodes.keySet()) {
        roots.add(merkleId(view, NodePath.ROOT));
      }
      db.queryValue("DELETE $roots;", Map.of("roots", Value.array(roots)));
      for (int from = 0; from < upserts.size(); from += chunk) {
        db.queryValue(
            UPSERT_REFS,
            Map.of(
                "rows",
                Value.array(upserts.subList(from, Math.min(upserts.size(), from + chunk)))));
      }
      for (int from = 0; from < deletes.size(); from += chunk) {
        db.queryValue(
            "DELETE $dels;",
            Map.of(
                "dels",
                Value.array(deletes.subList(from, Math.min(deletes.size(), from + chunk)))));
      }
      int last = Math.max(0, nodes.size() - chunk);
      for (int from = 0; from < last; from += chunk) {
        db.queryValue(
            UPSERT_NODES,
            Map.of("nodes", Value.array(nodes.subList(from, Math.min(last, from + chunk)))));
      }
      upserts = List.of();
      deletes = List.of();
      finalNodes = nodes.subList(last, nodes.size());
    }
    StringBuilder q = new StringBuilder("BEGIN TRANSACTION;\n");
    Map<String, Object> vars = new HashMap<>();
    if (!upserts.isEmpty()) {
      q.append(UPSERT_REFS.replace("$rows", "$ups"));
      vars.put("ups", Value.array(upserts));
    }
    if (!finalNodes.isEmpty()) {
      q.append(UPSERT_NODES);
      vars.put("nodes", Value.array(finalNodes));
    }
    if (!deletes.isEmpty()) {
      q.append("DELETE $dels;\n");
      vars.put("dels", Value.array(deletes));
    }
    if (after != null) {
      q.append("UPSERT $cid CONTENT { cursor: $cursor };\n");
      vars.put("cid", CURSOR_ID);
      vars.put("cursor", after.encode());
    }
    q.append("COMMIT TRANSACTION;");
    db.queryValue(q.toString(), vars);
    pendingRefs.clear();
    pendingNodes.clear();
  }

  private static Value withId(RecordId id, ObjectValue o) {
    TreeMap<String, Value> f = new TreeMap<>(o.fields());
    f.put("id", id);
    return new ObjectValue(f);
  }

  /**
   * Replaces every stored row of one view (engine thread). A view of at most {@code ssp.page_size}
   * rows and nodes is written in one transaction: delete its rows, insert the new ones. A larger
   * one is written in requests of that size, so none outlives SurrealDB's timeout: first its old
   * rows are deleted, then the list refs, then the Merkle nodes from the leaves up, and the root
   * together with the query record last. A reader therefore sees either no root or the complete
   * view. (Within one transaction SurrealDB 3 takes a row inserted after its delete for a duplicate
   * of an empty record; {@link #UPSERT_REFS} and {@link #UPSERT_NODES} set every field on a
   * duplicate, so the row comes out whole either way.)
   */
  private void writeFullView(ViewMeta meta, ViewSnapshot snapshot, boolean persist) {
    List<Value> rows = new ArrayList<>();
    for (ViewDelta.Row r : snapshot.rows()) {
      rows.add(
          withId(listRefId(meta.id, r.id()), (ObjectValue) listRef(meta, r.id(), r.version())));
    }
    MerkleTree tree = registry.tree(meta.id);
    List<Value> nodes = new ArrayList<>();
    collectNodes(meta, tree, NodePath.ROOT, nodes);
    int chunk = config.pageSize();
    Map<String, Object> vars = new HashMap<>();
    vars.put("v", meta.id);
    StringBuilder q = new StringBuilder("BEGIN TRANSACTION;\n");
    if (rows.size() + nodes.size() <= chunk) {
      q.append("DELETE _spooky_list_ref WHERE view_id = $v;\n");
      q.append("DELETE _spooky_merkle WHERE view_id = $v;\n");
      if (!rows.isEmpty()) {
        q.append(UPSERT_REFS);
        vars.put("rows", Value.array(rows));
      }
      q.append(UPSERT_NODES);
      vars.put("nodes", Value.array(nodes));
    } else {
      db.queryValue(
          """
          BEGIN TRANSACTION;
          DELETE _spooky_list_ref WHERE view_id = $v;
          DELETE _spooky_merkle WHERE view_id = $v;
          COMMIT TRANSACTION;
          """,
          Map.of("v", meta.id));
      for (int from = 0; from < rows.size(); from += chunk) {
        db.queryValue(
            UPSERT_REFS,
            Map.of("rows", Value.array(rows.subList(from, Math.min(rows.size(), from + chunk)))));
      }
      // Pre-order puts the root first; written leaves first, the root arrives in the last request.
      List<Value> upward = new ArrayList<>(nodes.reversed());
      int last = Math.max(0, upward.size() - chunk);
      for (int from = 0; from < last; from += chunk) {
        db.queryValue(
            UPSERT_NODES,
            Map.of("nodes", Value.array(upward.subList(from, Math.min(last, from + chunk)))));
      }
      q.append(UPSERT_NODES);
      vars.put("nodes", Value.array(upward.subList(last, upward.size())));
    }
    if (persist) {
      q.append(
          "UPSERT $q CONTENT { surql: $surql, params: $params, client_id: $client, ttl: $ttl };\n");
      vars.put("q", RecordId.of(QUERY_TABLE, meta.id));
      vars.put("surql", meta.surql);
      vars.put("params", meta.params);
      vars.put("client", meta.clientId);
      vars.put("ttl", meta.ttl.toSeconds() + "s");
    }
    q.append("COMMIT TRANSACTION;");
    db.queryValue(q.toString(), vars);
  }

  private void collectNodes(ViewMeta meta, MerkleTree tree, NodePath node, List<Value> out) {
    if (tree.hash(node).equals(MerkleTree.EMPTY) && node.depth() > 0) {
      return;
    }
    out.add(merkleRow(meta, tree, node));
    if (!node.isLeaf()) {
      for (int i = 0; i < MerkleTree.FANOUT; i++) {
        collectNodes(meta, tree, node.child(i), out);
      }
    }
  }

  /** Schedules expiry every second on the engine thread. */
  void startExpiry(ScheduledExecutorService timer) {
    timer.scheduleWithFixedDelay(
        () ->
            engine.execute(
                () -> {
                  try {
                    expire();
                  } catch (RuntimeException e) {
                    log.warn("event=expiry_failed reason=\"{}\"", e.getMessage());
                  }
                }),
        1,
        1,
        TimeUnit.SECONDS);
  }

  /** Submits work to the engine thread without waiting. */
  void execute(Runnable r) {
    engine.execute(r);
  }

  @Override
  public void close() {
    closing = true;
    ready.countDown();
    ChangeCapture c = capture;
    if (c != null) {
      c.close();
    }
    engine.shutdown();
    try {
      engine.awaitTermination(5, TimeUnit.SECONDS);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }
}
