package io.spooky.core.value;

import java.math.BigDecimal;
import java.math.BigInteger;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.UUID;

/**
 * Generates random values of every type for property tests, biased towards the cases that break
 * orderings and encodings: numerically equal ints, floats and decimals, signed zeros, NaN and
 * infinities, strings outside the BMP, nested record ids and geometries. Deterministic for a seed.
 */
public final class RandomValues {
  private static final String[] WORDS = {
    "",
    "a",
    "b",
    "ab",
    "id",
    "name",
    "Zed",
    "é",
    "\uFFFD",
    "\uD83D\uDE00",
    "x\uD83D\uDE00",
    "0",
    "_"
  };

  private final Random random;

  public RandomValues(long seed) {
    this.random = new Random(seed);
  }

  public Random random() {
    return random;
  }

  /** Any value, nested at most {@code depth} levels. */
  public Value any(int depth) {
    int kind = random.nextInt(depth > 0 ? 16 : 12);
    return switch (kind) {
      case 0 -> Value.NONE;
      case 1 -> Value.NULL;
      case 2 -> Value.of(random.nextBoolean());
      case 3, 4 -> number();
      case 5 -> Value.of(string());
      case 6 ->
          Value.of(Duration.ofSeconds(random.nextInt(1_000_000), random.nextInt(1_000_000_000)));
      case 7 -> Value.of(instant());
      case 8 -> Value.of(new UUID(smallOrAny(), smallOrAny()));
      case 9 -> bytes();
      case 10 -> RecordId.of(table(), random.nextInt(5));
      case 11 -> geometryPoint();
      case 12 -> array(depth - 1);
      case 13 -> object(depth - 1);
      case 14 -> recordId(depth - 1);
      default -> geometry(depth - 1);
    };
  }

  public Value number() {
    return switch (random.nextInt(9)) {
      case 0 -> Value.of((long) random.nextInt(7) - 3);
      case 1 -> Value.of((double) (random.nextInt(7) - 3));
      case 2 -> Value.of(BigDecimal.valueOf(random.nextInt(7) - 3).setScale(random.nextInt(3)));
      case 3 -> Value.of(random.nextLong());
      case 4 -> Value.of(random.nextGaussian() * 1e6);
      case 5 ->
          Value.of(
              new BigDecimal(new BigInteger(80, random), random.nextInt(40) - 10)
                  .multiply(BigDecimal.valueOf(random.nextBoolean() ? 1 : -1)));
      case 6 ->
          Value.of(
              new double[] {
                    Double.NaN,
                    Double.POSITIVE_INFINITY,
                    Double.NEGATIVE_INFINITY,
                    -0.0,
                    0.0,
                    0.5,
                    1e300,
                    Double.MIN_VALUE
                  }
                  [random.nextInt(8)]);
      case 7 ->
          Value.of(new BigDecimal(new double[] {0.5, 0.1, 2.5, -0.25}[random.nextInt(4)] + ""));
      default ->
          Value.of(
              new long[] {Long.MIN_VALUE, Long.MAX_VALUE, 1L << 53, (1L << 53) + 1}
                  [random.nextInt(4)]);
    };
  }

  public String string() {
    if (random.nextInt(4) == 0) {
      StringBuilder sb = new StringBuilder();
      int n = random.nextInt(6);
      for (int i = 0; i < n; i++) {
        sb.appendCodePoint(
            switch (random.nextInt(4)) {
              case 0 -> 'a' + random.nextInt(26);
              case 1 -> 0x80 + random.nextInt(0x700);
              case 2 -> 0xE000 + random.nextInt(0x1FFE);
              default -> 0x10000 + random.nextInt(0x10000);
            });
      }
      return sb.toString();
    }
    return WORDS[random.nextInt(WORDS.length)];
  }

  private String table() {
    return new String[] {"user", "post", "a", "b"}[random.nextInt(4)];
  }

  private Instant instant() {
    return Instant.ofEpochSecond(
        random.nextLong(-62_000_000_000L, 250_000_000_000L), random.nextInt(1_000_000_000));
  }

  private long smallOrAny() {
    return random.nextBoolean() ? random.nextInt(3) - 1 : random.nextLong();
  }

  private Value bytes() {
    byte[] b = new byte[random.nextInt(5)];
    random.nextBytes(b);
    return new BytesValue(b);
  }

  public ArrayValue array(int depth) {
    int n = random.nextInt(4);
    List<Value> items = new ArrayList<>();
    for (int i = 0; i < n; i++) {
      items.add(any(depth));
    }
    return new ArrayValue(items);
  }

  public ObjectValue object(int depth) {
    int n = random.nextInt(5);
    Map<String, Value> fields = new HashMap<>();
    for (int i = 0; i < n; i++) {
      fields.put(string(), any(depth));
    }
    return ObjectValue.of(fields);
  }

  public RecordId recordId(int depth) {
    Value key =
        switch (random.nextInt(5)) {
          case 0 -> Value.of((long) random.nextInt(100) - 50);
          case 1 -> Value.of(string());
          case 2 -> Value.of(new UUID(smallOrAny(), smallOrAny()));
          case 3 -> array(Math.max(0, depth));
          default -> object(Math.max(0, depth));
        };
    return new RecordId(table(), key);
  }

  private Value point() {
    return Value.array(Value.of(coordinate()), Value.of(coordinate()));
  }

  private double coordinate() {
    return random.nextInt(3) == 0
        ? random.nextInt(3)
        : random.nextInt(360) - 180 + random.nextDouble();
  }

  private GeometryValue geometryPoint() {
    return new GeometryValue(GeometryValue.Kind.POINT, point());
  }

  private ArrayValue points(int min) {
    List<Value> pts = new ArrayList<>();
    int n = min + random.nextInt(3);
    for (int i = 0; i < n; i++) {
      pts.add(point());
    }
    return new ArrayValue(pts);
  }

  private ArrayValue polygon() {
    List<Value> rings = new ArrayList<>();
    int n = 1 + random.nextInt(2);
    for (int i = 0; i < n; i++) {
      rings.add(points(3));
    }
    return new ArrayValue(rings);
  }

  public GeometryValue geometry(int depth) {
    GeometryValue.Kind kind = GeometryValue.Kind.values()[random.nextInt(depth > 0 ? 7 : 6)];
    Value coordinates =
        switch (kind) {
          case POINT -> point();
          case LINE, MULTIPOINT -> points(2);
          case POLYGON -> polygon();
          case MULTILINE -> Value.array(points(2), points(2));
          case MULTIPOLYGON -> Value.array(polygon());
          case COLLECTION -> {
            List<Value> members = new ArrayList<>();
            int n = random.nextInt(3);
            for (int i = 0; i < n; i++) {
              members.add(geometry(depth - 1));
            }
            yield new ArrayValue(members);
          }
        };
    return new GeometryValue(kind, coordinates);
  }
}
