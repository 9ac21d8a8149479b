package io.spooky.core.json;

/**
 * Thrown when text given to {@link SurrealJson#read} is not a single well-formed JSON value.
 * Carries the 1-based line and column of the problem so HTTP APIs can report it (RFC 9457 problem
 * details).
 */
public final class JsonReadException extends RuntimeException {
  private final int line;
  private final int column;

  public JsonReadException(String message, int line, int column, Throwable cause) {
    super(message + " (line " + line + ", column " + column + ")", cause);
    this.line = line;
    this.column = column;
  }

  /** The 1-based line of the problem, or -1 when unknown. */
  public int line() {
    return line;
  }

  /** The 1-based column of the problem, or -1 when unknown. */
  public int column() {
    return column;
  }
}
