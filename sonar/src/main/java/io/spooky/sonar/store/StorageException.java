package io.spooky.sonar.store;

import io.spooky.sonar.SonarException;

/** The RocksDB store failed (I/O error, corruption, closed database). */
public final class StorageException extends SonarException {
  public StorageException(String message, Throwable cause) {
    super(message, cause);
  }
}
