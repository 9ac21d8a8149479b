package io.spooky.log;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.ClosedChannelException;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.List;

/**
 * One segment file ({@code <base seq, 20 digits>.log}): the frames of the entries {@code baseSeq,
 * baseSeq + 1, ...} back to back (see {@link Frame}), plus its {@link SegmentIndex}.
 *
 * <p>Invariants: the file starts with the frame of {@code baseSeq} (or is empty); every sealed
 * segment (any but the last) is non-empty, fully durable and ends exactly before the frame of the
 * next segment's base seq.
 *
 * <p>Threading: the log's writer owns {@link #size} and {@link #nextSeq} and the write channel
 * (under the log's write lock). Readers use {@link #read} concurrently; they see only bytes below
 * {@link #committedSize}, which the writer publishes after the bytes are written (and, under {@code
 * FsyncPolicy.ALWAYS}, durable). Readers use their own read-only channel, reopened if an
 * interrupted reader closed it, so that interrupting a reader can never break the writer.
 */
final class Segment {
  static final String SUFFIX = ".log";

  final long baseSeq;
  final Path file;
  final Path indexFile;
  final SegmentIndex index;
  private final FileChannel writeChannel;
  private FileChannel readChannel; // guarded by this
  private volatile boolean deleted;
  private volatile long committedSize;
  private long size;
  private long nextSeq;
  private long lastIndexedPosition;

  private Segment(
      long baseSeq, Path file, FileChannel writeChannel, SegmentIndex index, long size, long next) {
    this.baseSeq = baseSeq;
    this.file = file;
    this.indexFile = indexFileFor(file.getParent(), baseSeq);
    this.writeChannel = writeChannel;
    this.index = index;
    this.size = size;
    this.committedSize = size;
    this.nextSeq = next;
    this.lastIndexedPosition = index.last()[1];
  }

  static Path fileFor(Path dir, long baseSeq) {
    return dir.resolve(String.format("%020d", baseSeq) + SUFFIX);
  }

  static Path indexFileFor(Path dir, long baseSeq) {
    return dir.resolve(String.format("%020d", baseSeq) + SegmentIndex.SUFFIX);
  }

  /** Creates a new, empty segment file. */
  static Segment create(Path dir, long baseSeq) throws IOException {
    Path file = fileFor(dir, baseSeq);
    FileChannel ch =
        FileChannel.open(
            file, StandardOpenOption.CREATE_NEW, StandardOpenOption.READ, StandardOpenOption.WRITE);
    return new Segment(baseSeq, file, ch, new SegmentIndex(baseSeq), 0, baseSeq);
  }

  /** Opens an existing segment whose valid extent recovery has established. */
  static Segment open(Path file, long baseSeq, SegmentIndex index, long size, long nextSeq)
      throws IOException {
    FileChannel ch = FileChannel.open(file, StandardOpenOption.READ, StandardOpenOption.WRITE);
    return new Segment(baseSeq, file, ch, index, size, nextSeq);
  }

  long size() {
    return size;
  }

  long nextSeq() {
    return nextSeq;
  }

  boolean isEmpty() {
    return nextSeq == baseSeq;
  }

  long committedSize() {
    return committedSize;
  }

  /**
   * Writes {@code frames}, which hold the frames of {@code entries} seqs starting at {@link
   * #nextSeq}; {@code frameStarts} gives each frame's offset within the buffer (for the index).
   */
  void write(ByteBuffer frames, long[] frameSeqs, int[] frameStarts, int frameCount, int interval)
      throws IOException {
    long at = size;
    int bytes = frames.remaining();
    while (frames.hasRemaining()) {
      at += writeChannel.write(frames, at);
    }
    for (int i = 0; i < frameCount; i++) {
      long pos = size + frameStarts[i];
      if (pos - lastIndexedPosition >= interval) {
        index.add(frameSeqs[i], pos);
        lastIndexedPosition = pos;
      }
    }
    size += bytes;
    nextSeq += frameCount;
  }

  /** Forces written frames to disk (data and the file length, not other metadata). */
  void sync() throws IOException {
    writeChannel.force(false);
  }

  /** Makes everything written so far visible to readers. */
  void publish() {
    committedSize = size;
  }

  /**
   * Cuts the segment to {@code position}, which must be a frame boundary holding {@code seq}'s
   * frame (or the end), and makes the cut durable.
   */
  void truncate(long position, long seq) throws IOException {
    writeChannel.truncate(position);
    writeChannel.force(true);
    index.truncateFrom(position);
    lastIndexedPosition = index.last()[1];
    size = position;
    nextSeq = seq;
    committedSize = position;
  }

  /**
   * Appends to {@code out} the entries from {@code fromSeq} up to (excluding) {@code endSeq}: at
   * most {@code maxEntries}, and at most {@code maxBytes} payload bytes unless {@code out} is empty
   * (so that an entry larger than the budget is still returned alone). Returns the bytes added.
   */
  long read(long fromSeq, long endSeq, int maxEntries, long maxBytes, List<LogEntry> out)
      throws IOException {
    long[] start = index.floor(fromSeq);
    FrameReader reader = new FrameReader(readChannel(), start[1], committedSize);
    long expected = start[0];
    long bytes = 0;
    int added = 0;
    while (expected < endSeq && added < maxEntries) {
      FrameReader.Status status = reader.next();
      if (status == FrameReader.Status.END) {
        break;
      }
      if (status != FrameReader.Status.FRAME || reader.seq() != expected) {
        throw new CorruptLogException(
            file,
            reader.position(),
            status == FrameReader.Status.FRAME
                ? "expected seq " + expected + " but the frame holds seq " + reader.seq()
                : "frame of seq " + expected + " is " + status);
      }
      if (expected >= fromSeq) {
        if (!out.isEmpty() && bytes + reader.payloadLength() > maxBytes) {
          break;
        }
        out.add(new LogEntry(expected, reader.payload()));
        bytes += reader.payloadLength();
        added++;
      }
      expected++;
    }
    return bytes;
  }

  /**
   * File position of {@code seq}'s frame, or {@link #size()} for {@link #nextSeq()}. Reads through
   * the readers' channel so that an interrupted caller cannot close the write channel.
   */
  long positionOf(long seq) throws IOException {
    if (seq == nextSeq) {
      return size;
    }
    long[] start = index.floor(seq);
    FrameReader reader = new FrameReader(readChannel(), start[1], size);
    for (long expected = start[0]; ; expected++) {
      FrameReader.Status status = reader.next();
      if (status != FrameReader.Status.FRAME || reader.seq() != expected) {
        throw new CorruptLogException(
            file, reader.position(), "frame of seq " + expected + " is " + status);
      }
      if (expected == seq) {
        return reader.position();
      }
    }
  }

  private synchronized FileChannel readChannel() throws IOException {
    if (deleted) {
      throw new ClosedChannelException();
    }
    if (readChannel == null || !readChannel.isOpen()) {
      readChannel = FileChannel.open(file, StandardOpenOption.READ);
    }
    return readChannel;
  }

  void writeIndex() throws IOException {
    index.write(indexFile);
  }

  void close() throws IOException {
    synchronized (this) {
      if (readChannel != null) {
        readChannel.close();
      }
    }
    writeChannel.close();
  }

  /** Closes and removes the segment and its index; readers still inside it fail and retry. */
  void delete() throws IOException {
    deleted = true;
    close();
    Files.deleteIfExists(indexFile);
    Files.deleteIfExists(file);
  }

  @Override
  public String toString() {
    return file.getFileName().toString();
  }
}
