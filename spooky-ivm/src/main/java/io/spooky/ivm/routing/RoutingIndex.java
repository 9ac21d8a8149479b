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
   * superset). A stabbing query for {@code x} returns exactly the targets with {@code lo <= x <=
   * hi} in SurrealDB's order; only a number can lie between two numbers in SurrealDB's cross-type
   * order, so other values stab nothing.
   *
   * <p>The filings live in a map sorted by {@code lo}, which queries read through a flat snapshot:
   * per filing {@code key(lo)}, {@code key(hi)} and the running maximum of {@code key(hi)}, in
   * {@code lo} order, where {@code key} is the number rounded to the nearest double ({@code -0.0}
   * as {@code 0.0}, NaN above {@code +inf}) as a sortable {@code long}. Rounding to nearest is
   * monotone and SurrealDB orders numbers by their value (a float by its shortest decimal form,
   * which rounds back to the float), so {@code a <= b} implies {@code key(a) <= key(b)}, and {@code
   * key(a) < key(b)} implies {@code a < b}. The candidates are therefore the filings with {@code
   * key(lo) <= key(x)} (a prefix, found by binary search) from the first one whose running maximum
   * of {@code key(hi)} reaches {@code key(x)} (binary search again): O(log n + candidates), the
   * candidates being the filings with {@code lo} between {@code x} and the lowest {@code lo} of a
   * range that reaches {@code x}. Each candidate is checked with the keys and, only where a key
   * equals {@code key(x)} (where rounding may hide the difference between longs, decimals and
   * floats), with {@link Values#compare}: the doubles choose candidates but never decide a result.
   *
   * <p>Filings added since the snapshot are kept in a short list that queries scan, and removed
   * ones are blanked in the snapshot; once those exceed {@code 32 + sqrt(n)}, the next query
   * rebuilds the snapshot from the map (O(n)), so a change to the filings costs amortized O(sqrt n)
   * and a bulk registration one rebuild.
   */
  private static final class Intervals<T> {
    private static final long[] NO_KEYS = new long[0];

    /** The filings: each {@code lo} (SurrealDB order) to its targets, in filing order, and hi. */
    private final NavigableMap<Value, Map<T, Value>> byLo = new TreeMap<>(Values.order());

    /** True when the snapshot and {@link #added} do not reflect {@link #byLo}. */
    private boolean dirty;

    // The snapshot, in lo order; a removed filing's target is null.
    private long[] loKeys = NO_KEYS;
    private long[] hiKeys = NO_KEYS;
    private long[] maxHiKeys = NO_KEYS;
    private Value[] los = new Value[0];
    private Value[] his = new Value[0];
    private Object[] targets = new Object[0];

    /** Filings added since the snapshot, none of them in it. */
    private final List<Filed<T>> added = new ArrayList<>();

    /** Snapshot entries blanked since it was built. */
    private int blanked;

    /** How many additions and removals the snapshot absorbs before a rebuild. */
    private int slack = 32;

    private record Filed<T>(long loKey, long hiKey, Value lo, Value hi, T target) {}

    void add(Value lo, Value hi, T target) {
      Value replaced =
          byLo.computeIfAbsent(lo, k -> new java.util.LinkedHashMap<>()).put(target, hi);
      if (replaced != null || dirty || !absorb()) {
        dirty = true;
      } else {
        added.add(new Filed<>(key(lo), key(hi), lo, hi, target));
      }
    }

    void remove(Value lo, Value hi, T target) {
      Map<T, Value> at = byLo.get(lo);
      if (at == null || !at.containsKey(target)) {
        return;
      }
      at.remove(target);
      if (at.isEmpty()) {
        byLo.remove(lo);
      }
      if (dirty || !absorb()) {
        dirty = true;
        return;
      }
      for (int i = 0; i < added.size(); i++) {
        Filed<T> f = added.get(i);
        if (f.target().equals(target) && Values.compare(f.lo(), lo) == 0) {
          added.remove(i);
          return;
        }
      }
      long lk = key(lo);
      for (int i = firstAbove(loKeys, lk) - 1; i >= 0 && loKeys[i] == lk; i--) {
        if (target.equals(targets[i]) && Values.compare(los[i], lo) == 0) {
          targets[i] = null;
          blanked++;
          return;
        }
      }
      throw new IllegalStateException("a filing is neither in the snapshot nor added since");
    }

    /** True when one more addition or removal fits in the slack; else drops the pending state. */
    private boolean absorb() {
      if (added.size() + blanked < slack) {
        return true;
      }
      added.clear();
      return false;
    }

    boolean isEmpty() {
      return byLo.isEmpty();
    }

    @SuppressWarnings("unchecked")
    void stab(Value x, Collection<T> out) {
      if (!isNumber(x)) {
        return;
      }
      if (dirty) {
        rebuild();
      }
      long xk = key(x);
      int end = firstAbove(loKeys, xk);
      for (int i = firstReaching(maxHiKeys, xk, end); i < end; i++) {
        long hk = hiKeys[i];
        if (hk >= xk
            && targets[i] != null
            && (loKeys[i] < xk || Values.compare(los[i], x) <= 0)
            && (hk > xk || Values.compare(his[i], x) >= 0)) {
          out.add((T) targets[i]);
        }
      }
      for (int i = 0; i < added.size(); i++) {
        Filed<T> f = added.get(i);
        long hk = f.hiKey();
        if (f.loKey() <= xk
            && hk >= xk
            && (f.loKey() < xk || Values.compare(f.lo(), x) <= 0)
            && (hk > xk || Values.compare(f.hi(), x) >= 0)) {
          out.add(f.target());
        }
      }
    }

    private void rebuild() {
      int n = 0;
      for (Map<T, Value> at : byLo.values()) {
        n += at.size();
      }
      loKeys = new long[n];
      hiKeys = new long[n];
      maxHiKeys = new long[n];
      los = new Value[n];
      his = new Value[n];
      targets = new Object[n];
      int i = 0;
      long maxHi = Long.MIN_VALUE;
      for (var at : byLo.entrySet()) {
        long lk = key(at.getKey());
        for (var e : at.getValue().entrySet()) {
          long hk = key(e.getValue());
          maxHi = Math.max(maxHi, hk);
          loKeys[i] = lk;
          hiKeys[i] = hk;
          maxHiKeys[i] = maxHi;
          los[i] = at.getKey();
          his[i] = e.getValue();
          targets[i] = e.getKey();
          i++;
        }
      }
      added.clear();
      blanked = 0;
      slack = 32 + (int) Math.sqrt(n);
      dirty = false;
    }

    /** The first index whose key is above {@code k} in the sorted {@code keys}, or its length. */
    private static int firstAbove(long[] keys, long k) {
      int lo = 0;
      int hi = keys.length;
      while (lo < hi) {
        int mid = (lo + hi) >>> 1;
        if (keys[mid] <= k) {
          lo = mid + 1;
        } else {
          hi = mid;
        }
      }
      return lo;
    }

    /** The first index below {@code end} whose key is at least {@code k} in sorted keys, or end. */
    private static int firstReaching(long[] keys, long k, int end) {
      int lo = 0;
      int hi = end;
      while (lo < hi) {
        int mid = (lo + hi) >>> 1;
        if (keys[mid] < k) {
          lo = mid + 1;
        } else {
          hi = mid;
        }
      }
      return lo;
    }

    /**
     * The number rounded to the nearest double as a {@code long} in the same order: {@code -0.0} as
     * {@code 0.0}, every NaN as one value above {@code +inf} (SurrealDB's order of numbers).
     */
    private static long key(Value v) {
      double d = toDouble(v);
      if (d == 0.0) {
        d = 0.0; // -0.0 == 0.0 in SurrealDB's order: one key for both
      }
      long bits = Double.doubleToLongBits(d); // every NaN to the one canonical NaN
      return bits ^ ((bits >> 63) & Long.MAX_VALUE);
    }
  }
}
