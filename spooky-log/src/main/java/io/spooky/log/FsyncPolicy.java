package io.spooky.log;

import java.time.Duration;

/**
 * When the log forces appended entries to stable storage, and therefore what an acknowledged append
 * promises.
 *
 * <ul>
 *   <li>{@link #ALWAYS} (default): an append returns (its future completes) only after its group
 *       write has been fsynced. Acknowledged entries survive a process crash and a power loss.
 *   <li>{@link #interval(Duration)}: an append is acknowledged once written to the operating
 *       system; the log fsyncs at most one period after the first unsynced write. A process crash
 *       loses nothing acknowledged; a power loss may lose the last period of acknowledged entries.
 *   <li>{@link #NEVER}: the log fsyncs only when it rolls a segment and on close. For tests and
 *       benchmarks.
 * </ul>
 */
public sealed interface FsyncPolicy {
  FsyncPolicy ALWAYS = new Always();
  FsyncPolicy NEVER = new Never();

  /** Fsync at most {@code period} after the first unsynced write; acknowledge before it. */
  static FsyncPolicy interval(Duration period) {
    return new Interval(period);
  }

  /** See {@link FsyncPolicy#ALWAYS}. */
  record Always() implements FsyncPolicy {
    @Override
    public String toString() {
      return "ALWAYS";
    }
  }

  /** See {@link FsyncPolicy#interval}. */
  record Interval(Duration period) implements FsyncPolicy {
    public Interval {
      if (period.isNegative() || period.isZero()) {
        throw new IllegalArgumentException("fsync interval must be positive: " + period);
      }
    }

    @Override
    public String toString() {
      return "INTERVAL(" + period.toMillis() + "ms)";
    }
  }

  /** See {@link FsyncPolicy#NEVER}. */
  record Never() implements FsyncPolicy {
    @Override
    public String toString() {
      return "NEVER";
    }
  }
}
