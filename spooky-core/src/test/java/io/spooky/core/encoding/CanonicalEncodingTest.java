package io.spooky.core.encoding;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.spooky.core.value.BytesValue;
import io.spooky.core.value.GeometryValue;
import io.spooky.core.value.ObjectValue;
import io.spooky.core.value.RandomValues;
import io.spooky.core.value.RecordId;
import io.spooky.core.value.Value;
import java.io.ByteArrayOutputStream;
import java.math.BigDecimal;
import java.time.Duration;
import java.time.Instant;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
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
