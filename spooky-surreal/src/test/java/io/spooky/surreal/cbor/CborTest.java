package io.spooky.surreal.cbor;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.spooky.core.value.ArrayValue;
import io.spooky.core.value.BytesValue;
import io.spooky.core.value.DatetimeValue;
import io.spooky.core.value.DecimalValue;
import io.spooky.core.value.DurationValue;
import io.spooky.core.value.GeometryValue;
import io.spooky.core.value.RecordId;
import io.spooky.core.value.StringValue;
import io.spooky.core.value.UuidValue;
import io.spooky.core.value.Value;
import java.math.BigDecimal;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.UUID;
import org.junit.jupiter.api.Test;

class CborTest {
  private static final HexFormat HEX = HexFormat.of();

  private static Value roundTrip(Value v) {
    return Cbor.decode(Cbor.encode(v));
  }

  private static String hex(Value v) {
    return HEX.formatHex(Cbor.encode(v));
  }

  private static Value fromHex(String h) {
    return Cbor.decode(HEX.parseHex(h));
  }

  @Test
  void scalarsUseTheShortestRfc8949Heads() {
    assertThat(hex(Value.of(0))).isEqualTo("00");
    assertThat(hex(Value.of(23))).isEqualTo("17");
    assertThat(hex(Value.of(24))).isEqualTo("1818");
    assertThat(hex(Value.of(1000))).isEqualTo("1903e8");
    assertThat(hex(Value.of(1000000))).isEqualTo("1a000f4240");
    assertThat(hex(Value.of(1000000000000L))).isEqualTo("1b000000e8d4a51000");
    assertThat(hex(Value.of(-1))).isEqualTo("20");
    assertThat(hex(Value.of(-1000))).isEqualTo("3903e7");
    assertThat(hex(Value.of(Long.MIN_VALUE))).isEqualTo("3b7fffffffffffffff");
    assertThat(hex(Value.of(1.5))).isEqualTo("fb3ff8000000000000");
    assertThat(hex(Value.TRUE)).isEqualTo("f5");
    assertThat(hex(Value.FALSE)).isEqualTo("f4");
    assertThat(hex(Value.NULL)).isEqualTo("f6");
    assertThat(hex(Value.of("a"))).isEqualTo("6161");
    assertThat(hex(Value.of("ü"))).isEqualTo("62c3bc");
  }

  @Test
  void surrealTagsAreWrittenAsSurrealDbExpects() {
    assertThat(hex(Value.NONE)).isEqualTo("c6f6");
    assertThat(hex(Value.of(new BigDecimal("1.50")))).isEqualTo("ca64312e3530");
    assertThat(hex(Value.of(Instant.ofEpochSecond(1, 2)))).isEqualTo("cc820102");
    assertThat(hex(Value.of(Duration.ofSeconds(3, 4)))).isEqualTo("ce820304");
    assertThat(hex(RecordId.of("t", 1))).isEqualTo("c882617401");
    assertThat(hex(Value.of(new UUID(0x0102030405060708L, 0x090a0b0c0d0e0f10L))))
        .isEqualTo("d82550" + "0102030405060708090a0b0c0d0e0f10");
    assertThat(
            hex(
                new GeometryValue(
                    GeometryValue.Kind.POINT, Value.array(Value.of(1.0), Value.of(2.0)))))
        .isEqualTo("d85882fb3ff0000000000000fb4000000000000000");
  }

  @Test
  void everyValueTypeRoundTrips() {
    List<Value> samples =
        List.of(
            Value.NONE,
            Value.NULL,
            Value.TRUE,
            Value.FALSE,
            Value.of(0),
            Value.of(Long.MAX_VALUE),
            Value.of(Long.MIN_VALUE),
            Value.of(-0.0),
            Value.of(Double.NaN),
            Value.of(Double.POSITIVE_INFINITY),
            Value.of(3.141592653589793),
            Value.of(new BigDecimal("-12345678901234567890.123456789")),
            Value.of(""),
            Value.of("héllo 😀 wörld"),
            Value.of(Instant.parse("1969-07-20T20:17:40.123456789Z")),
            Value.of(Instant.parse("2262-04-11T23:47:16.854775807Z")),
            Value.of(Duration.ZERO),
            Value.of(Duration.ofDays(400).plusNanos(1)),
            Value.of(UUID.randomUUID()),
            RecordId.of("user", "tobie"),
            RecordId.of("user", -5),
            new RecordId("user", Value.of(UUID.randomUUID())),
            new RecordId("temp", Value.array(Value.of("london"), Value.of(2024))),
            new RecordId("temp", Value.object(Map.of("city", Value.of("paris")))),
            Value.array(),
            Value.array(Value.of(1), Value.NONE, Value.array(Value.NULL)),
            Value.object(Map.of()),
            Value.object(Map.of("a", Value.of(1), "b", Value.object(Map.of("c", Value.NONE)))),
            new BytesValue(new byte[] {}),
            new BytesValue(new byte[] {0, -1, 127, -128}),
            point(1, 2),
            geometry(GeometryValue.Kind.LINE, Value.array(xy(0, 0), xy(1, 1))),
            geometry(
                GeometryValue.Kind.POLYGON,
                Value.array(Value.array(xy(0, 0), xy(1, 0), xy(1, 1), xy(0, 0)))),
            geometry(GeometryValue.Kind.MULTIPOINT, Value.array(xy(0, 0), xy(5, 5))),
            geometry(
                GeometryValue.Kind.MULTILINE,
                Value.array(Value.array(xy(0, 0), xy(1, 1)), Value.array(xy(2, 2), xy(3, 3)))),
            geometry(
                GeometryValue.Kind.MULTIPOLYGON,
                Value.array(Value.array(Value.array(xy(0, 0), xy(1, 0), xy(0, 0))))),
            geometry(
                GeometryValue.Kind.COLLECTION,
                Value.array(
                    point(1, 2),
                    geometry(GeometryValue.Kind.LINE, Value.array(xy(0, 0), xy(1, 1))))));
    for (Value v : samples) {
      assertThat(roundTrip(v)).as("round trip of %s", v).isEqualTo(v);
    }
  }

  @Test
  void alternativeFormsFromOtherEncodersDecode() {
    // tag 0 RFC 3339 text, with an offset
    assertThat(fromHex("c0" + text("2024-01-02T03:04:05.5+01:00")))
        .isEqualTo(new DatetimeValue(Instant.parse("2024-01-02T02:04:05.5Z")));
    // tag 9 uuid text
    UUID u = UUID.randomUUID();
    assertThat(fromHex("c9" + text(u.toString()))).isEqualTo(new UuidValue(u));
    // tag 13 duration text
    assertThat(fromHex("cd" + text("1w2d3h4m5s6ms7us8ns")))
        .isEqualTo(
            new DurationValue(
                Duration.ofDays(9)
                    .plusHours(3)
                    .plusMinutes(4)
                    .plusSeconds(5)
                    .plusNanos(6_007_008)));
    // tag 14 / 12 with omitted parts
    assertThat(fromHex("ce80")).isEqualTo(new DurationValue(Duration.ZERO));
    assertThat(fromHex("cc8105")).isEqualTo(new DatetimeValue(Instant.ofEpochSecond(5)));
    // tag 7 table name, CBOR undefined, half and single floats
    assertThat(fromHex("c7" + text("user"))).isEqualTo(new StringValue("user"));
    assertThat(fromHex("f7")).isEqualTo(Value.NONE);
    assertThat(fromHex("f93c00")).isEqualTo(Value.of(1.0));
    assertThat(fromHex("f9c400")).isEqualTo(Value.of(-4.0));
    assertThat(fromHex("f90001")).isEqualTo(Value.of(5.960464477539063e-8));
    assertThat(fromHex("f97c00")).isEqualTo(Value.of(Double.POSITIVE_INFINITY));
    assertThat(fromHex("fa47c35000")).isEqualTo(Value.of(100000.0));
    // indefinite-length array, map, text and bytes
    assertThat(fromHex("9f0102ff")).isEqualTo(Value.array(Value.of(1), Value.of(2)));
    assertThat(fromHex("bf616101ff")).isEqualTo(Value.object(Map.of("a", Value.of(1))));
    assertThat(fromHex("7f616161626163ff")).isEqualTo(Value.of("abc"));
    assertThat(fromHex("5f4101420203ff")).isEqualTo(new BytesValue(new byte[] {1, 2, 3}));
    // record id as text, and a line whose points are untagged arrays
    assertThat(fromHex("c8" + text("user:tobie"))).isEqualTo(RecordId.of("user", "tobie"));
    assertThat(fromHex("d85982820102820304"))
        .isEqualTo(geometry(GeometryValue.Kind.LINE, Value.array(xy(1, 2), xy(3, 4))));
  }

  @Test
  void malformedInputIsRejectedWithTheOffset() {
    String[] bad = {
      "", // empty
      "18", // truncated argument
      "62c3", // truncated text
      "7805 4142", // ASCII text shorter than its length
      "79ffff 41", // ASCII text far shorter than its two-byte length
      "7f 6141 62c328 ff", // indefinite text with an invalid UTF-8 chunk
      "82 01", // array missing an item
      "0101", // trailing bytes
      "1c", // reserved additional info
      "ff", // break outside an indefinite item
      "62c328", // invalid UTF-8
      "a1 01 02", // non-string key
      "a2 6161 01 6161 02", // duplicate key
      "1bffffffffffffffff", // above Long.MAX_VALUE
      "3b8000000000000000", // below Long.MIN_VALUE
      "d863 01", // unknown tag 99
      "d831 82 01 02", // range tag 49
      "c6 01", // NONE wrapping a number
      "c8 83 6174 01 02", // record id with three parts
      "c8 82 6174 f5", // record id with a boolean key
      "d825 4101", // uuid of one byte
      "ca 6378797a", // decimal that is not a number
      "cc 82 01 1a3b9aca00", // nanos of 10^9
      "ce 82 20 00", // negative duration
      "cd 6331717a", // duration text with unknown unit
      "c0 63616263", // datetime text that is not RFC 3339
      "d858 83 01 02 03", // point with three coordinates
      "d85e 81 01", // collection holding a number
      "9b00000000ffffffff", // array count beyond the input
      "5a7fffffff", // byte string longer than the input
      "9f01", // indefinite array without break
      "7f 01 ff", // indefinite text holding a number chunk
      "f8 20", // simple value 32
    };
    for (String h : bad) {
      byte[] bytes = HEX.parseHex(h.replace(" ", ""));
      assertThatThrownBy(() -> Cbor.decode(bytes))
          .as("input %s", h)
          .isInstanceOf(CborException.class);
    }
  }

  @Test
  void hostileNestingIsRejected() {
    byte[] deep = new byte[100_000];
    java.util.Arrays.fill(deep, (byte) 0x81);
    assertThatThrownBy(() -> Cbor.decode(deep))
        .isInstanceOf(CborException.class)
        .hasMessageContaining("nesting deeper");
  }

  @Test
  void textOfEveryHeadLengthRoundTrips() {
    for (int n : new int[] {0, 1, 23, 24, 255, 256, 65_535, 65_536, 70_000}) {
      String ascii = "a".repeat(n);
      for (String s : List.of(ascii, ascii + "é", "é" + ascii, ascii + "\u007f")) {
        assertThat(Cbor.decode(Cbor.encode(Value.of(s))))
            .as("length %d", s.length())
            .isEqualTo(Value.of(s));
      }
    }
    // Indefinite-length text, in ASCII and non-ASCII chunks.
    assertThat(fromHex("7f616162c3a9ff")).isEqualTo(Value.of("aé"));
  }

  @Test
  void randomValuesRoundTrip() {
    long seed = System.nanoTime();
    Random random = new Random(seed);
    for (int i = 0; i < 2000; i++) {
      Value v = RandomValues.any(random, 3);
      assertThat(roundTrip(v)).as("seed=%d iteration=%d value=%s", seed, i, v).isEqualTo(v);
    }
  }

  @Test
  void truncatingAnEncodingAlwaysFailsCleanly() {
    long seed = System.nanoTime();
    Random random = new Random(seed);
    for (int i = 0; i < 500; i++) {
      byte[] full = Cbor.encode(RandomValues.any(random, 3));
      int cut = random.nextInt(full.length);
      byte[] part = java.util.Arrays.copyOf(full, cut);
      assertThatThrownBy(() -> Cbor.decode(part))
          .as("seed=%d iteration=%d", seed, i)
          .isInstanceOf(CborException.class);
    }
  }

  private static String text(String s) {
    byte[] b = s.getBytes(java.nio.charset.StandardCharsets.UTF_8);
    return HEX.formatHex(new byte[] {(byte) (0x78)})
        + String.format("%02x", b.length)
        + HEX.formatHex(b);
  }

  static ArrayValue xy(double x, double y) {
    return Value.array(Value.of(x), Value.of(y));
  }

  static GeometryValue point(double x, double y) {
    return new GeometryValue(GeometryValue.Kind.POINT, xy(x, y));
  }

  static GeometryValue geometry(GeometryValue.Kind kind, Value body) {
    return new GeometryValue(kind, body);
  }

  @Test
  void decimalsKeepTheirDigits() {
    Value v = roundTrip(Value.of(new BigDecimal("1e-30")));
    assertThat(((DecimalValue) v).value()).isEqualByComparingTo("0.000000000000000000000000000001");
    List<Value> many = new ArrayList<>();
    for (int i = 0; i < 70000; i++) {
      many.add(Value.of(i));
    }
    assertThat(roundTrip(Value.array(many))).isEqualTo(Value.array(many));
  }
}
