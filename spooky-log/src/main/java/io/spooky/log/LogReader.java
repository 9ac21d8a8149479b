package io.spooky.log;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.ArrayDeque;
import java.util.Iterator;
import java.util.NoSuchElementException;

/**
 * Iterates the entries of an {@link EventLog} in seq order, from the seq it was created for up to
 * the last entry acknowledged when it was created ({@link #endSeq()} exclusive). It reads in
 * batches and holds no file open between them, so it needs no closing.
 *
 * <p>I/O failures surface as {@link java.io.UncheckedIOException} whose cause is the {@link
 * IOException} ({@link CorruptLogException} for damaged frames). If {@link EventLog#truncateBefore}
 * removes entries the reader has yet to return, it throws {@link SeqOutOfRangeException}; after
 * {@link EventLog#truncateAfter} it throws {@link java.util.ConcurrentModificationException}. Not
 * thread-safe: one reader per consumer.
 */
public final class LogReader implements Iterator<LogEntry> {
  private static final int BATCH_ENTRIES = 512;
  private static final long BATCH_BYTES = 1L << 20;

  private final EventLog log;
  private final long endSeq;
  private final ArrayDeque<LogEntry> batch = new ArrayDeque<>();
  private final long epoch;
  private long nextSeq;

  LogReader(EventLog log, long fromSeq, long endSeq, long epoch) {
    this.log = log;
    this.nextSeq = fromSeq;
    this.endSeq = endSeq;
    this.epoch = epoch;
  }

  @Override
  public boolean hasNext() {
    return nextSeq < endSeq;
  }

  @Override
  public LogEntry next() {
    if (!hasNext()) {
      throw new NoSuchElementException("reader reached seq " + endSeq);
    }
    if (batch.isEmpty()) {
      try {
        batch.addAll(log.read(nextSeq, endSeq, BATCH_ENTRIES, BATCH_BYTES, epoch));
      } catch (IOException e) {
        throw new UncheckedIOException(e.getMessage(), e);
      }
      if (batch.isEmpty()) {
        throw new IllegalStateException("log ended at seq " + nextSeq + " before " + endSeq);
      }
    }
    LogEntry entry = batch.removeFirst();
    assert entry.seq() == nextSeq : "reader expected seq " + nextSeq + " got " + entry.seq();
    nextSeq++;
    return entry;
  }

  /** Seq of the entry {@link #next()} returns next. */
  public long nextSeq() {
    return nextSeq;
  }

  /** One past the last seq this reader returns. */
  public long endSeq() {
    return endSeq;
  }
}
