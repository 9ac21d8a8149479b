package io.spooky.sonar.collection;

import io.spooky.sonar.SonarException;

/** A query is malformed: missing or contradictory parameters, unindexable bound values. */
public final class InvalidQueryException extends SonarException {
  public InvalidQueryException(String message) {
    super(message);
  }
}
