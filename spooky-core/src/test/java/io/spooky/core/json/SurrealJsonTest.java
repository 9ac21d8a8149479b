package io.spooky.core.json;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.spooky.core.value.BytesValue;
import io.spooky.core.value.GeometryValue;
import io.spooky.core.value.IntValue;
import io.spooky.core.value.RecordId;
import io.spooky.core.value.SurrealQl;
import io.spooky.core.value.Value;
import java.math.BigDecimal;
import java.math.BigInteger;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.UUID;
import org.junit.jupiter.api.Test;

class SurrealJsonTest {
  private static final long SEED = Long.getLong("tests.seed", System.nanoTime());

  @Test
  void rendersScalarsAsSurrealDbDoes() {
    assertThat(SurrealJson.write(Value.NONE)).isEqualTo("null");
    assertThat(SurrealJson.write(Value.NULL)).isEqualTo("null");
    assertThat(SurrealJson.write(Value.TRUE)).isEqualTo("true");
    assertThat(SurrealJson.write(Value.of(Long.MIN_VALUE))).isEqualTo("-9223372036854775808");
    assertThat(SurrealJson.write(Value.of(1.23))).isEqualTo("1.23");
    assertThat(SurrealJson.write(Value.of(Double.NaN))).isEqualTo("null");
    assertThat(SurrealJson.write(Value.of(Double.NEGATIVE_INFINITY))).isEqualTo("null");
    assertThat(SurrealJson.write(Value.of(new BigDecimal("1.230")))).isEqualTo("\"1.23\"");
    assertThat(SurrealJson.write(Value.of(new BigDecimal("1E+3")))).isEqualTo("\"1000\"");
    assertThat(SurrealJson.write(Value.of("foo\"bar"))).isEqualTo("\"foo\\\"bar\"");
    assertThat(SurrealJson.write(Value.of(Duration.ZERO))).isEqualTo("\"0ns\"");
    assertThat(SurrealJson.write(Value.of(Duration.ofMinutes(90)))).isEqualTo("\"1h30m\"");
    assertThat(SurrealJson.write(Value.of(new UUID(-1, -1))))
        .isEqualTo("\"ffffffff-ffff-ffff-ffff-ffffffffffff\"");
    assertThat(SurrealJson.write(new BytesValue("foo".getBytes()))).isEqualTo("[102,111,111]");
  }

  @Test
  void rendersDatetimesInRfc3339WithAutomaticPrecision() {
    assertThat(SurrealQl.datetime(Instant.parse("2024-01-02T03:04:05Z")))
        .isEqualTo("2024-01-02T03:04:05Z");
    assertThat(SurrealQl.datetime(Instant.parse("2024-01-02T03:04:05.5Z")))
        .isEqualTo("2024-01-02T03:04:05.500Z");
    assertThat(SurrealQl.datetime(Instant.parse("2024-01-02T03:04:05.000123Z")))
        .isEqualTo("2024-01-02T03:04:05.000123Z");
    assertThat(SurrealQl.datetime(Instant.parse("1969-12-31T23:59:59.999999999Z")))
        .isEqualTo("1969-12-31T23:59:59.999999999Z");
    assertThat(SurrealQl.datetime(Instant.parse("-262143-01-01T00:00:00Z")))
        .isEqualTo("-262143-01-01T00:00:00Z");
    assertThat(SurrealQl.datetime(Instant.parse("+262142-12-31T23:59:59.999999999Z")))
        .isEqualTo("+262142-12-31T23:59:59.999999999Z");
    assertThat(SurrealJson.write(Value.of(Instant.parse("2024-01-02T03:04:05Z"))))
        .isEqualTo("\"2024-01-02T03:04:05Z\"");
  }

  @Test
  void rendersRecordIdsWithSurrealDbEscaping() {
    assertThat(SurrealJson.write(RecordId.of("foo", "bar"))).isEqualTo("\"foo:bar\"");
    assertThat(SurrealQl.recordId(RecordId.of("user", 123))).isEqualTo("user:123");
    assertThat(SurrealQl.recordId(RecordId.of("user", "123"))).isEqualTo("user:⟨123⟩");
    assertThat(SurrealQl.recordId(RecordId.of("user", "john doe"))).isEqualTo("user:⟨john doe⟩");
    assertThat(SurrealQl.recordId(RecordId.of("user", ""))).isEqualTo("user:⟨⟩");
    assertThat(SurrealQl.recordId(RecordId.of("user", "a⟩b\\"))).isEqualTo("user:⟨a\\⟩b\\\\⟩");
    assertThat(SurrealQl.recordId(RecordId.of("my-table", "x_1"))).isEqualTo("⟨my-table⟩:x_1");
    assertThat(
            SurrealQl.recordId(
                new RecordId(
                    "temp",
                    Value.array(
                        Value.of("London"), Value.of(Instant.parse("2022-08-29T08:03:39Z"))))))
        .isEqualTo("temp:['London', d'2022-08-29T08:03:39Z']");
    assertThat(
            SurrealQl.recordId(
                new RecordId(
                    "t", Value.object(Map.of("a", Value.of(1L), "b c", Value.of("it's"))))))
        .isEqualTo("t:{ a: 1, \"b c\": \"it's\" }");
    assertThat(SurrealQl.recordId(new RecordId("t", Value.of(new UUID(0, 1)))))
        .isEqualTo("t:u'00000000-0000-0000-0000-000000000001'");
    assertThat(SurrealQl.literal(Value.array(Value.of(1.5), Value.of(1.0), Value.NONE)))
        .isEqualTo("[1.5f, 1f, NONE]");
  }

  @Test
  void rendersGeometriesAsGeoJson() {
    assertThat(
            SurrealJson.write(
                new GeometryValue(
                    GeometryValue.Kind.POINT, Value.array(Value.of(10L), Value.of(20.0)))))
        .isEqualTo("{\"type\":\"Point\",\"coordinates\":[10.0,20.0]}");
    GeometryValue line =
        new GeometryValue(
            GeometryValue.Kind.LINE,
            Value.array(
                Value.array(Value.of(0.0), Value.of(0.0)),
                Value.array(Value.of(10.0), Value.of(0.0))));
    assertThat(
            SurrealJson.write(new GeometryValue(GeometryValue.Kind.COLLECTION, Value.array(line))))
        .isEqualTo(
            "{\"type\":\"GeometryCollection\",\"geometries\":[{\"type\":\"LineString\","
                + "\"coordinates\":[[0.0,0.0],[10.0,0.0]]}]}");
  }

  @Test
  void rendersNestedStructuresWithSortedKeys() {
    Value v =
        Value.object(
            Map.of(
                "id", RecordId.of("user", "tobie"),
                "tags", Value.array(Value.of("a"), Value.of(1L)),
                "age", Value.of(37L)));
    assertThat(SurrealJson.write(v))
        .isEqualTo("{\"age\":37,\"id\":\"user:tobie\",\"tags\":[\"a\",1]}");
  }

  @Test
  void readsJsonIntoValues() {
    Value v =
        SurrealJson.read(
            "{\"i\": 1, \"f\": 1.5, \"e\": 1e2, \"big\": 12345678901234567890, \"s\": \"x\","
                + " \"a\": [true, null, false], \"o\": {}}");
    assertThat(v)
        .isEqualTo(
            Value.object(
                Map.of(
                    "i", Value.of(1L),
                    "f", Value.of(1.5),
                    "e", Value.of(100.0),
                    "big", Value.of(new BigDecimal(new BigInteger("12345678901234567890"))),
                    "s", Value.of("x"),
                    "a", Value.array(Value.TRUE, Value.NULL, Value.FALSE),
                    "o", Value.object(Map.of()))));
    assertThat(SurrealJson.read("-9223372036854775808")).isEqualTo(Value.of(Long.MIN_VALUE));
    assertThat(SurrealJson.read("\"2024-01-01T00:00:00Z\""))
        .isEqualTo(Value.of("2024-01-01T00:00:00Z"));
  }

  @Test
  void reportsWhereJsonIsMalformed() {
    assertThatThrownBy(() -> SurrealJson.read("{\n  \"a\": [1,, 2]\n}"))
        .isInstanceOfSatisfying(JsonReadException.class, e -> assertThat(e.line()).isEqualTo(2));
    assertThatThrownBy(() -> SurrealJson.read("1 2")).isInstanceOf(JsonReadException.class);
    assertThatThrownBy(() -> SurrealJson.read("")).isInstanceOf(JsonReadException.class);
    assertThatThrownBy(() -> SurrealJson.read("{\"a\":")).isInstanceOf(JsonReadException.class);
  }

  @Test
  void jsonShapedValuesRoundTrip() {
    Random r = new Random(SEED);
    for (int i = 0; i < 2_000; i++) {
      Value v = jsonShaped(r, 3);
      assertThat(SurrealJson.read(SurrealJson.write(v))).as("%s seed=%d", v, SEED).isEqualTo(v);
    }
  }

  private static Value jsonShaped(Random r, int depth) {
    return switch (r.nextInt(depth > 0 ? 8 : 6)) {
      case 0 -> Value.NULL;
      case 1 -> Value.of(r.nextBoolean());
      case 2 -> Value.of(r.nextLong());
      case 3 -> Value.of(r.nextGaussian() * Math.pow(10, r.nextInt(40) - 20));
      case 4 -> Value.of(Long.toString(r.nextLong(), 36) + "\u00e9\n\"");
      case 5 -> new IntValue(r.nextInt(10));
      case 6 -> Value.array(List.of(jsonShaped(r, depth - 1), jsonShaped(r, depth - 1)));
      default ->
          Value.object(
              Map.of(
                  "k" + r.nextInt(5),
                  jsonShaped(r, depth - 1),
                  "\uD83D\uDE00",
                  jsonShaped(r, depth - 1)));
    };
  }
}
