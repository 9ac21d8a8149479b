package io.spooky.surreal;

/**
 * The server answered an RPC call with an error: bad parameters, a parse error in SurrealQL, an
 * authentication failure, a method the server does not know. {@link #code()} is the JSON-RPC style
 * code SurrealDB sends; {@link #kind()} its error kind when the server names one, else empty.
 */
public final class RpcException extends SurrealException {
  private final long code;
  private final String kind;
  private final String method;

  public RpcException(String method, long code, String kind, String message) {
    super(method + " failed: " + message + (kind.isEmpty() ? "" : " (" + kind + ")"));
    this.method = method;
    this.code = code;
    this.kind = kind;
  }

  public long code() {
    return code;
  }

  public String kind() {
    return kind;
  }

  public String method() {
    return method;
  }

  /** The server's message, without the method prefix. */
  public String serverMessage() {
    String m = getMessage();
    return m.substring(method.length() + " failed: ".length());
  }
}
