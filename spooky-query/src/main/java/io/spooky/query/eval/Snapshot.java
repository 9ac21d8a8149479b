package io.spooky.query.eval;

import io.spooky.core.value.ObjectValue;
import io.spooky.core.value.RecordId;
import java.util.Optional;

/**
 * A consistent, read-only view of the database at one point of the log: what a one-shot query or a
 * subquery reads.
 *
 * <p>Every record is an {@link ObjectValue} that holds its own {@code id} field as a {@link
 * RecordId}. {@link #scan} may return records in any order (the evaluator sorts by id, as SurrealDB
 * scans); implementations must not change while a query runs.
 */
public interface Snapshot {

  /** Every record of {@code table}; empty for an unknown table. */
  Iterable<ObjectValue> scan(String table);

  /** The record with this id, or empty when it does not exist. */
  Optional<ObjectValue> get(RecordId id);
}
