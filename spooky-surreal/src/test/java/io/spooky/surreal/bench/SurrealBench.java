package io.spooky.surreal.bench;

import io.spooky.core.value.RecordId;
import io.spooky.devdb.DevDbProcess;
import io.spooky.surreal.Credentials;
import io.spooky.surreal.SurrealClient;
import io.spooky.surreal.SurrealConfig;
import io.spooky.surreal.capture.CaptureConfig;
import io.spooky.surreal.capture.CaptureCursor;
import io.spooky.surreal.capture.ChangeCapture;
import io.spooky.surreal.capture.ChangeEvent;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Semaphore;
import java.util.concurrent.atomic.AtomicLong;

/**
 * Load generator for the RPC client and change capture against a dev SurrealDB it starts itself.
 * Prints one line per figure. Not a test: run it by hand (see docs/BENCHMARKS.md).
 *
 * <p>Arguments: {@code [seconds per phase, default 10] [in-flight requests, default 64] [writes per
 * second for the capture phase, default 200]}.
 */
public final class SurrealBench {
  private SurrealBench() {}

  public static void main(String[] args) throws Exception {
    int seconds = args.length > 0 ? Integer.parseInt(args[0]) : 10;
    int inFlight = args.length > 1 ? Integer.parseInt(args[1]) : 64;
    int writesPerSecond = args.length > 2 ? Integer.parseInt(args[2]) : 200;
    try (DevDbProcess db = DevDbProcess.builder().start()) {
      SurrealConfig config =
          SurrealConfig.builder(db.rpcUrl())
              .credentials(Credentials.root(db.username(), db.password()))
              .namespace("bench")
              .database("bench")
              .build();
      try (SurrealClient client = SurrealClient.connect(config)) {
        client.query("CREATE bench:42 SET name = 'x', n = 1");
        throughput(client, "RETURN 1", seconds, inFlight);
        throughput(client, "SELECT * FROM bench:42", seconds, inFlight);
      }
      for (Duration settle : List.of(Duration.ZERO, Duration.ofMillis(250))) {
        captureLatency(config, seconds, writesPerSecond, settle);
      }
    }
  }

  private static void throughput(SurrealClient client, String surql, int seconds, int inFlight)
      throws InterruptedException {
    Semaphore slots = new Semaphore(inFlight);
    AtomicLong done = new AtomicLong();
    AtomicLong failed = new AtomicLong();
    long warmupEnd = System.nanoTime() + Duration.ofSeconds(2).toNanos();
    long end = warmupEnd + Duration.ofSeconds(seconds).toNanos();

    boolean measuring = false;
    long startCount = 0;
    while (System.nanoTime() < end) {
      if (!measuring && System.nanoTime() >= warmupEnd) {
        measuring = true;
        startCount = done.get();
      }
      slots.acquire();
      client
          .queryAsync(surql, Map.of())
          .whenComplete(
              (r, e) -> {
                if (e != null) {
                  failed.incrementAndGet();
                }
                done.incrementAndGet();
                slots.release();
              });
    }
    slots.acquire(inFlight);
    long measured = done.get() - startCount;
    System.out.printf(
        "rpc query=\"%s\" in_flight=%d seconds=%d queries_per_s=%.0f failed=%d%n",
        surql, inFlight, seconds, measured / (double) seconds, failed.get());
  }

  private static void captureLatency(
      SurrealConfig config, int seconds, int writesPerSecond, Duration settle) throws Exception {
    String table = "lat_" + settle.toMillis();
    Map<RecordId, Long> acked = new ConcurrentHashMap<>();
    List<Long> latenciesMicros = new ArrayList<>();
    try (SurrealClient reader = SurrealClient.connect(config);
        SurrealClient writer = SurrealClient.connect(config)) {
      CaptureConfig cc = CaptureConfig.of(Set.of(table)).withSettle(settle);
      try (ChangeCapture capture =
          ChangeCapture.start(
              reader,
              cc,
              CaptureCursor.empty(),
              (events, cursor) -> {
                long now = System.nanoTime();
                synchronized (latenciesMicros) {
                  for (ChangeEvent e : events) {
                    Long at = acked.get(e.id());
                    if (at != null) {
                      latenciesMicros.add((now - at) / 1000);
                    }
                  }
                }
              })) {
        long intervalNanos = 1_000_000_000L / writesPerSecond;
        long next = System.nanoTime();
        long end = next + Duration.ofSeconds(seconds).toNanos();
        int i = 0;
        while (System.nanoTime() < end) {
          RecordId id = RecordId.of(table, i++);
          writer.query("CREATE $id SET n = 1", Map.of("id", id));
          acked.put(id, System.nanoTime());
          next += intervalNanos;
          long sleep = next - System.nanoTime();
          if (sleep > 0) {
            Thread.sleep(sleep / 1_000_000, (int) (sleep % 1_000_000));
          }
        }
        Thread.sleep(settle.toMillis() + 1500);
        long[] sorted;
        synchronized (latenciesMicros) {
          sorted = latenciesMicros.stream().mapToLong(Long::longValue).sorted().toArray();
        }
        System.out.printf(
            "capture settle_ms=%d writes_per_s=%d writes=%d delivered=%d latency_ms p50=%.1f p99=%.1f max=%.1f%n",
            settle.toMillis(),
            writesPerSecond,
            i,
            sorted.length,
            pct(sorted, 0.50) / 1000.0,
            pct(sorted, 0.99) / 1000.0,
            sorted.length == 0 ? 0 : sorted[sorted.length - 1] / 1000.0);
      }
    }
  }

  private static long pct(long[] sorted, double p) {
    if (sorted.length == 0) {
      return 0;
    }
    return sorted[Math.min(sorted.length - 1, (int) Math.floor(p * sorted.length))];
  }
}
