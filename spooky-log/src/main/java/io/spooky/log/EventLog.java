package io.spooky.log;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.ClosedChannelException;
import java.nio.channels.FileChannel;
import java.nio.channels.FileLock;
import java.nio.channels.OverlappingFileLockException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.ConcurrentModificationException;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.ConcurrentSkipListMap;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.ReentrantLock;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A segmented, append-only log of opaque entries on disk, numbered by a dense, increasing {@code
 * seq}: the Scheduler's write-ahead log, and the shape of every ordered log in Spooky.
 *
 * <pre>{@code
 * try (EventLog log = EventLog.open(dir, LogConfig.defaults())) {
 *   long seq = log.append(bytes);              // durable when it returns (FsyncPolicy.ALWAYS)
 *   LogReader reader = log.reader(fromSeq);    // entries fromSeq .. lastSeq() as of now
 *   while (reader.hasNext()) {
 *     LogEntry e = reader.next();
 *     apply(e.seq(), e.payload());
 *   }
 *   log.truncateBefore(appliedByEveryone + 1); // drop whole segments nobody needs
 * }
 * }</pre>
 *
 * <p><b>Layout.</b> A directory of segment files named by the seq of their first entry ({@code
 * 00000000000000000001.log}), each a run of CRC-32C-checked frames (byte layout in {@link Frame}
 * and docs/PROTOCOL.md section 7), with a sparse seq-to-position index per sealed segment ({@link
 * SegmentIndex}). The active (last) segment is sealed and a new one started once it reaches {@link
 * LogConfig#segmentBytes()}.
 *
 * <p><b>Group commit.</b> Appends from any number of threads are queued to one writer thread, which
 * takes everything queued, assigns consecutive seqs in queue order, writes it with one write and
 * one fsync, and then acknowledges every append of the group. Under load, the cost of an fsync is
 * shared by all appends waiting for it. What an acknowledgement promises is set by {@link
 * FsyncPolicy}.
 *
 * <p><b>Recovery.</b> {@link #open} verifies the directory: a torn tail of the last segment (a
 * partial or CRC-failing frame with no valid frame behind it) is cut off and logged; any other
 * damage throws {@link CorruptLogException}, and {@link #repair} is the explicit operator action
 * that cuts the log at the damage. Open scans the last segment and, of each sealed segment, the
 * frames after its last index entry (all of it if the index is missing), so it does not read the
 * whole log; damage earlier in a sealed segment surfaces as a {@link CorruptLogException} when
 * those entries are read. {@link #repair} verifies every frame.
 *
 * <p><b>Thread-safety.</b> All methods are safe to call from any thread. Reads run concurrently
 * with appends and see entries once acknowledged. One process opens a directory at a time (a lock
 * file enforces it). Payload arrays passed to the append methods are not copied: do not modify one
 * until its append has completed.
 *
 * <p><b>Lifecycle.</b> {@link #close} stops accepting appends, writes and fsyncs everything
 * accepted before it, and releases the directory. Reopening continues with the next seq.
 */
public final class EventLog implements AutoCloseable {
  private static final Logger log = LoggerFactory.getLogger(EventLog.class);
  private static final String LOCK_FILE = ".lock";
  private static final int QUEUE_CAPACITY = 8192;
  private static final int MAX_GROUP_APPENDS = 4096;
  private static final long MAX_GROUP_BYTES = 8L << 20;

  private sealed interface Request {}

  private record Append(List<byte[]> payloads, long bytes, CompletableFuture<Long> done)
      implements Request {}

  private record Stop() implements Request {}

  private final Path dir;
  private final LogConfig config;
  private final FileLock dirLock;
  private final ConcurrentSkipListMap<Long, Segment> segments = new ConcurrentSkipListMap<>();
  private final BlockingQueue<Request> queue = new ArrayBlockingQueue<>(QUEUE_CAPACITY);
  private final GroupCommitObserver observer;
  private final long syncIntervalNanos;
  private final Object closeLock = new Object();
  private final Thread writer;

  /** Serializes everything that changes files: group commits, syncs, truncation, close. */
  private final ReentrantLock writeLock = new ReentrantLock();

  /** One past the last acknowledged seq; readers never go beyond it. */
  private volatile long committedNext;

  /** Bumped by truncateAfter so that readers crossing it fail instead of mixing histories. */
  private volatile long truncations;

  private volatile boolean closed;
  private volatile IOException failure;

  // Guarded by writeLock.
  private Segment active;
  private long nextSeq;
  private boolean dirty;
  private long firstDirtyNanos;
  private ByteBuffer buffer = ByteBuffer.allocateDirect(1 << 20);
  private long[] frameSeqs = new long[1024];
  private int[] frameStarts = new int[1024];

  // Written under writeLock, read anywhere.
  private volatile long appends;
  private volatile long appendedBytes;
  private volatile long groupWrites;
  private volatile long fsyncs;
  private volatile long largestGroup;
  private volatile long segmentsRolled;

  private EventLog(
      Path dir,
      LogConfig config,
      FileLock dirLock,
      List<Segment> loaded,
      GroupCommitObserver observer) {
    this.dir = dir;
    this.config = config;
    this.dirLock = dirLock;
    this.observer = observer;
    for (Segment s : loaded) {
      segments.put(s.baseSeq, s);
    }
    this.active = loaded.get(loaded.size() - 1);
    this.nextSeq = active.nextSeq();
    this.committedNext = nextSeq;
    this.syncIntervalNanos =
        config.fsyncPolicy() instanceof FsyncPolicy.Interval(var period) ? period.toNanos() : 0;
    this.writer =
        Thread.ofPlatform()
            .name("spooky-log-writer " + dir.getFileName())
            .daemon(true)
            .unstarted(this::runWriter);
  }

  /**
   * Opens the log in {@code dir} (created if missing), recovering it as described in the class
   * comment.
   *
   * @throws CorruptLogException if the log holds damage that is not a torn tail
   * @throws IOException if the directory is in use by another instance, or on I/O failure
   */
  public static EventLog open(Path dir, LogConfig config) throws IOException {
    return open(dir, config, GroupCommitObserver.NONE);
  }

  static EventLog open(Path dir, LogConfig config, GroupCommitObserver observer)
      throws IOException {
    Files.createDirectories(dir);
    FileLock dirLock = lockDirectory(dir);
    try {
      LogLoader.Loaded loaded = new LogLoader(dir, config, false).load();
      EventLog eventLog = new EventLog(dir, config, dirLock, loaded.segments(), observer);
      eventLog.writer.start();
      log.info(
          "event=log_opened dir={} first_seq={} next_seq={} segments={} fsync={}",
          dir,
          eventLog.firstSeq(),
          eventLog.committedNext,
          loaded.segments().size(),
          config.fsyncPolicy());
      return eventLog;
    } catch (IOException | RuntimeException e) {
      dirLock.channel().close();
      throw e;
    }
  }

  /**
   * Operator repair of a log that {@link #open} refused: verifies every segment in full and, at the
   * first damage, deletes all later segments and cuts the damaged one there, losing every entry
   * from the damaged one on. A sound log is left untouched. The log must not be open.
   *
   * <p>This is the one place where entries are discarded on purpose; it is never done implicitly.
   */
  public static RepairReport repair(Path dir, LogConfig config) throws IOException {
    FileLock dirLock = lockDirectory(dir);
    try {
      LogLoader.Loaded loaded = new LogLoader(dir, config, true).load();
      for (Segment s : loaded.segments()) {
        s.close();
      }
      return loaded.repair();
    } finally {
      dirLock.channel().close();
    }
  }

  /** Takes the exclusive lock on the directory; closing the lock's channel releases it. */
  private static FileLock lockDirectory(Path dir) throws IOException {
    FileChannel ch =
        FileChannel.open(
            dir.resolve(LOCK_FILE), StandardOpenOption.CREATE, StandardOpenOption.WRITE);
    try {
      FileLock lock = ch.tryLock();
      if (lock == null) {
        throw new IOException("log directory " + dir + " is in use by another process");
      }
      return lock;
    } catch (OverlappingFileLockException e) {
      ch.close();
      throw new IOException("log directory " + dir + " is already open in this process", e);
    } catch (IOException e) {
      ch.close();
      throw e;
    }
  }

  // ---------------------------------------------------------------- appending

  /**
   * Appends one entry and returns its seq once the entry is acknowledged (durable under {@link
   * FsyncPolicy#ALWAYS}).
   *
   * @throws IllegalArgumentException if the payload exceeds {@link LogConfig#maxEntryBytes()}
   * @throws IllegalStateException if the log is closed, or if called from a callback running on the
   *     log's writer thread (it would wait for itself)
   * @throws IOException if the write or fsync failed; the log then refuses further appends and must
   *     be closed and reopened, which recovers it
   */
  public long append(byte[] payload) throws IOException {
    checkNotWriterThread();
    return await(appendAsync(payload));
  }

  /**
   * Appends entries with consecutive seqs, in list order, and returns the first seq once all are
   * acknowledged. The seqs are contiguous; the batch is not atomic across a crash (a prefix of an
   * unacknowledged batch may survive).
   */
  public long appendBatch(List<byte[]> payloads) throws IOException {
    checkNotWriterThread();
    return await(enqueue(List.copyOf(payloads)));
  }

  /**
   * Queues one entry and returns a future of its seq, completed when the entry is acknowledged, or
   * exceptionally with an {@link IOException} if the write or fsync failed. Blocks only when
   * {@value #QUEUE_CAPACITY} appends are already waiting (backpressure).
   *
   * <p>The future is completed on the log's writer thread: dependent stages attached with the
   * non-async methods run there and must not block; in particular they must not call {@link
   * #append}.
   */
  public CompletableFuture<Long> appendAsync(byte[] payload) {
    return enqueue(List.of(payload));
  }

  private CompletableFuture<Long> enqueue(List<byte[]> payloads) {
    if (payloads.isEmpty()) {
      throw new IllegalArgumentException("a batch needs at least one entry");
    }
    long bytes = 0;
    for (byte[] p : payloads) {
      if (p.length > config.maxEntryBytes()) {
        throw new IllegalArgumentException(
            "entry of " + p.length + " bytes exceeds maxEntryBytes " + config.maxEntryBytes());
      }
      bytes += p.length;
    }
    ensureOpen();
    IOException failed = failure;
    if (failed != null) {
      return CompletableFuture.failedFuture(failedLog(failed));
    }
    CompletableFuture<Long> done = new CompletableFuture<>();
    putUninterruptibly(new Append(payloads, bytes, done));
    if (closed && !writer.isAlive()) {
      failQueued(); // raced with close(): nobody else will complete it
    }
    return done;
  }

  private static long await(CompletableFuture<Long> future) throws IOException {
    try {
      return future.join();
    } catch (CompletionException e) {
      if (e.getCause() instanceof IOException io) {
        throw new IOException(io.getMessage(), io);
      }
      if (e.getCause() instanceof RuntimeException re) {
        throw re;
      }
      throw e;
    }
  }

  private void checkNotWriterThread() {
    if (Thread.currentThread() == writer) {
      throw new IllegalStateException(
          "append() called on the log's writer thread would wait for itself; use appendAsync");
    }
  }

  private void putUninterruptibly(Request request) {
    boolean interrupted = false;
    while (true) {
      try {
        queue.put(request);
        break;
      } catch (InterruptedException e) {
        interrupted = true;
      }
    }
    if (interrupted) {
      Thread.currentThread().interrupt();
    }
  }

  // ---------------------------------------------------------------- the writer

  private void runWriter() {
    List<Append> group = new ArrayList<>();
    boolean stop = false;
    while (!stop) {
      Request request = nextRequest();
      if (request == null) {
        syncIfDue();
        continue;
      }
      long bytes = 0;
      while (request != null) {
        if (request instanceof Append a) {
          group.add(a);
          bytes += a.bytes;
          if (bytes >= MAX_GROUP_BYTES || group.size() >= MAX_GROUP_APPENDS) {
            break;
          }
          request = queue.poll();
        } else {
          stop = true;
          break;
        }
      }
      if (!group.isEmpty()) {
        commit(group);
        group.clear();
      }
      if (stop) {
        finalSync();
      } else if (syncIntervalNanos > 0) {
        syncIfDue(); // under constant load the queue never runs dry to trigger it
      }
    }
  }

  /** The next request, or null when an interval fsync falls due first. */
  private Request nextRequest() {
    while (true) {
      try {
        long waitNanos = syncWaitNanos();
        return waitNanos < 0 ? queue.take() : queue.poll(waitNanos, TimeUnit.NANOSECONDS);
      } catch (InterruptedException e) {
        // Nobody but close() talks to this thread, and it does so through the queue.
      }
    }
  }

  /** Nanoseconds until the pending interval fsync, or -1 when none is pending. */
  private long syncWaitNanos() {
    writeLock.lock();
    try {
      return dirty ? Math.max(0, firstDirtyNanos + syncIntervalNanos - System.nanoTime()) : -1;
    } finally {
      writeLock.unlock();
    }
  }

  /** One group commit: assign seqs, write, fsync per policy, publish, acknowledge. */
  private void commit(List<Append> group) {
    long[] firstSeqs = new long[group.size()];
    IOException error = null;
    writeLock.lock();
    try {
      if (failure != null) {
        error = failedLog(failure);
      } else {
        int entries = 0;
        for (Append a : group) {
          entries += a.payloads.size();
        }
        observer.beforeGroupWrite(entries);
        writeGroup(group, firstSeqs);
        if (config.fsyncPolicy() instanceof FsyncPolicy.Always) {
          active.sync();
          fsyncs++;
        } else if (config.fsyncPolicy() instanceof FsyncPolicy.Interval && !dirty) {
          dirty = true;
          firstDirtyNanos = System.nanoTime();
        }
        active.publish();
        committedNext = nextSeq;
        long groupBytes = 0;
        for (Append a : group) {
          groupBytes += a.bytes;
        }
        appends += entries;
        appendedBytes += groupBytes;
        groupWrites++;
        largestGroup = Math.max(largestGroup, entries);
      }
    } catch (IOException | RuntimeException e) {
      error = e instanceof IOException io ? io : new IOException(e);
      failure = error;
      log.error("event=log_write_failed dir={} next_seq={} error=\"{}\"", dir, nextSeq, e, e);
    } finally {
      writeLock.unlock();
    }
    // Acknowledge outside the lock: dependent stages may run here and may call into the log.
    for (int i = 0; i < group.size(); i++) {
      if (error == null) {
        group.get(i).done.complete(firstSeqs[i]);
      } else {
        group.get(i).done.completeExceptionally(error);
      }
    }
  }

  private void writeGroup(List<Append> group, long[] firstSeqs) throws IOException {
    buffer.clear();
    int frames = 0;
    long seq = nextSeq;
    for (int i = 0; i < group.size(); i++) {
      firstSeqs[i] = seq;
      for (byte[] payload : group.get(i).payloads) {
        int frameBytes = Frame.frameBytes(payload.length);
        long segmentBytesAfter = active.size() + buffer.position() + frameBytes;
        if (segmentBytesAfter > config.segmentBytes() && active.size() + buffer.position() > 0) {
          flush(frames);
          frames = 0;
          roll();
        } else if (buffer.remaining() < frameBytes || frames == frameSeqs.length) {
          flush(frames);
          frames = 0;
        }
        if (buffer.capacity() < frameBytes) {
          buffer = ByteBuffer.allocateDirect(frameBytes);
        }
        if (frames == frameSeqs.length) {
          frameSeqs = Arrays.copyOf(frameSeqs, frames * 2);
          frameStarts = Arrays.copyOf(frameStarts, frames * 2);
        }
        frameSeqs[frames] = seq;
        frameStarts[frames] = buffer.position();
        frames++;
        Frame.encode(buffer, seq, payload);
        seq++;
      }
    }
    flush(frames);
    nextSeq = seq;
  }

  private void flush(int frames) throws IOException {
    if (frames == 0) {
      return;
    }
    buffer.flip();
    active.write(buffer, frameSeqs, frameStarts, frames, config.indexIntervalBytes());
    buffer.clear();
  }

  /**
   * Seals the active segment and starts the next. Order matters for recovery: the sealed segment
   * and its index are durable before the new file exists, so only the last segment can ever hold a
   * torn write.
   */
  private void roll() throws IOException {
    Segment sealed = active;
    sealed.sync();
    fsyncs++;
    sealed.publish();
    sealed.writeIndex();
    Segment next = Segment.create(dir, sealed.nextSeq());
    LogLoader.syncDirectory(dir);
    segments.put(next.baseSeq, next);
    active = next;
    dirty = false;
    segmentsRolled++;
    log.info(
        "event=log_segment_rolled sealed={} bytes={} last_seq={} next={}",
        sealed,
        sealed.size(),
        sealed.nextSeq() - 1,
        next);
  }

  private void syncIfDue() {
    writeLock.lock();
    try {
      if (!dirty || failure != null || System.nanoTime() - firstDirtyNanos < syncIntervalNanos) {
        return;
      }
      syncActive();
    } finally {
      writeLock.unlock();
    }
  }

  /**
   * Fsyncs the active segment; a failure becomes the log's sticky {@code failure}. Caller holds
   * {@code writeLock}.
   */
  private void syncActive() {
    try {
      active.sync();
      fsyncs++;
      dirty = false;
    } catch (IOException e) {
      failure = e;
      log.error("event=log_sync_failed dir={} error=\"{}\"", dir, e, e);
    }
  }

  private static IOException failedLog(IOException cause) {
    return new IOException("the log failed earlier and must be reopened: " + cause, cause);
  }

  // ---------------------------------------------------------------- reading

  /** Seq of the oldest retained entry; equals {@code lastSeq() + 1} when the log is empty. */
  public long firstSeq() {
    return segments.firstKey();
  }

  /** Seq of the last acknowledged entry ({@code firstSeq() - 1} when the log is empty). */
  public long lastSeq() {
    return committedNext - 1;
  }

  /**
   * A reader over the entries from {@code fromSeq} to the last one acknowledged now. Entries
   * appended later are not included; use {@link #read} repeatedly to follow the log.
   *
   * @throws SeqOutOfRangeException unless {@code firstSeq() <= fromSeq <= lastSeq() + 1}
   */
  public LogReader reader(long fromSeq) {
    long epoch = truncations;
    long end = committedNext;
    checkRange(fromSeq, end);
    return new LogReader(this, fromSeq, end, epoch);
  }

  /**
   * Reads acknowledged entries starting at {@code fromSeq}: at most {@code maxEntries}, and at most
   * {@code maxBytes} payload bytes except that the first entry is always returned whole. Returns an
   * empty list when {@code fromSeq == lastSeq() + 1}. This is the call to poll when following the
   * log as it grows.
   *
   * @throws SeqOutOfRangeException unless {@code firstSeq() <= fromSeq <= lastSeq() + 1}, or if
   *     {@link #truncateBefore} removes the entries while they are being read
   * @throws CorruptLogException if a frame on the way fails its check
   * @throws ConcurrentModificationException if {@link #truncateAfter} ran during the read
   */
  public List<LogEntry> read(long fromSeq, int maxEntries, long maxBytes) throws IOException {
    long epoch = truncations;
    long end = committedNext;
    checkRange(fromSeq, end);
    return read(fromSeq, end, maxEntries, maxBytes, epoch);
  }

  /**
   * Reads up to {@code endSeq}, which was acknowledged when the caller observed {@code epoch} (the
   * truncateAfter count); fails if the log was truncated after that, since the entries the caller
   * expects may be gone or replaced.
   */
  List<LogEntry> read(long fromSeq, long endSeq, int maxEntries, long maxBytes, long epoch)
      throws IOException {
    if (maxEntries <= 0 || maxBytes <= 0) {
      throw new IllegalArgumentException("maxEntries and maxBytes must be positive");
    }
    if (truncations != epoch) {
      throw new ConcurrentModificationException("the log was truncated after the read began");
    }
    List<LogEntry> out = new ArrayList<>();
    long seq = fromSeq;
    long bytes = 0;
    while (seq < endSeq && out.size() < maxEntries && bytes < maxBytes) {
      Map.Entry<Long, Segment> e = segments.floorEntry(seq);
      if (e == null) {
        throw new SeqOutOfRangeException(seq, firstSeq(), committedNext);
      }
      try {
        bytes += e.getValue().read(seq, endSeq, maxEntries - out.size(), maxBytes - bytes, out);
      } catch (ClosedChannelException | CorruptLogException ex) {
        if (truncations != epoch) {
          throw new ConcurrentModificationException("the log was truncated during the read", ex);
        }
        if (seq < firstSeq()) {
          throw new SeqOutOfRangeException(seq, firstSeq(), committedNext);
        }
        throw ex;
      }
      long reached = fromSeq + out.size();
      if (reached == seq) {
        break; // the byte budget ended the batch
      }
      seq = reached;
    }
    if (truncations != epoch) {
      throw new ConcurrentModificationException("the log was truncated during the read");
    }
    return out;
  }

  private void checkRange(long fromSeq, long end) {
    long first = firstSeq();
    if (fromSeq < first || fromSeq > end) {
      throw new SeqOutOfRangeException(fromSeq, first, end);
    }
  }

  // ---------------------------------------------------------------- truncation

  /**
   * Deletes every whole segment whose entries all have seqs below {@code seq}, typically the lowest
   * seq some consumer still needs. The active segment is never deleted, so {@link #firstSeq()}
   * afterwards may still be below {@code seq}. Returns the new {@link #firstSeq()}.
   */
  public long truncateBefore(long seq) throws IOException {
    writeLock.lock();
    try {
      ensureOpen();
      int removed = 0;
      while (true) {
        Map.Entry<Long, Segment> first = segments.firstEntry();
        Map.Entry<Long, Segment> second = segments.higherEntry(first.getKey());
        if (second == null || second.getKey() > seq) {
          break;
        }
        // Oldest first, so the directory always holds a contiguous run of segments.
        segments.remove(first.getKey());
        first.getValue().delete();
        removed++;
      }
      if (removed > 0) {
        LogLoader.syncDirectory(dir);
        log.info(
            "event=log_truncated_before seq={} segments_removed={} first_seq={}",
            seq,
            removed,
            firstSeq());
      }
      return firstSeq();
    } finally {
      writeLock.unlock();
    }
  }

  /**
   * Removes every entry after {@code seq}, so that {@code lastSeq() == seq} and the next append
   * gets {@code seq + 1}. A repair operation: readers that are inside the removed range fail with
   * {@link ConcurrentModificationException}.
   *
   * @throws SeqOutOfRangeException unless {@code firstSeq() - 1 <= seq}
   */
  public void truncateAfter(long seq) throws IOException {
    writeLock.lock();
    try {
      ensureOpen();
      if (failure != null) {
        throw failedLog(failure);
      }
      if (seq >= nextSeq - 1) {
        return;
      }
      if (seq < firstSeq() - 1) {
        throw new SeqOutOfRangeException(seq, firstSeq(), nextSeq);
      }
      truncations++;
      long cut = seq + 1;
      Segment target = segments.floorEntry(cut).getValue();
      long position = target.positionOf(cut);
      // Newest first, so the directory always holds a contiguous run of segments.
      int removed = 0;
      for (Segment s : segments.tailMap(target.baseSeq, false).descendingMap().values()) {
        segments.remove(s.baseSeq);
        s.delete();
        removed++;
      }
      long bytesRemoved = target.size() - position;
      target.truncate(position, cut);
      Files.deleteIfExists(target.indexFile); // it is the active segment again
      LogLoader.syncDirectory(dir);
      active = target;
      nextSeq = cut;
      committedNext = cut;
      dirty = false;
      log.warn(
          "event=log_truncated_after seq={} segment={} position={} segment_bytes_removed={}"
              + " segments_removed={}",
          seq,
          target,
          position,
          bytesRemoved,
          removed);
    } finally {
      writeLock.unlock();
    }
  }

  // ---------------------------------------------------------------- metrics and lifecycle

  /** Counters since open. */
  public LogMetrics metrics() {
    return new LogMetrics(
        appends, appendedBytes, groupWrites, fsyncs, largestGroup, segmentsRolled);
  }

  /** The directory this log lives in. */
  public Path directory() {
    return dir;
  }

  private void ensureOpen() {
    if (closed) {
      throw new IllegalStateException("event log " + dir + " is closed");
    }
  }

  /**
   * Writes and fsyncs every append accepted before this call, then releases files and the
   * directory. Appends racing with close fail with {@link IllegalStateException}. Idempotent.
   *
   * @throws IOException if the log had failed (or the final fsync failed): entries acknowledged
   *     under a policy other than ALWAYS may not be durable. Files and the directory are released
   *     anyway; reopening recovers the log.
   */
  @Override
  public void close() throws IOException {
    synchronized (closeLock) {
      if (closed) {
        return;
      }
      closed = true;
    }
    putUninterruptibly(new Stop());
    boolean interrupted = false;
    while (writer.isAlive()) {
      try {
        writer.join();
      } catch (InterruptedException e) {
        interrupted = true;
      }
    }
    writeLock.lock();
    try {
      for (Segment s : segments.values()) {
        s.close();
      }
    } finally {
      writeLock.unlock();
      failQueued();
      dirLock.channel().close();
      if (interrupted) {
        Thread.currentThread().interrupt();
      }
    }
    IOException failed = failure;
    if (failed != null) {
      throw new IOException("event log " + dir + " closed after a failure", failed);
    }
    log.info("event=log_closed dir={} next_seq={}", dir, committedNext);
  }

  /**
   * Close's fsync, done by the writer thread so that an interrupt of the thread calling close()
   * cannot close the segment's channel underneath it.
   */
  private void finalSync() {
    writeLock.lock();
    try {
      if (failure == null) {
        syncActive();
      }
    } finally {
      writeLock.unlock();
    }
  }

  private void failQueued() {
    Request r;
    while ((r = queue.poll()) != null) {
      if (r instanceof Append a) {
        a.done.completeExceptionally(new IllegalStateException("event log " + dir + " is closed"));
      }
    }
  }
}
