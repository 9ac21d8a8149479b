package io.spooky.sonar.http;

/**
 * A request the API refuses, with the HTTP status to answer and a message for the {@code {error}}
 * body. Thrown by route handlers; the server turns it into the response.
 */
public final class ApiException extends RuntimeException {
  private final int status;

  public ApiException(int status, String message) {
    super(message);
    this.status = status;
  }

  /** The HTTP status code of the response. */
  public int status() {
    return status;
  }
}
