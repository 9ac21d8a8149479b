package io.spooky.sonar.record;

import io.spooky.sonar.SonarException;

/** A block's payload is not a valid Protobuf {@code Record} or {@code Header}. */
public final class MalformedBlockException extends SonarException {
  public MalformedBlockException(String message) {
    super(message);
  }
}
