package io.spooky.ivm;

import io.spooky.core.value.RecordId;
import io.spooky.core.value.Value;
import java.util.Objects;

/**
 * One record change from the log: the record {@code id} of {@code table} went from {@code before}
 * to {@code after}. {@code before} is {@link Value#NONE} for a create and {@code after} is {@link
 * Value#NONE} for a delete.
 *
 * <p>The engine keeps its own copy of every table and trusts it over {@code before}: a change is
 * applied as "the record is now {@code after}", which makes replaying a change idempotent.
 */
public record Change(String table, RecordId id, Value before, Value after) {
  public Change {
    Objects.requireNonNull(table, "table");
    Objects.requireNonNull(id, "id");
    Objects.requireNonNull(before, "before");
    Objects.requireNonNull(after, "after");
    if (!id.table().equals(table)) {
      throw new IllegalArgumentException("record " + id + " is not in table " + table);
    }
  }

  public static Change create(RecordId id, Value after) {
    return new Change(id.table(), id, Value.NONE, after);
  }

  public static Change update(RecordId id, Value before, Value after) {
    return new Change(id.table(), id, before, after);
  }

  public static Change delete(RecordId id, Value before) {
    return new Change(id.table(), id, before, Value.NONE);
  }
}
