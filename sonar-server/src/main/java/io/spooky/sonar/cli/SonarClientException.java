package io.spooky.sonar.cli;

/**
 * The Sonar server refused a request ({@link #status()} is the HTTP status) or could not be reached
 * ({@link #status()} 0).
 */
public final class SonarClientException extends RuntimeException {
  private final int status;

  public SonarClientException(int status, String message) {
    super(message);
    this.status = status;
  }

  public int status() {
    return status;
  }
}
