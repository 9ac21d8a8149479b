package io.spooky.sonar.schema;

import io.spooky.sonar.SonarException;

/** A type or field address names no type (or field) defined in the collection. */
public final class UnknownTypeException extends SonarException {
  public UnknownTypeException(String message) {
    super(message);
  }
}
