package io.spooky.query.parse;

/**
 * A query the live-view subset does not accept: a syntax error, an unsupported construct, or a
 * semantic error. {@link #line()} and {@link #column()} (both 1-based; the column counts UTF-16
 * characters) point at the offending token; the message ends with {@code at line:column}, for
 * example {@code unsupported: FETCH at 1:42}.
 *
 * <p>Callers serving HTTP turn this into an RFC 9457 problem with the line and column as members.
 */
public final class SurqlParseException extends RuntimeException {
  private final int line;
  private final int column;
  private final String reason;

  public SurqlParseException(String reason, int line, int column) {
    super(reason + " at " + line + ":" + column);
    this.reason = reason;
    this.line = line;
    this.column = column;
  }

  /** 1-based line of the offending token. */
  public int line() {
    return line;
  }

  /** 1-based column of the offending token. */
  public int column() {
    return column;
  }

  /** The message without the position. */
  public String reason() {
    return reason;
  }
}
