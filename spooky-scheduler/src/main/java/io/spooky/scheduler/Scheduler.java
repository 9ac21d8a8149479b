package io.spooky.scheduler;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonGenerator;
import io.spooky.core.json.SurrealJson;
import io.spooky.core.value.ObjectValue;
import io.spooky.core.value.Value;
import io.spooky.log.EventLog;
import io.spooky.log.LogConfig;
import io.spooky.log.LogEntry;
import io.spooky.service.Metrics;
import io.spooky.surreal.Credentials;
import io.spooky.surreal.SurrealClient;
import io.spooky.surreal.SurrealConfig;
import io.spooky.surreal.capture.CaptureConfig;
import io.spooky.surreal.capture.CaptureCursor;
import io.spooky.surreal.capture.ChangeCapture;
import io.spooky.surreal.capture.ChangeEvent;
import java.io.IOException;
import java.io.StringWriter;
import java.io.UncheckedIOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashSet;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Executors;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.locks.ReentrantLock;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The Scheduler: gives every change event the next {@code seq} by appending it to the WAL, keeps
 * the snapshot replica following the WAL, delivers the WAL to every SSP of the pool in {@code seq}
 * order, and places live queries on SSPs.
 *
 * <pre>{@code
 * try (Scheduler s = Scheduler.start(SchedulerConfig.fromEnv(System.getenv()))) {
 *   s.awaitTermination();
 * }
 * }</pre>
 *
 * <p><b>One log, many followers.</b> The WAL is the only buffer. The replica and each SSP are
 * followers that remember the last seq they applied (the replica in RocksDB, an SSP as its acked
 * seq) and read the WAL from there. Hence every SSP receives a dense, increasing run of seqs with
 * nothing lost or repeated, whatever its state changes, and events that arrive during a replay are
 * simply later entries of the same run. An SSP's "buffer" is its lag, {@code lastSeq - ackedSeq};
 * beyond {@link SchedulerConfig#maxBufferPerSsp()} an SSP that is not taking deliveries
 * (Bootstrapping, or its last delivery failed) is flagged for re-bootstrap.
 *
 * <p><b>Freeze.</b> While any SSP is Bootstrapping the replica stops applying (the WAL keeps
 * growing), so {@code /proxy/query} reads a fixed state at {@code snapshot_seq}; when the last
 * freeze is released the replica catches up from the WAL.
 *
 * <p><b>Recovery.</b> On start the seq continues from the WAL, the replica's applied seq and
 * capture cursor come from RocksDB (written atomically with the data), WAL entries above the
 * replica's seq are replayed into it, and change capture resumes from the recovered cursor. The WAL
 * is truncated below {@code min(replica seq, every SSP's acked seq)}.
 *
 * <p><b>Placement survives a restart.</b> Every query registration (id, SurrealQL, params, client,
 * assigned SSP) and every SSP of the pool (id, url, acked seq) is written synchronously to the
 * replica's RocksDB on change (the SSP's acked seq also once per reaper cycle), so {@code GET
 * /query/{id}} answers from the persisted state as soon as the scheduler listens. A persisted SSP
 * is <i>known</i> but not in the pool and never Ready: its heartbeat is answered {@code unknown},
 * so it registers again and bootstraps from the replica (a dense run from its new {@code
 * snapshot_seq}, nothing lost or repeated). When an SSP with a known id registers within {@link
 * SchedulerConfig#staleAfter()} of the start, the queries assigned to it stay assigned and are
 * forwarded to it again once it is Ready; a known SSP that has not registered by then is forgotten
 * and its queries are placed on Ready SSPs as for a stale SSP (or stay pending).
 *
 * <p>Thread-safe. Owns its threads, files and HTTP server; {@link #close} releases them.
 */
public final class Scheduler implements AutoCloseable {
  private static final Logger log = LoggerFactory.getLogger(Scheduler.class);
  private static final JsonFactory JSON = JsonFactory.builder().build();
  private static final long READ_BYTES = 4L << 20;

  private final SchedulerConfig config;
  private final EventLog wal;
  private final Replica replica;
  private final HttpClient http;
  private final ConcurrentHashMap<String, Ssp> pool = new ConcurrentHashMap<>();
  private final ConcurrentHashMap<String, QueryAssignment> queries = new ConcurrentHashMap<>();

  /** SSPs persisted by an earlier run that have not registered since the start. */
  private final ConcurrentHashMap<String, URI> known = new ConcurrentHashMap<>();

  /** When the HTTP server started listening: known SSPs have {@code staleAfter} from here. */
  private volatile long startNanos = System.nanoTime();

  private final ReentrantLock queryLock = new ReentrantLock();
  private final AtomicLong rotation = new AtomicLong();
  private final Object replicaLock = new Object();
  private final Object appended = new Object();
  private final List<Thread> threads = new ArrayList<>();
  private final Metrics metrics = new Metrics();
  private final SspMetrics sspMetrics = new SspMetrics();
  private final Metrics.Counter ingested =
      metrics.counter("spooky_scheduler_events_ingested_total", "Events accepted by POST /ingest");
  private final Metrics.Counter captured =
      metrics.counter("spooky_scheduler_events_captured_total", "Events read by change capture");
  private final Metrics.Counter proxyQueries =
      metrics.counter("spooky_scheduler_proxy_queries_total", "Queries run on the replica");
  private final Metrics.Counter delivered =
      metrics.counter("spooky_scheduler_events_delivered_total", "Events acknowledged by SSPs");
  private final Metrics.Counter overflows =
      metrics.counter("spooky_scheduler_ssp_overflows_total", "SSPs flagged for re-bootstrap");
  private final Metrics.Counter staleRemovals =
      metrics.counter("spooky_scheduler_ssp_stale_removals_total", "SSPs removed as stale");
  private int frozen; // guarded by replicaLock
  private volatile boolean running = true;
  private final java.util.concurrent.atomic.AtomicBoolean closed =
      new java.util.concurrent.atomic.AtomicBoolean();
  private SchedulerHttp server;
  private SurrealClient surreal;
  private ChangeCapture capture;

  /** Where a query lives; {@code sspId} is null while no Ready SSP could take it. */
  record QueryAssignment(
      String queryId, String surql, Value params, String clientId, String sspId, URI sspUrl) {}

  private Scheduler(SchedulerConfig config, EventLog wal, Replica replica) {
    this.config = config;
    this.wal = wal;
    this.replica = replica;
    this.http =
        HttpClient.newBuilder()
            .version(HttpClient.Version.HTTP_1_1)
            .connectTimeout(Duration.ofSeconds(5))
            .executor(Executors.newVirtualThreadPerTaskExecutor())
            .build();
  }

  /**
   * Opens the WAL and replica, recovers, starts the HTTP server, the followers and (when {@link
   * SchedulerConfig#dbUrl()} is set) change capture.
   *
   * @throws IOException if the WAL or replica cannot be opened or disagree (the replica is ahead of
   *     the WAL, or the WAL no longer holds the entries the replica needs)
   */
  public static Scheduler start(SchedulerConfig config) throws IOException {
    EventLog wal = EventLog.open(config.walPath(), LogConfig.defaults());
    Replica replica;
    try {
      replica = Replica.open(config.replicaPath());
    } catch (IOException e) {
      wal.close();
      throw e;
    }
    Scheduler s = new Scheduler(config, wal, replica);
    try {
      s.recover();
      s.restorePlacement();
      s.registerGauges();
      s.server = SchedulerHttp.start(s, config, s.metrics);
      s.startNanos = System.nanoTime();
      s.spawn("scheduler-replica", s::followReplica);
      s.spawn("scheduler-reaper", s::reap);
      if (config.dbUrl() != null) {
        s.startCapture();
      }
    } catch (IOException | RuntimeException e) {
      s.close();
      throw e;
    }
    log.info(
        "event=scheduler_started port={} seq={} replica_seq={} capture={}",
        s.port(),
        wal.lastSeq(),
        replica.appliedSeq(),
        config.dbUrl() != null);
    return s;
  }

  private void recover() throws IOException {
    long applied = replica.appliedSeq();
    if (applied > wal.lastSeq()) {
      throw new IOException(
          "replica is at seq " + applied + " but the WAL ends at " + wal.lastSeq());
    }
    if (applied + 1 < wal.firstSeq()) {
      throw new IOException(
          "replica is at seq " + applied + " but the WAL starts at " + wal.firstSeq());
    }
    int replayed = 0;
    while (replica.appliedSeq() < wal.lastSeq()) {
      List<LogEntry> batch = wal.read(replica.appliedSeq() + 1, 1000, READ_BYTES);
      replica.apply(batch);
      replayed += batch.size();
    }
    log.info(
        "event=scheduler_recovered wal_first={} wal_last={} replica_seq={} replayed={}",
        wal.firstSeq(),
        wal.lastSeq(),
        replica.appliedSeq(),
        replayed);
  }

  private void restorePlacement() {
    for (var e : replica.placements(Replica.Placement.SSP).entrySet()) {
      known.put(e.getKey(), URI.create(text(e.getValue(), "url")));
    }
    for (var e : replica.placements(Replica.Placement.QUERY).entrySet()) {
      ObjectValue o = e.getValue();
      String sspUrl = text(o, "ssp_url");
      queries.put(
          e.getKey(),
          new QueryAssignment(
              e.getKey(),
              text(o, "surql"),
              o.get("params"),
              text(o, "client_id"),
              text(o, "ssp_id"),
              sspUrl == null ? null : URI.create(sspUrl)));
    }
    log.info("event=placement_restored queries={} known_ssps={}", queries.size(), known.size());
  }

  private static String text(ObjectValue o, String field) {
    return o.get(field) instanceof io.spooky.core.value.StringValue v ? v.value() : null;
  }

  /** Records {@code q} durably, then in memory. */
  private void putQuery(QueryAssignment q) {
    java.util.Map<String, Value> f = new java.util.LinkedHashMap<>();
    f.put("surql", new io.spooky.core.value.StringValue(q.surql()));
    f.put("params", q.params());
    if (q.clientId() != null) {
      f.put("client_id", new io.spooky.core.value.StringValue(q.clientId()));
    }
    if (q.sspId() != null) {
      f.put("ssp_id", new io.spooky.core.value.StringValue(q.sspId()));
      f.put("ssp_url", new io.spooky.core.value.StringValue(q.sspUrl().toString()));
    }
    try {
      replica.putPlacement(Replica.Placement.QUERY, q.queryId(), Value.object(f));
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    queries.put(q.queryId(), q);
  }

  private void persistSsp(Ssp s) {
    long acked = s.ackedSeq;
    try {
      replica.putPlacement(
          Replica.Placement.SSP,
          s.id,
          Value.object(
              java.util.Map.of(
                  "url",
                  new io.spooky.core.value.StringValue(s.url.toString()),
                  "acked_seq",
                  new io.spooky.core.value.IntValue(acked))));
      s.persistedAck = acked;
    } catch (IOException e) {
      log.warn("event=ssp_persist_failed ssp_id={} error=\"{}\"", s.id, e.toString());
    }
  }

  private void forgetSsp(String sspId) {
    try {
      replica.deletePlacement(Replica.Placement.SSP, sspId);
    } catch (IOException e) {
      log.warn("event=ssp_forget_failed ssp_id={} error=\"{}\"", sspId, e.toString());
    }
  }

  private void startCapture() {
    SurrealConfig sc =
        SurrealConfig.builder(config.dbUrl())
            .namespace(config.dbNamespace())
            .database(config.dbDatabase())
            .credentials(Credentials.root(config.dbUser(), config.dbPass()))
            .build();
    surreal = SurrealClient.connect(sc);
    CaptureCursor from =
        replica.cursor() == null ? CaptureCursor.empty() : CaptureCursor.decode(replica.cursor());
    CaptureConfig cc =
        config.tables().isEmpty() ? CaptureConfig.allTables() : CaptureConfig.of(config.tables());
    Set<WalEvent.CapturedChange> alreadyLogged = new HashSet<>(replica.captureTail());
    if (!alreadyLogged.isEmpty()) {
      log.warn(
          "event=capture_partial_batch_recovered changes={} action=skip_when_read_again",
          alreadyLogged.size());
    }
    capture =
        ChangeCapture.start(
            surreal,
            cc,
            from,
            (events, after) -> {
              List<WalEvent> batch = toWal(events, after, alreadyLogged);
              if (!batch.isEmpty()) {
                append(batch);
                captured.add(batch.size());
              }
            });
  }

  /**
   * The WAL events of one capture batch: changes in {@code alreadyLogged} (the surviving part of a
   * batch whose append a crash interrupted) are dropped from it and from the set, and the last
   * event kept carries {@code after}, the cursor to resume from.
   */
  static List<WalEvent> toWal(
      List<ChangeEvent> events, CaptureCursor after, Set<WalEvent.CapturedChange> alreadyLogged) {
    List<WalEvent> batch = new ArrayList<>(events.size());
    for (ChangeEvent e : events) {
      if (!alreadyLogged.isEmpty()
          && alreadyLogged.remove(new WalEvent.CapturedChange(e.id(), e.versionstamp().value()))) {
        continue;
      }
      batch.add(fromCapture(e));
    }
    if (!batch.isEmpty()) {
      batch.set(batch.size() - 1, batch.getLast().withCursor(after.encode()));
    }
    return batch;
  }

  private static WalEvent fromCapture(ChangeEvent e) {
    return new WalEvent(
        e.table(),
        WalEvent.Op.valueOf(e.op().name()),
        e.id(),
        e.before(),
        e.after(),
        e.version() == null ? "" : e.version().hex(),
        e.versionstamp().value(),
        null);
  }

  // ---------------------------------------------------------------- sequencing

  /**
   * Appends {@code events} to the WAL as one group and returns the seq of the first; the rest
   * follow densely.
   */
  long append(List<WalEvent> events) throws IOException {
    List<byte[]> payloads = new ArrayList<>(events.size());
    for (WalEvent e : events) {
      payloads.add(e.encode());
    }
    long first = wal.appendBatch(payloads);
    synchronized (appended) {
      appended.notifyAll();
    }
    return first;
  }

  /** Appends events sent to {@code POST /ingest} by an outside producer. */
  long ingest(List<WalEvent> events) throws IOException {
    long first = append(events);
    ingested.add(events.size());
    return first;
  }

  private void awaitAppend(long seenLastSeq, long millis) throws InterruptedException {
    synchronized (appended) {
      if (wal.lastSeq() == seenLastSeq && running) {
        appended.wait(Math.max(1, millis));
      }
    }
  }

  // ---------------------------------------------------------------- replica

  private void followReplica() {
    while (running) {
      try {
        long seen = wal.lastSeq();
        int applied;
        synchronized (replicaLock) {
          while (frozen > 0 && running) {
            replicaLock.wait();
          }
          List<LogEntry> batch = wal.read(replica.appliedSeq() + 1, 1000, READ_BYTES);
          replica.apply(batch);
          applied = batch.size();
        }
        if (applied == 0) {
          awaitAppend(seen, 200);
        }
      } catch (InterruptedException e) {
        return;
      } catch (IOException | RuntimeException e) {
        if (!running) {
          return;
        }
        log.error("event=replica_apply_failed seq={} error=\"{}\"", replica.appliedSeq(), e);
        sleep(1000);
      }
    }
  }

  /** Stops the replica after the batch in progress and returns the seq it stopped at. */
  private long freeze() {
    synchronized (replicaLock) {
      frozen++;
      return replica.appliedSeq();
    }
  }

  private void unfreeze(Ssp s) {
    synchronized (replicaLock) {
      if (s.holdsFreeze) {
        s.holdsFreeze = false;
        frozen--;
        replicaLock.notifyAll();
      }
    }
  }

  boolean frozen() {
    synchronized (replicaLock) {
      return frozen > 0;
    }
  }

  /** A consistent view of the replica; the caller closes it. */
  Replica.View replicaView() {
    proxyQueries.inc();
    return replica.view();
  }

  // ---------------------------------------------------------------- SSP pool

  /**
   * Registers (or re-registers) an SSP: freezes the replica, marks it Bootstrapping and returns the
   * {@code snapshot_seq} its bootstrap reads.
   */
  long register(String sspId, URI url) {
    Ssp old = pool.get(sspId);
    if (old != null) {
      retire(old, "re-registered");
    }
    long snapshotSeq = freeze();
    Ssp s = new Ssp(sspId, url, snapshotSeq, System.nanoTime(), sspMetrics.registered(sspId));
    if (known.remove(sspId) != null) {
      // Known from before a restart: its queries stay here and are sent again once it is Ready.
      s.restoring = true;
      queryLock.lock();
      try {
        for (QueryAssignment q : queries.values()) {
          if (sspId.equals(q.sspId())) {
            s.queries.add(q.queryId());
          }
        }
      } finally {
        queryLock.unlock();
      }
    }
    persistSsp(s);
    pool.put(sspId, s);
    if (old != null && !old.queries.isEmpty()) {
      // A re-registering SSP starts empty: its views are placed again, on a Ready SSP now or on
      // the first one to become Ready (possibly this one).
      spawn("scheduler-move-" + sspId, () -> moveQueries(old));
    }
    spawn("scheduler-ssp-" + sspId, () -> deliver(s));
    log.info("event=ssp_registered ssp_id={} url={} snapshot_seq={}", sspId, url, snapshotSeq);
    return snapshotSeq;
  }

  /** What a heartbeat is answered with. */
  enum HeartbeatResult {
    OK,
    REBOOTSTRAP,
    UNKNOWN
  }

  HeartbeatResult heartbeat(String sspId, long views, double cpu, double memory) {
    Ssp s = pool.get(sspId);
    if (s == null) {
      return HeartbeatResult.UNKNOWN;
    }
    if (s.state == Ssp.State.OVERFLOWED) {
      if (pool.remove(sspId, s)) {
        forgetSsp(sspId);
      }
      retire(s, "overflow acknowledged");
      return HeartbeatResult.REBOOTSTRAP;
    }
    s.lastHeartbeatNanos = System.nanoTime();
    s.views = views;
    s.cpu = cpu;
    s.memory = memory;
    return HeartbeatResult.OK;
  }

  /** Stops an SSP's delivery and releases its freeze; its queries are not touched. */
  private void retire(Ssp s, String reason) {
    s.active = false;
    unfreeze(s);
    log.info("event=ssp_retired ssp_id={} state={} reason=\"{}\"", s.id, s.state, reason);
  }

  /** The delivery loop of one SSP: health polls while bootstrapping, then the WAL in seq order. */
  private void deliver(Ssp s) {
    long nextPoll = System.nanoTime();
    long backoff = 50;
    while (running && s.active) {
      try {
        long seen = wal.lastSeq();
        // Only an SSP that is not taking deliveries is flagged: one that keeps acknowledging is
        // merely behind a burst, and the WAL holds what it has not read yet.
        if (seen - s.ackedSeq > config.maxBufferPerSsp()
            && (s.state == Ssp.State.BOOTSTRAPPING || s.deliveryFailing)) {
          overflow(s, seen);
          return;
        }
        switch (s.state) {
          case BOOTSTRAPPING -> {
            if (System.nanoTime() - nextPoll >= 0) {
              if (healthy(s)) {
                s.state = Ssp.State.REPLAYING;
                unfreeze(s);
                log.info(
                    "event=ssp_replaying ssp_id={} from_seq={} to_seq={}",
                    s.id,
                    s.ackedSeq + 1,
                    wal.lastSeq());
                continue;
              }
              nextPoll = System.nanoTime() + config.pollInterval().toNanos();
            }
            awaitAppend(seen, Math.min(100, config.pollInterval().toMillis()));
          }
          case REPLAYING, READY -> {
            List<LogEntry> batch = wal.read(s.ackedSeq + 1, config.ingestBatch(), READ_BYTES);
            if (batch.isEmpty()) {
              if (s.state == Ssp.State.REPLAYING) {
                s.readyNanos = System.nanoTime();
                s.state = Ssp.State.READY;
                log.info("event=ssp_ready ssp_id={} seq={}", s.id, s.ackedSeq);
                if (s.restoring) {
                  s.restoring = false;
                  spawn("scheduler-restore-" + s.id, () -> restoreQueries(s));
                }
                spawn("scheduler-place-pending", this::placePending);
              }
              awaitAppend(seen, 200);
              continue;
            }
            boolean acknowledged;
            try {
              acknowledged = post(s, batch);
            } catch (IOException e) {
              s.deliveryFailing = true; // unreachable, or no answer within the request timeout
              throw e;
            }
            s.deliveryFailing = !acknowledged;
            if (acknowledged && s.active) {
              s.ackedSeq = batch.getLast().seq();
              s.delivered += batch.size();
              delivered.add(batch.size());
              s.counters.sent.add(batch.size());
              backoff = 50;
            } else {
              s.counters.sendFailures.increment();
              sleep(backoff);
              backoff = Math.min(backoff * 2, 2000);
            }
          }
          case OVERFLOWED -> {
            return;
          }
        }
      } catch (InterruptedException e) {
        return;
      } catch (IOException | RuntimeException e) {
        log.warn("event=ssp_delivery_failed ssp_id={} error=\"{}\"", s.id, e.toString());
        if (s.state != Ssp.State.BOOTSTRAPPING) {
          s.counters.sendFailures.increment();
        }
        sleep(backoff);
        backoff = Math.min(backoff * 2, 2000);
      }
    }
  }

  private void overflow(Ssp s, long lastSeq) {
    s.state = Ssp.State.OVERFLOWED;
    unfreeze(s);
    overflows.inc();
    s.counters.overflows.increment();
    log.warn(
        "event=ssp_buffer_overflow ssp_id={} acked_seq={} last_seq={} max={}",
        s.id,
        s.ackedSeq,
        lastSeq,
        config.maxBufferPerSsp());
    moveQueries(s);
  }

  private boolean healthy(Ssp s) {
    try {
      HttpResponse<String> r =
          http.send(
              request(s.resolve("/health")).GET().build(), HttpResponse.BodyHandlers.ofString());
      return r.statusCode() == 200
          && SurrealJson.read(r.body()) instanceof ObjectValue o
          && o.get("status") instanceof io.spooky.core.value.StringValue st
          && st.value().equals("ok");
    } catch (IOException | RuntimeException e) {
      log.debug("event=ssp_health_failed ssp_id={} error=\"{}\"", s.id, e.toString());
      return false;
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      return false;
    }
  }

  private boolean post(Ssp s, List<LogEntry> batch) throws InterruptedException, IOException {
    StringWriter out = new StringWriter();
    try (JsonGenerator g = JSON.createGenerator(out)) {
      g.writeStartObject();
      g.writeArrayFieldStart("events");
      for (LogEntry e : batch) {
        WalEvent.decode(e.payload()).writeJson(e.seq(), g);
      }
      g.writeEndArray();
      g.writeEndObject();
    }
    HttpResponse<String> r =
        http.send(jsonPost(s, "/ingest", out.toString()), HttpResponse.BodyHandlers.ofString());
    if (r.statusCode() / 100 != 2) {
      log.warn(
          "event=ssp_ingest_rejected ssp_id={} status={} first_seq={}",
          s.id,
          r.statusCode(),
          batch.getFirst().seq());
      return false;
    }
    return true;
  }

  /** {@code POST path} on the SSP with a JSON body. */
  private HttpRequest jsonPost(Ssp s, String path, String json) {
    return request(s.resolve(path))
        .header("Content-Type", "application/json")
        .POST(HttpRequest.BodyPublishers.ofString(json))
        .build();
  }

  private HttpRequest.Builder request(URI uri) {
    HttpRequest.Builder b = HttpRequest.newBuilder(uri).timeout(Duration.ofSeconds(10));
    if (config.secret() != null) {
      b.header("Authorization", "Bearer " + config.secret());
    }
    return b;
  }

  /** Removes SSPs without a heartbeat for too long and truncates the WAL; runs every second. */
  private void reap() {
    long period = Math.max(50, Math.min(1000, config.staleAfter().toMillis() / 4));
    while (running) {
      sleep(period);
      long now = System.nanoTime();
      for (Ssp s : pool.values()) {
        if (now - s.lastHeartbeatNanos > config.staleAfter().toNanos()) {
          if (pool.remove(s.id, s)) {
            forgetSsp(s.id);
            staleRemovals.inc();
            retire(s, "stale");
            moveQueries(s);
          }
        }
        if (s.active && s.ackedSeq != s.persistedAck && pool.get(s.id) == s) {
          persistSsp(s);
        }
      }
      if (!known.isEmpty() && now - startNanos > config.staleAfter().toNanos()) {
        for (String id : List.copyOf(known.keySet())) {
          if (known.remove(id) != null) {
            forgetSsp(id);
            staleRemovals.inc();
            log.info("event=known_ssp_not_returned ssp_id={}", id);
            moveQueries(id, assignedTo(id));
          }
        }
      }
      // Per-SSP counters outlive a removal by a minute or two, so the last values get scraped.
      sspMetrics.sweep(
          pool.keySet(), now, Math.max(2 * config.staleAfter().toNanos(), 60_000_000_000L));
      truncateWal();
    }
  }

  private List<String> assignedTo(String sspId) {
    return queries.values().stream()
        .filter(q -> sspId.equals(q.sspId()))
        .map(QueryAssignment::queryId)
        .toList();
  }

  private void truncateWal() {
    long floor = replica.appliedSeq();
    for (Ssp s : pool.values()) {
      if (s.state != Ssp.State.OVERFLOWED) {
        floor = Math.min(floor, s.ackedSeq);
      }
    }
    try {
      if (floor + 1 > wal.firstSeq()) {
        wal.truncateBefore(floor + 1);
      }
    } catch (IOException | RuntimeException e) {
      log.warn("event=wal_truncate_failed floor={} error=\"{}\"", floor, e.toString());
    }
  }

  // ---------------------------------------------------------------- queries

  /** The outcome of placing a query: where, and the SSP's answer to {@code /view/register}. */
  record Placement(QueryAssignment assignment, String initialJson) {}

  /** Thrown when no Ready SSP accepted a query. */
  static final class NoSspAvailableException extends RuntimeException {
    NoSspAvailableException(String message) {
      super(message);
    }
  }

  /**
   * Places (or re-confirms) a query. An already placed query goes back to its SSP, so one query id
   * never lives on two SSPs.
   *
   * @throws NoSspAvailableException when no Ready SSP accepted it (it stays pending)
   * @throws RegistrationUnconfirmedException when the chosen SSP did not answer in time (the query
   *     stays assigned to it)
   */
  Placement registerQuery(String queryId, String surql, Value params, String clientId) {
    queryLock.lock();
    try {
      QueryAssignment prior = queries.get(queryId);
      QueryAssignment q = new QueryAssignment(queryId, surql, params, clientId, null, null);
      if (prior != null && prior.sspId() != null) {
        Ssp s = pool.get(prior.sspId());
        if (s != null && s.state != Ssp.State.OVERFLOWED) {
          Forwarded f = forward(s, q);
          QueryAssignment a = withSsp(q, s);
          if (f.accepted()) {
            putQuery(a);
            return new Placement(a, f.body());
          }
          if (f.outcome() == Forwarded.Outcome.UNKNOWN) {
            putQuery(a);
            throw new RegistrationUnconfirmedException(a);
          }
          s.queries.remove(queryId);
        }
      }
      putQuery(q);
      return place(q);
    } finally {
      queryLock.unlock();
    }
  }

  /** Removes a query; returns false when it was unknown. */
  boolean unregisterQuery(String queryId) {
    queryLock.lock();
    try {
      QueryAssignment q = queries.get(queryId);
      if (q == null) {
        return false;
      }
      try {
        replica.deletePlacement(Replica.Placement.QUERY, queryId);
      } catch (IOException e) {
        throw new UncheckedIOException(e);
      }
      queries.remove(queryId);
      if (q.sspId() != null) {
        Ssp s = pool.get(q.sspId());
        if (s != null) {
          s.queries.remove(queryId);
          sendQuietly(s, "/view/unregister", "{\"id\":" + jsonString(queryId) + "}");
        }
      }
      return true;
    } finally {
      queryLock.unlock();
    }
  }

  Optional<QueryAssignment> query(String queryId) {
    return Optional.ofNullable(queries.get(queryId));
  }

  private Placement place(QueryAssignment q) {
    List<Ssp> tried = new ArrayList<>();
    while (true) {
      List<LoadBalance.Candidate> candidates = new ArrayList<>();
      pool.values().stream()
          .filter(s -> s.state == Ssp.State.READY && !tried.contains(s))
          .sorted(Comparator.comparing(s -> s.id))
          .forEach(
              s ->
                  candidates.add(
                      new LoadBalance.Candidate(s.id, s.queries.size(), s.cpu, s.memory)));
      if (candidates.isEmpty()) {
        throw new NoSspAvailableException("no Ready SSP accepted query " + q.queryId());
      }
      Ssp s = pool.get(config.loadBalance().choose(candidates, rotation));
      if (s == null) {
        continue;
      }
      tried.add(s);
      Forwarded f = forward(s, q);
      if (f.outcome() != Forwarded.Outcome.REJECTED) {
        QueryAssignment a = withSsp(q, s);
        putQuery(a);
        s.queries.add(q.queryId());
        if (!f.accepted()) {
          throw new RegistrationUnconfirmedException(a);
        }
        log.info("event=query_placed query_id={} ssp_id={}", q.queryId(), s.id);
        return new Placement(a, f.body());
      }
    }
  }

  private static QueryAssignment withSsp(QueryAssignment q, Ssp s) {
    return new QueryAssignment(q.queryId(), q.surql(), q.params(), q.clientId(), s.id, s.url);
  }

  /** Moves the queries of an SSP that left the pool (or overflowed) to healthy SSPs. */
  private void moveQueries(Ssp gone) {
    List<String> ids = List.copyOf(gone.queries);
    gone.queries.removeAll(ids);
    moveQueries(gone.id, ids);
  }

  /** Moves the queries {@code ids} still assigned to {@code goneId} to healthy SSPs. */
  private void moveQueries(String goneId, List<String> ids) {
    queryLock.lock();
    try {
      for (String id : ids) {
        QueryAssignment q = queries.get(id);
        if (q == null || !goneId.equals(q.sspId())) {
          continue;
        }
        QueryAssignment pending =
            new QueryAssignment(id, q.surql(), q.params(), q.clientId(), null, null);
        putQuery(pending);
        try {
          place(pending);
          log.info("event=query_reassigned query_id={} from={}", id, goneId);
        } catch (NoSspAvailableException e) {
          log.warn("event=query_pending query_id={} from={}", id, goneId);
        } catch (RegistrationUnconfirmedException e) {
          log.warn(
              "event=query_reassigned_unconfirmed query_id={} from={} to={}",
              id,
              goneId,
              e.assignment.sspId());
        }
      }
    } finally {
      queryLock.unlock();
    }
  }

  /**
   * Sends the queries that were assigned to {@code s} before a restart to it again; one it rejects
   * is placed elsewhere.
   */
  private void restoreQueries(Ssp s) {
    List<String> rejected = new ArrayList<>();
    queryLock.lock();
    try {
      for (String id : List.copyOf(s.queries)) {
        QueryAssignment q = queries.get(id);
        if (q == null || !s.id.equals(q.sspId())) {
          s.queries.remove(id);
          continue;
        }
        Forwarded f = forward(s, q);
        if (f.accepted()) {
          log.info("event=query_restored query_id={} ssp_id={}", id, s.id);
        } else if (f.outcome() == Forwarded.Outcome.UNKNOWN) {
          log.warn("event=query_restore_unconfirmed query_id={} ssp_id={}", id, s.id);
        } else {
          s.queries.remove(id);
          rejected.add(id);
        }
      }
    } finally {
      queryLock.unlock();
    }
    if (!rejected.isEmpty()) {
      moveQueries(s.id, rejected);
    }
  }

  /** Places queries left without an SSP, once some SSP becomes Ready. */
  private void placePending() {
    queryLock.lock();
    try {
      for (QueryAssignment q : List.copyOf(queries.values())) {
        if (q.sspId() == null) {
          try {
            place(q);
          } catch (NoSspAvailableException e) {
            return;
          } catch (RegistrationUnconfirmedException e) {
            log.warn(
                "event=query_placed_unconfirmed query_id={} ssp_id={}",
                q.queryId(),
                e.assignment.sspId());
          }
        }
      }
    } finally {
      queryLock.unlock();
    }
  }

  /**
   * What an SSP answered to {@code POST /view/register}: {@code ACCEPTED} with its body on a 2xx;
   * {@code REJECTED} when it certainly does not hold the view (an error status, or the connection
   * could not be opened); {@code UNKNOWN} when the request was sent but no answer came (timeout,
   * connection lost), so the SSP may still be materializing the view.
   */
  record Forwarded(Outcome outcome, String body) {
    enum Outcome {
      ACCEPTED,
      REJECTED,
      UNKNOWN
    }

    static final Forwarded REJECTED = new Forwarded(Outcome.REJECTED, null);
    static final Forwarded UNKNOWN = new Forwarded(Outcome.UNKNOWN, null);

    boolean accepted() {
      return outcome == Outcome.ACCEPTED;
    }
  }

  /**
   * Thrown when an SSP took a query's registration but did not answer within {@code
   * view_register_timeout}. The query stays assigned to that SSP (placing it elsewhere too could
   * leave it on two SSPs, whose write-backs of the same view id conflict); registering it again
   * asks the same SSP, which answers at once once the view exists.
   */
  static final class RegistrationUnconfirmedException extends RuntimeException {
    final QueryAssignment assignment;

    RegistrationUnconfirmedException(QueryAssignment assignment) {
      super(
          "SSP "
              + assignment.sspId()
              + " did not confirm query "
              + assignment.queryId()
              + " in time; it stays assigned there, register it again to get its result");
      this.assignment = assignment;
    }
  }

  /** {@code POST /view/register} on the SSP. */
  private Forwarded forward(Ssp s, QueryAssignment q) {
    StringWriter out = new StringWriter();
    try (JsonGenerator g = JSON.createGenerator(out)) {
      g.writeStartObject();
      g.writeStringField("id", q.queryId());
      g.writeStringField("surql", q.surql());
      g.writeFieldName("params");
      SurrealJson.write(q.params(), g);
      if (q.clientId() != null) {
        g.writeStringField("client_id", q.clientId());
      }
      g.writeEndObject();
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    HttpRequest request =
        request(s.resolve("/view/register"))
            .timeout(config.viewRegisterTimeout())
            .header("Content-Type", "application/json")
            .POST(HttpRequest.BodyPublishers.ofString(out.toString()))
            .build();
    try {
      HttpResponse<String> r = http.send(request, HttpResponse.BodyHandlers.ofString());
      if (r.statusCode() / 100 == 2) {
        return new Forwarded(Forwarded.Outcome.ACCEPTED, r.body().isBlank() ? "null" : r.body());
      }
      log.warn(
          "event=view_register_rejected ssp_id={} query_id={} status={}",
          s.id,
          q.queryId(),
          r.statusCode());
      return Forwarded.REJECTED;
    } catch (java.net.ConnectException e) {
      log.warn("event=view_register_failed ssp_id={} error=\"{}\"", s.id, e.toString());
      return Forwarded.REJECTED;
    } catch (IOException e) {
      log.warn(
          "event=view_register_unconfirmed ssp_id={} query_id={} error=\"{}\"",
          s.id,
          q.queryId(),
          e.toString());
      return Forwarded.UNKNOWN;
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      return Forwarded.UNKNOWN;
    }
  }

  private void sendQuietly(Ssp s, String path, String body) {
    http.sendAsync(jsonPost(s, path, body), HttpResponse.BodyHandlers.discarding())
        .exceptionally(
            e -> {
              log.warn("event=ssp_call_failed ssp_id={} path={} error=\"{}\"", s.id, path, e);
              return null;
            });
  }

  static String jsonString(String s) {
    StringWriter out = new StringWriter();
    try (JsonGenerator g = JSON.createGenerator(out)) {
      g.writeString(s);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    return out.toString();
  }

  // ---------------------------------------------------------------- status

  /**
   * A point-in-time description of one SSP, for {@code GET /ssps} and metrics; {@code
   * bootstrapMillis} is the time from its registration to Ready, -1 until it is Ready.
   */
  record SspStatus(
      String sspId,
      URI url,
      Ssp.State state,
      long views,
      double cpu,
      double memory,
      int queries,
      long snapshotSeq,
      long ackedSeq,
      long lag,
      long delivered,
      long msSinceHeartbeat,
      long bootstrapMillis) {}

  List<SspStatus> ssps() {
    long last = wal.lastSeq();
    long now = System.nanoTime();
    return pool.values().stream()
        .sorted(Comparator.comparing(s -> s.id))
        .map(
            s ->
                new SspStatus(
                    s.id,
                    s.url,
                    s.state,
                    s.views,
                    s.cpu,
                    s.memory,
                    s.queries.size(),
                    s.snapshotSeq,
                    s.ackedSeq,
                    last - s.ackedSeq,
                    s.delivered,
                    Duration.ofNanos(now - s.lastHeartbeatNanos).toMillis(),
                    s.state == Ssp.State.READY
                        ? Duration.ofNanos(s.readyNanos - s.registeredNanos).toMillis()
                        : -1))
        .toList();
  }

  private void registerGauges() {
    metrics.gauge("spooky_scheduler_wal_last_seq", "Seq of the last WAL entry", wal::lastSeq);
    metrics.gauge("spooky_scheduler_wal_first_seq", "Seq of the oldest WAL entry", wal::firstSeq);
    metrics.gauge(
        "spooky_scheduler_replica_seq", "Seq applied to the replica", replica::appliedSeq);
    metrics.gauge(
        "spooky_scheduler_replica_frozen", "1 while the replica is frozen", () -> frozen() ? 1 : 0);
    metrics.gauge("spooky_scheduler_queries", "Registered queries", queries::size);
    metrics.gauge("spooky_scheduler_ssps", "SSPs in the pool", pool::size);
    metrics.gauge(
        "spooky_scheduler_max_buffer_per_ssp",
        "Lag in events beyond which an SSP must re-bootstrap",
        config::maxBufferPerSsp);
    metrics.gauge(
        "spooky_scheduler_ssps_ready",
        "SSPs in the Ready state",
        () -> pool.values().stream().filter(x -> x.state == Ssp.State.READY).count());
    metrics.gauge(
        "spooky_scheduler_ssp_max_lag",
        "Largest lag of an SSP behind the WAL, in events",
        () -> {
          long last = wal.lastSeq();
          return pool.values().stream().mapToLong(x -> last - x.ackedSeq).max().orElse(0);
        });
    sspMetrics.register(metrics, this::ssps);
  }

  /** Seq of the last event in the WAL. */
  public long lastSeq() {
    return wal.lastSeq();
  }

  /** Seq of the last event applied to the snapshot replica. */
  public long replicaSeq() {
    return replica.appliedSeq();
  }

  /** The HTTP port (useful with port 0). */
  public int port() {
    return server.port();
  }

  SchedulerConfig config() {
    return config;
  }

  /** Blocks until {@link #close} is called from another thread. */
  public void awaitTermination() throws InterruptedException {
    synchronized (this) {
      while (running) {
        wait();
      }
    }
  }

  private void spawn(String name, Runnable body) {
    Thread t = Thread.ofVirtual().name(name).start(body);
    synchronized (threads) {
      threads.removeIf(x -> !x.isAlive());
      threads.add(t);
    }
  }

  private static void sleep(long ms) {
    try {
      Thread.sleep(ms);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }

  /** Stops capture, the HTTP server and every thread, then closes the replica and the WAL. */
  @Override
  public void close() {
    if (!closed.compareAndSet(false, true)) {
      return;
    }
    synchronized (this) {
      running = false;
      notifyAll();
    }
    if (capture != null) {
      capture.close();
    }
    if (surreal != null) {
      surreal.close();
    }
    if (server != null) {
      server.stop();
    }
    synchronized (replicaLock) {
      replicaLock.notifyAll();
    }
    synchronized (appended) {
      appended.notifyAll();
    }
    List<Thread> all;
    synchronized (threads) {
      all = List.copyOf(threads);
    }
    for (Thread t : all) {
      t.interrupt();
    }
    for (Thread t : all) {
      try {
        t.join(5000);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
      }
    }
    http.close();
    synchronized (replicaLock) {
      replica.close();
    }
    try {
      wal.close();
    } catch (IOException e) {
      log.warn("event=wal_close_failed error=\"{}\"", e.toString());
    }
    log.info("event=scheduler_stopped");
  }
}
