package io.spooky.ivm;

/**
 * A view registry snapshot could not be read: wrong magic, bad checksum or truncated. The caller
 * recovers by rebuilding the registry from the log instead.
 */
public final class CorruptSnapshotException extends Exception {
  public CorruptSnapshotException(String message) {
    super(message);
  }

  public CorruptSnapshotException(String message, Throwable cause) {
    super(message, cause);
  }
}
