package io.spooky.log;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Damage on disk: torn tails are cut, everything else is refused until an operator repairs. */
class RecoveryTest {
  @TempDir Path dir;

  private static final LogConfig CONFIG =
      LogConfig.defaults().withFsyncPolicy(FsyncPolicy.NEVER).withIndexIntervalBytes(64);

  /** Appends entries of the given payload sizes (payload bytes = seq, repeated). */
  private static List<byte[]> fill(Path dir, LogConfig config, int... sizes) throws IOException {
    List<byte[]> payloads = new ArrayList<>();
    try (EventLog log = EventLog.open(dir, config)) {
      for (int size : sizes) {
        byte[] p = new byte[size];
        java.util.Arrays.fill(p, (byte) (log.lastSeq() + 1));
        payloads.add(p);
        log.append(p);
      }
    }
    return payloads;
  }

  private static int[] sizes(int n, int size) {
    int[] out = new int[n];
    java.util.Arrays.fill(out, size);
    return out;
  }

  private Path firstSegment() {
    return Segment.fileFor(dir, 1);
  }

  private static void truncate(Path file, long size) throws IOException {
    try (FileChannel ch = FileChannel.open(file, StandardOpenOption.WRITE)) {
      ch.truncate(size);
    }
  }

  private static void appendBytes(Path file, byte[] bytes) throws IOException {
    Files.write(file, bytes, StandardOpenOption.APPEND);
  }

  private static void flipByte(Path file, long position) throws IOException {
    try (FileChannel ch =
        FileChannel.open(file, StandardOpenOption.READ, StandardOpenOption.WRITE)) {
      ByteBuffer b = ByteBuffer.allocate(1);
      ch.read(b, position);
      b.put(0, (byte) (b.get(0) ^ 0x5A)).rewind();
      ch.write(b, position);
    }
  }

  private static void assertDenseAndIntact(EventLog log, List<byte[]> payloads, long lastSeq) {
    assertThat(log.lastSeq()).isEqualTo(lastSeq);
    List<LogEntry> all = new ArrayList<>();
    log.reader(log.firstSeq()).forEachRemaining(all::add);
    assertThat(all).hasSize((int) lastSeq);
    for (LogEntry e : all) {
      assertThat(e.payload()).isEqualTo(payloads.get((int) e.seq() - 1));
    }
  }

  @Test
  void aFrameCutMidwayIsTruncatedAndAppendsContinueDensely() throws IOException {
    List<byte[]> payloads = fill(dir, CONFIG, sizes(10, 40));
    long size = Files.size(firstSegment());
    truncate(firstSegment(), size - 20); // last frame loses 20 of its 56 bytes
    try (EventLog log = EventLog.open(dir, CONFIG)) {
      assertDenseAndIntact(log, payloads, 9);
      assertThat(Files.size(firstSegment())).isEqualTo(9 * 56);
      assertThat(log.append(new byte[] {1})).isEqualTo(10);
    }
  }

  @Test
  void aPartialHeaderIsTruncated() throws IOException {
    List<byte[]> payloads = fill(dir, CONFIG, sizes(3, 40));
    appendBytes(firstSegment(), new byte[] {0, 0, 0, 5, 1, 2, 3});
    try (EventLog log = EventLog.open(dir, CONFIG)) {
      assertDenseAndIntact(log, payloads, 3);
    }
  }

  @Test
  void garbageAfterTheLastFrameIsTruncated() throws IOException {
    List<byte[]> payloads = fill(dir, CONFIG, sizes(5, 40));
    byte[] garbage = new byte[300];
    new Random(7).nextBytes(garbage);
    appendBytes(firstSegment(), garbage);
    try (EventLog log = EventLog.open(dir, CONFIG)) {
      assertDenseAndIntact(log, payloads, 5);
      assertThat(Files.size(firstSegment())).isEqualTo(5 * 56);
    }
  }

  @Test
  void aZeroFilledTailIsTruncated() throws IOException {
    List<byte[]> payloads = fill(dir, CONFIG, sizes(5, 40));
    appendBytes(firstSegment(), new byte[4096]);
    try (EventLog log = EventLog.open(dir, CONFIG)) {
      assertDenseAndIntact(log, payloads, 5);
    }
  }

  @Test
  void aFlippedByteInTheLastFrameIsATornTail() throws IOException {
    for (long offsetInFrame : new long[] {0, 5, 9, 30}) { // length, crc, seq, payload
      Path d = dir.resolve("flip-" + offsetInFrame);
      List<byte[]> payloads = fill(d, CONFIG, sizes(6, 40));
      flipByte(Segment.fileFor(d, 1), 5 * 56 + offsetInFrame);
      try (EventLog log = EventLog.open(d, CONFIG)) {
        assertDenseAndIntact(log, payloads, 5);
        assertThat(log.append(new byte[] {9})).isEqualTo(6);
      }
    }
  }

  @Test
  void aBadCrcFollowedByValidFramesIsRefusedWithItsPosition() throws IOException {
    List<byte[]> payloads = fill(dir, CONFIG, sizes(10, 40));
    flipByte(firstSegment(), 4 * 56 + 20); // payload of seq 5
    assertThatThrownBy(() -> EventLog.open(dir, CONFIG))
        .isInstanceOfSatisfying(
            CorruptLogException.class,
            e -> {
              assertThat(e.segment()).isEqualTo(firstSegment());
              assertThat(e.position()).isEqualTo(4 * 56);
              assertThat(e.getMessage()).contains("CRC mismatch").contains("seq 5");
            });
    // Refusing did not touch the file.
    assertThat(Files.size(firstSegment())).isEqualTo(10 * 56);

    RepairReport report = EventLog.repair(dir, CONFIG);
    assertThat(report.repaired()).isTrue();
    assertThat(report.segment()).isEqualTo(firstSegment());
    assertThat(report.position()).isEqualTo(4 * 56);
    assertThat(report.bytesRemoved()).isEqualTo(6 * 56);
    assertThat(report.lastSeq()).isEqualTo(4);
    try (EventLog log = EventLog.open(dir, CONFIG)) {
      assertDenseAndIntact(log, payloads, 4);
      assertThat(log.append(new byte[] {1})).isEqualTo(5);
    }
    assertThat(EventLog.repair(dir, CONFIG).repaired()).isFalse();
  }

  @Test
  void aDamagedLengthFollowedByValidFramesIsRefused() throws IOException {
    fill(dir, CONFIG, sizes(10, 40));
    flipByte(firstSegment(), 3 * 56); // high byte of seq 4's length: the frame overruns the file
    assertThatThrownBy(() -> EventLog.open(dir, CONFIG))
        .isInstanceOfSatisfying(
            CorruptLogException.class, e -> assertThat(e.position()).isEqualTo(3 * 56));
  }

  @Test
  void damageInASealedSegmentIsRefusedAndRepairDropsEverythingAfterIt() throws IOException {
    LogConfig config = CONFIG.withSegmentBytes(56 * 5);
    List<byte[]> payloads = fill(dir, config, sizes(20, 40)); // 4 segments of 5
    Path second = Segment.fileFor(dir, 6);
    flipByte(second, 4 * 56 + 12); // seq 10: the sealed segment's last frame
    assertThatThrownBy(() -> EventLog.open(dir, config))
        .isInstanceOfSatisfying(
            CorruptLogException.class,
            e -> {
              assertThat(e.segment()).isEqualTo(second);
              assertThat(e.position()).isEqualTo(4 * 56);
            });
    RepairReport report = EventLog.repair(dir, config);
    assertThat(report.segment()).isEqualTo(second);
    assertThat(report.segmentsRemoved()).isEqualTo(2);
    assertThat(report.bytesRemoved()).isEqualTo(56 + 10 * 56);
    try (EventLog log = EventLog.open(dir, config)) {
      assertDenseAndIntact(log, payloads, 9);
      assertThat(log.append(new byte[] {1})).isEqualTo(10);
    }
  }

  @Test
  void damageBeforeASealedSegmentsLastIndexEntryFailsTheRead() throws IOException {
    LogConfig config = CONFIG.withSegmentBytes(56 * 5);
    fill(dir, config, sizes(20, 40));
    Path second = Segment.fileFor(dir, 6);
    flipByte(second, 20); // seq 6, before the index entries: open verifies only the tail
    try (EventLog log = EventLog.open(dir, config)) {
      assertThatThrownBy(() -> log.reader(1).forEachRemaining(e -> {}))
          .isInstanceOf(UncheckedIOException.class)
          .cause()
          .isInstanceOfSatisfying(
              CorruptLogException.class,
              e -> {
                assertThat(e.segment()).isEqualTo(second);
                assertThat(e.position()).isZero();
              });
    }
    // Without the index, open scans the whole sealed segment and finds it.
    Files.delete(Segment.indexFileFor(dir, 6));
    assertThatThrownBy(() -> EventLog.open(dir, config)).isInstanceOf(CorruptLogException.class);
  }

  @Test
  void aMissingSegmentIsRefused() throws IOException {
    LogConfig config = CONFIG.withSegmentBytes(56 * 5);
    fill(dir, config, sizes(20, 40));
    Files.delete(Segment.fileFor(dir, 11));
    Files.delete(Segment.indexFileFor(dir, 11));
    assertThatThrownBy(() -> EventLog.open(dir, config))
        .isInstanceOfSatisfying(
            CorruptLogException.class,
            e -> assertThat(e.getMessage()).contains("next segment starts at 16"));
    RepairReport report = EventLog.repair(dir, config);
    assertThat(report.segment()).isEqualTo(Segment.fileFor(dir, 6));
    assertThat(report.segmentsRemoved()).isEqualTo(1);
    assertThat(report.lastSeq()).isEqualTo(10);
    try (EventLog log = EventLog.open(dir, config)) {
      assertThat(log.lastSeq()).isEqualTo(10);
      assertThat(log.append(new byte[] {1})).isEqualTo(11);
    }
  }

  @Test
  void aDamagedIndexFileIsRebuilt() throws IOException {
    LogConfig config = CONFIG.withSegmentBytes(56 * 5);
    List<byte[]> payloads = fill(dir, config, sizes(20, 40));
    flipByte(Segment.indexFileFor(dir, 1), 2);
    try (EventLog log = EventLog.open(dir, config)) {
      assertDenseAndIntact(log, payloads, 20);
    }
  }

  @Test
  void randomTornTailsAlwaysRecoverToAPrefix() {
    Seeded.run(this::randomTornTailsAlwaysRecoverToAPrefixWithSeed);
  }

  private void randomTornTailsAlwaysRecoverToAPrefixWithSeed(long seed) throws Exception {
    Random random = new Random(seed);
    for (int round = 0; round < 25; round++) {
      Path d = dir.resolve("round-" + round);
      int n = 1 + random.nextInt(30);
      int[] sizes = new int[n];
      for (int i = 0; i < n; i++) {
        sizes[i] = random.nextInt(200);
      }
      LogConfig config = CONFIG.withSegmentBytes(512 + random.nextInt(2048));
      List<byte[]> payloads = fill(d, config, sizes);
      Path last = Segment.fileFor(d, lastBase(d));
      long size = Files.size(last);
      long lastFrameStart = size - 16 - sizes[n - 1];
      String damage;
      long expectedLast = n - 1;
      switch (random.nextInt(3)) {
        case 0 -> {
          long cut = lastFrameStart + random.nextLong(size - lastFrameStart);
          truncate(last, cut);
          damage = "cut at " + cut;
        }
        case 1 -> {
          long at = lastFrameStart + random.nextLong(size - lastFrameStart);
          flipByte(last, at);
          damage = "flip at " + at;
        }
        default -> {
          byte[] garbage = new byte[1 + random.nextInt(100)];
          random.nextBytes(garbage);
          appendBytes(last, garbage);
          damage = "garbage " + garbage.length;
          expectedLast = n;
        }
      }
      try (EventLog log = EventLog.open(d, config)) {
        String what = "seed " + seed + " round " + round + " " + damage;
        assertThat(log.lastSeq()).as(what).isEqualTo(expectedLast);
        List<LogEntry> all = new ArrayList<>();
        log.reader(1).forEachRemaining(all::add);
        assertThat(all).as(what).hasSize((int) expectedLast);
        for (LogEntry e : all) {
          assertThat(e.payload()).as(what).isEqualTo(payloads.get((int) e.seq() - 1));
        }
        assertThat(log.append(new byte[] {1})).as(what).isEqualTo(expectedLast + 1);
      }
    }
  }

  private static long lastBase(Path d) throws IOException {
    try (var files = Files.list(d)) {
      return files
          .map(p -> p.getFileName().toString())
          .filter(name -> name.endsWith(Segment.SUFFIX))
          .mapToLong(name -> Long.parseLong(name.substring(0, 20)))
          .max()
          .orElseThrow();
    }
  }
}
