package io.spooky.ivm;

import io.spooky.core.value.ArrayValue;
import io.spooky.core.value.IntValue;
import io.spooky.core.value.ObjectValue;
import io.spooky.core.value.RecordId;
import io.spooky.core.value.Value;
import io.spooky.core.value.Values;
import io.spooky.ivm.plan.Conjunct;
import io.spooky.ivm.plan.GroupPlan;
import io.spooky.ivm.plan.GroupPlan.Item;
import io.spooky.ivm.plan.GroupPlan.Kind;
import io.spooky.ivm.plan.SortKey;
import io.spooky.ivm.plan.ViewPlan;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * Hand-compiled plans covering every operator, over tables {@code product {category, price, name,
 * owner}} and {@code user {name, active}}. Each comment gives the SurrealQL the plan stands for.
 */
final class PlanViews {
  private PlanViews() {}

  static Value field(Value row, String f) {
    return row instanceof ObjectValue o ? o.get(f) : Value.NONE;
  }

  static SortKey asc(String f) {
    return new SortKey(r -> field(r, f), false);
  }

  static SortKey desc(String f) {
    return new SortKey(r -> field(r, f), true);
  }

  /** SELECT * FROM product WHERE category = $c ORDER BY price DESC LIMIT limit START start. */
  static ViewPlan topByCategory(String c, long start, long limit) {
    return new ViewPlan(
        "product",
        (id, rec, reads) -> Values.equal(field(rec, "category"), Value.of(c)) ? rec : null,
        List.of(desc("price")),
        start,
        limit,
        null,
        List.of(new Conjunct("category", Conjunct.Op.EQ, Value.of(c))),
        "top:" + c + ":" + start + ":" + limit);
  }

  /** SELECT id, price, name FROM product WHERE price > min ORDER BY price, name. */
  static ViewPlan pricedAbove(long min) {
    return new ViewPlan(
        "product",
        (id, rec, reads) ->
            Values.compare(field(rec, "price"), Value.of(min)) > 0
                ? Value.object(
                    Map.of("id", id, "price", field(rec, "price"), "name", field(rec, "name")))
                : null,
        List.of(asc("price"), asc("name")),
        0,
        -1,
        null,
        List.of(new Conjunct("price", Conjunct.Op.GT, Value.of(min))),
        "above:" + min);
  }

  /** SELECT id, owner.name AS owner_name FROM product WHERE owner.active = true. */
  static ViewPlan activeOwners() {
    return new ViewPlan(
        "product",
        (id, rec, reads) -> {
          Value owner = field(rec, "owner") instanceof RecordId o ? reads.get(o) : Value.NONE;
          if (!Values.equal(field(owner, "active"), Value.TRUE)) {
            return null;
          }
          return Value.object(Map.of("id", id, "owner_name", field(owner, "name")));
        },
        List.of(),
        0,
        -1,
        null,
        List.of(),
        "activeOwners");
  }

  /**
   * SELECT id, name, (SELECT VALUE id FROM product WHERE owner = $parent.id) AS products FROM user
   * ORDER BY name LIMIT 4.
   */
  static ViewPlan userProducts() {
    return new ViewPlan(
        "user",
        (id, rec, reads) -> {
          List<Value> ids = new ArrayList<>();
          for (var e : reads.scan("product").entrySet()) {
            if (Values.equal(field(e.getValue(), "owner"), id)) {
              ids.add(e.getKey());
            }
          }
          return Value.object(
              Map.of("id", id, "name", field(rec, "name"), "products", Value.array(ids)));
        },
        List.of(asc("name")),
        0,
        4,
        null,
        List.of(),
        "userProducts");
  }

  /**
   * SELECT category, count() AS n, math::sum(price) AS total, math::min(price) AS lo,
   * math::max(price) AS hi, math::mean(price) AS avg, name FROM product GROUP BY category ORDER BY
   * n DESC LIMIT 3.
   */
  static ViewPlan categoryStats() {
    return new ViewPlan(
        "product",
        (id, rec, reads) -> {
          Value p = field(rec, "price");
          return Value.array(
              field(rec, "category"),
              Value.NULL,
              p,
              p,
              p,
              p,
              field(rec, "name"),
              field(rec, "category"));
        },
        List.of(desc("n")),
        0,
        3,
        new GroupPlan(
            List.of(
                new Item(Kind.KEY, List.of("category"), 0),
                new Item(Kind.COUNT, List.of("n"), -1),
                new Item(Kind.SUM, List.of("total"), -1),
                new Item(Kind.MIN, List.of("lo"), -1),
                new Item(Kind.MAX, List.of("hi"), -1),
                new Item(Kind.MEAN, List.of("avg"), -1),
                new Item(Kind.COLLECT, List.of("name"), -1)),
            1,
            PlanViews::fold),
        List.of(),
        "categoryStats");
  }

  /** SELECT count() AS n, count(name) AS named FROM product WHERE price < 10 GROUP ALL. */
  static ViewPlan cheapCount() {
    return new ViewPlan(
        "product",
        (id, rec, reads) ->
            Values.compare(field(rec, "price"), Value.of(10)) < 0
                ? Value.array(Value.NULL, field(rec, "name"))
                : null,
        List.of(),
        0,
        -1,
        new GroupPlan(
            List.of(
                new Item(Kind.COUNT, List.of("n"), -1),
                new Item(Kind.COUNT_TRUTHY, List.of("named"), -1)),
            0,
            PlanViews::fold),
        List.of(new Conjunct("price", Conjunct.Op.LT, Value.of(10))),
        "cheapCount");
  }

  /** SELECT name FROM product LIMIT 5 START 2. */
  static ViewPlan names() {
    return new ViewPlan(
        "product",
        (id, rec, reads) -> Value.object(Map.of("name", field(rec, "name"))),
        List.of(),
        2,
        5,
        null,
        List.of(),
        "names");
  }

  static List<ViewPlan> all() {
    List<ViewPlan> out = new ArrayList<>();
    for (int c = 0; c < 4; c++) {
      out.add(topByCategory("c" + c, c % 2, 3));
    }
    out.add(pricedAbove(20));
    out.add(activeOwners());
    out.add(userProducts());
    out.add(categoryStats());
    out.add(cheapCount());
    out.add(names());
    return out;
  }

  /** A test fold: integer sums, float means, arrays collected; NONE for empty extremes. */
  static Value fold(Kind kind, List<Value> in) {
    return switch (kind) {
      case SUM -> {
        long s = 0;
        for (Value v : in) {
          s += v instanceof IntValue i ? i.value() : 0;
        }
        yield Value.of(s);
      }
      case MEAN -> {
        long s = 0;
        long n = 0;
        for (Value v : in) {
          if (v instanceof IntValue i) {
            s += i.value();
            n++;
          }
        }
        yield n == 0 ? Value.NONE : Value.of((double) s / n);
      }
      case COLLECT -> new ArrayValue(in);
      case MIN -> Value.of(Double.POSITIVE_INFINITY);
      case MAX -> Value.of(Double.NEGATIVE_INFINITY);
      default -> throw new IllegalArgumentException(kind.toString());
    };
  }
}
