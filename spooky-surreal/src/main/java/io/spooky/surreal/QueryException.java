package io.spooky.surreal;

/**
 * A statement of a query failed. {@link #statement()} is its zero-based index in the query, {@link
 * #serverMessage()} SurrealDB's message and {@link #kind()} SurrealDB's error kind when it names
 * one (empty otherwise). The other statements' results are in the {@link QueryResult} list.
 */
public final class QueryException extends SurrealException {
  private final int statement;
  private final String kind;
  private final String serverMessage;

  public QueryException(int statement, String kind, String serverMessage) {
    super("statement " + statement + " failed: " + serverMessage);
    this.statement = statement;
    this.kind = kind;
    this.serverMessage = serverMessage;
  }

  public int statement() {
    return statement;
  }

  public String kind() {
    return kind;
  }

  public String serverMessage() {
    return serverMessage;
  }
}
