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
}
