package io.spooky.ivm.routing;

import io.spooky.core.value.DecimalValue;
import io.spooky.core.value.FloatValue;
import io.spooky.core.value.IntValue;
import io.spooky.core.value.ObjectValue;
import io.spooky.core.value.Value;
import io.spooky.core.value.Values;
import io.spooky.ivm.plan.Conjunct;
import java.util.ArrayList;
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
 * <p>Each target is filed under its source table by its WHERE conjuncts: an equality {@code field =
 * c} leads to a nested index keyed by {@code (field, c)} under SurrealDB equality, where the target
 * is filed again by its remaining conjuncts (so {@code category = $c AND price >= $lo AND price <
 * $hi} is found by category, then by price); a numeric range {@code field >= lo AND field < hi}
 * (any strictness) goes into an interval index per field; else a single bound {@code field > c} /
 * {@code >=} / {@code <} / {@code <=} in a sorted map per field; else in the residual set of its
 * level. A change to a record collects, for its image before and after the change, the targets
 * whose indexed conjuncts that image satisfies, so its cost is O(indexed fields + log n + targets
 * found), not O(all targets). Indexing only necessary conditions makes the result a superset of the
 * affected targets, never a subset. Not thread-safe.
 *
 * @param <T> the target type (identity semantics)
 */
public final class RoutingIndex<T> {
  private final Map<String, Routes<T>> tables = new HashMap<>();

  /** Files {@code target} under {@code table} by its {@code conjuncts}. */
  public void add(String table, List<Conjunct> conjuncts, T target) {
    tables.computeIfAbsent(table, t -> new Routes<>()).add(conjuncts, target);
  }

  /** Removes a target filed with the same table and conjuncts. */
  public void remove(String table, List<Conjunct> conjuncts, T target) {
    Routes<T> r = tables.get(table);
    if (r != null) {
      r.remove(conjuncts, target);
      if (r.isEmpty()) {
        tables.remove(table);
      }
    }
  }

  /**
   * Adds to {@code out} every target of {@code table} whose indexed conjuncts the record satisfies
   * before or after the change ({@link Value#NONE} for a side where it does not exist). A target
   * may be added more than once.
   */
  public void collect(String table, Value before, Value after, Collection<T> out) {
    Routes<T> r = tables.get(table);
    if (r == null) {
      return;
    }
    if (before instanceof ObjectValue b) {
      r.collect(b, out);
    }
    if (after instanceof ObjectValue a) {
      r.collect(a, out);
    } else if (!(before instanceof ObjectValue)) {
      out.addAll(r.residual);
    }
  }

  /** How one level files a target: by an equality, a numeric range, a bound, or not at all. */
  private sealed interface Filing {
    /** By {@code eq}, then by the {@code rest} of the conjuncts one level down. */
    record Equality(Conjunct eq, List<Conjunct> rest) implements Filing {}

    record Range(String field, Value lo, Value hi) implements Filing {}

    record Bound(Conjunct bound) implements Filing {}

    record Residual() implements Filing {}
  }

  private static Filing choose(List<Conjunct> conjuncts) {
    for (Conjunct c : conjuncts) {
      if (c.op() == Conjunct.Op.EQ) {
        List<Conjunct> rest = new ArrayList<>(conjuncts);
        rest.remove(c);
        return new Filing.Equality(c, rest);
      }
    }
    for (Conjunct lo : conjuncts) {
      if ((lo.op() == Conjunct.Op.GE || lo.op() == Conjunct.Op.GT) && isNumber(lo.constant())) {
        for (Conjunct hi : conjuncts) {
          if ((hi.op() == Conjunct.Op.LE || hi.op() == Conjunct.Op.LT)
              && hi.field().equals(lo.field())
              && isNumber(hi.constant())) {
            return new Filing.Range(lo.field(), lo.constant(), hi.constant());
          }
        }
      }
    }
    return conjuncts.isEmpty() ? new Filing.Residual() : new Filing.Bound(conjuncts.getFirst());
  }

  static boolean isNumber(Value v) {
    return v instanceof IntValue || v instanceof FloatValue || v instanceof DecimalValue;
  }

  static double toDouble(Value v) {
    return switch (v) {
      case IntValue i -> i.value();
      case FloatValue f -> f.value();
      case DecimalValue d -> d.value().doubleValue();
      default -> throw new IllegalArgumentException("not a number: " + v);
    };
  }

  /** One level of the index. */
  private static final class Routes<T> {
    final Set<T> residual = new LinkedHashSet<>();
    final Map<String, Map<Values.Key, Routes<T>>> eq = new HashMap<>();
    final Map<String, Intervals<T>> ranges = new HashMap<>();
    final Map<String, NavigableMap<Value, Set<T>>> lower = new HashMap<>();
    final Map<String, NavigableMap<Value, Set<T>>> upper = new HashMap<>();

    void add(List<Conjunct> conjuncts, T target) {
      switch (choose(conjuncts)) {
        case Filing.Equality e ->
            eq.computeIfAbsent(e.eq().field(), f -> new HashMap<>())
                .computeIfAbsent(new Values.Key(e.eq().constant()), k -> new Routes<>())
                .add(e.rest(), target);
        case Filing.Range r ->
            ranges.computeIfAbsent(r.field(), f -> new Intervals<>()).add(r.lo(), r.hi(), target);
        case Filing.Bound b -> sorted(b.bound(), true).add(target);
        case Filing.Residual r -> residual.add(target);
      }
    }

    void remove(List<Conjunct> conjuncts, T target) {
      switch (choose(conjuncts)) {
        case Filing.Equality e -> {
          Map<Values.Key, Routes<T>> byValue = eq.get(e.eq().field());
          Values.Key key = new Values.Key(e.eq().constant());
          Routes<T> child = byValue == null ? null : byValue.get(key);
          if (child != null) {
            child.remove(e.rest(), target);
            if (child.isEmpty()) {
              byValue.remove(key);
              if (byValue.isEmpty()) {
                eq.remove(e.eq().field());
              }
            }
          }
        }
        case Filing.Range r -> {
          Intervals<T> in = ranges.get(r.field());
          if (in != null) {
            in.remove(r.lo(), r.hi(), target);
            if (in.isEmpty()) {
              ranges.remove(r.field());
            }
          }
        }
        case Filing.Bound b -> {
          Set<T> s = sorted(b.bound(), false);
          if (s != null) {
            s.remove(target);
            if (s.isEmpty()) {
              pruneSorted(b.bound());
            }
          }
        }
        case Filing.Residual r -> residual.remove(target);
      }
    }

    private Set<T> sorted(Conjunct c, boolean create) {
      Map<String, NavigableMap<Value, Set<T>>> maps =
          c.op() == Conjunct.Op.GT || c.op() == Conjunct.Op.GE ? lower : upper;
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

    private void pruneSorted(Conjunct c) {
      Map<String, NavigableMap<Value, Set<T>>> maps =
          c.op() == Conjunct.Op.GT || c.op() == Conjunct.Op.GE ? lower : upper;
      NavigableMap<Value, Set<T>> m = maps.get(c.field());
      m.remove(c.constant());
      if (m.isEmpty()) {
        maps.remove(c.field());
      }
    }

    boolean isEmpty() {
      return residual.isEmpty()
          && eq.isEmpty()
          && ranges.isEmpty()
          && lower.isEmpty()
          && upper.isEmpty();
    }

    /** Targets whose indexed conjuncts {@code record} satisfies (a superset for strictness). */
    void collect(ObjectValue record, Collection<T> out) {
      out.addAll(residual);
      for (var e : eq.entrySet()) {
        Routes<T> child = e.getValue().get(new Values.Key(record.get(e.getKey())));
        if (child != null) {
          child.collect(record, out);
        }
      }
      for (var e : ranges.entrySet()) {
        e.getValue().stab(record.get(e.getKey()), out);
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

  /**
   * Targets filed by a numeric range {@code [lo, hi]} of one field (strictness ignored: a
   * superset), sorted by {@code lo}. A stabbing query for {@code x} scans only the ranges with
   * {@code lo} in {@code [x - widest, x]}, where {@code widest} is the widest range ever filed (it
   * never shrinks, which keeps it an upper bound). Only a number can lie between two numbers in
   * SurrealDB's cross-type order, so other values stab nothing.
   */
  private static final class Intervals<T> {
    private final NavigableMap<Value, Map<T, Value>> byLo = new TreeMap<>(Values.order());
    private double widest;

    void add(Value lo, Value hi, T target) {
      byLo.computeIfAbsent(lo, k -> new java.util.LinkedHashMap<>()).put(target, hi);
      widest = Math.max(widest, toDouble(hi) - toDouble(lo));
    }

    void remove(Value lo, Value hi, T target) {
      Map<T, Value> at = byLo.get(lo);
      if (at != null) {
        at.remove(target);
        if (at.isEmpty()) {
          byLo.remove(lo);
        }
      }
    }

    boolean isEmpty() {
      return byLo.isEmpty();
    }

    void stab(Value x, Collection<T> out) {
      if (!isNumber(x)) {
        return;
      }
      double xd = toDouble(x);
      // Doubles only approximate longs and decimals: widen the scan by a few ulps.
      double pad = 4 * Math.ulp(Math.abs(xd) + widest) + Double.MIN_NORMAL;
      Value from = new FloatValue(xd - widest - pad);
      if (!Double.isFinite(xd) || !Double.isFinite(widest)) {
        from = null;
      }
      var candidates = from == null ? byLo.headMap(x, true) : byLo.subMap(from, true, x, true);
      for (Map<T, Value> at : candidates.values()) {
        for (var e : at.entrySet()) {
          if (Values.compare(e.getValue(), x) >= 0) {
            out.add(e.getKey());
          }
        }
      }
    }
  }
}
