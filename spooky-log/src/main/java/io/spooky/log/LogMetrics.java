package io.spooky.log;

/**
 * A snapshot of an {@link EventLog}'s counters since it was opened. Counters are updated by the
 * log's single writer thread; a snapshot is not atomic across fields.
 *
 * @param appends entries appended
 * @param appendedBytes payload bytes appended (framing excluded)
 * @param groupWrites group commits: writes that each carried one or more queued appends
 * @param fsyncs fsync calls on segment files (group commits, interval syncs, rolls, close)
 * @param largestGroup the most entries carried by one group commit
 * @param segmentsRolled segments sealed because the active one was full
 */
public record LogMetrics(
    long appends,
    long appendedBytes,
    long groupWrites,
    long fsyncs,
    long largestGroup,
    long segmentsRolled) {

  /** Mean entries per group commit, the measure of how well group commit batches. */
  public double meanGroupSize() {
    return groupWrites == 0 ? 0 : (double) appends / groupWrites;
  }
}
