package io.spooky.surreal.capture;

import static org.assertj.core.api.Assertions.assertThat;

import io.spooky.core.value.ArrayValue;
import io.spooky.core.value.RecordId;
import io.spooky.core.value.Value;
import io.spooky.devdb.DevSurreal;
import io.spooky.devdb.DevSurrealEndpoint;
import io.spooky.surreal.DevClients;
import io.spooky.surreal.SurrealClient;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import org.junit.jupiter.api.Test;

/**
 * The acceptance test of change capture: writer threads create, update and delete records at random
 * while the capture is stopped and restarted from the cursor its consumer stored, and while its
 * connection is dropped mid-stream. The concatenation of every delivered batch must equal the
 * writes exactly: nothing missing, nothing repeated, each record's changes in write order, and each
 * update's before image equal to the previous after image.
 */
@DevSurreal
class CaptureExactlyOnceTest {
  private static final int WRITERS = 3;
  private static final int OPS_PER_WRITER = 250;
  private static final List<String> TABLES = List.of("acc_a", "acc_b");

  /** What a writer did to one record, in order. */
  record Write(ChangeEvent.Op op, Value after) {}

  /** The consumer: appends batches and stores the cursor atomically, like a WAL. */
  static final class Wal implements ChangeConsumer {
    final List<ChangeEvent> events = new ArrayList<>();
    CaptureCursor cursor = CaptureCursor.empty();

    @Override
    public synchronized void onBatch(List<ChangeEvent> batch, CaptureCursor cursorAfter) {
      events.addAll(batch);
      cursor = cursorAfter;
    }

    synchronized CaptureCursor cursor() {
      return cursor;
    }

    synchronized int size() {
      return events.size();
    }

    synchronized List<ChangeEvent> events() {
      return List.copyOf(events);
    }
  }

  @Test
  void theEventStreamEqualsTheWritesAcrossRestartsAndDroppedConnections(DevSurrealEndpoint db)
      throws Exception {
    long seed = Long.getLong("spooky.seed", System.nanoTime());
    Random control = new Random(seed);
    Map<RecordId, List<Write>> writes = new ConcurrentHashMap<>();
    Wal wal = new Wal();
    CaptureConfig config =
        CaptureConfig.of(Set.copyOf(TABLES))
            .withBatchLimit(7)
            .withPollInterval(Duration.ofMillis(100));
    int restarts = 0;
    int drops = 0;
    try (SurrealClient captureClient = DevClients.connect(db)) {
      ChangeCapture capture = ChangeCapture.start(captureClient, config, wal.cursor(), wal);
      ExecutorService pool = Executors.newFixedThreadPool(WRITERS);
      List<Future<?>> writers = new ArrayList<>();
      for (int w = 0; w < WRITERS; w++) {
        long writerSeed = control.nextLong();
        int writer = w;
        writers.add(pool.submit(() -> write(db, writer, new Random(writerSeed), writes)));
      }
      try {
        while (!writers.stream().allMatch(Future::isDone)) {
          Thread.sleep(40 + control.nextInt(120));
          if (control.nextBoolean()) {
            capture.close();
            capture = ChangeCapture.start(captureClient, config, wal.cursor(), wal);
            restarts++;
          } else {
            captureClient.reconnect();
            drops++;
          }
        }
        for (Future<?> f : writers) {
          f.get();
        }
        int expected = writes.values().stream().mapToInt(List::size).sum();
        long deadline = System.nanoTime() + Duration.ofSeconds(30).toNanos();
        while (wal.size() < expected && System.nanoTime() < deadline) {
          Thread.sleep(50);
        }
        // Anything extra (a duplicate) would arrive now; give it the chance to.
        Thread.sleep(config.settle().toMillis() + 300);
      } finally {
        capture.close();
        pool.shutdownNow();
      }
    }

    Map<RecordId, List<Write>> seen = new LinkedHashMap<>();
    Map<RecordId, Value> lastAfter = new HashMap<>();
    for (ChangeEvent e : wal.events()) {
      seen.computeIfAbsent(e.id(), k -> new ArrayList<>()).add(new Write(e.op(), e.after()));
      Value previous = lastAfter.getOrDefault(e.id(), Value.NONE);
      if (e.op() != ChangeEvent.Op.DELETE) {
        assertThat(e.before())
            .as("seed=%d before image of %s at %s", seed, e.id(), e.versionstamp())
            .isEqualTo(previous);
      }
      lastAfter.put(e.id(), e.after());
    }
    String context = "seed=" + seed + " restarts=" + restarts + " drops=" + drops;
    assertThat(restarts + drops).as(context).isGreaterThanOrEqualTo(3);
    java.util.Set<RecordId> missing = new java.util.HashSet<>(writes.keySet());
    missing.removeAll(seen.keySet());
    java.util.Set<RecordId> extra = new java.util.HashSet<>(seen.keySet());
    extra.removeAll(writes.keySet());
    assertThat(missing).as("%s: records never captured", context).isEmpty();
    assertThat(extra).as("%s: records never written", context).isEmpty();
    for (Map.Entry<RecordId, List<Write>> e : writes.entrySet()) {
      assertThat(seen.get(e.getKey()))
          .as("%s record %s", context, e.getKey())
          .isEqualTo(e.getValue());
    }
    assertThat(wal.events()).extracting(ChangeEvent::versionstamp).as(context).isSorted();
  }

  /** One writer: owns its records, so their order of writes is the order of commits. */
  private static Void write(
      DevSurrealEndpoint db, int writer, Random random, Map<RecordId, List<Write>> writes)
      throws InterruptedException {
    try (SurrealClient s = DevClients.connect(db)) {
      List<RecordId> live = new ArrayList<>();
      int next = 0;
      for (int i = 0; i < OPS_PER_WRITER; i++) {
        int dice = random.nextInt(10);
        if (live.isEmpty() || dice < 4) {
          String table = TABLES.get(random.nextInt(TABLES.size()));
          RecordId id = RecordId.of(table, "w" + writer + "_" + next++);
          Value after =
              first(
                  s.queryValue(
                      "CREATE $id CONTENT $c",
                      Map.of(
                          "id",
                          id,
                          "c",
                          Map.of("n", 0, "s", text(random), "list", List.of(1, 2)))));
          record(writes, id, ChangeEvent.Op.CREATE, after);
          live.add(id);
        } else if (dice < 8) {
          RecordId id = live.get(random.nextInt(live.size()));
          Value after =
              first(
                  s.queryValue(
                      "UPDATE $id SET n += 1, s = $s, list = $l",
                      Map.of("id", id, "s", text(random), "l", List.of(random.nextInt(3), 7))));
          record(writes, id, ChangeEvent.Op.UPDATE, after);
        } else {
          RecordId id = live.remove(random.nextInt(live.size()));
          s.queryValue("DELETE $id", Map.of("id", id));
          record(writes, id, ChangeEvent.Op.DELETE, Value.NONE);
        }
        Thread.sleep(random.nextInt(4));
      }
    }
    return null;
  }

  private static void record(
      Map<RecordId, List<Write>> writes, RecordId id, ChangeEvent.Op op, Value after) {
    writes.computeIfAbsent(id, k -> new ArrayList<>()).add(new Write(op, after));
  }

  private static Value first(Value v) {
    return v instanceof ArrayValue a && a.size() == 1 ? a.get(0) : v;
  }

  private static String text(Random r) {
    String[] words = {"héllo", "wörld", "😀", "brave", "new", "spooky", "sync", "a", "b"};
    StringBuilder sb = new StringBuilder();
    for (int i = 1 + r.nextInt(6); i > 0; i--) {
      sb.append(words[r.nextInt(words.length)]).append(' ');
    }
    return sb.toString();
  }
}
