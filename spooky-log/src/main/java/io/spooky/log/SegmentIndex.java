package io.spooky.log;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.util.Arrays;

/**
 * Sparse index of one segment: for roughly every {@code indexIntervalBytes} of frames, the seq of a
 * frame and its file position. A lookup returns the closest preceding frame, from which a reader
 * scans forward over at most one interval of frames.
 *
 * <p>The index is derived data: it can always be rebuilt by scanning the segment, which is what
 * recovery does for the last segment and for any segment whose index file is missing or invalid.
 * File layout ({@code <base seq>.index}), all integers big-endian:
 *
 * <pre>
 * repeated k times:  relative seq u32 (seq - base seq) | position u32
 * then:              crc u32, CRC-32C over the 8k bytes before it
 * </pre>
 *
 * <p>The file is written only for sealed segments (on roll and on close), atomically via a
 * temporary file and rename, so a present file with a good CRC is complete.
 *
 * <p>Thread-safe: the log's writer adds entries while readers look them up.
 */
final class SegmentIndex {
  static final String SUFFIX = ".index";
  private static final int ENTRY_BYTES = 8;

  private final long baseSeq;
  private long[] seqs = new long[16];
  private long[] positions = new long[16];
  private int count;

  SegmentIndex(long baseSeq) {
    this.baseSeq = baseSeq;
  }

  /** Records that the frame of {@code seq} starts at {@code position}; both must increase. */
  synchronized void add(long seq, long position) {
    assert count == 0 || (seqs[count - 1] < seq && positions[count - 1] < position)
        : "index entries must increase: last=" + lastSeq() + " new=" + seq;
    if (count == seqs.length) {
      seqs = Arrays.copyOf(seqs, count * 2);
      positions = Arrays.copyOf(positions, count * 2);
    }
    seqs[count] = seq;
    positions[count] = position;
    count++;
  }

  /**
   * The indexed frame with the greatest seq &le; {@code seq}, as {@code {seq, position}}; the
   * segment's first frame ({@code {baseSeq, 0}}) when no entry precedes it.
   */
  synchronized long[] floor(long seq) {
    int i = Arrays.binarySearch(seqs, 0, count, seq);
    if (i < 0) {
      i = -i - 2;
    }
    return i < 0 ? new long[] {baseSeq, 0} : new long[] {seqs[i], positions[i]};
  }

  /** The last entry as {@code {seq, position}}, or the segment start when empty. */
  synchronized long[] last() {
    return count == 0
        ? new long[] {baseSeq, 0}
        : new long[] {seqs[count - 1], positions[count - 1]};
  }

  private long lastSeq() {
    return count == 0 ? baseSeq : seqs[count - 1];
  }

  /** Drops every entry whose frame starts at or after {@code position} (the segment shrank). */
  synchronized void truncateFrom(long position) {
    while (count > 0 && positions[count - 1] >= position) {
      count--;
    }
  }

  synchronized int size() {
    return count;
  }

  /** Writes the index file atomically (temporary file, fsync, rename). */
  void write(Path file) throws IOException {
    ByteBuffer buf;
    synchronized (this) {
      buf = ByteBuffer.allocate(count * ENTRY_BYTES + 4);
      for (int i = 0; i < count; i++) {
        buf.putInt((int) (seqs[i] - baseSeq));
        buf.putInt((int) positions[i]);
      }
    }
    buf.putInt(Frame.crc(buf.array(), 0, buf.position()));
    buf.flip();
    Path tmp = file.resolveSibling(file.getFileName() + ".tmp");
    try (FileChannel ch =
        FileChannel.open(
            tmp,
            StandardOpenOption.CREATE,
            StandardOpenOption.WRITE,
            StandardOpenOption.TRUNCATE_EXISTING)) {
      while (buf.hasRemaining()) {
        ch.write(buf);
      }
      ch.force(true);
    }
    Files.move(tmp, file, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
  }

  /**
   * Loads an index file, or returns null when it is missing or does not describe a segment of
   * {@code segmentSize} bytes (bad CRC, entries out of order or beyond the end). A null result
   * means "rebuild by scanning", never an error: the index is derived data.
   */
  static SegmentIndex load(Path file, long baseSeq, long segmentSize) throws IOException {
    byte[] bytes;
    try {
      bytes = Files.readAllBytes(file);
    } catch (NoSuchFileException e) {
      return null;
    }
    if (bytes.length < 4 || (bytes.length - 4) % ENTRY_BYTES != 0) {
      return null;
    }
    ByteBuffer buf = ByteBuffer.wrap(bytes);
    int n = (bytes.length - 4) / ENTRY_BYTES;
    if (buf.getInt(n * ENTRY_BYTES) != Frame.crc(bytes, 0, n * ENTRY_BYTES)) {
      return null;
    }
    SegmentIndex index = new SegmentIndex(baseSeq);
    long prevSeq = baseSeq;
    long prevPos = 0;
    for (int i = 0; i < n; i++) {
      long seq = baseSeq + Integer.toUnsignedLong(buf.getInt());
      long pos = Integer.toUnsignedLong(buf.getInt());
      if (seq <= prevSeq || pos <= prevPos || pos >= segmentSize) {
        return null;
      }
      index.add(seq, pos);
      prevSeq = seq;
      prevPos = pos;
    }
    return index;
  }
}
