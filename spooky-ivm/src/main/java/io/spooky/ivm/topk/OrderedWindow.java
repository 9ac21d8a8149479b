package io.spooky.ivm.topk;

import io.spooky.core.value.IntValue;
import io.spooky.core.value.RecordId;
import io.spooky.core.value.Value;
import io.spooky.core.value.Values;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * The ORDER BY / START / LIMIT operator: keeps every candidate row (the full ordered set, not just
 * the visible k) sorted by its sort key, and exposes the window {@code [start, start + limit)}.
 *
 * <p>Rows are identified by a key (a record id, or a group key) and ordered by their sort key
 * values under {@link Values#compare} (each key ascending or descending), ties broken by the row
 * key ascending, which is SurrealDB's order of rows equal on every ORDER BY key (scan order is
 * record id order). Because all candidates are kept, a member that falls out of the window is
 * replaced by the next one, and a sort-key change moves a row in or out correctly.
 *
 * <p>Changes are buffered: {@link #upsert} and {@link #remove} update the candidate set, and {@link
 * #flush} returns the difference between the window before the first buffered change and now. A
 * batch that only touches rows after the window's last row (when the window is full) costs O(log n)
 * per change and produces no diff. Not thread-safe.
 */
public final class OrderedWindow {
  /** One candidate row: its key, its sort key and its content. */
  public record Row(Value key, Value[] sortKey, Value content) {}

  /** A row that is in the window after the flush, with its index there. */
  public record Placed(int index, Row row) {}

  /**
   * The difference between two successive windows. Applying it to the old window reproduces the new
   * one: drop {@code removed} and {@code moved} keys, replace the contents of {@code updated}, then
   * insert {@code added} and {@code moved} rows at their indexes in ascending index order.
   *
   * @param added rows that entered the window
   * @param removed keys of rows that left it, in their old order (in key order when the window is
   *     every candidate)
   * @param updated rows in both windows whose content changed (new content)
   * @param moved rows in both windows whose sort key changed, with their new index
   */
  public record Diff(
      List<Placed> added, List<Value> removed, List<Placed> updated, List<Placed> moved) {
    public boolean isEmpty() {
      return added.isEmpty() && removed.isEmpty() && updated.isEmpty() && moved.isEmpty();
    }
  }

  /**
   * A candidate's place in the order. When the order is one key and the row's value there is an
   * int, {@code packed} is true and {@code first} holds it, so comparing two such positions reads
   * no {@link Value} until the sort keys tie (same result as {@link #compareValues} on the ints).
   */
  private record Position(Value[] sortKey, Value key, boolean packed, long first) {
    static Position of(Value[] sortKey, Value key) {
      return sortKey.length == 1 && sortKey[0] instanceof IntValue i
          ? new Position(sortKey, key, true, i.value())
          : new Position(sortKey, key, false, 0);
    }
  }

  private static final Diff NO_CHANGE = new Diff(List.of(), List.of(), List.of(), List.of());

  /** The position of the window's last row at the last flush, or null when not full. */
  private Position lastInWindow;

  private final boolean[] descending;
  private final long start;
  private final long limit;
  private final TreeMap<Position, Row> sorted;
  private final Map<Value, Position> positions = new HashMap<>();

  /** The window at the last flush; unused (empty) when the window is every candidate. */
  private List<Row> window = List.of();

  private boolean affected;

  /**
   * When the window is every candidate (no START, no LIMIT): the row of each key changed since the
   * last flush as it was at that flush (null = absent), so the diff is computed from the changed
   * keys alone instead of by comparing two full windows.
   */
  /** Rows changed since the last flush; replaced rather than cleared once large (see flush). */
  private Map<Value, Row> changedSinceFlush = new HashMap<>();

  private final boolean everything;

  /**
   * @param descending one flag per sort key, true for DESC
   * @param start rows to skip (START), 0 when absent
   * @param limit rows to keep (LIMIT), or -1 for no limit
   */
  public OrderedWindow(boolean[] descending, long start, long limit) {
    this.descending = descending.clone();
    this.start = start;
    this.limit = limit;
    this.sorted = new TreeMap<>(this::comparePositions);
    this.everything = start == 0 && limit < 0;
  }

  /** Inserts a candidate row or replaces the one with the same key. */
  public void upsert(Row row) {
    Position now = Position.of(row.sortKey(), row.key());
    Position old = positions.put(row.key(), now);
    remember(row.key(), old);
    if (old != null) {
      touch(old);
      sorted.remove(old);
    }
    touch(now);
    sorted.put(now, row);
  }

  /** Removes the candidate row with this key, if any. */
  public void remove(Value key) {
    remember(key, positions.get(key));
    Position old = positions.remove(key);
    if (old != null) {
      touch(old);
      sorted.remove(old);
    }
  }

  /** The current window, in order. */
  public List<Row> window() {
    return everything || affected ? compute() : window;
  }

  private void remember(Value key, Position old) {
    if (everything && !changedSinceFlush.containsKey(key)) {
      changedSinceFlush.put(key, old == null ? null : sorted.get(old));
    }
  }

  /**
   * The diff of a window that is every candidate, from the changed keys: O(changes × rank) rather
   * than O(candidates), since a row's index is its rank in the sorted candidates.
   */
  private Diff flushEverything() {
    List<Placed> added = new ArrayList<>();
    List<Value> removed = new ArrayList<>();
    List<Placed> updated = new ArrayList<>();
    List<Placed> moved = new ArrayList<>();
    for (Map.Entry<Value, Row> e : changedSinceFlush.entrySet()) {
      Row old = e.getValue();
      Position p = positions.get(e.getKey());
      Row now = p == null ? null : sorted.get(p);
      if (now == null) {
        if (old != null) {
          removed.add(e.getKey());
        }
        continue;
      }
      if (old == null) {
        added.add(new Placed(rank(p), now));
        continue;
      }
      boolean keyChanged = !sameKey(old.sortKey(), now.sortKey());
      boolean contentChanged = !old.content().equals(now.content());
      if (keyChanged || contentChanged) {
        Placed placed = new Placed(rank(p), now);
        if (keyChanged) {
          moved.add(placed);
        }
        if (contentChanged) {
          updated.add(placed);
        }
      }
    }
    // HashMap.clear() costs the capacity, which never shrinks: after a batch that changed many rows
    // (a bulk load) every later flush would pay for it.
    if (changedSinceFlush.size() > 64) {
      changedSinceFlush = new HashMap<>();
    } else {
      changedSinceFlush.clear();
    }
    removed.sort(Values.order());
    java.util.Comparator<Placed> byIndex = java.util.Comparator.comparingInt(Placed::index);
    added.sort(byIndex);
    updated.sort(byIndex);
    moved.sort(byIndex);
    return new Diff(added, removed, updated, moved);
  }

  private int rank(Position p) {
    return sorted.headMap(p, false).size();
  }

  /** Ends a batch: returns how the window changed since the previous flush. */
  public Diff flush() {
    if (everything) {
      affected = false;
      return flushEverything();
    }
    if (!affected) {
      return NO_CHANGE;
    }
    affected = false;
    List<Row> next = compute();
    Map<Value, Row> before = new HashMap<>(window.size() * 2);
    for (Row r : window) {
      before.put(r.key(), r);
    }
    List<Placed> added = new ArrayList<>();
    List<Placed> updated = new ArrayList<>();
    List<Placed> moved = new ArrayList<>();
    for (int i = 0; i < next.size(); i++) {
      Row r = next.get(i);
      Row old = before.remove(r.key());
      if (old == null) {
        added.add(new Placed(i, r));
        continue;
      }
      if (!sameKey(old.sortKey(), r.sortKey())) {
        moved.add(new Placed(i, r));
      }
      if (!old.content().equals(r.content())) {
        updated.add(new Placed(i, r));
      }
    }
    List<Value> removed = new ArrayList<>(before.size());
    for (Row r : window) {
      if (before.containsKey(r.key())) {
        removed.add(r.key());
      }
    }
    window = next;
    Row last = next.isEmpty() ? null : next.get(next.size() - 1);
    lastInWindow = last == null ? null : Position.of(last.sortKey(), last.key());
    return new Diff(added, removed, updated, moved);
  }

  private List<Row> compute() {
    List<Row> out = new ArrayList<>(limit < 0 ? sorted.size() : (int) Math.min(limit, 1024));
    Iterator<Row> it = sorted.values().iterator();
    for (long skipped = 0; skipped < start && it.hasNext(); skipped++) {
      it.next();
    }
    while (it.hasNext() && (limit < 0 || out.size() < limit)) {
      out.add(it.next());
    }
    return out;
  }

  /**
   * Marks the window as possibly changed when {@code p} sorts at or before the current window's
   * last row, or the window is not full (then any candidate may enter it).
   */
  private void touch(Position p) {
    if (affected || limit == 0) {
      return;
    }
    if (limit < 0 || window.size() < limit) {
      affected = true;
      return;
    }
    if (comparePositions(p, lastInWindow) <= 0) {
      affected = true;
    }
  }

  private int comparePositions(Position a, Position b) {
    if (a.packed() && b.packed()) {
      int c = Long.compare(a.first(), b.first());
      if (c != 0) {
        return descending[0] ? -c : c;
      }
      return compareKeys(a.key(), b.key());
    }
    for (int i = 0; i < descending.length; i++) {
      int c = compareValues(a.sortKey()[i], b.sortKey()[i]);
      if (c != 0) {
        return descending[i] ? -c : c;
      }
    }
    return compareKeys(a.key(), b.key());
  }

  /** Row keys: record ids of one table compare by key alone, as {@link Values#compare} would. */
  private static int compareKeys(Value a, Value b) {
    if (a instanceof RecordId x && b instanceof RecordId y && x.table().equals(y.table())) {
      return compareValues(x.key(), y.key());
    }
    return Values.compare(a, b);
  }

  /** {@link Values#compare}, with the common int-int case inline. */
  private static int compareValues(Value a, Value b) {
    if (a instanceof IntValue x && b instanceof IntValue y) {
      return Long.compare(x.value(), y.value());
    }
    return Values.compare(a, b);
  }

  private static boolean sameKey(Value[] a, Value[] b) {
    for (int i = 0; i < a.length; i++) {
      if (Values.compare(a[i], b[i]) != 0) {
        return false;
      }
    }
    return true;
  }
}
