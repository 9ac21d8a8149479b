package io.spooky.ivm.store;

import io.spooky.core.value.IntValue;
import io.spooky.core.value.NoneValue;
import io.spooky.core.value.RecordId;
import io.spooky.core.value.Value;
import io.spooky.core.value.Values;
import java.util.Collections;
import java.util.HashMap;
import java.util.Map;
import java.util.NavigableMap;
import java.util.Set;
import java.util.TreeMap;

/**
 * The IVM engine's copy of the source tables: every record by id, each table in record id order
 * (SurrealDB's scan order, {@link Values#compare} on the ids). Views are evaluated against it, and
 * it is kept current by applying each change before the views that depend on it. Not thread-safe.
 */
public final class TableStore {
  private static final NavigableMap<RecordId, Value> EMPTY =
      Collections.unmodifiableNavigableMap(new TreeMap<>(Values.order()));

  /**
   * The order of ids within one table: by key, which equals {@link Values#compare} on ids of the
   * same table (table names equal, keys ranked int &lt; string &lt; uuid &lt; array &lt; object as
   * values are) without comparing the table names again at every step.
   */
  private static final java.util.Comparator<RecordId> BY_KEY =
      (a, b) ->
          a.key() instanceof IntValue x && b.key() instanceof IntValue y
              ? Long.compare(x.value(), y.value())
              : Values.compare(a.key(), b.key());

  private final Map<String, NavigableMap<RecordId, Value>> tables = new HashMap<>();

  /** The record with this id, or {@link Value#NONE}. */
  public Value get(RecordId id) {
    NavigableMap<RecordId, Value> t = tables.get(id.table());
    Value v = t == null ? null : t.get(id);
    return v == null ? Value.NONE : v;
  }

  /** The records of a table in record id order, read-only. */
  public NavigableMap<RecordId, Value> table(String name) {
    NavigableMap<RecordId, Value> t = tables.get(name);
    return t == null ? EMPTY : Collections.unmodifiableNavigableMap(t);
  }

  /** Table names that hold at least one record. */
  public Set<String> tableNames() {
    return Collections.unmodifiableSet(tables.keySet());
  }

  /**
   * Sets the record {@code id} to {@code value} ({@link Value#NONE} deletes it) and returns its
   * previous value ({@link Value#NONE} when it did not exist).
   */
  public Value put(RecordId id, Value value) {
    NavigableMap<RecordId, Value> t = tables.get(id.table());
    if (value instanceof NoneValue) {
      if (t == null) {
        return Value.NONE;
      }
      Value old = t.remove(id);
      if (t.isEmpty()) {
        tables.remove(id.table());
      }
      return old == null ? Value.NONE : old;
    }
    if (t == null) {
      t = new TreeMap<>(BY_KEY);
      tables.put(id.table(), t);
    }
    Value old = t.put(id, value);
    return old == null ? Value.NONE : old;
  }
}
