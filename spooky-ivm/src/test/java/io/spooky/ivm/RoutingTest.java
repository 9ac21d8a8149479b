package io.spooky.ivm;

import static org.assertj.core.api.Assertions.assertThat;

import io.spooky.core.value.RecordId;
import io.spooky.core.value.Value;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** A change costs work only in the views it can affect, counted in row evaluations. */
class RoutingTest {
  private static Value product(RecordId id, String category, long price) {
    return Value.object(Map.of("id", id, "category", Value.of(category), "price", Value.of(price)));
  }

  @Test
  void viewsOverListedRecordsAreReachedByRecordIdOnly() {
    ViewRegistry reg = new ViewRegistry();
    List<Change> load = new ArrayList<>();
    for (int i = 0; i < 300; i++) {
      RecordId id = RecordId.of("product", i);
      load.add(Change.create(id, product(id, "c" + (i % 20), i)));
    }
    reg.apply(load);
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
    ViewRegistry reg = new ViewRegistry();
    List<Change> load = new ArrayList<>();
    for (int i = 0; i < 200; i++) {
      RecordId id = RecordId.of("product", i);
      load.add(Change.create(id, product(id, "c" + (i % 20), i)));
    }
    reg.apply(load);
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
    ViewRegistry reg = new ViewRegistry();
    List<Change> load = new ArrayList<>();
    for (int i = 0; i < 200; i++) {
      RecordId id = RecordId.of("product", i);
      load.add(Change.create(id, product(id, "c" + (i % 20), i)));
    }
    reg.apply(load);
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
}
