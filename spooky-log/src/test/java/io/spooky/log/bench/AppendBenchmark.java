package io.spooky.log.bench;

import io.spooky.log.EventLog;
import io.spooky.log.FsyncPolicy;
import io.spooky.log.LogConfig;
import io.spooky.log.LogMetrics;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Comparator;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;
import org.openjdk.jmh.results.RunResult;
import org.openjdk.jmh.runner.Runner;
import org.openjdk.jmh.runner.options.Options;
import org.openjdk.jmh.runner.options.OptionsBuilder;
import org.openjdk.jmh.runner.options.TimeValue;

/**
 * Appends per second through {@link EventLog#append} (synchronous: each call waits for its
 * acknowledgement) with {@code fsync} ALWAYS or NEVER, payloads of 100 B or 1 KiB, and 1, 4 or 16
 * appending threads (set by {@link #main}). With ALWAYS, throughput beyond one thread comes from
 * group commit sharing each fsync among the waiting appenders.
 *
 * <p>Run as documented in docs/BENCHMARKS.md ("Event log"). The log lives in {@code
 * java.io.tmpdir}; sealed segments are removed after every iteration to bound disk use.
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.Throughput)
@OutputTimeUnit(TimeUnit.SECONDS)
public class AppendBenchmark {
  @Param({"ALWAYS", "NEVER"})
  public String fsync;

  @Param({"100", "1024"})
  public int payloadBytes;

  private Path dir;
  private EventLog log;
  private byte[] payload;

  @Setup(Level.Trial)
  public void open() throws IOException {
    dir = Files.createTempDirectory("spooky-log-bench");
    FsyncPolicy policy = fsync.equals("ALWAYS") ? FsyncPolicy.ALWAYS : FsyncPolicy.NEVER;
    log = EventLog.open(dir, LogConfig.defaults().withFsyncPolicy(policy));
    payload = new byte[payloadBytes];
    java.util.Arrays.fill(payload, (byte) 'x');
  }

  @TearDown(Level.Iteration)
  public void dropSealedSegments() throws IOException {
    log.truncateBefore(log.lastSeq() + 1);
  }

  @TearDown(Level.Trial)
  public void close() throws IOException {
    LogMetrics m = log.metrics();
    log.close();
    System.out.printf(
        "%nappends=%d group_writes=%d fsyncs=%d mean_group=%.1f largest_group=%d%n",
        m.appends(), m.groupWrites(), m.fsyncs(), m.meanGroupSize(), m.largestGroup());
    try (Stream<Path> files = Files.walk(dir)) {
      for (Path p : files.sorted(Comparator.reverseOrder()).toList()) {
        Files.delete(p);
      }
    }
  }

  @Benchmark
  public long append() throws IOException {
    return log.append(payload);
  }

  /** Runs every parameter combination at 1, 4 and 16 threads and prints a summary table. */
  public static void main(String[] args) throws Exception {
    StringBuilder summary = new StringBuilder("\nthreads fsync  payload  appends/s\n");
    for (int threads : new int[] {1, 4, 16}) {
      Options options =
          new OptionsBuilder()
              .include(AppendBenchmark.class.getName())
              .threads(threads)
              .forks(1)
              .warmupIterations(1)
              .warmupTime(TimeValue.seconds(1))
              .measurementIterations(2)
              .measurementTime(TimeValue.seconds(2))
              .build();
      for (RunResult r : new Runner(options).run()) {
        summary.append(
            String.format(
                "%7d %-6s %8s %10.0f%n",
                threads,
                r.getParams().getParam("fsync"),
                r.getParams().getParam("payloadBytes"),
                r.getPrimaryResult().getScore()));
      }
    }
    System.out.println(summary);
  }
}
