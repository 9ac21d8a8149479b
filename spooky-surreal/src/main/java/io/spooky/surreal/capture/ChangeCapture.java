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
 * <p><b>Reading.</b> One thread reads {@code SHOW CHANGES FOR DATABASE SINCE <v> LIMIT n}, where
 * {@code v} is one past the smallest cursor of the watched tables, and keeps the changes of watched
 * tables that lie beyond their own cursor. The database-wide read is deliberate: on SurrealDB 3.x
 * the {@code LIMIT} of {@code SHOW CHANGES FOR TABLE} counts the transactions of every table and
 * filters afterwards, so a per-table read can return an empty page forever while another table is
 * busy. A transaction is delivered whole or not at all, in versionstamp order. Transactions younger
 * than {@link CaptureConfig#settle()} by the server's clock wait for the next round. The cursor
 * advances only after the consumer returned normally, so a restart, a dropped connection (the
 * client reconnects by itself) or a consumer failure neither loses nor repeats a change relative to
 * the cursor the caller stored. A LIVE query per table wakes the reader early; otherwise it reads
 * every {@link CaptureConfig#pollInterval()}.
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
    try {
      if (config.watchAll()) {
        capture.discover();
      } else {
        for (String t : config.tables()) {
          capture.watch(t);
        }
      }
    } catch (RuntimeException e) {
      capture.close();
      throw e;
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
      } catch (RuntimeException e) {
        // Server errors, lost connections and feed entries that cannot be read: the cursor has
        // not moved, so the same range is read again after a pause.
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

  /**
   * The largest page SHOW CHANGES returns whatever its LIMIT (observed on SurrealDB 3.0.2); a page
   * of this size means more may follow.
   */
  static final int SERVER_PAGE_CAP = 1000;

  private Round read() {
    List<String> names;
    synchronized (this) {
      names = new ArrayList<>(tables);
    }
    CaptureCursor from = cursor;
    long since = Long.MAX_VALUE;
    for (String t : names) {
      since = Math.min(since, from.of(t).map(v -> v.next().value()).orElse(0L));
    }
    if (names.isEmpty()) {
      return new Round(List.of(), from, false, false);
    }
    List<QueryResult> results =
        client.query(
            "RETURN time::now(); SHOW CHANGES FOR DATABASE SINCE "
                + since
                + " LIMIT "
                + config.batchLimit(),
            Map.of());
    for (QueryResult r : results) {
      r.orThrow();
    }
    long nowMs =
        results.get(0).value() instanceof DatetimeValue d
            ? d.value().toEpochMilli()
            : System.currentTimeMillis();
    long settledBefore = nowMs - config.settle().toMillis();
    ArrayValue page = results.get(1).value() instanceof ArrayValue a ? a : Value.array();

    Set<String> watched = Set.copyOf(names);
    List<ChangeEvent> events = new ArrayList<>();
    Versionstamp scanned = null;
    boolean heldBack = false;
    for (Value entry : page.items()) {
      Versionstamp vs = versionstamp(entry);
      if (config.settle().isPositive() && vs.epochMillis() > settledBefore) {
        heldBack = true;
        break;
      }
      Value changes = ((ObjectValue) entry).get("changes");
      if (changes instanceof ArrayValue list) {
        for (Value change : list.items()) {
          ChangeEvent ev = toEvent(vs, change);
          if (ev != null
              && watched.contains(ev.table())
              && from.of(ev.table()).map(c -> vs.compareTo(c) > 0).orElse(true)) {
            events.add(ev);
          }
        }
      }
      scanned = vs;
    }
    // The database-wide scan saw every transaction up to `scanned`: no watched table has an
    // undelivered change at or below it, so every watched cursor may move there.
    TreeMap<String, Versionstamp> next = new TreeMap<>(from.tables());
    if (scanned != null) {
      for (String t : names) {
        Versionstamp old = next.get(t);
        if (old == null || old.compareTo(scanned) < 0) {
          next.put(t, scanned);
        }
      }
    }
    boolean more = !heldBack && page.size() >= Math.min(config.batchLimit(), SERVER_PAGE_CAP);
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
  static ChangeEvent toEvent(Versionstamp vs, Value change) {
    if (!(change instanceof ObjectValue c)) {
      return null;
    }
    Value current = c.get("current");
    Value update = c.get("update");
    Value delete = c.get("delete");
    if (current instanceof ObjectValue after && update instanceof ArrayValue reverse) {
      Value before = ReversePatch.apply(after, reverse);
      RecordId id = idOf(after);
      return new ChangeEvent(
          id.table(),
          ChangeEvent.Op.UPDATE,
          idOf(after),
          before,
          after,
          vs,
          ContentDigest.of(after));
    }
    if (update instanceof ObjectValue after) {
      return new ChangeEvent(
          idOf(after).table(),
          ChangeEvent.Op.CREATE,
          idOf(after),
          Value.NONE,
          after,
          vs,
          ContentDigest.of(after));
    }
    if (delete instanceof ObjectValue gone) {
      Value before = gone.fields().size() > 1 ? gone : Value.NONE;
      RecordId id = idOf(gone);
      return new ChangeEvent(id.table(), ChangeEvent.Op.DELETE, id, before, Value.NONE, vs, null);
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
