package io.spooky.service;

/**
 * A request failure to be answered as an RFC 9457 problem document. Thrown by handlers; {@link
 * HttpService} renders it. {@code line}/{@code column} are 1-based positions in the request body or
 * query text, or 0 when not applicable.
 */
public class ProblemException extends RuntimeException {
  private final int status;
  private final String type;
  private final String title;
  private final int line;
  private final int column;

  public ProblemException(int status, String type, String title, String detail) {
    this(status, type, title, detail, 0, 0);
  }

  public ProblemException(
      int status, String type, String title, String detail, int line, int column) {
    super(detail);
    this.status = status;
    this.type = type;
    this.title = title;
    this.line = line;
    this.column = column;
  }

  /** 400 with {@code type} {@code bad-request}. */
  public static ProblemException badRequest(String detail) {
    return new ProblemException(400, "bad-request", "Bad request", detail);
  }

  /** 404 with {@code type} {@code not-found}. */
  public static ProblemException notFound(String detail) {
    return new ProblemException(404, "not-found", "Not found", detail);
  }

  public int status() {
    return status;
  }

  public String type() {
    return type;
  }

  public String title() {
    return title;
  }

  public String detail() {
    return getMessage();
  }

  public int line() {
    return line;
  }

  public int column() {
    return column;
  }
}
