package io.spooky.ssp.bench;

import io.spooky.core.json.SurrealJson;
import io.spooky.core.value.ArrayValue;
import io.spooky.core.value.IntValue;
import io.spooky.core.value.ObjectValue;
import io.spooky.core.value.StringValue;
import io.spooky.core.value.Value;
import io.spooky.devdb.DevDbProcess;
import io.spooky.scheduler.Scheduler;
import io.spooky.scheduler.SchedulerConfig;
import io.spooky.ssp.SspMain;
import java.io.IOException;
import java.lang.management.ManagementFactory;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;

/**
 * Load generator for the scheduler figures of docs/BENCHMARKS.md: a dev SurrealDB (for the SSPs'
 * {@code _spooky_*} tables), an in-process {@link Scheduler} on loopback fed through {@code POST
 * /ingest} (no change capture), and SSPs as child JVMs ({@link SspMain} in scheduler mode), so an
 * SSP can be killed with SIGKILL.
 *
 * <ul>
 *   <li>{@code bootstrap <records> [page_size]}: seeds the scheduler's replica with {@code records}
 *       {@code item} records through {@code POST /ingest} (4 producers, 1,000 events a request),
 *       then starts one SSP and reports the time from its registration to Ready ({@code
 *       bootstrap_ms} of {@code GET /ssps}: self-bootstrap through {@code /proxy/query} paging,
 *       then replay), records/s, and the CPU time the scheduler and the SSP spent; a view over the
 *       loaded table checks that every record arrived.
 *   <li>{@code failover <stale_after_ms> <heartbeat_ms> <runs> [records] [queries]}: two SSPs,
 *       {@code queries} live queries placed round robin, a writer at about 200 events/s; each run
 *       kills (SIGKILL) the SSP holding the first query and measures, from the kill, when the
 *       scheduler dropped it from the pool, when every one of its queries was assigned to the
 *       survivor ({@code GET /query/{id}}), and when the survivor answered every one of them
 *       ({@code GET /views/{id}} with the right row count). The killed SSP is then restarted under
 *       the same id for the next run.
 * </ul>
 *
 * <p>Run (after {@code mvn -q -B -o -pl spooky-ssp -am test-compile -Dspotless.check.skip=true} and
 * {@code mvn -q -B -o -pl spooky-ssp dependency:build-classpath -Dmdep.includeScope=test
 * -Dmdep.outputFile=target/cp.txt}): {@code java -cp
 * "spooky-ssp/target/test-classes:spooky-ssp/target/classes:$(cat spooky-ssp/target/cp.txt)"
 * io.spooky.ssp.bench.SchedulerPoolBench bootstrap 1000000}.
 */
public final class SchedulerPoolBench {
  private static final String TABLE = "item";
  private static final HttpClient HTTP =
      HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();

  private SchedulerPoolBench() {}

  public static void main(String[] args) throws Exception {
    if (args.length == 0) {
      System.err.println(
          "usage: SchedulerPoolBench bootstrap <records> [page_size]\n"
              + "       SchedulerPoolBench failover <stale_after_ms> <heartbeat_ms> <runs>"
              + " [records] [queries]");
      System.exit(2);
    }
    Path dir = Files.createTempDirectory("sched-bench");
    try (DevDbProcess db = DevDbProcess.builder().bind("127.0.0.1", 0).start()) {
      switch (args[0]) {
        case "bootstrap" ->
            bootstrap(
                db,
                dir,
                Integer.parseInt(args[1]),
                args.length > 2 ? Integer.parseInt(args[2]) : 1000);
        case "failover" ->
            failover(
                db,
                dir,
                Integer.parseInt(args[1]),
                Integer.parseInt(args[2]),
                Integer.parseInt(args[3]),
                args.length > 4 ? Integer.parseInt(args[4]) : 10_000,
                args.length > 5 ? Integer.parseInt(args[5]) : 10);
        default -> throw new IllegalArgumentException("unknown mode " + args[0]);
      }
    } finally {
      deleteRecursively(dir);
    }
  }

  /** Removes the bench's replica, WAL and SSP working directories. */
  private static void deleteRecursively(Path dir) throws IOException {
    try (var paths = Files.walk(dir)) {
      for (Path p : paths.sorted(java.util.Comparator.reverseOrder()).toList()) {
        Files.deleteIfExists(p);
      }
    }
  }

  /** A scheduler on a free loopback port with its replica and WAL under {@code dir}. */
  private static SchedulerConfig schedulerConfig(Path dir, int heartbeatMs, int staleMs) {
    return SchedulerConfig.defaults()
        .withHost("127.0.0.1")
        .withPort(0)
        .withPaths(dir.resolve("replica"), dir.resolve("wal"))
        .withTimings(
            Duration.ofMillis(heartbeatMs), Duration.ofMillis(staleMs), Duration.ofMillis(100));
  }

  // ---------------------------------------------------------------- bootstrap

  private static void bootstrap(DevDbProcess db, Path dir, int records, int pageSize)
      throws Exception {
    try (Scheduler scheduler = Scheduler.start(schedulerConfig(dir, 5_000, 15_000))) {
      String sched = "http://127.0.0.1:" + scheduler.port();
      long t0 = System.nanoTime();
      seed(sched, records);
      long seeded = System.nanoTime();
      while (scheduler.replicaSeq() < records) {
        Thread.sleep(20);
      }
      long applied = System.nanoTime();
      System.out.printf(
          Locale.ROOT,
          "seeded %d records through POST /ingest in %.1f s (%.0f events/s durable in the WAL);"
              + " replica caught up after %.1f s%n",
          records,
          secs(seeded - t0),
          records / secs(seeded - t0),
          secs(applied - t0));
      long schedCpu0 = processCpuNanos();
      long start = System.nanoTime();
      Child ssp =
          Child.start(db, dir, sched, "ssp-boot", Map.of("SSP_PAGE_SIZE", "" + pageSize), "6g");
      try {
        ObjectValue status;
        while ((status = ssp(sched, "ssp-boot")) == null
            || !text(status, "state").equals("ready")) {
          if (!ssp.process.isAlive()) {
            throw new IllegalStateException("SSP exited; see " + ssp.log);
          }
          Thread.sleep(20);
        }
        long ready = System.nanoTime();
        long bootstrapMs = ((IntValue) status.get("bootstrap_ms")).value();
        long schedCpu = processCpuNanos() - schedCpu0;
        long sspCpu =
            ssp.process.toHandle().info().totalCpuDuration().map(Duration::toNanos).orElse(-1L);
        String placed =
            post(
                sched + "/query/register",
                "{\"query_id\":\"check\",\"surql\":\"SELECT * FROM "
                    + TABLE
                    + " WHERE k = 7\",\"params\":{}}");
        int rows = rows(get("http://127.0.0.1:" + ssp.port + "/views/check"));
        System.out.printf(
            Locale.ROOT,
            "bootstrap of %d records, page size %d: registration -> Ready %.2f s (%.0f records/s);"
                + " process start -> Ready %.2f s; CPU: scheduler %.1f s, SSP %.1f s (incl. JVM"
                + " start); SSP peak RSS %s; check view rows %d (expected %d) placed %s%n",
            records,
            pageSize,
            bootstrapMs / 1000.0,
            records / (bootstrapMs / 1000.0),
            secs(ready - start),
            schedCpu / 1e9,
            sspCpu / 1e9,
            peakRss(ssp.process.pid()),
            rows,
            records / 100 + (records % 100 > 7 ? 1 : 0),
            placed.length() > 60 ? placed.substring(0, 60) + "…" : placed);
      } finally {
        ssp.kill();
      }
    }
  }

  // ---------------------------------------------------------------- failover

  private static void failover(
      DevDbProcess db, Path dir, int staleMs, int heartbeatMs, int runs, int records, int queries)
      throws Exception {
    try (Scheduler scheduler = Scheduler.start(schedulerConfig(dir, heartbeatMs, staleMs))) {
      String sched = "http://127.0.0.1:" + scheduler.port();
      seed(sched, records);
      Map<String, Child> ssps = new HashMap<>();
      AtomicBoolean writing = new AtomicBoolean(true);
      AtomicLong written = new AtomicLong();
      Thread writer = null;
      try {
        for (String id : List.of("ssp-a", "ssp-b")) {
          ssps.put(id, Child.start(db, dir, sched, id, Map.of(), "1g"));
        }
        awaitReady(sched, ssps);
        writer = Thread.ofPlatform().daemon().start(() -> write(sched, records, writing, written));
        System.out.printf(
            Locale.ROOT,
            "failover: stale_after %d ms, heartbeat %d ms, %d records, %d queries, writer ~200"
                + " events/s%n",
            staleMs,
            heartbeatMs,
            records,
            queries);
        System.out.println(
            "run | victim | queries moved | heartbeat age at kill ms | kill->removed ms |"
                + " kill->all moved ms | kill->all answering ms");
        for (int run = 1; run <= runs; run++) {
          List<String> ids = new ArrayList<>();
          for (int q = 0; q < queries; q++) {
            String id = "r" + run + "q" + q;
            String r =
                post(
                    sched + "/query/register",
                    "{\"query_id\":\""
                        + id
                        + "\",\"surql\":\"SELECT * FROM "
                        + TABLE
                        + " WHERE k = $k\",\"params\":{\"k\":"
                        + q
                        + "}}");
            if (!r.contains("ssp_id")) {
              throw new IllegalStateException("placement failed: " + r);
            }
            ids.add(id);
          }
          String victim = holder(sched, ids.getFirst());
          String survivor = victim.equals("ssp-a") ? "ssp-b" : "ssp-a";
          List<String> moved = ids.stream().filter(id -> holder(sched, id).equals(victim)).toList();
          // Kill at a random point of the heartbeat cycle.
          Thread.sleep(ThreadLocalRandom.current().nextInt(heartbeatMs));
          ObjectValue before = ssp(sched, victim);
          long ageAtKill = ((IntValue) before.get("last_heartbeat_ms_ago")).value();
          long kill = System.nanoTime();
          ssps.get(victim).kill();
          long removed = -1;
          long allMoved = -1;
          long allAnswering = -1;
          String survivorUrl = "http://127.0.0.1:" + ssps.get(survivor).port;
          long deadline = kill + Duration.ofMillis(staleMs * 4L + 30_000).toNanos();
          while (allAnswering < 0 && System.nanoTime() < deadline) {
            long now = System.nanoTime();
            if (removed < 0 && ssp(sched, victim) == null) {
              removed = now;
            }
            if (allMoved < 0 && moved.stream().allMatch(id -> holder(sched, id).equals(survivor))) {
              allMoved = now;
            }
            if (allMoved >= 0
                && moved.stream()
                    .allMatch(
                        id -> {
                          try {
                            return rows(get(survivorUrl + "/views/" + id)) > 0;
                          } catch (RuntimeException e) {
                            return false;
                          }
                        })) {
              allAnswering = now;
            }
            Thread.sleep(5);
          }
          System.out.printf(
              Locale.ROOT,
              "%d | %s | %d | %d | %d | %d | %d%n",
              run,
              victim,
              moved.size(),
              ageAtKill,
              ms(removed, kill),
              ms(allMoved, kill),
              ms(allAnswering, kill));
          for (String id : ids) {
            post(sched + "/query/unregister", "{\"query_id\":\"" + id + "\"}");
          }
          ssps.put(victim, Child.start(db, dir, sched, victim, Map.of(), "1g"));
          awaitReady(sched, ssps);
        }
        System.out.printf(Locale.ROOT, "writer wrote %d events%n", written.get());
      } finally {
        writing.set(false);
        if (writer != null) {
          writer.join(5000);
        }
        for (Child c : ssps.values()) {
          c.kill();
        }
      }
    }
  }

  private static long ms(long at, long from) {
    return at < 0 ? -1 : Duration.ofNanos(at - from).toMillis();
  }

  private static void write(String sched, int records, AtomicBoolean writing, AtomicLong written) {
    long n = 0;
    while (writing.get()) {
      StringBuilder b = new StringBuilder("{\"events\":[");
      for (int i = 0; i < 10; i++) {
        int key = ThreadLocalRandom.current().nextInt(records) + 1;
        if (i > 0) {
          b.append(',');
        }
        b.append(event("UPDATE", key, ++n));
      }
      try {
        post(sched + "/ingest", b.append("]}").toString());
        written.addAndGet(10);
        Thread.sleep(50);
      } catch (RuntimeException e) {
        System.err.println("writer: " + e);
      } catch (InterruptedException e) {
        return;
      }
    }
  }

  private static void awaitReady(String sched, Map<String, Child> ssps) throws Exception {
    long deadline = System.nanoTime() + Duration.ofMinutes(2).toNanos();
    for (Map.Entry<String, Child> e : ssps.entrySet()) {
      ObjectValue s;
      while ((s = ssp(sched, e.getKey())) == null || !text(s, "state").equals("ready")) {
        if (!e.getValue().process.isAlive() || System.nanoTime() > deadline) {
          throw new IllegalStateException(e.getKey() + " not ready; see " + e.getValue().log);
        }
        Thread.sleep(20);
      }
    }
  }

  // ---------------------------------------------------------------- helpers

  /**
   * Posts {@code records} CREATE events of {@code item:1..records}, 4 producers, 1,000 a request.
   */
  private static void seed(String sched, int records) throws InterruptedException {
    int producers = 4;
    int batch = 1000;
    AtomicLong next = new AtomicLong(1);
    List<Thread> threads = new ArrayList<>();
    for (int p = 0; p < producers; p++) {
      threads.add(
          Thread.ofPlatform()
              .start(
                  () -> {
                    while (true) {
                      long from = next.getAndAdd(batch);
                      if (from > records) {
                        return;
                      }
                      long to = Math.min(records, from + batch - 1);
                      StringBuilder b = new StringBuilder(batch * 96).append("{\"events\":[");
                      for (long k = from; k <= to; k++) {
                        if (k > from) {
                          b.append(',');
                        }
                        b.append(event("CREATE", k, 0));
                      }
                      post(sched + "/ingest", b.append("]}").toString());
                    }
                  }));
    }
    for (Thread t : threads) {
      t.join();
    }
  }

  /** One event of an {@code item} record of about 90 bytes of JSON. */
  private static String event(String op, long key, long version) {
    return "{\"op\":\""
        + op
        + "\",\"id\":\""
        + TABLE
        + ":"
        + key
        + "\",\"after\":{\"n\":"
        + key
        + ",\"k\":"
        + (key % 100)
        + ",\"name\":\"item "
        + key
        + "\",\"v\":"
        + version
        + ",\"tags\":[\"a\",\"b\"]}}";
  }

  /** The {@code GET /ssps} entry of {@code id}, or null when it is not in the pool. */
  private static ObjectValue ssp(String sched, String id) {
    Value all = SurrealJson.read(get(sched + "/ssps"));
    for (Value v : ((ArrayValue) all).items()) {
      ObjectValue o = (ObjectValue) v;
      if (text(o, "ssp_id").equals(id)) {
        return o;
      }
    }
    return null;
  }

  private static String holder(String sched, String queryId) {
    Value v = SurrealJson.read(get(sched + "/query/" + queryId));
    return v instanceof ObjectValue o && o.get("ssp_id") instanceof StringValue s ? s.value() : "";
  }

  private static int rows(String viewJson) {
    Value v = SurrealJson.read(viewJson);
    return v instanceof ObjectValue o && o.get("rows") instanceof ArrayValue a ? a.size() : -1;
  }

  private static String text(ObjectValue o, String field) {
    return ((StringValue) o.get(field)).value();
  }

  private static String get(String url) {
    return send(HttpRequest.newBuilder(URI.create(url)).timeout(Duration.ofSeconds(30)).GET());
  }

  private static String post(String url, String body) {
    return send(
        HttpRequest.newBuilder(URI.create(url))
            .timeout(Duration.ofSeconds(60))
            .header("Content-Type", "application/json")
            .POST(HttpRequest.BodyPublishers.ofString(body)));
  }

  private static String send(HttpRequest.Builder b) {
    try {
      return HTTP.send(b.build(), HttpResponse.BodyHandlers.ofString()).body();
    } catch (IOException e) {
      throw new IllegalStateException(e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException(e);
    }
  }

  private static double secs(long nanos) {
    return nanos / 1e9;
  }

  private static long processCpuNanos() {
    return ((com.sun.management.OperatingSystemMXBean) ManagementFactory.getOperatingSystemMXBean())
        .getProcessCpuTime();
  }

  private static String peakRss(long pid) {
    try {
      for (String line : Files.readAllLines(Path.of("/proc/" + pid + "/status"))) {
        if (line.startsWith("VmHWM:")) {
          return line.substring(6).trim();
        }
      }
    } catch (IOException e) {
      return "?";
    }
    return "?";
  }

  /** This JVM's class path with absolute entries (the children run in their own directories). */
  private static String absoluteClassPath() {
    List<String> out = new ArrayList<>();
    for (String e : System.getProperty("java.class.path").split(java.io.File.pathSeparator)) {
      out.add(Path.of(e).toAbsolutePath().toString());
    }
    return String.join(java.io.File.pathSeparator, out);
  }

  /** An SSP child JVM in scheduler mode, its port and its log file. */
  private record Child(Process process, int port, Path log) {
    static Child start(
        DevDbProcess db,
        Path dir,
        String sched,
        String id,
        Map<String, String> extraEnv,
        String heap)
        throws IOException {
      int port;
      try (ServerSocket s = new ServerSocket(0, 0, InetAddress.getLoopbackAddress())) {
        port = s.getLocalPort();
      }
      Path work = Files.createDirectories(dir.resolve(id + "-" + port));
      Path log = work.resolve("ssp.log");
      String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
      ProcessBuilder pb =
          new ProcessBuilder(
              java, "-Xmx" + heap, "-cp", absoluteClassPath(), SspMain.class.getName());
      pb.directory(work.toFile());
      pb.redirectErrorStream(true);
      pb.redirectOutput(log.toFile());
      Map<String, String> env = pb.environment();
      env.keySet().removeIf(k -> k.startsWith("SPOOKY_") || k.startsWith("SSP_"));
      env.put("SURREALDB_ADDR", db.rpcUrl().toString());
      env.put("SURREALDB_USER", db.username());
      env.put("SURREALDB_PASS", db.password());
      env.put("SURREALDB_NS", "bench");
      env.put("SURREALDB_DB", "bench");
      env.put("LISTEN_ADDR", "127.0.0.1:" + port);
      env.put("SCHEDULER_URL", sched);
      env.put("SSP_ID", id);
      env.put("SSP_TABLES", TABLE);
      env.putAll(extraEnv);
      return new Child(pb.start(), port, log);
    }

    /** SIGKILL, and wait until the process is gone. */
    void kill() throws InterruptedException {
      process.destroyForcibly();
      process.waitFor();
    }
  }
}
