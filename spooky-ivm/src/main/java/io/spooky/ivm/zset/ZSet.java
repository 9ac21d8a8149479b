package io.spooky.ivm.zset;

import java.util.Collections;
import java.util.HashMap;
import java.util.Map;
import java.util.function.Function;
import java.util.function.Predicate;

/**
 * A Z-set: a finite map from elements to non-zero integer weights, the algebra incremental
 * operators are defined over (as in DBSP). A table is a Z-set whose weights are all 1; a change is
 * a Z-set where an insert weighs +1 and a delete -1, so an update of {@code a} to {@code b} is
 * {@code {a: -1, b: +1}}. Z-sets form an abelian group under {@link #plus}; an operator {@code f}
 * is linear when {@code f(a + b) = f(a) + f(b)}, which makes its incremental form {@code f} itself.
 *
 * <p>Elements with weight zero are never stored, so two Z-sets are {@link #equals} exactly when
 * they denote the same function. Mutable through {@link #add}; not thread-safe.
 *
 * @param <T> the element type; it must have value semantics ({@code equals}/{@code hashCode})
 */
public final class ZSet<T> {
  private final Map<T, Long> weights;

  public ZSet() {
    this.weights = new HashMap<>();
  }

  private ZSet(Map<T, Long> weights) {
    this.weights = weights;
  }

  /** The Z-set with weight 1 for each given element (a set, repeated elements add up). */
  @SafeVarargs
  public static <T> ZSet<T> of(T... elements) {
    ZSet<T> z = new ZSet<>();
    for (T e : elements) {
      z.add(e, 1);
    }
    return z;
  }

  /** Adds {@code weight} to {@code element}'s weight, dropping it when the sum is zero. */
  public ZSet<T> add(T element, long weight) {
    if (weight != 0) {
      weights.merge(element, weight, (a, b) -> a + b == 0 ? null : a + b);
    }
    return this;
  }

  /** The weight of {@code element}; 0 when absent. */
  public long weight(T element) {
    Long w = weights.get(element);
    return w == null ? 0 : w;
  }

  /** The non-zero weights, read-only. */
  public Map<T, Long> weights() {
    return Collections.unmodifiableMap(weights);
  }

  public boolean isEmpty() {
    return weights.isEmpty();
  }

  /** {@code this + other}, as a new Z-set. */
  public ZSet<T> plus(ZSet<T> other) {
    ZSet<T> out = new ZSet<>(new HashMap<>(weights));
    other.weights.forEach(out::add);
    return out;
  }

  /** {@code -this}, as a new Z-set. */
  public ZSet<T> negate() {
    ZSet<T> out = new ZSet<>();
    weights.forEach((e, w) -> out.add(e, -w));
    return out;
  }

  /** The elements satisfying {@code p}, with their weights: the (linear) filter operator. */
  public ZSet<T> filter(Predicate<? super T> p) {
    ZSet<T> out = new ZSet<>();
    weights.forEach(
        (e, w) -> {
          if (p.test(e)) {
            out.add(e, w);
          }
        });
    return out;
  }

  /** The image under {@code f}, weights of colliding images added: the (linear) map operator. */
  public <R> ZSet<R> map(Function<? super T, ? extends R> f) {
    ZSet<R> out = new ZSet<>();
    weights.forEach((e, w) -> out.add(f.apply(e), w));
    return out;
  }

  /** True when every weight is positive and at most 1: the Z-set denotes a plain set. */
  public boolean isSet() {
    for (long w : weights.values()) {
      if (w != 1) {
        return false;
      }
    }
    return true;
  }

  @Override
  public boolean equals(Object o) {
    return o instanceof ZSet<?> z && weights.equals(z.weights);
  }

  @Override
  public int hashCode() {
    return weights.hashCode();
  }

  @Override
  public String toString() {
    return weights.toString();
  }
}
