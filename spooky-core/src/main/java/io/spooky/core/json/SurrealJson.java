package io.spooky.core.json;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonGenerator;
import com.fasterxml.jackson.core.JsonLocation;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.JsonToken;
import io.spooky.core.value.ArrayValue;
import io.spooky.core.value.BoolValue;
import io.spooky.core.value.BytesValue;
import io.spooky.core.value.DatetimeValue;
import io.spooky.core.value.DecimalValue;
import io.spooky.core.value.DurationValue;
import io.spooky.core.value.Durations;
import io.spooky.core.value.FloatValue;
import io.spooky.core.value.GeometryValue;
import io.spooky.core.value.IntValue;
import io.spooky.core.value.NoneValue;
import io.spooky.core.value.NullValue;
import io.spooky.core.value.ObjectValue;
import io.spooky.core.value.RecordId;
import io.spooky.core.value.StringValue;
import io.spooky.core.value.SurrealQl;
import io.spooky.core.value.UuidValue;
import io.spooky.core.value.Value;
import io.spooky.core.value.Values;
import java.io.IOException;
import java.io.StringWriter;
import java.io.UncheckedIOException;
import java.math.BigDecimal;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * Values to and from JSON the way SurrealDB's JSON output renders them (its HTTP {@code /sql}
 * endpoint, {@code Value::into_json_value}). JSON cannot carry SurrealDB's types, so writing loses
 * them and reading does not restore them:
 *
 * <table>
 *   <caption>Rendering</caption>
 *   <tr><th>Value</th><th>JSON</th></tr>
 *   <tr><td>NONE, NULL</td><td>{@code null}</td></tr>
 *   <tr><td>int</td><td>number</td></tr>
 *   <tr><td>float</td><td>number; NaN and ±inf become {@code null}</td></tr>
 *   <tr><td>decimal</td><td>string of the normalized plain number, {@code "1.23"}</td></tr>
 *   <tr><td>duration</td><td>string, {@code "1h30m"} (see {@link Durations})</td></tr>
 *   <tr><td>datetime</td><td>RFC 3339 string, {@code "2024-01-01T00:00:00.500Z"}</td></tr>
 *   <tr><td>uuid</td><td>lowercase hyphenated string</td></tr>
 *   <tr><td>record id</td><td>string, {@code "user:tobie"}, {@code "user:⟨john doe⟩"}</td></tr>
 *   <tr><td>bytes</td><td>array of byte values 0..255</td></tr>
 *   <tr><td>geometry</td><td>GeoJSON object ({@code type} and {@code coordinates}/{@code
 *       geometries})</td></tr>
 * </table>
 *
 * <p>Reading maps {@code null} to NULL, integral numbers to int when they fit in 64 bits (to a
 * decimal otherwise), other numbers to float, strings to strings (never to datetimes or record
 * ids), arrays and objects to their counterparts. Thread-safe.
 */
public final class SurrealJson {
  private static final JsonFactory FACTORY = JsonFactory.builder().build();

  private SurrealJson() {}

  /** The JSON text of a value. */
  public static String write(Value v) {
    StringWriter out = new StringWriter();
    try (JsonGenerator g = FACTORY.createGenerator(out)) {
      write(v, g);
    } catch (IOException e) {
      throw new UncheckedIOException("writing to a string cannot fail", e);
    }
    return out.toString();
  }

  /** Streams a value to {@code g}; the caller owns (and closes) the generator. */
  public static void write(Value v, JsonGenerator g) throws IOException {
    switch (v) {
      case NoneValue n -> g.writeNull();
      case NullValue n -> g.writeNull();
      case BoolValue b -> g.writeBoolean(b.value());
      case IntValue i -> g.writeNumber(i.value());
      case FloatValue f -> {
        if (Double.isFinite(f.value())) {
          g.writeNumber(f.value());
        } else {
          g.writeNull();
        }
      }
      case DecimalValue d ->
          g.writeString(
              d.value().signum() == 0 ? "0" : d.value().stripTrailingZeros().toPlainString());
      case StringValue s -> g.writeString(s.value());
      case DurationValue d -> g.writeString(Durations.format(d.value()));
      case DatetimeValue t -> g.writeString(SurrealQl.datetime(t.value()));
      case UuidValue u -> g.writeString(u.value().toString());
      case ArrayValue a -> {
        g.writeStartArray(a, a.size());
        for (Value item : a.items()) {
          write(item, g);
        }
        g.writeEndArray();
      }
      case ObjectValue o -> {
        g.writeStartObject(o, o.fields().size());
        for (Map.Entry<String, Value> e : o.fields().entrySet()) {
          g.writeFieldName(e.getKey());
          write(e.getValue(), g);
        }
        g.writeEndObject();
      }
      case GeometryValue geo -> writeGeometry(geo, g);
      case BytesValue b -> {
        g.writeStartArray(b, b.length());
        for (int i = 0; i < b.length(); i++) {
          g.writeNumber(b.at(i) & 0xFF);
        }
        g.writeEndArray();
      }
      case RecordId r -> g.writeString(SurrealQl.recordId(r));
    }
  }

  private static void writeGeometry(GeometryValue geo, JsonGenerator g) throws IOException {
    g.writeStartObject();
    g.writeStringField("type", SurrealQl.geoJsonType(geo.kind()));
    if (geo.kind() == GeometryValue.Kind.COLLECTION) {
      g.writeFieldName("geometries");
      if (geo.coordinates() instanceof ArrayValue members) {
        g.writeStartArray();
        for (Value m : members.items()) {
          if (m instanceof GeometryValue member) {
            writeGeometry(member, g);
          } else {
            write(m, g);
          }
        }
        g.writeEndArray();
      } else {
        write(geo.coordinates(), g);
      }
    } else {
      g.writeFieldName("coordinates");
      writeCoordinates(geo.coordinates(), g);
    }
    g.writeEndObject();
  }

  /** Coordinates are floats in SurrealDB, so ints and decimals in them print as floats. */
  private static void writeCoordinates(Value v, JsonGenerator g) throws IOException {
    switch (v) {
      case ArrayValue a -> {
        g.writeStartArray();
        for (Value item : a.items()) {
          writeCoordinates(item, g);
        }
        g.writeEndArray();
      }
      case IntValue i -> g.writeNumber((double) i.value());
      case DecimalValue d -> g.writeNumber(d.value().doubleValue());
      default -> write(v, g);
    }
  }

  /**
   * Parses one JSON value.
   *
   * @throws JsonReadException if the text is not exactly one well-formed JSON value
   */
  public static Value read(String json) {
    try (JsonParser p = FACTORY.createParser(json)) {
      if (p.nextToken() == null) {
        throw new JsonReadException("no JSON value", 1, 1, null);
      }
      Value v = read(p);
      if (p.nextToken() != null) {
        JsonLocation at = p.currentTokenLocation();
        throw new JsonReadException(
            "unexpected content after the JSON value", at.getLineNr(), at.getColumnNr(), null);
      }
      return v;
    } catch (JsonProcessingException e) {
      JsonLocation at = e.getLocation();
      throw new JsonReadException(
          e.getOriginalMessage(),
          at == null ? -1 : at.getLineNr(),
          at == null ? -1 : at.getColumnNr(),
          e);
    } catch (IOException e) {
      throw new UncheckedIOException("reading from a string cannot fail", e);
    }
  }

  /**
   * Reads the value starting at the parser's current token (which must be set), leaving the parser
   * on the value's last token.
   */
  public static Value read(JsonParser p) throws IOException {
    JsonToken t = p.currentToken();
    if (t == null) {
      throw new IllegalStateException("the parser has no current token; call nextToken() first");
    }
    return switch (t) {
      case VALUE_NULL -> Value.NULL;
      case VALUE_TRUE -> Value.TRUE;
      case VALUE_FALSE -> Value.FALSE;
      case VALUE_STRING -> Value.of(p.getText());
      case VALUE_NUMBER_INT ->
          switch (p.getNumberType()) {
            case INT, LONG -> Value.of(p.getLongValue());
            default -> Value.of(new BigDecimal(p.getBigIntegerValue()));
          };
      case VALUE_NUMBER_FLOAT -> Value.of(p.getDoubleValue());
      case START_ARRAY -> {
        List<Value> items = new ArrayList<>();
        while (p.nextToken() != JsonToken.END_ARRAY) {
          items.add(read(p));
        }
        yield Value.array(items);
      }
      case START_OBJECT -> {
        TreeMap<String, Value> fields = new TreeMap<>(Values.stringOrder());
        while (p.nextToken() == JsonToken.FIELD_NAME) {
          String name = p.currentName();
          p.nextToken();
          fields.put(name, read(p));
        }
        yield new ObjectValue(fields);
      }
      default ->
          throw new JsonReadException(
              "unexpected token " + t,
              p.currentTokenLocation().getLineNr(),
              p.currentTokenLocation().getColumnNr(),
              null);
    };
  }
}
