package io.spooky.log;

/**
 * A read asked for a seq the log does not hold: before {@link EventLog#firstSeq()} (already removed
 * by {@link EventLog#truncateBefore}) or after the next seq to be appended.
 *
 * <p>A consumer that gets this for a seq before the first one has fallen behind retention and must
 * rebuild from a snapshot rather than from the log.
 */
public final class SeqOutOfRangeException extends RuntimeException {
  private static final long serialVersionUID = 1L;

  private final long seq;
  private final long firstSeq;
  private final long nextSeq;

  public SeqOutOfRangeException(long seq, long firstSeq, long nextSeq) {
    super("seq " + seq + " is outside the log's range [" + firstSeq + ", " + nextSeq + "]");
    this.seq = seq;
    this.firstSeq = firstSeq;
    this.nextSeq = nextSeq;
  }

  /** The seq that was asked for. */
  public long seq() {
    return seq;
  }

  /** The log's first retained seq when the request failed. */
  public long firstSeq() {
    return firstSeq;
  }

  /** The log's next seq (last committed + 1) when the request failed. */
  public long nextSeq() {
    return nextSeq;
  }
}
