package io.spooky.ssp.jobs;

import io.spooky.core.value.ArrayValue;
import io.spooky.core.value.IntValue;
import io.spooky.core.value.ObjectValue;
import io.spooky.core.value.RecordId;
import io.spooky.devdb.DevDbProcess;
import io.spooky.surreal.Credentials;
import io.spooky.surreal.SurrealClient;
import io.spooky.surreal.SurrealConfig;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * Load generator for the job runner against a dev SurrealDB and a loopback backend it starts
 * itself. Prints one line per figure. Not a test: run it by hand (docs/BENCHMARKS.md).
 *
 * <p>Phase 1, throughput: {@code jobs} rows inserted up front, then 1 and 2 runners (concurrency 8
 * each) drain them; jobs per second from runner start to the last {@code done}. Phase 2, latency:
 * one job every 20 ms; time from the CREATE's acknowledgement to the backend receiving the POST,
 * with the live wake-up on and off (poll interval 1 s, the default).
 *
 * <p>Arguments: {@code [jobs for phase 1, default 1000] [jobs for phase 2, default 200]}.
 */
public final class JobBench {
  private JobBench() {}

  public static void main(String[] args) throws Exception {
    int drainJobs = args.length > 0 ? Integer.parseInt(args[0]) : 1000;
    int latencyJobs = args.length > 1 ? Integer.parseInt(args[1]) : 200;
    try (DevDbProcess db = DevDbProcess.builder().start();
        TestBackend backend = new TestBackend()) {
      backend.on("/ok", (nth, body) -> new TestBackend.Response(200, "ok"));
      for (int runners : new int[] {1, 2}) {
        drain(db, backend, "drain" + runners, runners, drainJobs);
      }
      for (boolean live : new boolean[] {true, false}) {
        latency(db, backend, "latency" + live, live, latencyJobs);
      }
    }
  }

  private static void drain(
      DevDbProcess db, TestBackend backend, String database, int runners, int jobs)
      throws InterruptedException {
    try (SurrealClient s = connect(db, database)) {
      s.query(JobTable.DEFINE);
      StringBuilder batch = new StringBuilder();
      for (int i = 0; i < jobs; i++) {
        batch.append("CREATE _spooky_job SET path = '/ok', payload = {n: ").append(i).append("};");
        if (i % 200 == 199 || i == jobs - 1) {
          s.query(batch.toString());
          batch.setLength(0);
        }
      }
      List<AutoCloseable> open = new ArrayList<>();
      long start = System.nanoTime();
      for (int r = 0; r < runners; r++) {
        SurrealClient c = connect(db, database);
        open.add(c);
        open.add(JobRunner.start(c, config(backend, "bench-" + r, true)));
      }
      while (doneCount(s) < jobs) {
        Thread.sleep(20);
      }
      double seconds = (System.nanoTime() - start) / 1e9;
      System.out.printf(
          "drain runners=%d jobs=%d seconds=%.2f jobs_per_second=%.0f%n",
          runners, jobs, seconds, jobs / seconds);
      closeAll(open);
    }
  }

  private static void latency(
      DevDbProcess db, TestBackend backend, String database, boolean live, int jobs)
      throws InterruptedException {
    try (SurrealClient s = connect(db, database);
        SurrealClient c = connect(db, database)) {
      s.query(JobTable.DEFINE);
      Map<String, Long> created = new HashMap<>();
      try (JobRunner runner = JobRunner.start(c, config(backend, "lat", live))) {
        if (live) {
          runner.awaitLiveSubscribed(Duration.ofSeconds(30));
        }
        for (int i = 0; i < jobs; i++) {
          String key = database + "_" + i;
          s.query("CREATE $id SET path = '/ok'", Map.of("id", RecordId.of("_spooky_job", key)));
          created.put("_spooky_job:" + key, System.nanoTime());
          Thread.sleep(20);
        }
        while (doneCount(s) < jobs) {
          Thread.sleep(20);
        }
      }
      long[] micros =
          backend.hits().stream()
              .filter(h -> created.containsKey(h.jobId()))
              .mapToLong(h -> (h.nanos() - created.get(h.jobId())) / 1_000)
              .sorted()
              .toArray();
      System.out.printf(
          "latency live=%s jobs=%d p50_ms=%.1f p99_ms=%.1f max_ms=%.1f%n",
          live,
          micros.length,
          pct(micros, 0.50),
          pct(micros, 0.99),
          micros[micros.length - 1] / 1000.0);
    }
  }

  private static double pct(long[] sorted, double p) {
    return sorted[(int) Math.min(sorted.length - 1, Math.floor(p * sorted.length))] / 1000.0;
  }

  private static JobConfig config(TestBackend backend, String id, boolean live) {
    return JobConfig.defaults(backend.url()).withSspId(id).withLiveWakeup(live);
  }

  private static long doneCount(SurrealClient s) {
    ArrayValue rows =
        (ArrayValue)
            s.queryValue(
                "SELECT count() AS n FROM _spooky_job WHERE status = 'done' GROUP ALL", Map.of());
    return rows.items().isEmpty() ? 0 : ((IntValue) ((ObjectValue) rows.get(0)).get("n")).value();
  }

  private static SurrealClient connect(DevDbProcess db, String database) {
    return SurrealClient.connect(
        SurrealConfig.builder(db.rpcUrl())
            .credentials(Credentials.root(db.username(), db.password()))
            .namespace("bench")
            .database(database)
            .requestTimeout(Duration.ofSeconds(30))
            .build());
  }

  private static void closeAll(List<AutoCloseable> open) {
    for (AutoCloseable c : open.reversed()) {
      try {
        c.close();
      } catch (Exception e) {
        throw new IllegalStateException(e);
      }
    }
  }
}
