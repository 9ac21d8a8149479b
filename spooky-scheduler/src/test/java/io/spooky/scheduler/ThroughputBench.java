package io.spooky.scheduler;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * End-to-end throughput, not a test: events per second from producers posting to {@code /ingest}
 * (batches of 100 events, 4 concurrent producers) until every Ready {@link TestSsp} acknowledged
 * the last seq, with 1, 2 and 3 SSPs; everything on loopback in one JVM, WAL with {@code
 * FsyncPolicy.ALWAYS}. Run {@code io.spooky.scheduler.ThroughputBench [eventsPerRun]}; the command
 * and figures are in docs/BENCHMARKS.md.
 */
public final class ThroughputBench {
  private ThroughputBench() {}

  public static void main(String[] args) throws Exception {
    int events = args.length > 0 ? Integer.parseInt(args[0]) : 50_000;
    for (int ssps = 1; ssps <= 3; ssps++) {
      run(ssps, events / 5);
      double rate = run(ssps, events);
      System.out.printf("ssps=%d events=%d events_per_s=%.0f%n", ssps, events, rate);
    }
  }

  private static double run(int sspCount, int events) throws Exception {
    Path dir = Files.createTempDirectory("sched-bench");
    SchedulerConfig config =
        SchedulerConfig.defaults()
            .withHost("127.0.0.1")
            .withPort(0)
            .withPaths(dir.resolve("replica"), dir.resolve("wal"))
            .withTimings(Duration.ofSeconds(5), Duration.ofMinutes(10), Duration.ofMillis(20))
            .withMaxBufferPerSsp(Integer.MAX_VALUE / 2);
    List<TestSsp> ssps = new ArrayList<>();
    try (Scheduler s = Scheduler.start(config);
        Http http = new Http(s.port())) {
      for (int i = 0; i < sspCount; i++) {
        TestSsp ssp = new TestSsp("b" + i);
        ssp.health("ok");
        ssps.add(ssp);
        http.post("/ssp/register", "{\"ssp_id\":\"b" + i + "\",\"url\":\"" + ssp.url() + "\"}");
      }
      Http.await("ready", () -> s.ssps().stream().allMatch(x -> x.state() == Ssp.State.READY));
      int batch = 100;
      AtomicInteger next = new AtomicInteger(1);
      long start = System.nanoTime();
      List<Thread> producers = new ArrayList<>();
      for (int p = 0; p < 4; p++) {
        producers.add(
            Thread.ofVirtual()
                .start(
                    () -> {
                      try (Http h = new Http(s.port())) {
                        int from;
                        while ((from = next.getAndAdd(batch)) <= events) {
                          h.post(
                              "/ingest",
                              SchedulerLifecycleTest.events(
                                  from, Math.min(events, from + batch - 1)));
                        }
                      } catch (Exception e) {
                        throw new RuntimeException(e);
                      }
                    }));
      }
      for (Thread t : producers) {
        t.join();
      }
      long last = s.lastSeq();
      Http.await("delivered", () -> s.ssps().stream().allMatch(x -> x.ackedSeq() == last));
      return events / ((System.nanoTime() - start) / 1e9);
    } finally {
      for (TestSsp ssp : ssps) {
        ssp.close();
      }
    }
  }
}
