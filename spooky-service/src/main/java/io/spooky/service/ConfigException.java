package io.spooky.service;

/** A configuration value is missing, unreadable or out of range; the message names the key. */
public final class ConfigException extends RuntimeException {
  private final String key;

  public ConfigException(String key, String message) {
    super(key == null ? message : key + ": " + message);
    this.key = key;
  }

  public ConfigException(String key, String message, Throwable cause) {
    super(key == null ? message : key + ": " + message, cause);
    this.key = key;
  }

  /** The dotted configuration key at fault, or null when the file itself is unreadable. */
  public String key() {
    return key;
  }
}
