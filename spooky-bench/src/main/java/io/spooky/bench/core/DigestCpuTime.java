package io.spooky.bench.core;

import io.spooky.core.digest.ContentDigest;
import io.spooky.core.encoding.CanonicalEncoding;
import io.spooky.core.encoding.EncodingBuffer;
import io.spooky.core.value.ObjectValue;
import io.spooky.core.value.Values;
import java.lang.management.ManagementFactory;
import java.lang.management.ThreadMXBean;

/**
 * The {@link DigestBenchmark} operations timed in thread CPU time instead of wall time. On a
 * machine shared with other work (the project's 2-core machine usually is), wall-clock JMH scores
 * include time the thread spent descheduled; CPU time per operation does not, so it is the figure
 * that reflects the code. Prints one line per round; the later rounds are warmed up.
 *
 * <p>Run: {@code java -cp spooky-bench/target/benchmarks.jar io.spooky.bench.core.DigestCpuTime}
 */
public final class DigestCpuTime {
  private static final int ROUNDS = 8;
  private static final int OPS = 500_000;

  private DigestCpuTime() {}

  public static void main(String[] args) {
    ObjectValue record = DigestBenchmark.typicalRecord();
    ObjectValue same = DigestBenchmark.typicalRecord();
    EncodingBuffer buffer = new EncodingBuffer(2048);
    ThreadMXBean threads = ManagementFactory.getThreadMXBean();
    long sink = 0;
    System.out.printf("record: %d bytes encoded%n", CanonicalEncoding.encode(record).length);
    for (int round = 1; round <= ROUNDS; round++) {
      long t0 = threads.getCurrentThreadCpuTime();
      for (int i = 0; i < OPS; i++) {
        buffer.reset();
        CanonicalEncoding.encode(record, buffer);
        sink += buffer.size();
      }
      long t1 = threads.getCurrentThreadCpuTime();
      for (int i = 0; i < OPS; i++) {
        sink += ContentDigest.of(record, buffer).low();
      }
      long t2 = threads.getCurrentThreadCpuTime();
      for (int i = 0; i < OPS; i++) {
        sink += Values.compare(record, same);
      }
      long t3 = threads.getCurrentThreadCpuTime();
      System.out.printf(
          "round %d: encode %.0f ns/op, encode+digest %.0f ns/op, compare %.0f ns/op (cpu time)%n",
          round, (t1 - t0) / (double) OPS, (t2 - t1) / (double) OPS, (t3 - t2) / (double) OPS);
    }
    // Printing the sink keeps the JIT from discarding the measured work.
    System.out.println("checksum " + sink);
  }
}
