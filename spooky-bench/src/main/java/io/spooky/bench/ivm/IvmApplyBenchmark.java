package io.spooky.bench.ivm;

import io.spooky.core.value.ObjectValue;
import io.spooky.core.value.RecordId;
import io.spooky.core.value.Value;
import io.spooky.ivm.Change;
import io.spooky.ivm.ViewDelta;
import io.spooky.ivm.ViewRegistry;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;

/**
 * The cost of one {@link ViewRegistry#apply} of a single-record UPDATE (a new price; one in ten
 * also a new category) with {@code views} distinct selective views registered, {@code SELECT * FROM
 * product WHERE category = $c AND price >= $lo AND price < $hi ORDER BY price DESC LIMIT 10} over
 * narrow price ranges tiling 20 categories, on 10,000 products. Each change concerns about two
 * views whatever {@code views} is, so the figure should not grow with it. The changes are built in
 * the setup, outside the measured call. Sampled, so that JMH reports the median and tail
 * percentiles next to the mean, which on a shared machine mostly measures preemptions and GC.
 *
 * <p>Run: {@code java -jar spooky-bench/target/benchmarks.jar IvmApplyBenchmark -f 1 -wi 2 -i 3}
 */
@State(Scope.Thread)
@BenchmarkMode(Mode.SampleTime)
@OutputTimeUnit(TimeUnit.MICROSECONDS)
public class IvmApplyBenchmark {
  static final int RECORDS = 10_000;
  static final int CATEGORIES = 20;
  static final int MAX_PRICE = 100_000;

  /** Pre-built changes cycled through; each one continues from the previous image of its record. */
  static final int CHANGES = 1 << 16;

  @Param({"1000", "100000"})
  public int views;

  private ViewRegistry registry;
  private List<List<Change>> changes;
  private int next;

  @Setup(Level.Trial)
  public void setUp() {
    SplittableRandom r = new SplittableRandom(1);
    registry = new ViewRegistry();
    String surql =
        "SELECT * FROM product WHERE category = $c AND price >= $lo AND price < $hi"
            + " ORDER BY price DESC LIMIT 10";
    int perCategory = Math.max(1, (views + CATEGORIES - 1) / CATEGORIES);
    int width = Math.max(1, MAX_PRICE / perCategory);
    for (int v = 0; v < views; v++) {
      int lo = (v / CATEGORIES) * width;
      registry.register(
          "view-" + v,
          surql,
          Map.of("c", category(v % CATEGORIES), "lo", Value.of(lo), "hi", Value.of(lo + width)));
    }
    ObjectValue[] rows = new ObjectValue[RECORDS];
    List<Change> load = new ArrayList<>(RECORDS);
    for (int i = 0; i < RECORDS; i++) {
      RecordId id = RecordId.of("product", i);
      rows[i] =
          (ObjectValue)
              Value.object(
                  Map.of(
                      "id", id,
                      "category", category(r.nextInt(CATEGORIES)),
                      "price", Value.of(r.nextInt(MAX_PRICE)),
                      "name", Value.of("product " + i)));
      load.add(Change.create(id, rows[i]));
    }
    registry.apply(load);
    // Replaying the cycle is sound: the engine applies a change as "the record is now after",
    // trusting its own copy over the change's before.
    changes = new ArrayList<>(CHANGES);
    for (int i = 0; i < CHANGES; i++) {
      int k = r.nextInt(RECORDS);
      ObjectValue before = rows[k];
      ObjectValue after = before.with("price", Value.of(r.nextInt(MAX_PRICE)));
      if (r.nextInt(10) == 0) {
        after = after.with("category", category(r.nextInt(CATEGORIES)));
      }
      rows[k] = after;
      changes.add(List.of(Change.update((RecordId) before.get("id"), before, after)));
    }
  }

  @Benchmark
  public List<ViewDelta> applyOneChange() {
    List<ViewDelta> out = registry.apply(changes.get(next));
    next = (next + 1) & (CHANGES - 1);
    return out;
  }

  private static Value category(int c) {
    return Value.of("category-" + c);
  }
}
