package io.spooky.sonar;

/**
 * Base of every failure Sonar reports to a caller that the caller can act on. Subclasses name the
 * cause (a bad address, an unknown type, a value that does not match its type, a block that does
 * not verify, a storage failure); whenever one of them is thrown by a write, nothing was written.
 */
public class SonarException extends RuntimeException {
  public SonarException(String message) {
    super(message);
  }

  public SonarException(String message, Throwable cause) {
    super(message, cause);
  }
}
