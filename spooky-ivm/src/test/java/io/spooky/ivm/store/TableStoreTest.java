package io.spooky.ivm.store;

import static org.assertj.core.api.Assertions.assertThat;

import io.spooky.core.value.FloatValue;
import io.spooky.core.value.RecordId;
import io.spooky.core.value.Value;
import java.util.List;
import org.junit.jupiter.api.Test;

class TableStoreTest {
  @Test
  void lookupsFollowTheIdOrderAfterAKeyThatEqualsAnotherByOrderOnly() {
    TableStore store = new TableStore();
    RecordId intKey = new RecordId("t", Value.array(Value.of(1)));
    RecordId floatKey = new RecordId("t", Value.array(new FloatValue(1.0)));
    store.put(intKey, Value.of("a"));
    assertThat(store.get(intKey)).isEqualTo(Value.of("a"));

    // [1] and [1.0] are one id in SurrealDB's order: the second write replaces the first.
    assertThat(store.put(floatKey, Value.of("b"))).isEqualTo(Value.of("a"));
    assertThat(store.get(intKey)).isEqualTo(Value.of("b"));
    assertThat(store.get(floatKey)).isEqualTo(Value.of("b"));

    assertThat(store.put(intKey, Value.NONE)).isEqualTo(Value.of("b"));
    assertThat(store.get(floatKey)).isEqualTo(Value.NONE);
    assertThat(store.tableNames()).isEmpty();
  }

  @Test
  void intAndStringKeysAreFoundAndKeptInIdOrder() {
    TableStore store = new TableStore();
    store.put(RecordId.of("t", "b"), Value.of(2));
    store.put(RecordId.of("t", 7), Value.of(1));
    store.put(RecordId.of("t", "a"), Value.of(3));
    store.put(RecordId.of("t", "b"), Value.of(4));

    assertThat(store.get(RecordId.of("t", "b"))).isEqualTo(Value.of(4));
    assertThat(store.get(RecordId.of("t", 7))).isEqualTo(Value.of(1));
    assertThat(store.get(RecordId.of("t", 8))).isEqualTo(Value.NONE);
    assertThat(store.get(RecordId.of("u", 7))).isEqualTo(Value.NONE);
    assertThat(List.copyOf(store.table("t").values()))
        .containsExactly(Value.of(1), Value.of(3), Value.of(4));
  }

  @Test
  void fieldIndexesHoldOneIdPerRecordWhateverSpellingAChangeUses() {
    TableStore store = new TableStore();
    RecordId intKey = new RecordId("t", Value.array(Value.of(1)));
    RecordId floatKey = new RecordId("t", Value.array(new FloatValue(1.0)));
    store.put(intKey, Value.object(java.util.Map.of("f", Value.of("x"))));
    assertThat(store.lookup("t", "f", Value.of("x"))).containsExactly(intKey);
    assertThat(store.lookupRange("t", "f", Value.of("a"), Value.of("z"), 10))
        .containsExactly(intKey);

    store.put(floatKey, Value.object(java.util.Map.of("f", Value.of("y"))));
    assertThat(store.lookup("t", "f", Value.of("x"))).isEmpty();
    assertThat(store.lookup("t", "f", Value.of("y"))).containsExactly(intKey);
    assertThat(store.lookupRange("t", "f", Value.of("a"), Value.of("z"), 10))
        .containsExactly(intKey);

    store.put(floatKey, Value.NONE);
    assertThat(store.lookup("t", "f", Value.of("y"))).isEmpty();
    assertThat(store.lookupRange("t", "f", Value.of("a"), Value.of("z"), 10)).isEmpty();
  }

  @Test
  void fieldLookupsMatchAScanUnderRandomPutsAndDeletes() {
    long seed = System.nanoTime();
    java.util.Random r = new java.util.Random(seed);
    TableStore store = new TableStore();
    Value[] values = {
      Value.of(1), Value.of(1.0), Value.of("1"), Value.of("a"), Value.NONE, Value.NULL, Value.of(2)
    };
    for (int step = 0; step < 3000; step++) {
      RecordId id = RecordId.of("t", r.nextInt(40));
      if (r.nextInt(5) == 0) {
        store.put(id, Value.NONE);
      } else {
        java.util.Map<String, Value> fields = new java.util.HashMap<>();
        Value v = values[r.nextInt(values.length)];
        if (v != Value.NONE) {
          fields.put("f", v);
        }
        store.put(id, Value.object(fields));
      }
      if (step % 7 == 0) {
        Value probe = values[r.nextInt(values.length)];
        List<RecordId> expected = new java.util.ArrayList<>();
        for (var e : store.table("t").entrySet()) {
          if (io.spooky.core.value.Values.equal(
              ((io.spooky.core.value.ObjectValue) e.getValue()).get("f"), probe)) {
            expected.add(e.getKey());
          }
        }
        assertThat(store.lookup("t", "f", probe))
            .as("seed=%d step=%d probe=%s", seed, step, probe)
            .containsExactlyInAnyOrderElementsOf(expected);
        Value lo = values[r.nextInt(values.length)];
        Value hi = values[r.nextInt(values.length)];
        List<RecordId> inRange = new java.util.ArrayList<>();
        for (var e : store.table("t").entrySet()) {
          Value f = ((io.spooky.core.value.ObjectValue) e.getValue()).get("f");
          if (io.spooky.core.value.Values.compare(lo, f) <= 0
              && io.spooky.core.value.Values.compare(f, hi) <= 0) {
            inRange.add(e.getKey());
          }
        }
        assertThat(store.lookupRange("t", "f", lo, hi, Integer.MAX_VALUE))
            .as("seed=%d step=%d range=[%s, %s]", seed, step, lo, hi)
            .containsExactlyInAnyOrderElementsOf(inRange);
        if (!inRange.isEmpty()) {
          List<RecordId> capped = store.lookupRange("t", "f", lo, hi, inRange.size() - 1);
          assertThat(capped).as("seed=%d step=%d over the cap", seed, step).isNull();
        }
      }
    }
    assertThat(store.lookup("missing", "f", Value.of(1))).isEmpty();
  }
}
