package io.spooky.core.encoding;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.spooky.core.digest.ContentDigest;
import io.spooky.core.value.ArrayValue;
import io.spooky.core.value.BytesValue;
import io.spooky.core.value.DecimalValue;
import io.spooky.core.value.FloatValue;
import io.spooky.core.value.GeometryValue;
import io.spooky.core.value.ObjectValue;
import io.spooky.core.value.RandomValues;
import io.spooky.core.value.RecordId;
import io.spooky.core.value.StringValue;
import io.spooky.core.value.Value;
import io.spooky.core.value.Values;
import java.io.ByteArrayOutputStream;
import java.math.BigDecimal;
import java.math.BigInteger;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.TreeMap;
import java.util.UUID;
import org.junit.jupiter.api.Test;

class CanonicalEncodingTest {
  private static final long SEED = Long.getLong("tests.seed", System.nanoTime());

  private static String hex(Value v) {
    return HexFormat.of().formatHex(CanonicalEncoding.encode(v));
  }

  private static byte[] bytes(String hex) {
    return HexFormat.of().parseHex(hex);
  }

  @Test
  void workedExamplesMatchTheSpecification() {
    assertThat(hex(Value.NONE)).isEqualTo("00");
    assertThat(hex(Value.NULL)).isEqualTo("01");
    assertThat(hex(Value.FALSE)).isEqualTo("02");
    assertThat(hex(Value.TRUE)).isEqualTo("03");
    assertThat(hex(Value.of(0L))).isEqualTo("0400");
    assertThat(hex(Value.of(1L))).isEqualTo("0402");
    assertThat(hex(Value.of(-1L))).isEqualTo("0401");
    assertThat(hex(Value.of(300L))).isEqualTo("04d804");
    assertThat(hex(Value.of(Long.MIN_VALUE))).isEqualTo("04ffffffffffffffffff01");
    assertThat(hex(Value.of(1.0))).isEqualTo("053ff0000000000000");
    assertThat(hex(Value.of(-0.0))).isEqualTo("058000000000000000");
    assertThat(hex(Value.of(Double.NaN))).isEqualTo("057ff8000000000000");
    assertThat(hex(Value.of(new BigDecimal("1.50")))).isEqualTo("0602010f");
    assertThat(hex(Value.of(new BigDecimal("-100")))).isEqualTo("060301ff");
    assertThat(hex(Value.of(new BigDecimal("0.000")))).isEqualTo("06000100");
    assertThat(hex(Value.of("héllo"))).isEqualTo("070668c3a96c6c6f");
    assertThat(hex(Value.of(Duration.ofSeconds(90, 5)))).isEqualTo("085a05");
    assertThat(hex(Value.of(Instant.parse("1969-12-31T23:59:59.5Z")))).isEqualTo("090180cab5ee01");
    assertThat(hex(Value.of(new UUID(0x0123456789abcdefL, 0xfedcba9876543210L))))
        .isEqualTo("0a0123456789abcdeffedcba9876543210");
    assertThat(hex(Value.array(Value.of(1L), Value.of("a")))).isEqualTo("0b0204020701" + "61");
    assertThat(hex(Value.object(Map.of("b", Value.of(1L), "a", Value.TRUE))))
        .isEqualTo("0c02016103016204" + "02");
    assertThat(
            hex(
                new GeometryValue(
                    GeometryValue.Kind.POINT, Value.array(Value.of(1L), Value.of(2L)))))
        .isEqualTo("0d000b0204020404");
    assertThat(hex(new BytesValue(new byte[] {0, (byte) 0xff}))).isEqualTo("0e0200ff");
    assertThat(hex(RecordId.of("user", "tobie"))).isEqualTo("0f0475736572070574" + "6f626965");
    assertThat(hex(new RecordId("t", Value.array(Value.of(1L))))).isEqualTo("0f01740b010402");
  }

  @Test
  void stringsWithUnpairedSurrogatesCannotBeEncoded() {
    for (String bad : List.of("a\uD800", "\uDC00x", "é\uD800?", "?\uDBFF")) {
      assertThatThrownBy(() -> CanonicalEncoding.encode(Value.of(bad)))
          .isInstanceOf(IllegalArgumentException.class);
    }
    Random r = new Random(SEED);
    for (int i = 0; i < 200; i++) {
      StringBuilder sb = new StringBuilder("x".repeat(r.nextInt(40)));
      sb.insert(r.nextInt(sb.length() + 1), (char) (0xD800 + r.nextInt(0x800)));
      String bad = sb.toString();
      assertThatThrownBy(() -> CanonicalEncoding.encode(Value.of(bad)))
          .as("%s seed=%d", bad, SEED)
          .isInstanceOf(IllegalArgumentException.class);
    }
    for (String good : List.of("a?", "?", "é?\uD83D\uDE00", "\uD83D\uDE00", "0123456789?")) {
      assertThat(CanonicalEncoding.decode(CanonicalEncoding.encode(Value.of(good))))
          .isEqualTo(Value.of(good));
    }
  }

  @Test
  void randomValuesRoundTripAndReencodeIdentically() {
    RandomValues gen = new RandomValues(SEED);
    for (int i = 0; i < 5_000; i++) {
      Value v = gen.any(4);
      byte[] b = CanonicalEncoding.encode(v);
      Value back = CanonicalEncoding.decode(b);
      assertThat(back).as("round trip of %s seed=%d", v, SEED).isEqualTo(v);
      assertThat(CanonicalEncoding.encode(back)).as("re-encode %s seed=%d", v, SEED).isEqualTo(b);
    }
  }

  @Test
  void encodingIsIndependentOfInsertionOrderAndRepresentation() {
    Map<String, Value> forward = new LinkedHashMap<>();
    Map<String, Value> backward = new LinkedHashMap<>();
    List<String> keys = List.of("z", "a", "\uD83D\uDE00", "\uFFFD", "m", "");
    for (int i = 0; i < keys.size(); i++) {
      forward.put(keys.get(i), Value.of((long) i));
    }
    for (int i = keys.size() - 1; i >= 0; i--) {
      backward.put(keys.get(i), Value.of((long) i));
    }
    assertThat(CanonicalEncoding.encode(ObjectValue.of(forward)))
        .isEqualTo(CanonicalEncoding.encode(ObjectValue.of(backward)));
    assertThat(CanonicalEncoding.encode(Value.of(new BigDecimal("2.5000"))))
        .isEqualTo(CanonicalEncoding.encode(Value.of(new BigDecimal("25E-1"))));
    assertThat(CanonicalEncoding.encode(Value.of(Double.longBitsToDouble(0x7ff0000000000001L))))
        .isEqualTo(CanonicalEncoding.encode(Value.of(Double.NaN)));
  }

  /**
   * Rebuilds {@code v} as a different but equal Java value: every object from a map filled in a
   * random order (alternately through {@link ObjectValue#of} and the constructor with a map in
   * UTF-16 order), every decimal with extra trailing zeros, every NaN with other payload bits and
   * every string as a fresh copy.
   */
  private static Value rebuilt(Value v, Random r) {
    return switch (v) {
      case ObjectValue o -> {
        List<String> keys = new ArrayList<>(o.fields().keySet());
        Collections.shuffle(keys, r);
        Map<String, Value> fields = new LinkedHashMap<>();
        for (String k : keys) {
          fields.put(new String(k.toCharArray()), rebuilt(o.fields().get(k), r));
        }
        yield r.nextBoolean() ? ObjectValue.of(fields) : new ObjectValue(new TreeMap<>(fields));
      }
      case ArrayValue a -> {
        List<Value> items = new ArrayList<>();
        for (Value item : a.items()) {
          items.add(rebuilt(item, r));
        }
        yield new ArrayValue(items);
      }
      case RecordId id -> new RecordId(new String(id.table().toCharArray()), rebuilt(id.key(), r));
      case GeometryValue g -> new GeometryValue(g.kind(), rebuilt(g.coordinates(), r));
      case DecimalValue d -> {
        int extra = r.nextInt(4);
        BigInteger unscaled = d.value().unscaledValue().multiply(BigInteger.TEN.pow(extra));
        yield Value.of(new BigDecimal(unscaled, d.value().scale() + extra));
      }
      case FloatValue f when Double.isNaN(f.value()) ->
          Value.of(Double.longBitsToDouble(0x7ff0000000000001L | r.nextLong(1L << 51)));
      case StringValue s -> Value.of(new String(s.value().toCharArray()));
      default -> v;
    };
  }

  @Test
  void equalValuesEncodeAndDigestIdenticallyWhateverTheirConstruction() {
    RandomValues gen = new RandomValues(SEED);
    Random r = gen.random();
    for (int i = 0; i < 3_000; i++) {
      Value v = gen.any(4);
      Value same = rebuilt(v, r);
      assertThat(same).as("rebuilt %s seed=%d", v, SEED).isEqualTo(v);
      assertThat(CanonicalEncoding.encode(same))
          .as("encoding of %s rebuilt, seed=%d", v, SEED)
          .isEqualTo(CanonicalEncoding.encode(v));
      assertThat(ContentDigest.of(same)).isEqualTo(ContentDigest.of(v));
    }
  }

  @Test
  void numericallyEqualNumbersEncodeAlikeOnlyWithinOneType() {
    Random r = new Random(SEED);
    for (int i = 0; i < 1_000; i++) {
      long k = r.nextInt(2_000_001) - 1_000_000;
      Value asInt = Value.of(k);
      Value asFloat = Value.of((double) k);
      Value asDecimal = Value.of(BigDecimal.valueOf(k).setScale(r.nextInt(5)));
      Value asOtherDecimal = Value.of(new BigDecimal(k + ".000"));
      // SurrealDB's = holds across the three types ...
      assertThat(Values.equal(asInt, asFloat) && Values.equal(asFloat, asDecimal)).isTrue();
      // ... but the encoding is type-strict, and normalizes decimals.
      byte[] i8 = CanonicalEncoding.encode(asInt);
      byte[] f8 = CanonicalEncoding.encode(asFloat);
      byte[] d8 = CanonicalEncoding.encode(asDecimal);
      assertThat(i8).as("k=%d seed=%d", k, SEED).isNotEqualTo(f8).isNotEqualTo(d8);
      assertThat(f8).isNotEqualTo(d8);
      assertThat(CanonicalEncoding.encode(asOtherDecimal)).isEqualTo(d8);
    }
  }

  /**
   * The bytes section 1.2 of PROTOCOL.md gives for a string, built independently of the encoder.
   */
  private static byte[] expectedString(String s) {
    byte[] utf8 = s.getBytes(StandardCharsets.UTF_8);
    ByteBuffer out = ByteBuffer.allocate(utf8.length + 11);
    out.put((byte) 0x07);
    long n = utf8.length;
    while (n >= 0x80) {
      out.put((byte) (n & 0x7F | 0x80));
      n >>>= 7;
    }
    out.put((byte) n).put(utf8);
    return java.util.Arrays.copyOf(out.array(), out.position());
  }

  @Test
  void stringsOfEveryLengthAndMixEncodeAsLengthThenUtf8() {
    Random r = new Random(SEED);
    EncodingBuffer reused = new EncodingBuffer(16);
    for (int i = 0; i < 3_000; i++) {
      int n = i < 300 ? i % 150 : r.nextInt(r.nextBoolean() ? 70 : 20_000);
      StringBuilder sb = new StringBuilder();
      for (int j = 0; j < n; j++) {
        sb.append((char) (' ' + r.nextInt(95)));
      }
      if (n > 0 && r.nextBoolean()) {
        int at = r.nextInt(n);
        String other =
            new String[] {"é", "\u00ff", "\u0141", "\uFFFD", "\uD83D\uDE00"}[r.nextInt(5)];
        sb.replace(at, at + 1, other);
      }
      String s = sb.toString();
      byte[] expected = expectedString(s);
      assertThat(CanonicalEncoding.encode(Value.of(s)))
          .as("length %d seed=%d", n, SEED)
          .isEqualTo(expected);
      reused.reset();
      CanonicalEncoding.encode(Value.of(s), reused);
      assertThat(reused.toByteArray()).isEqualTo(expected);
    }
  }

  @Test
  void floatsAreTheirBitsBigEndian() {
    Random r = new Random(SEED);
    for (int i = 0; i < 1_000; i++) {
      double d = Double.longBitsToDouble(r.nextLong());
      long bits = Double.isNaN(d) ? 0x7ff8000000000000L : Double.doubleToRawLongBits(d);
      byte[] expected = ByteBuffer.allocate(9).put((byte) 0x05).putLong(bits).array();
      assertThat(CanonicalEncoding.encode(Value.of(d))).as("%s", d).isEqualTo(expected);
    }
  }

  @Test
  void numbersOfDifferentTypesEncodeDistinctly() {
    byte[] i = CanonicalEncoding.encode(Value.of(1L));
    byte[] f = CanonicalEncoding.encode(Value.of(1.0));
    byte[] d = CanonicalEncoding.encode(Value.of(BigDecimal.ONE));
    assertThat(i).isNotEqualTo(f).isNotEqualTo(d);
    assertThat(f).isNotEqualTo(d);
    assertThat(CanonicalEncoding.encode(Value.of(-0.0)))
        .isNotEqualTo(CanonicalEncoding.encode(Value.of(0.0)));
  }

  @Test
  void timesRoundTripAtTheEdges() {
    for (Instant t :
        List.of(
            Instant.MIN,
            Instant.MAX,
            Instant.EPOCH,
            Instant.parse("1969-12-31T23:59:59.999999999Z"),
            Instant.parse("0001-01-01T00:00:00.000000001Z"))) {
      assertThat(CanonicalEncoding.decode(CanonicalEncoding.encode(Value.of(t))))
          .isEqualTo(Value.of(t));
    }
    Duration max = Duration.ofSeconds(Long.MAX_VALUE, 999_999_999);
    assertThat(CanonicalEncoding.decode(CanonicalEncoding.encode(Value.of(max))))
        .isEqualTo(Value.of(max));
  }

  @Test
  void streamAndBufferFormsAgree() throws Exception {
    Value v = new RandomValues(SEED).object(3);
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    CanonicalEncoding.encode(v, out);
    assertThat(out.toByteArray()).isEqualTo(CanonicalEncoding.encode(v));
  }

  @Test
  void malformedInputIsRejectedWithATypedException() {
    List<String> bad =
        List.of(
            "", // nothing
            "10", // unknown tag
            "0400ff", // trailing byte
            "04", // truncated varint
            "048000", // overlong varint
            "04ffffffffffffffffff02", // varint beyond 64 bits
            "05000000", // truncated float
            "057ff0000000000001", // non-canonical NaN
            "0602011e", // decimal 3.0 not normalized (unscaled 30, scale 1)
            "06020200 0f".replace(" ", ""), // decimal magnitude not minimal
            "070180", // invalid UTF-8
            "0705616263", // string length beyond input
            "0c020162000161" + "00", // keys out of order
            "0c0201610001610" + "0", // duplicate keys
            "08008094ebdc03", // nanos = 1e9
            "0d0700", // unknown geometry kind
            "0f0174" + "03", // record key of a bool
            "0b05", // more elements than bytes
            "0cffffffffffffffffff01", // a count that is negative as a signed 64-bit
            "06ffffffff0f01" + "0a"); // decimal 10 at the lowest scale: normalizing overflows
    for (String h : bad) {
      assertThatThrownBy(() -> CanonicalEncoding.decode(bytes(h)))
          .as("input %s", h)
          .isInstanceOf(CanonicalEncodingException.class);
    }
    byte[] deep = new byte[2 * (CanonicalEncoding.MAX_DEPTH + 2)];
    for (int i = 0; i < deep.length - 1; i++) {
      deep[i] = 0x0b;
      deep[++i] = 0x01;
    }
    assertThatThrownBy(() -> CanonicalEncoding.decode(deep))
        .isInstanceOf(CanonicalEncodingException.class);
  }

  @Test
  void mutatedEncodingsEitherDecodeCanonicallyOrFailTyped() {
    RandomValues gen = new RandomValues(SEED);
    Random r = gen.random();
    for (int i = 0; i < 3_000; i++) {
      byte[] b = CanonicalEncoding.encode(gen.any(3));
      byte[] m = b.clone();
      int cut = r.nextInt(3) == 0 ? r.nextInt(m.length) : m.length;
      m = java.util.Arrays.copyOf(m, cut);
      if (m.length > 0) {
        m[r.nextInt(m.length)] ^= (byte) (1 << r.nextInt(8));
      }
      try {
        Value v = CanonicalEncoding.decode(m);
        assertThat(CanonicalEncoding.encode(v))
            .as("accepted input must be canonical, seed=%d", SEED)
            .isEqualTo(m);
      } catch (CanonicalEncodingException expected) {
        assertThat(expected.offset()).isBetween(0, m.length);
      }
    }
  }
}
