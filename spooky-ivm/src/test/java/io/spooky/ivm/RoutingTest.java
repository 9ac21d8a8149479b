package io.spooky.ivm;

import static org.assertj.core.api.Assertions.assertThat;

import io.spooky.core.value.DecimalValue;
import io.spooky.core.value.FloatValue;
import io.spooky.core.value.IntValue;
import io.spooky.core.value.RecordId;
import io.spooky.core.value.Value;
import io.spooky.core.value.Values;
import io.spooky.ivm.plan.Conjunct;
import io.spooky.ivm.routing.RoutingIndex;
import java.math.BigDecimal;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Random;
import org.junit.jupiter.api.Test;

/** A change costs work only in the views it can affect, counted in row evaluations. */
class RoutingTest {
  private static Value product(RecordId id, String category, long price) {
    return Value.object(Map.of("id", id, "category", Value.of(category), "price", Value.of(price)));
  }

  /** A registry holding products 0..n-1, product i in category c(i % 20) at price i. */
  private static ViewRegistry loaded(int n) {
    ViewRegistry reg = new ViewRegistry();
    List<Change> load = new ArrayList<>();
    for (int i = 0; i < n; i++) {
      RecordId id = RecordId.of("product", i);
      load.add(Change.create(id, product(id, "c" + (i % 20), i)));
    }
    reg.apply(load);
    return reg;
  }

  @Test
  void viewsOverListedRecordsAreReachedByRecordIdOnly() {
    ViewRegistry reg = loaded(300);
    // View k lists product:k and product:k+1 (k = 0..99).
    for (int k = 0; k < 100; k++) {
      reg.register("pair-" + k, "SELECT * FROM product:" + k + ", product:" + (k + 1), Map.of());
    }
    long before = reg.evaluations();
    RecordId id = RecordId.of("product", 50);
    List<ViewDelta> deltas =
        reg.apply(List.of(Change.update(id, product(id, "c10", 50), product(id, "c10", 7))));
    assertThat(deltas)
        .extracting(ViewDelta::viewId)
        .containsExactlyInAnyOrder("pair-49", "pair-50");
    assertThat(reg.evaluations() - before).isEqualTo(2);

    before = reg.evaluations();
    RecordId unlisted = RecordId.of("product", 250);
    assertThat(
            reg.apply(
                List.of(
                    Change.update(
                        unlisted, product(unlisted, "c10", 250), product(unlisted, "c1", 1)))))
        .isEmpty();
    assertThat(reg.evaluations() - before).isZero();

    reg.unregister("pair-49");
    before = reg.evaluations();
    reg.apply(List.of(Change.update(id, product(id, "c10", 7), product(id, "c10", 8))));
    assertThat(reg.evaluations() - before).isEqualTo(1);
  }

  @Test
  void registeringAViewFilteredByEqualityEvaluatesOnlyItsCandidates() {
    ViewRegistry reg = loaded(200);
    reg.register(
        "c3",
        "SELECT * FROM product WHERE price > 50 AND category = 'c3' ORDER BY price",
        Map.of());
    assertThat(reg.evaluations("c3")).isEqualTo(10);
    assertThat(reg.rows("c3")).hasSize(7);
    // Later changes keep the store's index current: a record moved into c3 is found by the next
    // registration.
    RecordId id = RecordId.of("product", 4);
    reg.apply(List.of(Change.update(id, product(id, "c4", 4), product(id, "c3", 99))));
    reg.register("c3again", "SELECT id FROM product WHERE category = 'c3'", Map.of());
    assertThat(reg.evaluations("c3again")).isEqualTo(11);
    assertThat(reg.rows("c3again")).hasSize(11);

    // A numeric range with fewer records than the category (prices 60..66 inclusive, as the
    // index ignores strictness): only the records of the range are evaluated.
    reg.register(
        "narrow",
        "SELECT * FROM product WHERE category = 'c3' AND price >= 60 AND price < 66",
        Map.of());
    assertThat(reg.evaluations("narrow")).isEqualTo(7);
    assertThat(reg.rows("narrow")).hasSize(1);
  }

  @Test
  void aChangeInOneCategoryEvaluatesOnlyThatCategorysViews() {
    ViewRegistry reg = loaded(200);
    String top = "SELECT * FROM product WHERE category = $c ORDER BY price DESC LIMIT 3";
    String deep = "SELECT * FROM product WHERE category = $c ORDER BY price DESC LIMIT 5 START 1";
    for (int c = 0; c < 20; c++) {
      Map<String, Value> params = Map.of("c", Value.of("c" + c));
      reg.register("top-c" + c, top, params);
      reg.register("again-c" + c, top, params);
      reg.register("deep-c" + c, deep, params);
    }
    long before = reg.evaluations();
    long[] perView = new long[20];
    for (int c = 0; c < 20; c++) {
      perView[c] = reg.evaluations("top-c" + c);
    }

    RecordId id = RecordId.of("product", 3); // category c3
    reg.apply(List.of(Change.update(id, product(id, "c3", 3), product(id, "c3", 1000))));

    // Three views of c3, two orderings, one shared WHERE: one evaluation.
    assertThat(reg.evaluations() - before).isEqualTo(1);
    for (int c = 0; c < 20; c++) {
      assertThat(reg.evaluations("top-c" + c) - perView[c])
          .as("view of c%d", c)
          .isEqualTo(c == 3 ? 1 : 0);
    }

    // Moving the record to another category touches the views of both categories only.
    before = reg.evaluations();
    List<ViewDelta> deltas =
        reg.apply(List.of(Change.update(id, product(id, "c3", 1000), product(id, "c7", 1000))));
    assertThat(reg.evaluations() - before).isEqualTo(2);
    assertThat(deltas)
        .extracting(ViewDelta::viewId)
        .containsExactlyInAnyOrder(
            "top-c3", "again-c3", "deep-c3", "top-c7", "again-c7", "deep-c7");
    assertThat(reg.rows("top-c7").get(0)).isEqualTo(product(id, "c7", 1000));
  }

  @Test
  void rangeConjunctsRouteThroughASortedIndex() {
    ViewRegistry reg = new ViewRegistry();
    for (int min = 0; min < 100; min += 10) {
      reg.register("above-" + min, PlanViews.pricedAbove(min));
    }
    long before = reg.evaluations();
    RecordId id = RecordId.of("product", 1);
    reg.apply(List.of(Change.create(id, product(id, "c0", 35))));
    // price 35 can only satisfy price > 0, 10, 20, 30.
    assertThat(reg.evaluations() - before).isEqualTo(4);
    assertThat(reg.rows("above-30")).hasSize(1);
    assertThat(reg.rows("above-40")).isEmpty();
  }

  @Test
  void distinctRangeViewsAreReachedByCategoryThenByRange() {
    ViewRegistry reg = new ViewRegistry();
    String q =
        "SELECT * FROM product WHERE category = $c AND price >= $lo AND price < $hi"
            + " ORDER BY price DESC LIMIT 3";
    // 10 categories x 100 ranges of width 10 (one also with a decimal and a float bound).
    for (int c = 0; c < 10; c++) {
      for (int lo = 0; lo < 1000; lo += 10) {
        Value from = lo == 500 ? Value.of(new java.math.BigDecimal("500.0")) : Value.of(lo);
        Value to = lo == 510 ? Value.of(520.0) : Value.of(lo + 10);
        reg.register("c" + c + "-" + lo, q, Map.of("c", Value.of("c" + c), "lo", from, "hi", to));
      }
    }
    RecordId id = RecordId.of("product", 1);
    long before = reg.evaluations();
    List<ViewDelta> deltas = reg.apply(List.of(Change.create(id, product(id, "c4", 505))));
    // Only c4's [500, 510) holds; routing may also hand it [510, 520) (superset), nothing else.
    assertThat(reg.evaluations() - before).isBetween(1L, 2L);
    assertThat(deltas).extracting(ViewDelta::viewId).containsExactly("c4-500");

    before = reg.evaluations();
    deltas = reg.apply(List.of(Change.update(id, product(id, "c4", 505), product(id, "c4", 515))));
    assertThat(reg.evaluations() - before).isBetween(2L, 3L);
    assertThat(deltas).extracting(ViewDelta::viewId).containsExactlyInAnyOrder("c4-500", "c4-510");
    assertThat(reg.rows("c4-510")).containsExactly(product(id, "c4", 515));

    // A price that is not a number lies in no numeric range.
    before = reg.evaluations();
    deltas =
        reg.apply(
            List.of(
                Change.update(
                    id,
                    product(id, "c4", 515),
                    Value.object(
                        Map.of("id", id, "category", Value.of("c4"), "price", Value.of("x"))))));
    assertThat(reg.evaluations() - before).isBetween(1L, 2L);
    assertThat(deltas).extracting(ViewDelta::viewId).containsExactly("c4-510");
    assertThat(reg.rows("c4-510")).isEmpty();

    // Unregistering leaves the index consistent: the range is no longer reached.
    reg.unregister("c4-510");
    before = reg.evaluations();
    reg.apply(List.of(Change.create(RecordId.of("product", 2), product(id, "c4", 512))));
    assertThat(reg.evaluations() - before).isZero();
  }

  @Test
  void viewsReadingAnotherTableAreReachedThroughTheirReads() {
    ViewRegistry reg = new ViewRegistry();
    RecordId user = RecordId.of("user", 1);
    RecordId p = RecordId.of("product", 1);
    reg.apply(
        List.of(
            Change.create(
                user, Value.object(Map.of("name", Value.of("ann"), "active", Value.TRUE))),
            Change.create(
                p,
                Value.object(
                    Map.of("owner", user, "price", Value.of(5), "category", Value.of("c0"))))));
    reg.register("owners", PlanViews.activeOwners());
    reg.register("top", PlanViews.topByCategory("c0", 0, 3));
    assertThat(reg.rows("owners")).hasSize(1);
    long top = reg.evaluations("top");
    List<ViewDelta> deltas =
        reg.apply(
            List.of(
                Change.update(
                    user,
                    Value.NONE,
                    Value.object(Map.of("name", Value.of("ann"), "active", Value.FALSE)))));
    assertThat(reg.rows("owners")).isEmpty();
    assertThat(deltas).extracting(ViewDelta::viewId).containsExactly("owners");
    assertThat(deltas.get(0).removed()).containsExactly(p);
    assertThat(reg.evaluations("top")).isEqualTo(top);
  }

  /**
   * Random adds, removes and lookups against {@link RoutingIndex}, compared with a scan of every
   * filing: a target filed by two numeric bounds {@code lo .. hi} (any strictness) must be found
   * for exactly the numbers {@code x} with {@code lo <= x <= hi} in SurrealDB's order, and one with
   * a bound that is not a number (filed by its first conjunct, {@code field >= lo}) for exactly the
   * values {@code x >= lo}. The values cluster around places where doubles are not exact (ints near
   * 2<sup>53</sup>, 2<sup>60</sup> and 2<sup>63</sup>, decimals with more digits than a double,
   * decimals beyond the double range), mixed with NaN, the infinities, -0.0 and non-numbers.
   */
  @Test
  void rangeRoutingFindsExactlyWhatAScanOfAllFilingsFinds() {
    for (long seed = 1; seed <= 300; seed++) {
      Random rng = new Random(seed);
      RoutingIndex<Integer> index = new RoutingIndex<>();
      List<Filing> filed = new ArrayList<>();
      int nextTarget = 0;
      for (int step = 0; step < 400; step++) {
        int op = rng.nextInt(100);
        if (op < 40 || filed.isEmpty()) {
          Value lo = randomBound(rng);
          Value hi = rng.nextInt(8) == 0 ? randomBound(rng) : near(rng, lo);
          Filing f = new Filing(lo, hi, nextTarget++, rng.nextBoolean(), rng.nextBoolean());
          index.add("t", f.conjuncts(), f.target());
          filed.add(f);
        } else if (op < 60) {
          Filing f = filed.remove(rng.nextInt(filed.size()));
          // The same bounds, possibly written as another type of the same number (1, 1.0, 1.00dec).
          Filing same =
              new Filing(
                  sameNumber(rng, f.lo()),
                  sameNumber(rng, f.hi()),
                  f.target(),
                  f.loStrict(),
                  f.hiStrict());
          index.remove("t", same.conjuncts(), same.target());
        } else if (op < 63) {
          // Removing what was never filed changes nothing.
          index.remove(
              "t",
              new Filing(randomBound(rng), randomBound(rng), -1, false, false).conjuncts(),
              -1);
        } else if (op < 66) {
          // Filing a target again under the same lower bound replaces its upper bound.
          int i = rng.nextInt(filed.size());
          Filing f = filed.get(i);
          Value hi = near(rng, f.hi());
          if (isNumber(f.lo()) && isNumber(f.hi()) && isNumber(hi)) {
            Filing again =
                new Filing(sameNumber(rng, f.lo()), hi, f.target(), f.loStrict(), f.hiStrict());
            index.add("t", again.conjuncts(), again.target());
            filed.set(i, again);
          }
        } else {
          Value x =
              rng.nextInt(10) == 0 ? randomBound(rng) : near(rng, randomFiledBound(rng, filed));
          Value record = x == Value.NONE ? Value.object(Map.of()) : Value.object(Map.of("f", x));
          List<Integer> found = new ArrayList<>();
          index.collect("t", Value.NONE, record, found);
          List<Integer> expected = new ArrayList<>();
          for (Filing f : filed) {
            if (f.holdsFor(x)) {
              expected.add(f.target());
            }
          }
          assertThat(found)
              .as("seed %d step %d: x = %s in %d filings", seed, step, x, filed.size())
              .containsExactlyInAnyOrderElementsOf(expected);
        }
      }
    }
  }

  /** One target filed by {@code f >= lo AND f < hi} (or {@code >}, {@code <=}). */
  private record Filing(Value lo, Value hi, int target, boolean loStrict, boolean hiStrict) {
    List<Conjunct> conjuncts() {
      return List.of(
          new Conjunct("f", loStrict ? Conjunct.Op.GT : Conjunct.Op.GE, lo),
          new Conjunct("f", hiStrict ? Conjunct.Op.LT : Conjunct.Op.LE, hi));
    }

    /** What routing promises: the indexed conditions, strictness ignored (a superset). */
    boolean holdsFor(Value x) {
      boolean above = Values.compare(lo, x) <= 0;
      return isNumber(lo) && isNumber(hi) ? above && Values.compare(hi, x) >= 0 : above;
    }
  }

  private static boolean isNumber(Value v) {
    return v instanceof IntValue || v instanceof FloatValue || v instanceof DecimalValue;
  }

  private static final BigDecimal[] CENTERS = {
    BigDecimal.ZERO,
    new BigDecimal("1E-400"),
    BigDecimal.valueOf(1L << 53),
    BigDecimal.valueOf(-(1L << 53)),
    BigDecimal.valueOf(1L << 60),
    BigDecimal.valueOf(Long.MAX_VALUE),
    BigDecimal.valueOf(Long.MIN_VALUE),
    new BigDecimal("1E308"),
    new BigDecimal("1E400"),
    new BigDecimal("-1E400"),
  };

  private static final BigDecimal[] STEPS = {
    BigDecimal.ONE, new BigDecimal("0.5"), new BigDecimal("0.1"), BigDecimal.valueOf(300),
  };

  private static Value randomBound(Random rng) {
    return switch (rng.nextInt(20)) {
      case 0 -> Value.of(Double.NaN);
      case 1 -> Value.of(rng.nextBoolean() ? Double.POSITIVE_INFINITY : Double.NEGATIVE_INFINITY);
      case 2 -> Value.of(rng.nextBoolean() ? -0.0 : Double.MAX_VALUE);
      case 3 ->
          switch (rng.nextInt(4)) {
            case 0 -> Value.of("a");
            case 1 -> Value.TRUE;
            case 2 -> Value.NULL;
            default -> Value.NONE;
          };
      default -> number(rng, CENTERS[rng.nextInt(CENTERS.length)]);
    };
  }

  /** A number a few steps from {@code v} (a random bound when {@code v} is not a finite number). */
  private static Value near(Random rng, Value v) {
    BigDecimal exact = exact(v);
    return exact == null ? randomBound(rng) : number(rng, exact);
  }

  private static Value randomFiledBound(Random rng, List<Filing> filed) {
    if (filed.isEmpty()) {
      return randomBound(rng);
    }
    Filing f = filed.get(rng.nextInt(filed.size()));
    return rng.nextBoolean() ? f.lo() : f.hi();
  }

  /** {@code around} plus a few steps, as an int, a float or a decimal. */
  private static Value number(Random rng, BigDecimal around) {
    BigDecimal x =
        around.add(
            STEPS[rng.nextInt(STEPS.length)].multiply(BigDecimal.valueOf(rng.nextInt(13) - 6)));
    return switch (rng.nextInt(3)) {
      case 0 -> asInt(x) != null ? asInt(x) : Value.of(x);
      case 1 -> Value.of(x.doubleValue());
      default -> Value.of(rng.nextBoolean() ? x : x.setScale(Math.max(x.scale(), 0) + 1));
    };
  }

  /** The same number as {@code v}, possibly as another type (when that type holds it exactly). */
  private static Value sameNumber(Random rng, Value v) {
    BigDecimal exact = exact(v);
    if (exact == null || v instanceof FloatValue) {
      return v;
    }
    return switch (rng.nextInt(3)) {
      case 0 -> asInt(exact) != null ? asInt(exact) : v;
      case 1 -> Value.of(exact.setScale(Math.max(exact.scale(), 0) + 2));
      default -> v;
    };
  }

  private static Value asInt(BigDecimal x) {
    try {
      return Value.of(x.longValueExact());
    } catch (ArithmeticException notAnInt) {
      return null;
    }
  }

  /** The exact value of a finite number, else null. */
  private static BigDecimal exact(Value v) {
    return switch (v) {
      case IntValue i -> BigDecimal.valueOf(i.value());
      case FloatValue f -> Double.isFinite(f.value()) ? new BigDecimal(f.value()) : null;
      case DecimalValue d -> d.value();
      default -> null;
    };
  }
}
