package io.spooky.surreal;

/**
 * Base of every failure the SurrealDB client reports. The subclasses are the failures a caller can
 * act on: {@link RpcException} (the server refused a call), {@link QueryException} (a statement
 * failed), {@link SurrealTimeoutException}, {@link ConnectionClosedException} and {@link
 * MessageTooLargeException}. After any of them the client stays usable.
 */
public class SurrealException extends RuntimeException {
  public SurrealException(String message) {
    super(message);
  }

  public SurrealException(String message, Throwable cause) {
    super(message, cause);
  }
}
