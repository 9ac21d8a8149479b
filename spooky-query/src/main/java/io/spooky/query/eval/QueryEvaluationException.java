package io.spooky.query.eval;

/**
 * A query failed while running over data, where SurrealDB fails the statement too: a function got
 * an argument of the wrong type ({@code string::len(3)}), arithmetic on non-numbers ({@code NONE +
 * 1}) or integer overflow. The message follows SurrealDB's wording.
 */
public final class QueryEvaluationException extends RuntimeException {
  public QueryEvaluationException(String message) {
    super(message);
  }
}
