package io.spooky.ivm.store;

import io.spooky.core.value.RecordId;
import io.spooky.core.value.Value;
import java.util.NavigableMap;

/**
 * Read access to the store during the evaluation of one row, recording what was read: a view row
 * that followed a record link or ran a subquery depends on those records, and is re-evaluated when
 * they change. Implementations are single-use and not thread-safe.
 */
public interface Reads {
  /** The record with this id ({@link Value#NONE} if absent); records a dependency on the id. */
  Value get(RecordId id);

  /** All records of a table in id order; records a dependency on the whole table. */
  NavigableMap<RecordId, Value> scan(String table);
}
