package io.spooky.sonar.record;

import io.spooky.sonar.SonarException;

/** A {@code key@seq} block address, a feed key or a type address does not parse. */
public final class MalformedAddressException extends SonarException {
  public MalformedAddressException(String message) {
    super(message);
  }
}
