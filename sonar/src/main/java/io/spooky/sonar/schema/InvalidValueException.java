package io.spooky.sonar.schema;

import io.spooky.sonar.SonarException;

/**
 * A value does not match its type (wrong JSON kind, unknown field, a type definition that is itself
 * invalid). The message names the offending field path.
 */
public final class InvalidValueException extends SonarException {
  public InvalidValueException(String message) {
    super(message);
  }
}
