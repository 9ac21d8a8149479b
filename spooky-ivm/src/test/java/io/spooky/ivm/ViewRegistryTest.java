package io.spooky.ivm;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.spooky.core.value.RecordId;
import io.spooky.core.value.Value;
import io.spooky.ivm.plan.UnsupportedViewException;
import io.spooky.query.parse.SurqlParseException;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** The cases the original implementation got wrong, one by one, plus the registry's edges. */
class ViewRegistryTest {
  private static final RecordId P1 = RecordId.of("product", 1);
  private static final RecordId P2 = RecordId.of("product", 2);

  private static Value product(RecordId id, String category, long price) {
    return Value.object(Map.of("id", id, "category", Value.of(category), "price", Value.of(price)));
  }

  @Test
  void anUpdateMovesARecordIntoAndOutOfAFilter() {
    ViewRegistry reg = new ViewRegistry();
    reg.apply(List.of(Change.create(P1, product(P1, "a", 5))));
    reg.register("b", "SELECT * FROM product WHERE category = 'b'", Map.of());
    List<ViewDelta> in = reg.apply(List.of(Change.update(P1, Value.NONE, product(P1, "b", 5))));
    assertThat(in)
        .singleElement()
        .satisfies(d -> assertThat(d.added()).extracting(ViewDelta.Row::id).containsExactly(P1));
    List<ViewDelta> out = reg.apply(List.of(Change.update(P1, Value.NONE, product(P1, "a", 5))));
    assertThat(out).singleElement().satisfies(d -> assertThat(d.removed()).containsExactly(P1));
    assertThat(reg.rows("b")).isEmpty();
    assertThat(reg.snapshot("b").root()).isEqualTo(io.spooky.ivm.merkle.MerkleTree.EMPTY);
  }

  @Test
  void anOrderByKeyChangeMovesTheRowAndTheNextOneComesIn() {
    ViewRegistry reg = new ViewRegistry();
    RecordId p3 = RecordId.of("product", 3);
    reg.apply(
        List.of(
            Change.create(P1, product(P1, "a", 30)),
            Change.create(P2, product(P2, "a", 20)),
            Change.create(p3, product(p3, "a", 10))));
    reg.register("top2", "SELECT * FROM product ORDER BY price DESC LIMIT 2", Map.of());
    List<ViewDelta> d = reg.apply(List.of(Change.update(P1, Value.NONE, product(P1, "a", 1))));
    assertThat(d.get(0).removed()).containsExactly(P1);
    assertThat(d.get(0).added())
        .extracting(ViewDelta.Row::id, ViewDelta.Row::index)
        .containsExactly(org.assertj.core.groups.Tuple.tuple(p3, 1));
    assertThat(d.get(0).moved()).extracting(ViewDelta.Row::id).isEmpty();
    assertThat(reg.rows("top2")).containsExactly(product(P2, "a", 20), product(p3, "a", 10));
    d = reg.apply(List.of(Change.update(p3, Value.NONE, product(p3, "a", 99))));
    assertThat(d.get(0).moved())
        .extracting(ViewDelta.Row::id, ViewDelta.Row::index)
        .containsExactly(org.assertj.core.groups.Tuple.tuple(p3, 0));
  }

  @Test
  void deletesReachFilteredAndJoinedViewsAndSubqueryParents() {
    ViewRegistry reg = new ViewRegistry();
    RecordId u = RecordId.of("user", 1);
    reg.apply(
        List.of(
            Change.create(u, Value.object(Map.of("name", Value.of("ann")))),
            Change.create(P1, Value.object(Map.of("owner", u, "price", Value.of(3))))));
    reg.register(
        "joined", "SELECT price, owner.name AS who FROM product WHERE price > 1", Map.of());
    reg.register(
        "parents",
        "SELECT name, (SELECT VALUE price FROM product WHERE owner = $parent.id) AS prices FROM user",
        Map.of());
    assertThat(reg.rows("joined"))
        .containsExactly(Value.object(Map.of("price", Value.of(3), "who", Value.of("ann"))));
    reg.apply(List.of(Change.delete(u, Value.NONE)));
    assertThat(reg.rows("joined"))
        .containsExactly(Value.object(Map.of("price", Value.of(3), "who", Value.NONE)));
    assertThat(reg.rows("parents")).isEmpty();
    reg.apply(List.of(Change.create(u, Value.object(Map.of("name", Value.of("bob"))))));
    assertThat(reg.rows("parents"))
        .containsExactly(
            Value.object(Map.of("name", Value.of("bob"), "prices", Value.array(Value.of(3)))));
    List<ViewDelta> d = reg.apply(List.of(Change.delete(P1, Value.NONE)));
    assertThat(d).extracting(ViewDelta::viewId).containsExactlyInAnyOrder("joined", "parents");
    assertThat(reg.rows("parents"))
        .containsExactly(Value.object(Map.of("name", Value.of("bob"), "prices", Value.array())));
  }

  @Test
  void groupAggregatesRetractOnDelete() {
    ViewRegistry reg = new ViewRegistry();
    reg.apply(
        List.of(Change.create(P1, product(P1, "a", 5)), Change.create(P2, product(P2, "a", 9))));
    reg.register(
        "g",
        "SELECT category, count() AS n, math::min(price) AS lo, math::max(price) AS hi FROM product"
            + " GROUP BY category",
        Map.of());
    reg.apply(List.of(Change.delete(P2, Value.NONE)));
    assertThat(reg.rows("g"))
        .containsExactly(
            Value.object(
                Map.of(
                    "category", Value.of("a"),
                    "n", Value.of(1),
                    "lo", Value.of(5),
                    "hi", Value.of(5))));
    reg.apply(List.of(Change.delete(P1, Value.NONE)));
    assertThat(reg.rows("g")).isEmpty();
  }

  @Test
  void runtimeFailuresAreReportedNotHidden() {
    ViewRegistry reg = new ViewRegistry();
    reg.register("v", "SELECT price * 2 AS double FROM product", Map.of());
    reg.apply(List.of(Change.create(P1, Value.object(Map.of("price", Value.of("x"))))));
    assertThat(reg.failures("v")).containsOnlyKeys(P1);
    reg.apply(List.of(Change.update(P1, Value.NONE, Value.object(Map.of("price", Value.of(2))))));
    assertThat(reg.failures("v")).isEmpty();
    assertThat(reg.rows("v")).containsExactly(Value.object(Map.of("double", Value.of(4))));
  }

  @Test
  void aViewOverListedRecordsFollowsThemInWrittenOrder() {
    ViewRegistry reg = new ViewRegistry();
    RecordId p1 = RecordId.of("product", 1);
    RecordId p2 = RecordId.of("product", 2);
    RecordId u1 = RecordId.of("user", 1);
    Value a = Value.object(Map.of("id", p1, "price", Value.of(5)));
    Value b = Value.object(Map.of("id", p2, "price", Value.of(5)));
    reg.apply(List.of(Change.create(p1, a), Change.create(p2, b)));
    reg.register("v", "SELECT * FROM product:2, user:1, product:1", Map.of());
    reg.register("ordered", "SELECT * FROM product:2, user:1, product:1 ORDER BY price", Map.of());
    assertThat(reg.rows("v")).containsExactly(b, a);
    // Equal prices: the tie keeps the written order, as SurrealDB's stable sort does.
    assertThat(reg.rows("ordered")).containsExactly(b, a);

    Value u = Value.object(Map.of("id", u1, "price", Value.of(1)));
    List<ViewDelta> deltas = reg.apply(List.of(Change.create(u1, u)));
    assertThat(deltas).extracting(ViewDelta::viewId).containsExactlyInAnyOrder("v", "ordered");
    assertThat(reg.rows("v")).containsExactly(b, u, a);
    assertThat(reg.rows("ordered")).containsExactly(u, b, a);

    // A record that is not listed changes nothing, even in a listed table.
    RecordId p3 = RecordId.of("product", 3);
    assertThat(reg.apply(List.of(Change.create(p3, Value.object(Map.of("price", Value.of(0)))))))
        .isEmpty();

    reg.apply(List.of(Change.delete(p2, b)));
    assertThat(reg.rows("v")).containsExactly(u, a);
    assertThat(reg.snapshot("v").root())
        .isEqualTo(IncrementalEqualsRecomputeTest.rebuilt(reg.snapshot("v")).root());
  }

  @Test
  void unsupportedAndInvalidStatementsAreRejected() {
    ViewRegistry reg = new ViewRegistry();
    assertThatThrownBy(
            () -> reg.register("v", "SELECT * FROM product:1, user:2, product:1", Map.of()))
        .isInstanceOf(UnsupportedViewException.class)
        .hasMessageContaining("twice");
    assertThat(reg.contains("v")).isFalse();
    assertThatThrownBy(() -> reg.register("v", "SELEC * FROM product", Map.of()))
        .isInstanceOf(SurqlParseException.class);
    assertThatThrownBy(() -> reg.rows("nope")).isInstanceOf(UnknownViewException.class);
  }

  @Test
  void unregisteringTheLastViewDropsTheSharedComputation() {
    ViewRegistry reg = new ViewRegistry();
    reg.register("a", "SELECT * FROM product", Map.of());
    reg.register("b", "SELECT * FROM product", Map.of());
    reg.unregister("a");
    assertThat(reg.apply(List.of(Change.create(P1, product(P1, "a", 1)))))
        .extracting(ViewDelta::viewId)
        .containsExactly("b");
    reg.unregister("b");
    assertThat(reg.apply(List.of(Change.create(P2, product(P2, "a", 1))))).isEmpty();
    assertThat(reg.viewIds()).isEmpty();
  }
}
