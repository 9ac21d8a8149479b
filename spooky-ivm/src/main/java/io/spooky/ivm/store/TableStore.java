package io.spooky.ivm.store;

import io.spooky.core.value.IntValue;
import io.spooky.core.value.NoneValue;
import io.spooky.core.value.ObjectValue;
import io.spooky.core.value.RecordId;
import io.spooky.core.value.StringValue;
import io.spooky.core.value.Value;
import io.spooky.core.value.Values;
import java.util.Collections;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
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

    /** Equality indexes by top-level field, built on first {@link #lookup}; null until then. */
    Map<String, Map<Values.Key, Set<RecordId>>> byField;

    /** Sorted indexes by top-level field, built on first {@link #lookupRange}; null until then. */
    Map<String, NavigableMap<Value, Set<RecordId>>> byOrder;

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
      RecordId key = indexed() ? canonical(id) : id;
      Value old = ordered.put(id, value);
      if (byField != null) {
        for (var e : byField.entrySet()) {
          reindex(e.getValue(), e.getKey(), key, old, value, Values.Key::new);
        }
      }
      if (byOrder != null) {
        for (var e : byOrder.entrySet()) {
          reindex(e.getValue(), e.getKey(), key, old, value, v -> v);
        }
      }
      return old;
    }

    private boolean indexed() {
      return byField != null || byOrder != null;
    }

    /**
     * The id the tree files {@code id} under: the first id put of those equal to it in order
     * ({@code t:[1]} and {@code t:[1.0]} are one record), so that the field indexes hold the same
     * id for a record whichever spelling a change used. Without such keys ({@link #byId} kept)
     * every id is its own.
     */
    private RecordId canonical(RecordId id) {
      if (byId != null) {
        return id;
      }
      RecordId k = ordered.ceilingKey(id);
      return k != null && BY_KEY.compare(k, id) == 0 ? k : id;
    }

    Value remove(RecordId id) {
      if (byId != null) {
        byId.remove(id);
      }
      RecordId key = indexed() ? canonical(id) : id;
      Value old = ordered.remove(id);
      if (old != null) {
        if (byField != null) {
          for (var e : byField.entrySet()) {
            unindex(e.getValue(), new Values.Key(field(old, e.getKey())), key);
          }
        }
        if (byOrder != null) {
          for (var e : byOrder.entrySet()) {
            unindex(e.getValue(), field(old, e.getKey()), key);
          }
        }
      }
      return old;
    }

    /** Moves {@code id} from its old field value's entry to its new one (old null: a create). */
    private static <K> void reindex(
        Map<K, Set<RecordId>> index,
        String f,
        RecordId id,
        Value old,
        Value value,
        java.util.function.Function<Value, K> key) {
      Value now = field(value, f);
      if (old == null) {
        index(index, key.apply(now), id);
        return;
      }
      Value was = field(old, f);
      // Most updates leave an indexed field alone; equal values share one entry.
      if (was != now && !(was.getClass() == now.getClass() && was.equals(now))) {
        unindex(index, key.apply(was), id);
        index(index, key.apply(now), id);
      }
    }

    Set<RecordId> lookup(String field, Value value) {
      if (byField == null) {
        byField = new HashMap<>();
      }
      Map<Values.Key, Set<RecordId>> index = byField.get(field);
      if (index == null) {
        index = new HashMap<>();
        for (var e : ordered.entrySet()) {
          index(index, new Values.Key(field(e.getValue(), field)), e.getKey());
        }
        byField.put(field, index);
      }
      return index.getOrDefault(new Values.Key(value), Set.of());
    }

    NavigableMap<Value, Set<RecordId>> sorted(String field) {
      if (byOrder == null) {
        byOrder = new HashMap<>();
      }
      NavigableMap<Value, Set<RecordId>> index = byOrder.get(field);
      if (index == null) {
        index = new TreeMap<>(Values.order());
        for (var e : ordered.entrySet()) {
          index(index, field(e.getValue(), field), e.getKey());
        }
        byOrder.put(field, index);
      }
      return index;
    }

    private static Value field(Value record, String field) {
      return record instanceof ObjectValue o ? o.get(field) : Value.NONE;
    }

    private static <K> void index(Map<K, Set<RecordId>> index, K key, RecordId id) {
      index.computeIfAbsent(key, k -> new HashSet<>()).add(id);
    }

    private static <K> void unindex(Map<K, Set<RecordId>> index, K key, RecordId id) {
      Set<RecordId> ids = index.get(key);
      if (ids != null && ids.remove(id) && ids.isEmpty()) {
        index.remove(key);
      }
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

  /**
   * Ids of the records of {@code table} whose top-level {@code field} equals {@code value} under
   * SurrealDB equality ({@link Values#equal}; a missing field is NONE), in no particular order. The
   * first lookup of a (table, field) builds an index over the table in one scan; every later put
   * keeps it current (one hash update per indexed field), so registering many views filtered by
   * {@code field = constant} evaluates only their candidates instead of the whole table. The result
   * is a copy.
   */
  public List<RecordId> lookup(String table, String field, Value value) {
    Table t = tables.get(table);
    return t == null ? List.of() : List.copyOf(t.lookup(field, value));
  }

  /**
   * Ids of the records of {@code table} whose top-level {@code field} lies in {@code [lo, hi]}
   * under SurrealDB's order ({@link Values#compare}), or null when there are more than {@code max}
   * of them (so a caller can fall back to a narrower lookup without paying for a wide range).
   * Indexed like {@link #lookup}: the first call per (table, field) sorts the table once; puts keep
   * it current.
   */
  public List<RecordId> lookupRange(String table, String field, Value lo, Value hi, int max) {
    Table t = tables.get(table);
    if (t == null || Values.compare(lo, hi) > 0) {
      return List.of();
    }
    List<RecordId> out = new java.util.ArrayList<>();
    for (Set<RecordId> ids : t.sorted(field).subMap(lo, true, hi, true).values()) {
      out.addAll(ids);
      if (out.size() > max) {
        return null;
      }
    }
    return out;
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
