package io.spooky.query.eval;

import io.spooky.core.value.ObjectValue;
import io.spooky.core.value.RecordId;
import io.spooky.core.value.Values;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;

/**
 * An immutable in-memory {@link Snapshot}, for tests and for small data sets held by the caller.
 * Records are kept per table in record id order. Thread-safe.
 *
 * <pre>{@code
 * Snapshot db = MemorySnapshot.of(List.of(user1, user2, post1));
 * }</pre>
 */
public final class MemorySnapshot implements Snapshot {
  private final Map<String, TreeMap<RecordId, ObjectValue>> tables;

  private MemorySnapshot(Map<String, TreeMap<RecordId, ObjectValue>> tables) {
    this.tables = tables;
  }

  /**
   * A snapshot holding {@code records}; each must have a {@link RecordId} {@code id} field. A later
   * record with the same id replaces an earlier one.
   *
   * @throws IllegalArgumentException when a record has no record id
   */
  public static MemorySnapshot of(List<ObjectValue> records) {
    Map<String, TreeMap<RecordId, ObjectValue>> tables = new HashMap<>();
    for (ObjectValue r : records) {
      if (!(r.get("id") instanceof RecordId id)) {
        throw new IllegalArgumentException("a record needs a record id in its id field: " + r);
      }
      tables
          .computeIfAbsent(
              id.table(), t -> new TreeMap<>((RecordId a, RecordId b) -> Values.compare(a, b)))
          .put(id, r);
    }
    return new MemorySnapshot(tables);
  }

  @Override
  public Iterable<ObjectValue> scan(String table) {
    TreeMap<RecordId, ObjectValue> t = tables.get(table);
    return t == null ? List.of() : List.copyOf(t.values());
  }

  @Override
  public Optional<ObjectValue> get(RecordId id) {
    TreeMap<RecordId, ObjectValue> t = tables.get(id.table());
    return t == null ? Optional.empty() : Optional.ofNullable(t.get(id));
  }

  /** Number of records in all tables. */
  public int size() {
    return tables.values().stream().mapToInt(Map::size).sum();
  }
}
