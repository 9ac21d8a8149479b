package io.spooky.log;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.ConcurrentModificationException;
import java.util.List;
import java.util.Random;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class EventLogTest {
  @TempDir Path dir;

  private static final LogConfig FAST = LogConfig.defaults().withFsyncPolicy(FsyncPolicy.NEVER);

  static byte[] bytes(String s) {
    return s.getBytes(StandardCharsets.UTF_8);
  }

  static List<LogEntry> readAll(EventLog log, long from) {
    List<LogEntry> out = new ArrayList<>();
    log.reader(from).forEachRemaining(out::add);
    return out;
  }

  static long countFiles(Path dir, String suffix) throws IOException {
    try (Stream<Path> s = Files.list(dir)) {
      return s.filter(p -> p.toString().endsWith(suffix)).count();
    }
  }

  @Test
  void appendsGetDenseSeqsFromTheConfiguredFirstSeqAndReadBack() throws IOException {
    try (EventLog log = EventLog.open(dir, LogConfig.defaults().withFirstSeq(100))) {
      assertThat(log.firstSeq()).isEqualTo(100);
      assertThat(log.lastSeq()).isEqualTo(99);
      assertThat(log.append(bytes("a"))).isEqualTo(100);
      assertThat(log.append(new byte[0])).isEqualTo(101);
      assertThat(log.appendBatch(List.of(bytes("b"), bytes("c")))).isEqualTo(102);
      assertThat(log.appendAsync(bytes("d")).join()).isEqualTo(104);
      assertThat(log.lastSeq()).isEqualTo(104);
      assertThat(readAll(log, 100))
          .containsExactly(
              new LogEntry(100, bytes("a")),
              new LogEntry(101, new byte[0]),
              new LogEntry(102, bytes("b")),
              new LogEntry(103, bytes("c")),
              new LogEntry(104, bytes("d")));
      assertThat(readAll(log, 105)).isEmpty();
    }
    assertThat(Segment.fileFor(dir, 100)).exists();
  }

  @Test
  void aDefaultLogStartsAtSeqOne() throws IOException {
    try (EventLog log = EventLog.open(dir, FAST)) {
      assertThat(log.append(bytes("x"))).isEqualTo(1);
    }
  }

  @Test
  void manySmallSegmentsCanBeReadFromAnySeq() {
    Seeded.run(this::manySmallSegmentsCanBeReadFromAnySeqWithSeed);
  }

  private void manySmallSegmentsCanBeReadFromAnySeqWithSeed(long seed) throws Exception {
    Random random = new Random(seed);
    LogConfig config = FAST.withSegmentBytes(2048).withIndexIntervalBytes(256);
    List<byte[]> payloads = new ArrayList<>();
    try (EventLog log = EventLog.open(dir, config)) {
      for (int i = 0; i < 600; i++) {
        byte[] p = new byte[random.nextInt(300)];
        random.nextBytes(p);
        payloads.add(p);
        if (random.nextInt(5) == 0) {
          log.appendBatch(List.of(p));
        } else {
          log.append(p);
        }
      }
      assertThat(countFiles(dir, Segment.SUFFIX)).as("seed %d", seed).isGreaterThan(20);
      for (int k = 0; k < 50; k++) {
        long from = 1 + random.nextInt(payloads.size() + 1);
        List<LogEntry> entries = readAll(log, from);
        assertThat(entries)
            .as("seed %d from %d", seed, from)
            .hasSize(payloads.size() - (int) from + 1);
        for (LogEntry e : entries) {
          assertThat(e.payload())
              .as("seed %d seq %d", seed, e.seq())
              .isEqualTo(payloads.get((int) e.seq() - 1));
        }
      }
      assertThat(log.metrics().segmentsRolled()).isEqualTo(countFiles(dir, Segment.SUFFIX) - 1);
    }
    // Every sealed segment has an index file; the active one keeps its index in memory.
    assertThat(countFiles(dir, SegmentIndex.SUFFIX)).isEqualTo(countFiles(dir, Segment.SUFFIX) - 1);
  }

  @Test
  void anEntryLargerThanTheSegmentSizeGetsASegmentOfItsOwn() throws IOException {
    try (EventLog log = EventLog.open(dir, FAST.withSegmentBytes(100))) {
      log.append(new byte[10]);
      log.append(new byte[500]);
      log.append(new byte[10]);
      assertThat(countFiles(dir, Segment.SUFFIX)).isEqualTo(3);
      assertThat(readAll(log, 1)).extracting(e -> e.payload().length).containsExactly(10, 500, 10);
    }
  }

  @Test
  void readRespectsEntryAndByteBudgetsButAlwaysReturnsTheFirstEntry() throws IOException {
    try (EventLog log = EventLog.open(dir, FAST)) {
      for (int i = 0; i < 10; i++) {
        log.append(new byte[100]);
      }
      assertThat(log.read(1, 3, Long.MAX_VALUE))
          .extracting(LogEntry::seq)
          .containsExactly(1L, 2L, 3L);
      assertThat(log.read(4, 100, 250)).extracting(LogEntry::seq).containsExactly(4L, 5L);
      assertThat(log.read(6, 100, 1)).extracting(LogEntry::seq).containsExactly(6L);
      assertThat(log.read(11, 100, 1000)).isEmpty();
      assertThatThrownBy(() -> log.read(12, 1, 1)).isInstanceOf(SeqOutOfRangeException.class);
      assertThatThrownBy(() -> log.reader(0)).isInstanceOf(SeqOutOfRangeException.class);
    }
  }

  @Test
  void aReaderSeesTheLogAsOfItsCreationWhileReadFollowsTheTail() throws IOException {
    try (EventLog log = EventLog.open(dir, FAST)) {
      log.append(bytes("1"));
      log.append(bytes("2"));
      LogReader reader = log.reader(1);
      log.append(bytes("3"));
      List<LogEntry> seen = new ArrayList<>();
      reader.forEachRemaining(seen::add);
      assertThat(seen).extracting(LogEntry::seq).containsExactly(1L, 2L);
      assertThat(reader.endSeq()).isEqualTo(3);
      assertThat(log.read(reader.nextSeq(), 10, 1 << 20))
          .containsExactly(new LogEntry(3, bytes("3")));
    }
  }

  @Test
  void reopeningContinuesTheSeqAndKeepsEveryEntry() throws IOException {
    LogConfig config = LogConfig.defaults().withSegmentBytes(512).withIndexIntervalBytes(64);
    try (EventLog log = EventLog.open(dir, config)) {
      for (int i = 1; i <= 100; i++) {
        log.append(bytes("entry-" + i));
      }
    }
    try (EventLog log = EventLog.open(dir, config.withFirstSeq(5000))) {
      assertThat(log.firstSeq()).isEqualTo(1);
      assertThat(log.lastSeq()).isEqualTo(100);
      assertThat(log.append(bytes("entry-101"))).isEqualTo(101);
    }
    // Indexes are derived data: without them the log rebuilds them and reads the same.
    try (Stream<Path> files = Files.list(dir)) {
      for (Path p : files.filter(p -> p.toString().endsWith(SegmentIndex.SUFFIX)).toList()) {
        Files.delete(p);
      }
    }
    try (EventLog log = EventLog.open(dir, config)) {
      List<LogEntry> all = readAll(log, 1);
      assertThat(all).hasSize(101);
      for (LogEntry e : all) {
        assertThat(new String(e.payload(), StandardCharsets.UTF_8)).isEqualTo("entry-" + e.seq());
      }
      assertThat(readAll(log, 57).get(0).seq()).isEqualTo(57);
    }
    assertThat(countFiles(dir, SegmentIndex.SUFFIX)).isEqualTo(countFiles(dir, Segment.SUFFIX) - 1);
  }

  @Test
  void concurrentAppendersGetUniqueDenseSeqsAndEveryEntryIsReadable() throws Exception {
    int threads = 8;
    int perThread = 150;
    LogConfig config = LogConfig.defaults().withSegmentBytes(8192);
    Set<Long> seqs = ConcurrentHashMap.newKeySet();
    try (EventLog log = EventLog.open(dir, config);
        ExecutorService pool = Executors.newFixedThreadPool(threads)) {
      CountDownLatch start = new CountDownLatch(1);
      List<Future<?>> futures = new ArrayList<>();
      for (int t = 0; t < threads; t++) {
        int thread = t;
        futures.add(
            pool.submit(
                () -> {
                  start.await();
                  for (int i = 0; i < perThread; i++) {
                    long seq = log.append(bytes(thread + ":" + i));
                    assertThat(seqs.add(seq)).as("seq %d handed out twice", seq).isTrue();
                  }
                  return null;
                }));
      }
      start.countDown();
      for (Future<?> f : futures) {
        f.get();
      }
      int total = threads * perThread;
      assertThat(seqs).hasSize(total);
      assertThat(seqs.stream().mapToLong(Long::longValue).max().getAsLong()).isEqualTo(total);
      List<LogEntry> all = readAll(log, 1);
      assertThat(all).hasSize(total);
      // Each thread's entries appear in the order that thread appended them.
      int[] nextPerThread = new int[threads];
      for (LogEntry e : all) {
        String[] parts = new String(e.payload(), StandardCharsets.UTF_8).split(":");
        int t = Integer.parseInt(parts[0]);
        assertThat(Integer.parseInt(parts[1])).isEqualTo(nextPerThread[t]++);
      }
      LogMetrics m = log.metrics();
      assertThat(m.appends()).isEqualTo(total);
      assertThat(m.groupWrites()).isLessThanOrEqualTo(total);
      // ALWAYS: exactly one fsync per group commit, plus one per sealed segment.
      assertThat(m.fsyncs()).isEqualTo(m.groupWrites() + m.segmentsRolled());
    }
  }

  @Test
  void aTailingReaderSeesEveryEntryWhileAppendsRollSegments() {
    Seeded.run(this::aTailingReaderSeesEveryEntryWhileAppendsRollSegmentsWithSeed);
  }

  private void aTailingReaderSeesEveryEntryWhileAppendsRollSegmentsWithSeed(long seed)
      throws Exception {
    int total = 3000;
    LogConfig config = FAST.withSegmentBytes(4096).withIndexIntervalBytes(128);
    try (EventLog log = EventLog.open(dir, config);
        ExecutorService pool = Executors.newFixedThreadPool(2)) {
      Future<?> appender =
          pool.submit(
              () -> {
                for (int i = 1; i <= total; i++) {
                  log.appendAsync(payloadFor(i));
                }
                return null;
              });
      Future<Long> follower =
          pool.submit(
              () -> {
                Random random = new Random(seed); // batch sizes
                long next = 1;
                while (next <= total) {
                  for (LogEntry e : log.read(next, 1 + random.nextInt(50), 2000)) {
                    assertThat(e.seq()).as("seed %d", seed).isEqualTo(next);
                    assertThat(e.payload())
                        .as("seed %d seq %d", seed, next)
                        .isEqualTo(payloadFor(next));
                    next++;
                  }
                }
                return next;
              });
      appender.get();
      assertThat(follower.get()).isEqualTo(total + 1);
    }
  }

  /** Payload of entry {@code seq}: its seq in decimal, padded to a length derived from it. */
  private static byte[] payloadFor(long seq) {
    return bytes(String.valueOf(seq).repeat((int) (seq % 17) + 1));
  }

  @Test
  void groupCommitWritesEverythingQueuedWithOneFsync() throws IOException {
    CountDownLatch writerHeld = new CountDownLatch(1);
    CountDownLatch release = new CountDownLatch(1);
    GroupCommitObserver holdFirstGroup =
        entries -> {
          if (writerHeld.getCount() > 0) {
            writerHeld.countDown();
            awaitUninterruptibly(release);
          }
        };
    try (EventLog log = EventLog.open(dir, LogConfig.defaults(), holdFirstGroup)) {
      List<CompletableFuture<Long>> acks = new ArrayList<>();
      long bytes = 0;
      acks.add(log.appendAsync(bytes("first")));
      bytes += 5;
      awaitUninterruptibly(writerHeld);
      // The writer is inside the first group commit; these 99 queue up behind it.
      for (int i = 0; i < 99; i++) {
        byte[] payload = bytes("queued-" + i);
        bytes += payload.length;
        acks.add(log.appendAsync(payload));
      }
      release.countDown();
      for (int i = 0; i < acks.size(); i++) {
        assertThat(acks.get(i).join()).isEqualTo(i + 1);
      }
      LogMetrics m = log.metrics();
      assertThat(m.appends()).isEqualTo(100);
      assertThat(m.groupWrites()).isEqualTo(2);
      assertThat(m.fsyncs()).isEqualTo(2).isLessThan(m.appends());
      assertThat(m.largestGroup()).isEqualTo(99);
      assertThat(m.meanGroupSize()).isEqualTo(50.0);
      assertThat(m.appendedBytes()).isEqualTo(bytes);
    }
  }

  private static void awaitUninterruptibly(CountDownLatch latch) {
    while (true) {
      try {
        latch.await();
        return;
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        return;
      }
    }
  }

  @Test
  void truncateBeforeDeletesOnlyWholeSegmentsBelowTheSeq() throws IOException {
    LogConfig config = FAST.withSegmentBytes(256);
    try (EventLog log = EventLog.open(dir, config)) {
      for (int i = 1; i <= 60; i++) {
        log.append(bytes(String.format("%030d", i))); // 46-byte frames: 5 per segment
      }
      long segmentsBefore = countFiles(dir, Segment.SUFFIX);
      assertThat(segmentsBefore).isEqualTo(12);
      long first = log.truncateBefore(23);
      // Segments hold seqs 1-5, 6-10, ...: the ones ending at 5..20 go, 21-25 stays.
      assertThat(first).isEqualTo(21).isEqualTo(log.firstSeq());
      assertThat(countFiles(dir, Segment.SUFFIX)).isEqualTo(segmentsBefore - 4);
      assertThat(countFiles(dir, SegmentIndex.SUFFIX)).isEqualTo(segmentsBefore - 5);
      assertThat(readAll(log, 21)).hasSize(40);
      assertThatThrownBy(() -> log.reader(20))
          .isInstanceOfSatisfying(
              SeqOutOfRangeException.class, e -> assertThat(e.firstSeq()).isEqualTo(21));
      // The active segment always survives.
      assertThat(log.truncateBefore(1_000)).isEqualTo(56);
      assertThat(log.append(bytes("next"))).isEqualTo(61);
    }
    try (EventLog log = EventLog.open(dir, config)) {
      assertThat(log.firstSeq()).isEqualTo(56);
      assertThat(log.lastSeq()).isEqualTo(61);
    }
  }

  @Test
  void readersFailWithTypedExceptionsWhenTruncationOvertakesThem() throws IOException {
    byte[] big = new byte[300 * 1024]; // three per reader batch, three per segment
    try (EventLog log = EventLog.open(dir, FAST.withSegmentBytes(1 << 20))) {
      for (int i = 0; i < 12; i++) {
        log.append(big);
      }
      LogReader behind = log.reader(1);
      LogReader overtaken = log.reader(1);
      assertThat(behind.next().seq()).isEqualTo(1);
      log.truncateBefore(log.lastSeq() + 1);
      assertThat(behind.next().seq()).isEqualTo(2); // already buffered
      assertThat(behind.next().seq()).isEqualTo(3);
      assertThatThrownBy(behind::next)
          .isInstanceOfSatisfying(
              SeqOutOfRangeException.class,
              e -> {
                assertThat(e.seq()).isEqualTo(4);
                assertThat(e.firstSeq()).isEqualTo(10);
              });
      assertThatThrownBy(overtaken::next).isInstanceOf(SeqOutOfRangeException.class);

      LogReader tail = log.reader(10);
      log.truncateAfter(10);
      assertThatThrownBy(tail::next).isInstanceOf(ConcurrentModificationException.class);
      assertThat(log.read(10, 10, Long.MAX_VALUE)).extracting(LogEntry::seq).containsExactly(10L);
    }
  }

  @Test
  void truncateAfterRemovesTheTailAcrossSegmentsAndAppendsContinue() throws IOException {
    LogConfig config = FAST.withSegmentBytes(256).withIndexIntervalBytes(50);
    try (EventLog log = EventLog.open(dir, config)) {
      for (int i = 1; i <= 60; i++) {
        log.append(bytes(String.format("%030d", i)));
      }
      log.truncateAfter(33);
      assertThat(log.lastSeq()).isEqualTo(33);
      assertThat(countFiles(dir, Segment.SUFFIX)).isEqualTo(7);
      assertThat(log.append(bytes("replacement"))).isEqualTo(34);
      assertThat(log.read(33, 10, 1 << 20))
          .containsExactly(
              new LogEntry(33, bytes(String.format("%030d", 33))),
              new LogEntry(34, bytes("replacement")));
      log.truncateAfter(100); // beyond the end: nothing to do
      assertThat(log.lastSeq()).isEqualTo(34);
    }
    try (EventLog log = EventLog.open(dir, config)) {
      assertThat(log.lastSeq()).isEqualTo(34);
      log.truncateAfter(0);
      assertThat(log.lastSeq()).isEqualTo(0);
      assertThat(readAll(log, 1)).isEmpty();
      assertThat(log.append(bytes("again"))).isEqualTo(1);
    }
    try (EventLog log = EventLog.open(dir, config)) {
      assertThat(readAll(log, 1)).containsExactly(new LogEntry(1, bytes("again")));
    }
  }

  @Test
  void intervalPolicyAcknowledgesBeforeFsync() throws Exception {
    LogConfig hourly =
        LogConfig.defaults().withFsyncPolicy(FsyncPolicy.interval(Duration.ofHours(1)));
    try (EventLog log = EventLog.open(dir, hourly)) {
      for (int i = 0; i < 20; i++) {
        log.append(bytes("i" + i));
      }
      assertThat(log.lastSeq()).isEqualTo(20);
      assertThat(log.metrics().fsyncs()).isZero();
      assertThat(readAll(log, 1)).hasSize(20);
    }
    try (EventLog log = EventLog.open(dir, hourly)) {
      assertThat(log.lastSeq()).as("close fsyncs what the interval had not").isEqualTo(20);
    }
  }

  @Test
  void intervalPolicySyncsOnceThePeriodHasPassed() throws Exception {
    LogConfig config =
        LogConfig.defaults().withFsyncPolicy(FsyncPolicy.interval(Duration.ofMillis(5)));
    try (EventLog log = EventLog.open(dir, config)) {
      log.append(bytes("a"));
      // Waits for the interval fsync with no appends arriving to trigger it; no bound on how long
      // it takes is asserted.
      while (log.metrics().fsyncs() == 0) {
        Thread.sleep(1);
      }
      assertThat(log.metrics().fsyncs()).isEqualTo(1);
    }
  }

  @Test
  void aDirectoryIsOpenedOnceAndAClosedLogRefusesAppends() throws IOException {
    EventLog log = EventLog.open(dir, FAST);
    assertThatThrownBy(() -> EventLog.open(dir, FAST)).isInstanceOf(IOException.class);
    log.append(bytes("x"));
    log.close();
    log.close();
    assertThatThrownBy(() -> log.append(bytes("y"))).isInstanceOf(IllegalStateException.class);
    try (EventLog again = EventLog.open(dir, FAST)) {
      assertThat(again.lastSeq()).isEqualTo(1);
    }
  }

  @Test
  void oversizedEntriesAreRejected() throws IOException {
    try (EventLog log = EventLog.open(dir, FAST.withMaxEntryBytes(10))) {
      assertThatThrownBy(() -> log.append(new byte[11]))
          .isInstanceOf(IllegalArgumentException.class);
      assertThatThrownBy(() -> log.appendBatch(List.of()))
          .isInstanceOf(IllegalArgumentException.class);
      assertThat(log.append(new byte[10])).isEqualTo(1);
    }
  }
}
