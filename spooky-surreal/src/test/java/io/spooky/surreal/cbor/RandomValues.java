package io.spooky.surreal.cbor;

import io.spooky.core.value.BytesValue;
import io.spooky.core.value.GeometryValue;
import io.spooky.core.value.RecordId;
import io.spooky.core.value.Value;
import java.math.BigDecimal;
import java.math.BigInteger;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.TreeMap;
import java.util.UUID;

/** Generates random values of every type for property tests. Reproducible from the Random. */
public final class RandomValues {
  private RandomValues() {}

  /** A random value; containers nest at most {@code depth} levels. */
  public static Value any(Random r, int depth) {
    int kinds = depth > 0 ? 15 : 12;
    return switch (r.nextInt(kinds)) {
      case 0 -> Value.NONE;
      case 1 -> Value.NULL;
      case 2 -> Value.of(r.nextBoolean());
      case 3 -> Value.of(r.nextBoolean() ? r.nextInt(1000) - 500 : r.nextLong());
      case 4 -> Value.of(r.nextBoolean() ? r.nextInt(100) / 4.0 : r.nextDouble() * 1e6 - 5e5);
      case 5 -> Value.of(new BigDecimal(BigInteger.valueOf(r.nextLong()), r.nextInt(20) - 5));
      case 6 -> Value.of(string(r));
      case 7 ->
          Value.of(
              Instant.ofEpochSecond(
                  r.nextLong(-5_000_000_000L, 8_000_000_000L), r.nextInt(1_000_000_000)));
      case 8 -> Value.of(Duration.ofSeconds(r.nextLong(0, 1L << 40), r.nextInt(1_000_000_000)));
      case 9 -> Value.of(new UUID(r.nextLong(), r.nextLong()));
      case 10 -> {
        byte[] b = new byte[r.nextInt(8)];
        r.nextBytes(b);
        yield new BytesValue(b);
      }
      case 11 ->
          new GeometryValue(
              GeometryValue.Kind.POINT,
              Value.array(
                  Value.of(r.nextDouble() * 360 - 180), Value.of(r.nextDouble() * 180 - 90)));
      case 12 -> {
        List<Value> items = new ArrayList<>();
        for (int i = r.nextInt(4); i > 0; i--) {
          items.add(any(r, depth - 1));
        }
        yield Value.array(items);
      }
      case 13 -> {
        Map<String, Value> fields = new TreeMap<>();
        for (int i = r.nextInt(4); i > 0; i--) {
          fields.put(string(r), any(r, depth - 1));
        }
        yield Value.object(fields);
      }
      default ->
          switch (r.nextInt(3)) {
            case 0 -> RecordId.of("t" + r.nextInt(3), r.nextLong());
            case 1 -> RecordId.of("t" + r.nextInt(3), string(r));
            default -> new RecordId("t", Value.array(Value.of(string(r)), Value.of(r.nextInt(9))));
          };
    };
  }

  static String string(Random r) {
    String alphabet = "abcXYZ09 _-é€😀";
    StringBuilder sb = new StringBuilder();
    for (int i = r.nextInt(8); i > 0; i--) {
      sb.appendCodePoint(
          alphabet.codePointAt(
              alphabet.offsetByCodePoints(
                  0, r.nextInt(alphabet.codePointCount(0, alphabet.length())))));
    }
    return sb.toString();
  }
}
