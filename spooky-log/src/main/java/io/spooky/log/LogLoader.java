package io.spooky.log;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.List;
import java.util.TreeMap;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Opens a log directory and restores the invariants the log relies on, or refuses to.
 *
 * <p>Restored invariants, in order:
 *
 * <ol>
 *   <li><b>Contiguity.</b> Segment base seqs increase and each sealed segment ends exactly where
 *       the next begins. A gap or overlap is corruption, never patched over.
 *   <li><b>Sealed segments are whole.</b> A sealed segment was fsynced before its successor was
 *       created, so any damage in it is corruption, not a torn write. Its tail (from the last index
 *       entry) is verified on every open; the whole file when its index is missing or invalid.
 *   <li><b>The last segment ends on a valid frame.</b> Frames after the last valid one that are
 *       partial or fail their CRC, with no valid frame behind them, are a torn tail from a crash
 *       during a write that was never acknowledged under {@code FsyncPolicy.ALWAYS}; they are cut
 *       off. Damage followed by a valid frame cannot come from a torn append and is refused.
 *   <li><b>Indexes match their segments.</b> The last segment's index is always rebuilt by the
 *       recovery scan; a sealed segment's index file is rewritten when it had to be rebuilt.
 * </ol>
 *
 * <p>A power loss can leave a hole inside the last unsynced write (pages written back out of order)
 * with intact frames behind it. The loader cannot tell that from bit rot and refuses it; {@link
 * EventLog#repair} then cuts the log at the hole, which loses only frames that were never
 * acknowledged if the log ran with {@code FsyncPolicy.ALWAYS}.
 */
final class LogLoader {
  private static final Logger log = LoggerFactory.getLogger(LogLoader.class);

  /** Result of loading: the segments in order (the last one is active) and any repair done. */
  record Loaded(List<Segment> segments, RepairReport repair) {}

  private record Scan(FrameReader.Status status, long position, long nextSeq, SegmentIndex index) {}

  private final Path dir;
  private final LogConfig config;
  private final boolean repair;

  LogLoader(Path dir, LogConfig config, boolean repair) {
    this.dir = dir;
    this.config = config;
    this.repair = repair;
  }

  Loaded load() throws IOException {
    TreeMap<Long, Path> files = listSegments();
    List<Segment> segments = new ArrayList<>();
    if (files.isEmpty()) {
      segments.add(Segment.create(dir, config.firstSeq()));
      syncDirectory(dir);
      return new Loaded(segments, RepairReport.clean(config.firstSeq() - 1));
    }
    List<Long> bases = new ArrayList<>(files.keySet());
    try {
      for (int i = 0; i < bases.size(); i++) {
        long base = bases.get(i);
        Path file = files.get(base);
        boolean last = i == bases.size() - 1;
        Corruption corruption =
            last
                ? loadLast(file, base, segments)
                : loadSealed(file, base, bases.get(i + 1), segments, repair);
        if (corruption != null) {
          if (!repair) {
            throw corruption.exception();
          }
          RepairReport report = cutAt(corruption, bases.subList(i + 1, bases.size()), files);
          if (corruption.position() == 0 && !segments.isEmpty()) {
            // Nothing of this segment survives; the previous one becomes the active segment.
            Files.delete(file);
            Files.deleteIfExists(segments.get(segments.size() - 1).indexFile);
            syncDirectory(dir);
          } else {
            segments.add(
                Segment.open(
                    file,
                    base,
                    corruption.scan.index,
                    corruption.position(),
                    corruption.nextSeq()));
          }
          return new Loaded(segments, report);
        }
      }
    } catch (IOException | RuntimeException e) {
      for (Segment s : segments) {
        s.close();
      }
      throw e;
    }
    Segment active = segments.get(segments.size() - 1);
    return new Loaded(segments, RepairReport.clean(active.nextSeq() - 1));
  }

  private record Corruption(Path file, Scan scan, long fileSize, String reason) {
    long position() {
      return scan.position;
    }

    long nextSeq() {
      return scan.nextSeq;
    }

    CorruptLogException exception() {
      return new CorruptLogException(file, scan.position, reason);
    }
  }

  /** Verifies a sealed segment (invariants 1, 2, 4) and adds it, or reports the corruption. */
  private Corruption loadSealed(
      Path file, long base, long nextBase, List<Segment> segments, boolean fullScan)
      throws IOException {
    long fileSize = Files.size(file);
    SegmentIndex index =
        fullScan ? null : SegmentIndex.load(Segment.indexFileFor(dir, base), base, fileSize);
    boolean rebuilt = index == null;
    if (rebuilt) {
      index = new SegmentIndex(base);
    }
    Scan scan;
    try (FileChannel ch = FileChannel.open(file, StandardOpenOption.READ)) {
      long[] from = index.last();
      scan = scan(ch, from[0], from[1], fileSize, index);
    }
    if (scan.status != FrameReader.Status.END) {
      return new Corruption(file, scan, fileSize, describe(scan, "sealed segment"));
    }
    if (scan.nextSeq != nextBase) {
      return new Corruption(
          file,
          scan,
          fileSize,
          "sealed segment ends before seq "
              + scan.nextSeq
              + " but the next segment starts at "
              + nextBase);
    }
    Segment segment = Segment.open(file, base, index, fileSize, scan.nextSeq);
    segments.add(segment);
    if (rebuilt) {
      segment.writeIndex();
      log.info("event=log_index_rebuilt segment={} entries={}", file.getFileName(), index.size());
    }
    return null;
  }

  /** Scans the last segment in full (invariants 3, 4); cuts a torn tail, reports corruption. */
  private Corruption loadLast(Path file, long base, List<Segment> segments) throws IOException {
    long fileSize = Files.size(file);
    if (!segments.isEmpty()) {
      long expected = segments.get(segments.size() - 1).nextSeq();
      if (expected != base) {
        Scan scan = new Scan(FrameReader.Status.END, 0, expected, new SegmentIndex(base));
        return new Corruption(
            file,
            scan,
            fileSize,
            "segment starts at seq " + base + " but the previous one ends before " + expected);
      }
    }
    SegmentIndex index = new SegmentIndex(base);
    Scan scan;
    try (FileChannel ch = FileChannel.open(file, StandardOpenOption.READ)) {
      scan = scan(ch, base, 0, fileSize, index);
      if (scan.status == FrameReader.Status.FRAME) {
        return new Corruption(file, scan, fileSize, describe(scan, "segment"));
      }
      if (scan.status != FrameReader.Status.END) {
        long later = findValidFrameAfter(ch, scan.position, fileSize, scan.nextSeq);
        if (later >= 0) {
          return new Corruption(
              file,
              scan,
              fileSize,
              describe(scan, "segment") + ", followed by a valid frame at position " + later);
        }
      }
    }
    Segment segment = Segment.open(file, base, index, scan.position, scan.nextSeq);
    if (scan.status != FrameReader.Status.END) {
      long removed = fileSize - scan.position;
      segment.truncate(scan.position, scan.nextSeq);
      log.warn(
          "event=log_torn_tail_truncated segment={} position={} bytes_removed={} cause={}"
              + " last_seq={}",
          file.getFileName(),
          scan.position,
          removed,
          scan.status,
          scan.nextSeq - 1);
    }
    Files.deleteIfExists(segment.indexFile); // stale: the active segment's index lives in memory
    segments.add(segment);
    return null;
  }

  /**
   * Operator repair: deletes the segments after the damaged one (newest first, so the directory
   * always holds a contiguous prefix) and cuts the damaged one at the damage.
   */
  private RepairReport cutAt(Corruption c, List<Long> laterBases, TreeMap<Long, Path> files)
      throws IOException {
    long removedBytes = c.fileSize - c.position();
    for (int j = laterBases.size() - 1; j >= 0; j--) {
      long b = laterBases.get(j);
      removedBytes += Files.size(files.get(b));
      Files.deleteIfExists(Segment.indexFileFor(dir, b));
      Files.delete(files.get(b));
    }
    Files.deleteIfExists(Segment.indexFileFor(dir, fileBase(c.file)));
    try (FileChannel ch = FileChannel.open(c.file, StandardOpenOption.WRITE)) {
      ch.truncate(c.position());
      ch.force(true);
    }
    syncDirectory(dir);
    log.warn(
        "event=log_repaired segment={} position={} bytes_removed={} segments_removed={}"
            + " last_seq={} reason=\"{}\"",
        c.file.getFileName(),
        c.position(),
        removedBytes,
        laterBases.size(),
        c.nextSeq() - 1,
        c.reason);
    return new RepairReport(
        c.file, c.position(), removedBytes, laterBases.size(), c.nextSeq() - 1, c.reason);
  }

  private static long fileBase(Path file) {
    String name = file.getFileName().toString();
    return Long.parseLong(name.substring(0, name.length() - Segment.SUFFIX.length()));
  }

  private static String describe(Scan scan, String what) {
    return switch (scan.status) {
      case FRAME -> what + " holds seq " + scan.nextSeq + "'s place but the frame is another seq";
      case INCOMPLETE -> what + " has a partial frame where seq " + scan.nextSeq + " should be";
      case BAD_CRC -> what + " has a CRC mismatch in the frame of seq " + scan.nextSeq;
      case END -> what + " is inconsistent";
    };
  }

  /**
   * Reads frames from {@code position} (which holds {@code seq}'s frame) until the end or the first
   * bad frame, adding index entries. Stops with status FRAME if a valid frame holds an unexpected
   * seq.
   */
  private Scan scan(FileChannel ch, long seq, long position, long limit, SegmentIndex index)
      throws IOException {
    FrameReader reader = new FrameReader(ch, position, limit);
    long expected = seq;
    long lastIndexed = index.last()[1];
    while (true) {
      FrameReader.Status status = reader.next();
      if (status != FrameReader.Status.FRAME || reader.seq() != expected) {
        return new Scan(status, reader.position(), expected, index);
      }
      long pos = reader.position();
      if (pos - lastIndexed >= config.indexIntervalBytes()) {
        index.add(expected, pos);
        lastIndexed = pos;
      }
      expected++;
    }
  }

  /**
   * Looks for any frame after damage at {@code from}: a position where a frame with a seq at or
   * after {@code minSeq} fits before {@code end} and has a matching CRC. Returns its position or
   * -1. Every byte offset is tried because the damaged frame's length cannot be trusted.
   */
  static long findValidFrameAfter(FileChannel ch, long from, long end, long minSeq)
      throws IOException {
    long span = end - from;
    if (span <= Frame.HEADER_BYTES) {
      return -1;
    }
    ByteBuffer buf = ByteBuffer.allocate((int) span);
    while (buf.hasRemaining()) {
      if (ch.read(buf, from + buf.position()) < 0) {
        break;
      }
    }
    byte[] bytes = buf.array();
    int n = buf.position();
    // Frames are at least HEADER_BYTES long, so no frame in the span can have a seq beyond this.
    long maxSeq = minSeq + span / Frame.HEADER_BYTES + 1;
    for (int q = 1; q + Frame.HEADER_BYTES <= n; q++) {
      long seq = buf.getLong(q + 8);
      if (seq < minSeq || seq > maxSeq) {
        continue;
      }
      long length = Integer.toUnsignedLong(buf.getInt(q));
      if (q + Frame.HEADER_BYTES + length > n) {
        continue;
      }
      if (buf.getInt(q + 4) == Frame.crc(bytes, q + 8, 8 + (int) length)) {
        return from + q;
      }
    }
    return -1;
  }

  private TreeMap<Long, Path> listSegments() throws IOException {
    TreeMap<Long, Path> files = new TreeMap<>();
    try (DirectoryStream<Path> stream = Files.newDirectoryStream(dir)) {
      for (Path p : stream) {
        String name = p.getFileName().toString();
        if (name.endsWith(".tmp")) {
          Files.delete(p); // an index write interrupted before its rename
        } else if (name.endsWith(Segment.SUFFIX)) {
          String digits = name.substring(0, name.length() - Segment.SUFFIX.length());
          if (digits.length() == 20 && digits.chars().allMatch(Character::isDigit)) {
            files.put(Long.parseLong(digits), p);
          }
        }
      }
    }
    return files;
  }

  /** Makes file creations, renames and deletions in {@code dir} durable. */
  static void syncDirectory(Path dir) throws IOException {
    try (FileChannel ch = FileChannel.open(dir, StandardOpenOption.READ)) {
      ch.force(true);
    }
  }
}
