package io.spooky.surreal.capture;

import io.spooky.core.digest.ContentDigest;
import io.spooky.core.value.ArrayValue;
import io.spooky.core.value.DatetimeValue;
import io.spooky.core.value.IntValue;
import io.spooky.core.value.ObjectValue;
import io.spooky.core.value.RecordId;
import io.spooky.core.value.StringValue;
import io.spooky.core.value.Value;
import io.spooky.surreal.LiveSubscription;
import io.spooky.surreal.QueryResult;
import io.spooky.surreal.SurrealClient;
import io.spooky.surreal.SurrealException;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Turns SurrealDB change feeds into an ordered stream of {@link ChangeEvent}s for a set of tables,
 * resumable from a caller-owned {@link CaptureCursor}.
 *
 * <pre>{@code
 * CaptureCursor from = CaptureCursor.decode(loadFromMyWal());
 * try (ChangeCapture capture = ChangeCapture.start(surreal, CaptureConfig.of(Set.of("user")), from,
 *     (events, cursorAfter) -> { apply(events); saveToMyWal(cursorAfter.encode()); })) {
 *   ...
 * }
 * }</pre>
 *
 * <p><b>Set-up.</b> For every watched table the capture makes sure a change feed with {@code
 * INCLUDE ORIGINAL} exists, and never replaces an existing definition: a missing table gets {@code
 * DEFINE TABLE IF NOT EXISTS t CHANGEFEED <retention> INCLUDE ORIGINAL}; a defined table without a
 * feed, or with a feed lacking {@code INCLUDE ORIGINAL}, gets {@code ALTER TABLE t CHANGEFEED
 * <retention> INCLUDE ORIGINAL} (keeping its own retention when it had one), which leaves schema,
 * fields and permissions as they are. With {@link CaptureConfig#watchAll()} new tables are found
 * with {@code INFO FOR DB}.
 *
 * <p><b>Reading.</b> One thread reads {@code SHOW CHANGES FOR TABLE t SINCE <cursor+1> LIMIT n} for
 * all tables in one request, merges the tables by versionstamp and hands one batch at a time to the
 * consumer. A transaction is delivered whole or not at all. When a table returned a full page,
 * nothing beyond its last versionstamp is delivered from other tables in that round, so the merged
 * stream is in versionstamp order. Transactions younger than {@link CaptureConfig#settle()} by the
 * server's clock wait for the next round. The cursor advances only after the consumer returned
 * normally, so a restart, a dropped connection (the client reconnects by itself) or a consumer
 * failure neither loses nor repeats a change relative to the cursor the caller stored. A LIVE query
 * per table wakes the reader early; otherwise it reads every {@link CaptureConfig#pollInterval()}.
 *
 * <p>Thread-safe to {@link #close()} from any thread; the consumer runs on the capture's thread.
 */
public final class ChangeCapture implements AutoCloseable {
  private static final Logger log = LoggerFactory.getLogger(ChangeCapture.class);
  private static final Pattern FEED =
      Pattern.compile("CHANGEFEED\\s+([0-9a-zµ]+)(\\s+INCLUDE\\s+ORIGINAL)?");

  private final SurrealClient client;
  private final CaptureConfig config;
  private final ChangeConsumer consumer;
  private final Set<String> tables = new LinkedHashSet<>();
  private final List<LiveSubscription> wakeups = new CopyOnWriteArrayList<>();
  private final List<Thread> wakeupThreads = new CopyOnWriteArrayList<>();
  private final Semaphore wake = new Semaphore(0);
  private final Thread thread;
  private volatile CaptureCursor cursor;
  private volatile boolean running = true;
  private long lastDiscovery;

  private ChangeCapture(
      SurrealClient client, CaptureConfig config, CaptureCursor from, ChangeConsumer consumer) {
    this.client = client;
    this.config = config;
    this.consumer = consumer;
    this.cursor = from;
    this.thread = Thread.ofPlatform().name("surreal-capture").daemon().unstarted(this::run);
  }

  /**
   * Prepares the change feeds and starts delivering changes after {@code from}.
   *
   * @param client a connected client whose session has a namespace and database selected and may
   *     define tables; the capture does not close it
   * @throws SurrealException when the feeds cannot be set up
   */
  public static ChangeCapture start(
      SurrealClient client, CaptureConfig config, CaptureCursor from, ChangeConsumer consumer) {
    ChangeCapture capture = new ChangeCapture(client, config, from, consumer);
    if (config.watchAll()) {
      capture.discover();
    } else {
      for (String t : config.tables()) {
        capture.watch(t);
      }
    }
    capture.thread.start();
    return capture;
  }

  /** The cursor after the last batch the consumer accepted. */
  public CaptureCursor cursor() {
    return cursor;
  }

  /** The tables being watched. */
  public synchronized Set<String> tables() {
    return Set.copyOf(tables);
  }

  /** Stops reading and waits for the consumer to return. Idempotent. */
  @Override
  public void close() {
    running = false;
    thread.interrupt();
    try {
      thread.join(TimeUnit.SECONDS.toMillis(30));
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
    for (Thread t : wakeupThreads) {
      t.interrupt();
    }
    for (LiveSubscription s : wakeups) {
      s.close();
    }
  }

  // ---------------------------------------------------------------- set-up

  private void discover() {
    Value info = client.queryValue("INFO FOR DB", Map.of());
    if (info instanceof ObjectValue o && o.get("tables") instanceof ObjectValue defs) {
      for (String t : defs.fields().keySet()) {
        if (!t.startsWith("_spooky_")) {
          watch(t);
        }
      }
    }
    lastDiscovery = System.nanoTime();
  }

  private void watch(String table) {
    synchronized (this) {
      if (tables.contains(table)) {
        return;
      }
    }
    ensureFeed(table);
    if (config.liveWakeup()) {
      LiveSubscription sub = client.live(table);
      wakeups.add(sub);
      Thread waker =
          Thread.ofVirtual()
              .name("surreal-capture-wakeup-" + table)
              .start(
                  () -> {
                    try {
                      while (running) {
                        sub.take();
                        wake.release();
                      }
                    } catch (InterruptedException e) {
                      Thread.currentThread().interrupt();
                    }
                  });
      wakeupThreads.add(waker);
    }
    synchronized (this) {
      tables.add(table);
    }
  }

  private void ensureFeed(String table) {
    Value info = client.queryValue("INFO FOR DB", Map.of());
    String definition =
        info instanceof ObjectValue o
                && o.get("tables") instanceof ObjectValue defs
                && defs.get(table) instanceof StringValue s
            ? s.value()
            : null;
    String name = ident(table);
    if (definition == null) {
      String sql =
          "DEFINE TABLE IF NOT EXISTS "
              + name
              + " CHANGEFEED "
              + config.retention()
              + " INCLUDE ORIGINAL";
      client.queryValue(sql, Map.of());
      log.info("event=changefeed_defined table={} statement=\"{}\"", table, sql);
      return;
    }
    Matcher m = FEED.matcher(definition);
    boolean hasFeed = m.find();
    if (hasFeed && m.group(2) != null) {
      return;
    }
    String retention = hasFeed ? m.group(1) : config.retention();
    String sql = "ALTER TABLE " + name + " CHANGEFEED " + retention + " INCLUDE ORIGINAL";
    client.queryValue(sql, Map.of());
    log.info("event=changefeed_altered table={} statement=\"{}\"", table, sql);
  }

  /** A table name as a SurrealQL identifier, always quoted so any name is safe. */
  static String ident(String table) {
    return "`" + table.replace("\\", "\\\\").replace("`", "\\`") + "`";
  }

  // ---------------------------------------------------------------- the loop

  private void run() {
    long retry = config.retryDelay().toMillis();
    while (running) {
      try {
        if (config.watchAll()
            && System.nanoTime() - lastDiscovery > config.discoveryInterval().toNanos()) {
          discover();
        }
        Round round = read();
        if (!round.events.isEmpty() || !round.cursorAfter.equals(cursor)) {
          deliver(round);
        }
        if (round.more) {
          continue;
        }
        long waitMs =
            round.heldBack
                ? Math.max(1, config.settle().toMillis() / 2)
                : config.pollInterval().toMillis();
        wake.tryAcquire(waitMs, TimeUnit.MILLISECONDS);
        wake.drainPermits();
        retry = config.retryDelay().toMillis();
      } catch (InterruptedException e) {
        return;
      } catch (SurrealException | ReversePatch.PatchException e) {
        if (!running) {
          return;
        }
        log.warn("event=capture_read_failed error=\"{}\" retry_ms={}", e.getMessage(), retry);
        if (!sleep(retry)) {
          return;
        }
        retry = Math.min(retry * 2, 5_000);
      }
    }
  }

  /** Offers the batch until the consumer accepts it or the capture stops. */
  private void deliver(Round round) throws InterruptedException {
    long retry = config.retryDelay().toMillis();
    while (running) {
      try {
        consumer.onBatch(round.events, round.cursorAfter);
        cursor = round.cursorAfter;
        return;
      } catch (InterruptedException e) {
        throw e;
      } catch (Exception e) {
        log.warn(
            "event=consumer_failed events={} error=\"{}\" retry_ms={}",
            round.events.size(),
            e.toString(),
            retry);
        if (!sleep(retry)) {
          throw new InterruptedException();
        }
        retry = Math.min(retry * 2, 5_000);
      }
    }
    throw new InterruptedException();
  }

  private boolean sleep(long ms) {
    try {
      Thread.sleep(ms);
      return running;
    } catch (InterruptedException e) {
      return false;
    }
  }

  /** What one read produced. */
  private record Round(
      List<ChangeEvent> events, CaptureCursor cursorAfter, boolean more, boolean heldBack) {}

  private record Group(String table, int tableOrder, Versionstamp vs, ArrayValue changes) {}

  private Round read() {
    List<String> names;
    synchronized (this) {
      names = new ArrayList<>(tables);
    }
    CaptureCursor from = cursor;
    StringBuilder sql = new StringBuilder("RETURN time::now();");
    for (String t : names) {
      long since = from.of(t).map(v -> v.next().value()).orElse(0L);
      sql.append("SHOW CHANGES FOR TABLE ")
          .append(ident(t))
          .append(" SINCE ")
          .append(since)
          .append(" LIMIT ")
          .append(config.batchLimit())
          .append(';');
    }
    List<QueryResult> results = client.query(sql.toString(), Map.of());
    for (QueryResult r : results) {
      r.orThrow();
    }
    long nowMs =
        results.get(0).value() instanceof DatetimeValue d
            ? d.value().toEpochMilli()
            : System.currentTimeMillis();
    long settledBefore = nowMs - config.settle().toMillis();

    long cap = Long.MAX_VALUE;
    boolean more = false;
    boolean heldBack = false;
    List<Group> groups = new ArrayList<>();
    for (int i = 0; i < names.size(); i++) {
      Value page = results.get(i + 1).value();
      if (!(page instanceof ArrayValue entries)) {
        continue;
      }
      if (entries.size() >= config.batchLimit() && entries.size() > 0) {
        more = true;
        cap = Math.min(cap, versionstamp(entries.get(entries.size() - 1)).value());
      }
      for (Value e : entries.items()) {
        Versionstamp vs = versionstamp(e);
        Value changes = ((ObjectValue) e).get("changes");
        groups.add(
            new Group(names.get(i), i, vs, changes instanceof ArrayValue a ? a : Value.array()));
      }
    }
    groups.sort(Comparator.comparing(Group::vs).thenComparingInt(Group::tableOrder));

    List<ChangeEvent> events = new ArrayList<>();
    TreeMap<String, Versionstamp> next = new TreeMap<>(from.tables());
    for (Group g : groups) {
      if (g.vs.value() > cap) {
        break;
      }
      if (config.settle().isPositive() && g.vs.epochMillis() > settledBefore) {
        heldBack = true;
        break;
      }
      for (Value change : g.changes.items()) {
        ChangeEvent ev = toEvent(g.table, g.vs, change);
        if (ev != null) {
          events.add(ev);
        }
      }
      next.put(g.table, g.vs);
    }
    if (heldBack) {
      more = false;
    }
    return new Round(events, new CaptureCursor(next), more, heldBack);
  }

  private static Versionstamp versionstamp(Value entry) {
    if (entry instanceof ObjectValue o && o.get("versionstamp") instanceof IntValue i) {
      return new Versionstamp(i.value());
    }
    throw new SurrealException("change feed entry without a versionstamp: " + entry);
  }

  /**
   * One feed entry as an event; null for entries that are not record changes ({@code
   * define_table}). The entry shapes of SurrealDB 3.x with {@code INCLUDE ORIGINAL}: {@code
   * {update: after}} for a create, {@code {current: after, update: [reverse patch]}} for an update,
   * {@code {delete: {id}}} for a delete.
   */
  static ChangeEvent toEvent(String table, Versionstamp vs, Value change) {
    if (!(change instanceof ObjectValue c)) {
      return null;
    }
    Value current = c.get("current");
    Value update = c.get("update");
    Value delete = c.get("delete");
    if (current instanceof ObjectValue after && update instanceof ArrayValue reverse) {
      Value before = ReversePatch.apply(after, reverse);
      return new ChangeEvent(
          table, ChangeEvent.Op.UPDATE, idOf(after), before, after, vs, ContentDigest.of(after));
    }
    if (update instanceof ObjectValue after) {
      return new ChangeEvent(
          table,
          ChangeEvent.Op.CREATE,
          idOf(after),
          Value.NONE,
          after,
          vs,
          ContentDigest.of(after));
    }
    if (delete instanceof ObjectValue gone) {
      Value before = gone.fields().size() > 1 ? gone : Value.NONE;
      return new ChangeEvent(
          table, ChangeEvent.Op.DELETE, idOf(gone), before, Value.NONE, vs, null);
    }
    return null;
  }

  private static RecordId idOf(ObjectValue record) {
    if (record.get("id") instanceof RecordId id) {
      return id;
    }
    throw new SurrealException(
        "change feed record without a record id: " + record.fields().keySet());
  }
}
