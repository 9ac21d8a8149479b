package io.spooky.sonar.collection;

import io.spooky.sonar.SonarException;

/**
 * A {@code sonar/file} record is known but the blocks of its blob feed are not on this node (not
 * yet replicated, or the record is malformed). Retrying after replication may succeed.
 */
public final class FileUnavailableException extends SonarException {
  public FileUnavailableException(String message) {
    super(message);
  }
}
