package io.spooky.sonar.replication;

import io.spooky.sonar.SonarException;

/**
 * Replication from a peer failed: the peer is unreachable, answered with an error or a malformed
 * body, or sent blocks that do not verify ({@link #rejected()}). Nothing of the failing batch was
 * written.
 */
public final class ReplicationException extends SonarException {
  private final boolean rejected;

  public ReplicationException(String message) {
    this(message, null, false);
  }

  public ReplicationException(String message, Throwable cause) {
    this(message, cause, false);
  }

  ReplicationException(String message, Throwable cause, boolean rejected) {
    super(message, cause);
    this.rejected = rejected;
  }

  /** Whether the peer's blocks failed verification (tampered, forked or unsigned). */
  public boolean rejected() {
    return rejected;
  }
}
