package io.spooky.surreal;

/**
 * The connection closed before the answer arrived, or the client is closed. A request that fails
 * this way may or may not have been executed. Unless the client itself was closed, it reconnects on
 * its own and later calls succeed once the server is reachable again.
 */
public final class ConnectionClosedException extends SurrealException {
  public ConnectionClosedException(String message) {
    super(message);
  }

  public ConnectionClosedException(String message, Throwable cause) {
    super(message, cause);
  }
}
