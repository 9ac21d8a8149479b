package io.spooky.sonar.feed;

import io.spooky.sonar.SonarException;

/**
 * A block offered for a feed was rejected: its signature does not verify against the feed key and
 * hash chain, it leaves a gap, or it conflicts with a block already stored at the same position.
 * Nothing of the offered batch was written.
 */
public final class InvalidBlockException extends SonarException {
  public InvalidBlockException(String message) {
    super(message);
  }
}
