package io.spooky.devdb;

/**
 * The dev SurrealDB could not be started or located: Node.js or npm is missing, the repository (and
 * its {@code devdb/server.mjs}) cannot be found, installing its dependencies failed, the address is
 * taken, or the server did not become healthy. The message says which, and what to do.
 */
public final class DevDbException extends RuntimeException {
  private static final long serialVersionUID = 1L;

  public DevDbException(String message) {
    super(message);
  }

  public DevDbException(String message, Throwable cause) {
    super(message, cause);
  }
}
