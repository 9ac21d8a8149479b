package io.spooky.log;

import java.nio.file.Path;

/**
 * What {@link EventLog#repair} did. When the log was sound, {@link #repaired()} is false and
 * nothing was removed.
 *
 * @param segment the segment that was cut, or null when the log was sound
 * @param position byte offset at which it was cut
 * @param bytesRemoved bytes removed from that segment plus the sizes of the segments deleted after
 *     it
 * @param segmentsRemoved whole segment files deleted after the cut one
 * @param lastSeq the last seq in the log after the repair
 * @param reason what was wrong, or null when the log was sound
 */
public record RepairReport(
    Path segment,
    long position,
    long bytesRemoved,
    int segmentsRemoved,
    long lastSeq,
    String reason) {

  static RepairReport clean(long lastSeq) {
    return new RepairReport(null, 0, 0, 0, lastSeq, null);
  }

  /** Whether anything was cut. */
  public boolean repaired() {
    return segment != null;
  }
}
