package io.spooky.sonar.collection;

import io.spooky.sonar.SonarException;

/** A delete named a record {@code (type, id)} that has no version in the collection. */
public final class UnknownRecordException extends SonarException {
  public UnknownRecordException(String message) {
    super(message);
  }
}
