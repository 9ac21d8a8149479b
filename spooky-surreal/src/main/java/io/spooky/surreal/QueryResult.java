package io.spooky.surreal;

import io.spooky.core.value.Value;
import java.util.Objects;
import java.util.Optional;

/**
 * The outcome of one statement of a query: its value, or SurrealDB's error for it. Statements of
 * one query succeed or fail independently unless they run in a transaction.
 *
 * @param index zero-based position of the statement in the query
 * @param value the statement's result; {@link Value#NONE} when it failed
 * @param error the failure, empty when the statement succeeded
 * @param time the server's execution time as it reports it (e.g. {@code "1.2ms"}), or empty
 */
public record QueryResult(int index, Value value, Optional<QueryException> error, String time) {
  public QueryResult {
    Objects.requireNonNull(value, "value");
    Objects.requireNonNull(error, "error");
    Objects.requireNonNull(time, "time");
  }

  public boolean ok() {
    return error.isEmpty();
  }

  /** The value, or the statement's {@link QueryException} thrown. */
  public Value orThrow() {
    if (error.isPresent()) {
      throw error.get();
    }
    return value;
  }
}
