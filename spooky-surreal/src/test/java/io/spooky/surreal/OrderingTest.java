package io.spooky.surreal;

import static org.assertj.core.api.Assertions.assertThat;

import io.spooky.core.value.ArrayValue;
import io.spooky.core.value.RecordId;
import io.spooky.core.value.Value;
import io.spooky.core.value.Values;
import io.spooky.devdb.DevSurreal;
import io.spooky.devdb.DevSurrealEndpoint;
import io.spooky.surreal.cbor.RandomValues;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Random;
import org.junit.jupiter.api.Test;

/**
 * SurrealDB's {@code ORDER BY} over values of mixed types is a sort under {@link Values#compare}:
 * every adjacent pair SurrealDB returns is in order for Java too, and SurrealDB returns what was
 * written. (Ties under {@code Values.compare}, such as {@code 1} and {@code 1.0f}, may come in
 * either order, so the check is on adjacent pairs rather than on one exact sequence.)
 */
@DevSurreal
class OrderingTest {

  /** SurrealDB does not store NONE as an object field's value: the field is absent instead. */
  static Value storedForm(Value v) {
    return switch (v) {
      case io.spooky.core.value.ObjectValue o -> {
        java.util.TreeMap<String, Value> kept = new java.util.TreeMap<>();
        o.fields()
            .forEach(
                (k, x) -> {
                  if (!(x instanceof io.spooky.core.value.NoneValue)) {
                    kept.put(k, storedForm(x));
                  }
                });
        yield Value.object(kept);
      }
      case ArrayValue a -> Value.array(a.items().stream().map(OrderingTest::storedForm).toList());
      default -> v;
    };
  }

  @Test
  void orderByAgreesWithValuesCompare(DevSurrealEndpoint db) {
    long seed = Long.getLong("spooky.seed", System.nanoTime());
    Random random = new Random(seed);
    try (SurrealClient s = DevClients.connect(db)) {
      List<Value> written = new ArrayList<>();
      for (int round = 0; round < 4; round++) {
        s.query("DELETE ord");
        written.clear();
        for (int i = 0; i < 150; i++) {
          Value v = storedForm(RandomValues.any(random, 2));
          written.add(v);
          s.query("CREATE $id SET v = $v", Map.of("id", RecordId.of("ord", i), "v", v));
        }
        ArrayValue sorted =
            (ArrayValue) s.queryValue("SELECT VALUE v FROM ord ORDER BY v", Map.of());
        assertThat(sorted.size()).as("seed=%d", seed).isEqualTo(written.size());
        for (int i = 1; i < sorted.size(); i++) {
          Value a = sorted.get(i - 1);
          Value b = sorted.get(i);
          assertThat(Values.compare(a, b))
              .as(
                  "seed=%d: SurrealDB orders %s (%s) before %s (%s)",
                  seed, a, a.typeName(), b, b.typeName())
              .isLessThanOrEqualTo(0);
        }
        List<Value> javaSorted = new ArrayList<>(written);
        javaSorted.sort(Values::compare);
        for (int i = 0; i < javaSorted.size(); i++) {
          assertThat(Values.compare(javaSorted.get(i), sorted.get(i)))
              .as(
                  "seed=%d position %d: Java %s vs SurrealDB %s",
                  seed, i, javaSorted.get(i), sorted.get(i))
              .isZero();
        }
      }
    }
  }
}
