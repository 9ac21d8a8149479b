package io.spooky.ivm.routing;

import io.spooky.core.value.ObjectValue;
import io.spooky.core.value.Value;
import io.spooky.core.value.Values;
import io.spooky.ivm.plan.Conjunct;
import java.util.Collection;
import java.util.HashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.NavigableMap;
import java.util.Set;
import java.util.TreeMap;

/**
 * Finds the targets (views) a change to a record can affect without looking at the others.
 *
 * <p>Each target is filed under its source table by one of its WHERE conjuncts: an equality {@code
 * field = c} in a hash map keyed by {@code (field, c)} under SurrealDB equality; else a bound
 * {@code field > c} / {@code >=} / {@code <} / {@code <=} in a sorted map per field; else in the
 * table's residual set. A change to a record collects, for its image before and after the change,
 * the targets whose indexed conjunct that image satisfies, plus the residual set, so its cost is
 * O(indexed fields + log n + targets found), not O(all targets). Indexing only necessary conditions
 * makes the result a superset of the affected targets, never a subset. Not thread-safe.
 *
 * @param <T> the target type (identity semantics)
 */
public final class RoutingIndex<T> {
  private final Map<String, TableRoutes<T>> tables = new HashMap<>();

  /** Files {@code target} under {@code table} by the most selective of {@code conjuncts}. */
  public void add(String table, List<Conjunct> conjuncts, T target) {
    tables.computeIfAbsent(table, t -> new TableRoutes<>()).add(choose(conjuncts), target);
  }

  /** Removes a target filed with the same table and conjuncts. */
  public void remove(String table, List<Conjunct> conjuncts, T target) {
    TableRoutes<T> r = tables.get(table);
    if (r != null) {
      r.remove(choose(conjuncts), target);
      if (r.isEmpty()) {
        tables.remove(table);
      }
    }
  }

  /**
   * Adds to {@code out} every target of {@code table} whose indexed conjunct the record satisfies
   * before or after the change ({@link Value#NONE} for a side where it does not exist).
   */
  public void collect(String table, Value before, Value after, Collection<T> out) {
    TableRoutes<T> r = tables.get(table);
    if (r == null) {
      return;
    }
    out.addAll(r.residual);
    if (before instanceof ObjectValue b) {
      r.collect(b, out);
    }
    if (after instanceof ObjectValue a) {
      r.collect(a, out);
    }
  }

  private static Conjunct choose(List<Conjunct> conjuncts) {
    for (Conjunct c : conjuncts) {
      if (c.op() == Conjunct.Op.EQ) {
        return c;
      }
    }
    return conjuncts.isEmpty() ? null : conjuncts.get(0);
  }

  private static final class TableRoutes<T> {
    final Set<T> residual = new LinkedHashSet<>();
    final Map<String, Map<Values.Key, Set<T>>> eq = new HashMap<>();
    final Map<String, NavigableMap<Value, Set<T>>> lower = new HashMap<>();
    final Map<String, NavigableMap<Value, Set<T>>> upper = new HashMap<>();

    void add(Conjunct c, T target) {
      if (c == null) {
        residual.add(target);
        return;
      }
      bucket(c, true).add(target);
    }

    void remove(Conjunct c, T target) {
      if (c == null) {
        residual.remove(target);
        return;
      }
      Set<T> s = bucket(c, false);
      if (s != null) {
        s.remove(target);
        if (s.isEmpty()) {
          prune(c);
        }
      }
    }

    private Set<T> bucket(Conjunct c, boolean create) {
      return switch (c.op()) {
        case EQ -> {
          Map<Values.Key, Set<T>> m =
              create ? eq.computeIfAbsent(c.field(), f -> new HashMap<>()) : eq.get(c.field());
          yield m == null
              ? null
              : create
                  ? m.computeIfAbsent(new Values.Key(c.constant()), k -> new LinkedHashSet<>())
                  : m.get(new Values.Key(c.constant()));
        }
        case GT, GE -> sorted(lower, c, create);
        case LT, LE -> sorted(upper, c, create);
      };
    }

    private static <T> Set<T> sorted(
        Map<String, NavigableMap<Value, Set<T>>> maps, Conjunct c, boolean create) {
      NavigableMap<Value, Set<T>> m =
          create
              ? maps.computeIfAbsent(c.field(), f -> new TreeMap<>(Values.order()))
              : maps.get(c.field());
      if (m == null) {
        return null;
      }
      return create
          ? m.computeIfAbsent(c.constant(), k -> new LinkedHashSet<>())
          : m.get(c.constant());
    }

    private void prune(Conjunct c) {
      switch (c.op()) {
        case EQ -> {
          Map<Values.Key, Set<T>> m = eq.get(c.field());
          m.remove(new Values.Key(c.constant()));
          if (m.isEmpty()) {
            eq.remove(c.field());
          }
        }
        case GT, GE -> pruneSorted(lower, c);
        case LT, LE -> pruneSorted(upper, c);
      }
    }

    private static <T> void pruneSorted(Map<String, NavigableMap<Value, Set<T>>> maps, Conjunct c) {
      NavigableMap<Value, Set<T>> m = maps.get(c.field());
      m.remove(c.constant());
      if (m.isEmpty()) {
        maps.remove(c.field());
      }
    }

    boolean isEmpty() {
      return residual.isEmpty() && eq.isEmpty() && lower.isEmpty() && upper.isEmpty();
    }

    /** Targets whose indexed conjunct {@code record} satisfies (a superset for GT vs GE). */
    void collect(ObjectValue record, Collection<T> out) {
      for (var e : eq.entrySet()) {
        Set<T> s = e.getValue().get(new Values.Key(record.get(e.getKey())));
        if (s != null) {
          out.addAll(s);
        }
      }
      for (var e : lower.entrySet()) {
        // field > c or field >= c holds only if c <= field.
        for (Set<T> s : e.getValue().headMap(record.get(e.getKey()), true).values()) {
          out.addAll(s);
        }
      }
      for (var e : upper.entrySet()) {
        for (Set<T> s : e.getValue().tailMap(record.get(e.getKey()), true).values()) {
          out.addAll(s);
        }
      }
    }
  }
}
