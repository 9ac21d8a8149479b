package io.spooky.ivm;

import static org.assertj.core.api.Assertions.assertThat;

import io.spooky.core.value.Value;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import org.junit.jupiter.api.Test;

/**
 * Views registered from SurrealQL stay equal to a one-shot {@link Oracle} after every batch of
 * random creates, updates (including ones that move records in and out of filters, change ORDER BY
 * keys and re-point record links) and deletes.
 */
class DifferentialTest {
  static final Map<String, String> VIEWS = new LinkedHashMap<>();

  static {
    VIEWS.put("top", "SELECT * FROM product WHERE category = $c ORDER BY price DESC LIMIT 3");
    // Same WHERE and SELECT as "top": shares its row source, with another order and window.
    VIEWS.put(
        "topCheapest", "SELECT * FROM product WHERE category = $c ORDER BY price LIMIT 2 START 1");
    VIEWS.put("topAll", "SELECT * FROM product WHERE category = $c");
    VIEWS.put(
        "range",
        "SELECT id, price, name FROM product WHERE price > 20 AND price <= 40 ORDER BY price, name");
    VIEWS.put(
        "link", "SELECT name, owner.name AS owner_name FROM product WHERE owner.active = true");
    VIEWS.put(
        "subquery",
        "SELECT id, name, (SELECT VALUE id FROM product WHERE owner = $parent.id) AS products"
            + " FROM user ORDER BY name LIMIT 4");
    VIEWS.put(
        "stats",
        "SELECT category, count() AS n, math::sum(price) AS total, math::min(price) AS lo,"
            + " math::max(price) AS hi, math::mean(price) AS avg FROM product GROUP BY category");
    VIEWS.put(
        "busiest",
        "SELECT category, count() AS n FROM product GROUP BY category ORDER BY n DESC LIMIT 2");
    VIEWS.put("cheap", "SELECT count() AS n FROM product WHERE price < 10 GROUP ALL");
    VIEWS.put(
        "values",
        "SELECT VALUE name FROM product WHERE category INSIDE ['c1', 'c2'] ORDER BY name START 2"
            + " LIMIT 5");
    VIEWS.put("either", "SELECT * FROM product WHERE category != 'c0' OR price > 45 LIMIT 7");
    VIEWS.put("names", "SELECT category, name FROM product GROUP BY category");
    VIEWS.put(
        "activeByCategory",
        "SELECT category, count(owner.active) AS active FROM product GROUP BY category");
    VIEWS.put("all", "SELECT * FROM product");
    VIEWS.put(
        "nested",
        "SELECT name AS info.name, price AS info.price FROM product WHERE price >= 10"
            + " ORDER BY info.price DESC LIMIT 4");
    VIEWS.put("valueLink", "SELECT VALUE owner.name FROM product WHERE owner.active = false");
    VIEWS.put("groupByLink", "SELECT owner.name AS who, count() AS n FROM product GROUP BY who");
    // FROM a list of record ids: written order, ids of two tables, ids that come and go.
    VIEWS.put("listed", "SELECT * FROM product:7, user:2, product:3, product:31, user:5");
    VIEWS.put(
        "listedOrdered",
        "SELECT id, price, category FROM product:9, product:1, product:20, product:4, product:12"
            + " WHERE category != 'c0' ORDER BY category DESC LIMIT 3");
    VIEWS.put(
        "listedLinks",
        "SELECT VALUE owner.name FROM product:2, product:5, product:8, product:11 START 1");
    VIEWS.put(
        "listedGroups",
        "SELECT category, count() AS n FROM product:1, product:2, product:3, product:4,"
            + " product:5, product:6 GROUP BY category");
  }

  @Test
  void viewsEqualTheOneShotEvaluatorAfterEveryBatch() {
    check(new QueryEvaluatorOracle(), System.nanoTime(), 1000);
  }

  /** Runs the differential check against any oracle; reusable with a real SurrealDB. */
  static void check(Oracle oracle, long seed, int batches) {
    Random r = new Random(seed);
    IncrementalEqualsRecomputeTest.World w = new IncrementalEqualsRecomputeTest.World(r);
    ViewRegistry reg = new ViewRegistry();
    List<Change> load = new ArrayList<>();
    for (int i = 0; i < 50; i++) {
      load.add(w.randomChange());
    }
    reg.apply(load);
    Map<String, Value> params = Map.of("c", Value.of("c1"));
    for (var v : VIEWS.entrySet()) {
      reg.register(v.getKey(), v.getValue(), params);
    }
    for (int batch = 0; batch < batches; batch++) {
      List<Change> changes = new ArrayList<>();
      int n = 1 + r.nextInt(4);
      for (int i = 0; i < n; i++) {
        changes.add(w.randomChange());
      }
      reg.apply(changes);
      oracle.load(new HashMap<>(w.model));
      for (var v : VIEWS.entrySet()) {
        assertThat(reg.rows(v.getKey()))
            .as("seed=%d batch=%d view=%s changes=%s", seed, batch, v.getKey(), changes)
            .isEqualTo(oracle.evaluate(v.getValue(), params));
      }
    }
  }
}
