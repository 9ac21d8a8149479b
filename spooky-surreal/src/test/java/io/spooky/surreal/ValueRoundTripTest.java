package io.spooky.surreal;

import static org.assertj.core.api.Assertions.assertThat;

import io.spooky.core.value.BytesValue;
import io.spooky.core.value.GeometryValue;
import io.spooky.core.value.RecordId;
import io.spooky.core.value.Value;
import io.spooky.devdb.DevSurreal;
import io.spooky.devdb.DevSurrealEndpoint;
import java.math.BigDecimal;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.junit.jupiter.api.Test;

/**
 * Every value type written by the Java client is stored as SurrealDB's own type: read back with the
 * Java client it is equal; SurrealDB's {@code type::is_*} agrees on the type; it equals the same
 * value written as a SurrealQL literal; and where SurrealDB has a canonical text form, {@code
 * <string>} matches it.
 */
@DevSurreal
class ValueRoundTripTest {

  /**
   * A value, the SurrealQL literal for it, its type predicate, and its {@code <string>} or null.
   */
  record Sample(Value value, String literal, String isFn, String asString) {}

  static List<Sample> samples() {
    UUID u = UUID.fromString("0190d9e0-1234-7abc-8def-0123456789ab");
    return List.of(
        new Sample(Value.NULL, "NULL", "type::is_null", "NULL"),
        new Sample(Value.TRUE, "true", "type::is_bool", "true"),
        new Sample(
            Value.of(-9_000_000_000_000_000_000L),
            "-9000000000000000000",
            "type::is_int",
            "-9000000000000000000"),
        new Sample(Value.of(42), "42", "type::is_int", "42"),
        new Sample(Value.of(1.5), "1.5f", "type::is_float", "1.5f"),
        new Sample(
            Value.of(new BigDecimal("12345678901234567890.125")),
            "12345678901234567890.125dec",
            "type::is_decimal",
            "12345678901234567890.125"),
        new Sample(
            Value.of("héllo 😀 'quoted'"),
            "\"héllo 😀 'quoted'\"",
            "type::is_string",
            "héllo 😀 'quoted'"),
        new Sample(
            Value.of(Instant.parse("2024-02-29T12:34:56.123456789Z")),
            "d'2024-02-29T12:34:56.123456789Z'",
            "type::is_datetime",
            "2024-02-29T12:34:56.123456789Z"),
        new Sample(
            Value.of(Duration.ofHours(1).plusMinutes(30).plusNanos(5)),
            "1h30m5ns",
            "type::is_duration",
            "1h30m5ns"),
        new Sample(Value.of(u), "u'" + u + "'", "type::is_uuid", u.toString()),
        new Sample(
            RecordId.of("person", "tobie"), "person:tobie", "type::is_record", "person:tobie"),
        new Sample(RecordId.of("person", 7), "person:7", "type::is_record", "person:7"),
        new Sample(
            new RecordId("temp", Value.array(Value.of("london"), Value.of(3))),
            "temp:['london', 3]",
            "type::is_record",
            null),
        new Sample(new RecordId("temp", Value.of(u)), "temp:u'" + u + "'", "type::is_record", null),
        new Sample(
            Value.array(Value.of(1), Value.of("a"), Value.NULL),
            "[1, 'a', NULL]",
            "type::is_array",
            null),
        new Sample(
            Value.object(Map.of("a", Value.of(1), "b", Value.object(Map.of("c", Value.TRUE)))),
            "{a: 1, b: {c: true}}",
            "type::is_object",
            null),
        new Sample(
            new BytesValue(new byte[] {0, (byte) 0xff, 0x10}),
            "b\"00FF10\"",
            "type::is_bytes",
            null),
        new Sample(
            new GeometryValue(GeometryValue.Kind.POINT, Value.array(Value.of(1.5), Value.of(-2.0))),
            "(1.5, -2.0)",
            "type::is_point",
            null),
        new Sample(
            new GeometryValue(GeometryValue.Kind.LINE, Value.array(xy(0, 0), xy(1, 1))),
            "{type: 'LineString', coordinates: [[0.0, 0.0], [1.0, 1.0]]}",
            "type::is_line",
            null),
        new Sample(
            new GeometryValue(
                GeometryValue.Kind.POLYGON,
                Value.array(Value.array(xy(0, 0), xy(1, 0), xy(1, 1), xy(0, 0)))),
            "{type: 'Polygon', coordinates: [[[0.0, 0.0], [1.0, 0.0], [1.0, 1.0], [0.0, 0.0]]]}",
            "type::is_polygon",
            null),
        new Sample(
            new GeometryValue(GeometryValue.Kind.MULTIPOINT, Value.array(xy(0, 0), xy(2, 2))),
            "{type: 'MultiPoint', coordinates: [[0.0, 0.0], [2.0, 2.0]]}",
            "type::is_multipoint",
            null),
        new Sample(
            new GeometryValue(
                GeometryValue.Kind.MULTILINE, Value.array(Value.array(xy(0, 0), xy(1, 1)))),
            "{type: 'MultiLineString', coordinates: [[[0.0, 0.0], [1.0, 1.0]]]}",
            "type::is_multiline",
            null),
        new Sample(
            new GeometryValue(
                GeometryValue.Kind.MULTIPOLYGON,
                Value.array(Value.array(Value.array(xy(0, 0), xy(1, 0), xy(1, 1), xy(0, 0))))),
            "{type: 'MultiPolygon', coordinates: [[[[0.0, 0.0], [1.0, 0.0], [1.0, 1.0], [0.0, 0.0]]]]}",
            "type::is_multipolygon",
            null),
        new Sample(
            new GeometryValue(
                GeometryValue.Kind.COLLECTION,
                Value.array(new GeometryValue(GeometryValue.Kind.POINT, xy(1, 2)))),
            "{type: 'GeometryCollection', geometries: [{type: 'Point', coordinates: [1.0, 2.0]}]}",
            "type::is_collection",
            null));
  }

  @Test
  void everyValueTypeSurvivesSurrealDbAndSurrealDbAgreesOnIt(DevSurrealEndpoint db) {
    try (SurrealClient s = DevClients.connect(db)) {
      List<Sample> samples = samples();
      for (int i = 0; i < samples.size(); i++) {
        Sample sample = samples.get(i);
        RecordId id = RecordId.of("rt", i);
        String checks =
            "CREATE $id SET v = $v RETURN NONE;"
                + "RETURN $id.v;"
                + "RETURN "
                + sample.isFn()
                + "($id.v);"
                + "RETURN $id.v == "
                + sample.literal()
                + ";"
                + (sample.asString() == null ? "" : "RETURN <string> $id.v;");
        List<QueryResult> r = s.query(checks, Map.of("id", id, "v", sample.value()));
        for (QueryResult q : r) {
          q.orThrow();
        }
        assertThat(r.get(1).value()).as("read back %s", sample).isEqualTo(sample.value());
        assertThat(r.get(2).value()).as("%s of %s", sample.isFn(), sample).isEqualTo(Value.TRUE);
        assertThat(r.get(3).value())
            .as("equal to the literal %s", sample.literal())
            .isEqualTo(Value.TRUE);
        if (sample.asString() != null) {
          assertThat(r.get(4).value())
              .as("<string> of %s", sample)
              .isEqualTo(Value.of(sample.asString()));
        }
      }
      // NONE is the absence of a field: writing it removes the field.
      s.query("CREATE rt:none SET v = 1; UPDATE rt:none SET v = $v", Map.of("v", Value.NONE));
      assertThat(s.queryValue("RETURN [rt:none.v, type::is_none(rt:none.v)]", Map.of()))
          .isEqualTo(Value.array(Value.NONE, Value.TRUE));
    }
  }

  private static Value xy(double x, double y) {
    return Value.array(Value.of(x), Value.of(y));
  }
}
