package io.spooky.log;

/**
 * How an {@link EventLog} is laid out and made durable. Immutable; start from {@link #defaults()}
 * and adjust with the {@code with*} methods.
 *
 * @param firstSeq seq of the first entry of a new, empty log (default 1); ignored when the
 *     directory already holds segments
 * @param segmentBytes size at which the active segment is sealed and a new one started (default 64
 *     MiB, at most 1 GiB); an entry larger than this gets a segment of its own
 * @param fsyncPolicy when appends are forced to disk (default {@link FsyncPolicy#ALWAYS})
 * @param indexIntervalBytes bytes of frames between sparse index entries (default 4 KiB): the most
 *     a seq lookup scans
 * @param maxEntryBytes largest payload accepted by append (default 16 MiB, at most 1 GiB - 16)
 */
public record LogConfig(
    long firstSeq,
    long segmentBytes,
    FsyncPolicy fsyncPolicy,
    int indexIntervalBytes,
    int maxEntryBytes) {

  public LogConfig {
    if (firstSeq < 0) {
      throw new IllegalArgumentException("firstSeq must be >= 0: " + firstSeq);
    }
    if (segmentBytes < Frame.HEADER_BYTES || segmentBytes > (1L << 30)) {
      throw new IllegalArgumentException("segmentBytes must be in [16, 1 GiB]: " + segmentBytes);
    }
    if (fsyncPolicy == null) {
      throw new IllegalArgumentException("fsyncPolicy is required");
    }
    if (indexIntervalBytes <= 0) {
      throw new IllegalArgumentException("indexIntervalBytes must be > 0: " + indexIntervalBytes);
    }
    if (maxEntryBytes < 0 || maxEntryBytes > Frame.MAX_PAYLOAD_BYTES) {
      throw new IllegalArgumentException("maxEntryBytes out of range: " + maxEntryBytes);
    }
  }

  public static LogConfig defaults() {
    return new LogConfig(1, 64L << 20, FsyncPolicy.ALWAYS, 4096, 16 << 20);
  }

  public LogConfig withFirstSeq(long seq) {
    return new LogConfig(seq, segmentBytes, fsyncPolicy, indexIntervalBytes, maxEntryBytes);
  }

  public LogConfig withSegmentBytes(long bytes) {
    return new LogConfig(firstSeq, bytes, fsyncPolicy, indexIntervalBytes, maxEntryBytes);
  }

  public LogConfig withFsyncPolicy(FsyncPolicy policy) {
    return new LogConfig(firstSeq, segmentBytes, policy, indexIntervalBytes, maxEntryBytes);
  }

  public LogConfig withIndexIntervalBytes(int bytes) {
    return new LogConfig(firstSeq, segmentBytes, fsyncPolicy, bytes, maxEntryBytes);
  }

  public LogConfig withMaxEntryBytes(int bytes) {
    return new LogConfig(firstSeq, segmentBytes, fsyncPolicy, indexIntervalBytes, bytes);
  }
}
