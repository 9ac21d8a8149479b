package io.spooky.core.value;

import java.math.BigDecimal;
import java.time.Instant;
import java.time.LocalDateTime;
import java.time.ZoneOffset;
import java.util.HexFormat;
import java.util.Map;

/**
 * Renders values as SurrealDB prints them in SurrealQL: record ids as {@code table:key} with
 * SurrealDB's escaping, datetimes in RFC 3339, and literals for the composite keys of record ids.
 *
 * <p>Record id parts (the table, and a string key) print bare when they consist of ASCII letters,
 * digits and {@code _} and are not all digits; otherwise they are wrapped in {@code ⟨…⟩} with
 * {@code ⟩} and {@code \} escaped by a backslash: {@code user:tobie}, {@code user:⟨123⟩}, {@code
 * user:⟨john doe⟩}. Int keys print as numbers ({@code user:123}), uuid keys as {@code u'…'}, array
 * and object keys as SurrealQL literals ({@code temp:['London', d'2022-08-29T08:03:39Z']}).
 *
 * <p>This is SurrealDB 3.0's default rendering. SurrealDB can instead print escaped record id parts
 * in backticks (its {@code ACCESSIBLE_OUTPUT} setting, and the default of later development
 * versions); a client comparing record id strings should compare parsed ids, not text.
 */
public final class SurrealQl {
  private SurrealQl() {}

  /** The record id as SurrealDB prints it, e.g. {@code user:tobie} or {@code user:⟨a b⟩}. */
  public static String recordId(RecordId id) {
    StringBuilder sb = new StringBuilder(id.table().length() + 16);
    appendRecordId(sb, id);
    return sb.toString();
  }

  /** The value as a SurrealQL literal, e.g. {@code 'text'}, {@code 1.5f}, {@code [1, 2]}. */
  public static String literal(Value v) {
    StringBuilder sb = new StringBuilder();
    appendLiteral(sb, v);
    return sb.toString();
  }

  /**
   * A part of a record id (a table or a string key), bare or in {@code ⟨…⟩} as SurrealDB escapes
   * it.
   */
  public static String escapeRecordPart(String s) {
    StringBuilder sb = new StringBuilder(s.length() + 2);
    appendRecordPart(sb, s);
    return sb.toString();
  }

  /**
   * RFC 3339 in UTC with a {@code Z} suffix and as many fractional digits as needed among 0, 3, 6
   * or 9, as SurrealDB prints datetimes: {@code 2024-01-01T00:00:00Z}, {@code
   * 2024-01-01T00:00:00.500Z}. Years outside 0000..9999 carry a sign: {@code +10000-…}.
   */
  public static String datetime(Instant t) {
    LocalDateTime dt = LocalDateTime.ofEpochSecond(t.getEpochSecond(), 0, ZoneOffset.UTC);
    StringBuilder sb = new StringBuilder(32);
    int year = dt.getYear();
    if (year >= 0 && year <= 9999) {
      pad(sb, year, 4);
    } else {
      sb.append(year < 0 ? '-' : '+');
      pad(sb, Math.abs(year), 4);
    }
    sb.append('-');
    pad(sb, dt.getMonthValue(), 2);
    sb.append('-');
    pad(sb, dt.getDayOfMonth(), 2);
    sb.append('T');
    pad(sb, dt.getHour(), 2);
    sb.append(':');
    pad(sb, dt.getMinute(), 2);
    sb.append(':');
    pad(sb, dt.getSecond(), 2);
    int nanos = t.getNano();
    if (nanos != 0) {
      sb.append('.');
      if (nanos % 1_000_000 == 0) {
        pad(sb, nanos / 1_000_000, 3);
      } else if (nanos % 1_000 == 0) {
        pad(sb, nanos / 1_000, 6);
      } else {
        pad(sb, nanos, 9);
      }
    }
    return sb.append('Z').toString();
  }

  private static void pad(StringBuilder sb, long n, int width) {
    String digits = Long.toString(n);
    for (int i = digits.length(); i < width; i++) {
      sb.append('0');
    }
    sb.append(digits);
  }

  static void appendRecordId(StringBuilder sb, RecordId id) {
    appendRecordPart(sb, id.table());
    sb.append(':');
    switch (id.key()) {
      case IntValue i -> sb.append(i.value());
      case StringValue s -> appendRecordPart(sb, s.value());
      default -> appendLiteral(sb, id.key());
    }
  }

  private static void appendRecordPart(StringBuilder sb, String s) {
    boolean plain = true;
    boolean allDigits = true;
    for (int i = 0; i < s.length(); i++) {
      char c = s.charAt(i);
      boolean digit = c >= '0' && c <= '9';
      boolean letter = (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z');
      if (!digit && !letter && c != '_') {
        plain = false;
      }
      if (!digit && c != '_') {
        allDigits = false;
      }
    }
    if (plain && !allDigits) {
      sb.append(s);
      return;
    }
    sb.append('⟨');
    appendEscaped(sb, s, '⟩');
    sb.append('⟩');
  }

  private static void appendEscaped(StringBuilder sb, String s, char quote) {
    for (int i = 0; i < s.length(); i++) {
      char c = s.charAt(i);
      if (c == quote || c == '\\') {
        sb.append('\\');
      }
      sb.append(c);
    }
  }

  private static void appendString(StringBuilder sb, String s) {
    char quote = s.indexOf('\'') >= 0 ? '"' : '\'';
    sb.append(quote);
    appendEscaped(sb, s, quote);
    sb.append(quote);
  }

  private static void appendKey(StringBuilder sb, String key) {
    boolean plain = key.isEmpty() || !(key.charAt(0) >= '0' && key.charAt(0) <= '9');
    for (int i = 0; plain && i < key.length(); i++) {
      char c = key.charAt(i);
      plain =
          (c >= '0' && c <= '9') || (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || c == '_';
    }
    if (plain) {
      sb.append(key);
    } else {
      sb.append('"');
      appendEscaped(sb, key, '"');
      sb.append('"');
    }
  }

  /** A float as Rust's {@code Display} prints it: shortest digits, never an exponent. */
  static String plainDouble(double d) {
    if (Double.isNaN(d)) {
      return "NaN";
    }
    if (Double.isInfinite(d)) {
      return d > 0 ? "inf" : "-inf";
    }
    if (d == 0) {
      return (1 / d) < 0 ? "-0" : "0";
    }
    return BigDecimal.valueOf(d).stripTrailingZeros().toPlainString();
  }

  private static void appendLiteral(StringBuilder sb, Value v) {
    switch (v) {
      case NoneValue n -> sb.append("NONE");
      case NullValue n -> sb.append("NULL");
      case BoolValue b -> sb.append(b.value());
      case IntValue i -> sb.append(i.value());
      case FloatValue f -> {
        sb.append(plainDouble(f.value()));
        if (Double.isFinite(f.value())) {
          sb.append('f');
        }
      }
      case DecimalValue d ->
          sb.append(d.value().signum() == 0 ? "0" : d.value().stripTrailingZeros().toPlainString())
              .append("dec");
      case StringValue s -> appendString(sb, s.value());
      case DurationValue d -> sb.append(Durations.format(d.value()));
      case DatetimeValue t -> sb.append("d'").append(datetime(t.value())).append('\'');
      case UuidValue u -> sb.append("u'").append(u.value()).append('\'');
      case ArrayValue a -> {
        sb.append('[');
        for (int i = 0; i < a.size(); i++) {
          if (i > 0) {
            sb.append(", ");
          }
          appendLiteral(sb, a.get(i));
        }
        sb.append(']');
      }
      case ObjectValue o -> {
        if (o.fields().isEmpty()) {
          sb.append("{}");
          return;
        }
        sb.append("{ ");
        boolean first = true;
        for (Map.Entry<String, Value> e : o.fields().entrySet()) {
          if (!first) {
            sb.append(", ");
          }
          first = false;
          appendKey(sb, e.getKey());
          sb.append(": ");
          appendLiteral(sb, e.getValue());
        }
        sb.append(" }");
      }
      case GeometryValue g -> appendGeometry(sb, g);
      case BytesValue b ->
          sb.append("b\"").append(HexFormat.of().withUpperCase().formatHex(b.bytes())).append('"');
      case RecordId r -> appendRecordId(sb, r);
    }
  }

  private static void appendGeometry(StringBuilder sb, GeometryValue g) {
    if (g.kind() == GeometryValue.Kind.POINT
        && g.coordinates() instanceof ArrayValue xy
        && xy.size() == 2) {
      sb.append('(');
      appendCoordinate(sb, xy.get(0));
      sb.append(", ");
      appendCoordinate(sb, xy.get(1));
      sb.append(')');
      return;
    }
    sb.append("{ type: '").append(geoJsonType(g.kind())).append("', ");
    sb.append(g.kind() == GeometryValue.Kind.COLLECTION ? "geometries: " : "coordinates: ");
    appendCoordinates(sb, g.coordinates());
    sb.append(" }");
  }

  private static void appendCoordinates(StringBuilder sb, Value v) {
    if (v instanceof ArrayValue a) {
      sb.append('[');
      for (int i = 0; i < a.size(); i++) {
        if (i > 0) {
          sb.append(", ");
        }
        appendCoordinates(sb, a.get(i));
      }
      sb.append(']');
    } else if (v instanceof GeometryValue g) {
      appendGeometry(sb, g);
    } else {
      appendCoordinate(sb, v);
    }
  }

  private static void appendCoordinate(StringBuilder sb, Value v) {
    switch (v) {
      case IntValue i -> sb.append(i.value());
      case FloatValue f -> sb.append(plainDouble(f.value()));
      case DecimalValue d -> sb.append(plainDouble(d.value().doubleValue()));
      default -> appendLiteral(sb, v);
    }
  }

  /** The GeoJSON {@code type} name of a geometry kind. */
  public static String geoJsonType(GeometryValue.Kind kind) {
    return switch (kind) {
      case POINT -> "Point";
      case LINE -> "LineString";
      case POLYGON -> "Polygon";
      case MULTIPOINT -> "MultiPoint";
      case MULTILINE -> "MultiLineString";
      case MULTIPOLYGON -> "MultiPolygon";
      case COLLECTION -> "GeometryCollection";
    };
  }
}
