package io.spooky.ivm.store;

import io.spooky.core.value.IntValue;
import io.spooky.core.value.NoneValue;
import io.spooky.core.value.RecordId;
import io.spooky.core.value.StringValue;
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

  /**
   * One table: its records in id order, and the same records by id for O(1) lookups. The hash index
   * holds exactly the tree's entries while every id the table has seen has an int or string key,
   * where {@code RecordId.equals} coincides with equal order (a float or array key may equal an int
   * key in SurrealDB's order but not by {@code equals}); the first other key drops it for good.
   */
  private static final class Table {
    final TreeMap<RecordId, Value> ordered = new TreeMap<>(BY_KEY);
    HashMap<RecordId, Value> byId = new HashMap<>();

    Value get(RecordId id) {
      return byId != null ? byId.get(id) : ordered.get(id);
    }

    Value put(RecordId id, Value value) {
      if (byId != null && !(id.key() instanceof IntValue || id.key() instanceof StringValue)) {
        byId = null;
      }
      if (byId != null) {
        byId.put(id, value);
      }
      return ordered.put(id, value);
    }

    Value remove(RecordId id) {
      if (byId != null) {
        byId.remove(id);
      }
      return ordered.remove(id);
    }
  }

  private final Map<String, Table> tables = new HashMap<>();

  /** The record with this id, or {@link Value#NONE}. */
  public Value get(RecordId id) {
    Table t = tables.get(id.table());
    Value v = t == null ? null : t.get(id);
    return v == null ? Value.NONE : v;
  }

  /** The records of a table in record id order, read-only. */
  public NavigableMap<RecordId, Value> table(String name) {
    Table t = tables.get(name);
    return t == null ? EMPTY : Collections.unmodifiableNavigableMap(t.ordered);
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
    Table t = tables.get(id.table());
    if (value instanceof NoneValue) {
      if (t == null) {
        return Value.NONE;
      }
      Value old = t.remove(id);
      if (t.ordered.isEmpty()) {
        tables.remove(id.table());
      }
      return old == null ? Value.NONE : old;
    }
    if (t == null) {
      t = new Table();
      tables.put(id.table(), t);
    }
    Value old = t.put(id, value);
    return old == null ? Value.NONE : old;
  }
}
