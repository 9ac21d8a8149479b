package io.spooky.surreal.cbor;

import io.spooky.core.value.ArrayValue;
import io.spooky.core.value.BoolValue;
import io.spooky.core.value.BytesValue;
import io.spooky.core.value.DatetimeValue;
import io.spooky.core.value.DecimalValue;
import io.spooky.core.value.DurationValue;
import io.spooky.core.value.FloatValue;
import io.spooky.core.value.GeometryValue;
import io.spooky.core.value.IntValue;
import io.spooky.core.value.NoneValue;
import io.spooky.core.value.NullValue;
import io.spooky.core.value.ObjectValue;
import io.spooky.core.value.RecordId;
import io.spooky.core.value.StringValue;
import io.spooky.core.value.UuidValue;
import io.spooky.core.value.Value;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.Arrays;
import java.util.Map;
import java.util.UUID;

/**
 * Writes values as CBOR into a growable buffer. Not thread-safe; one instance per message.
 *
 * <p>Canonical choices: integers and lengths use the shortest head; floats are always written as
 * 64-bit doubles (SurrealDB's float is a double, so no precision is ever lost); datetimes and
 * durations use the compact tags 12 and 14; uuids the binary tag 37; decimals tag 10 with plain
 * text (no exponent).
 */
final class CborEncoder {
  private byte[] buf;
  private int len;

  CborEncoder(int initialCapacity) {
    buf = new byte[Math.max(16, initialCapacity)];
  }

  byte[] toByteArray() {
    return Arrays.copyOf(buf, len);
  }

  void writeRequest(long id, String method, java.util.List<?> params) {
    head(5, 3);
    writeText("id");
    writeLong(id);
    writeText("method");
    writeText(method);
    writeText("params");
    head(4, params.size());
    for (Object p : params) {
      switch (p) {
        case Value v -> write(v);
        case TableName t -> {
          head(6, SurrealTags.TABLE);
          writeText(t.name());
        }
        default ->
            throw new IllegalArgumentException(
                "an RPC parameter is a Value or a TableName, not " + p.getClass().getName());
      }
    }
  }

  void write(Value value) {
    switch (value) {
      case NoneValue n -> {
        head(6, SurrealTags.NONE);
        put(0xF6);
      }
      case NullValue n -> put(0xF6);
      case BoolValue b -> put(b.value() ? 0xF5 : 0xF4);
      case IntValue i -> writeLong(i.value());
      case FloatValue f -> writeDouble(f.value());
      case DecimalValue d -> {
        head(6, SurrealTags.DECIMAL_TEXT);
        writeText(d.value().toPlainString());
      }
      case StringValue s -> writeText(s.value());
      case DatetimeValue d -> {
        Instant t = d.value();
        head(6, SurrealTags.DATETIME_COMPACT);
        head(4, 2);
        writeLong(t.getEpochSecond());
        writeLong(t.getNano());
      }
      case DurationValue d -> {
        Duration v = d.value();
        head(6, SurrealTags.DURATION_COMPACT);
        head(4, 2);
        writeLong(v.getSeconds());
        writeLong(v.getNano());
      }
      case UuidValue u -> writeUuid(u.value());
      case RecordId r -> {
        head(6, SurrealTags.RECORD_ID);
        head(4, 2);
        writeText(r.table());
        write(r.key());
      }
      case ArrayValue a -> {
        head(4, a.size());
        for (Value item : a.items()) {
          write(item);
        }
      }
      case ObjectValue o -> {
        head(5, o.fields().size());
        for (Map.Entry<String, Value> e : o.fields().entrySet()) {
          writeText(e.getKey());
          write(e.getValue());
        }
      }
      case BytesValue b -> {
        head(2, b.length());
        ensure(b.length());
        for (int i = 0; i < b.length(); i++) {
          buf[len++] = b.at(i);
        }
      }
      case GeometryValue g -> writeGeometry(g.kind(), g.coordinates());
    }
  }

  /**
   * Geometries nest tagged geometries: a line is an array of tagged points, a polygon an array of
   * tagged lines, and so on. The value model keeps untagged nested coordinate arrays, so the tags
   * are re-created here from the kind.
   */
  private void writeGeometry(GeometryValue.Kind kind, Value body) {
    switch (kind) {
      case POINT -> {
        head(6, SurrealTags.GEOMETRY_POINT);
        ArrayValue xy = asArray(body, kind);
        if (xy.size() != 2) {
          throw new IllegalArgumentException("a point has two coordinates, got " + xy.size());
        }
        head(4, 2);
        writeDouble(number(xy.get(0)));
        writeDouble(number(xy.get(1)));
      }
      case LINE -> writeNested(SurrealTags.GEOMETRY_LINE, body, GeometryValue.Kind.POINT, kind);
      case POLYGON ->
          writeNested(SurrealTags.GEOMETRY_POLYGON, body, GeometryValue.Kind.LINE, kind);
      case MULTIPOINT ->
          writeNested(SurrealTags.GEOMETRY_MULTIPOINT, body, GeometryValue.Kind.POINT, kind);
      case MULTILINE ->
          writeNested(SurrealTags.GEOMETRY_MULTILINE, body, GeometryValue.Kind.LINE, kind);
      case MULTIPOLYGON ->
          writeNested(SurrealTags.GEOMETRY_MULTIPOLYGON, body, GeometryValue.Kind.POLYGON, kind);
      case COLLECTION -> {
        head(6, SurrealTags.GEOMETRY_COLLECTION);
        ArrayValue members = asArray(body, kind);
        head(4, members.size());
        for (Value member : members.items()) {
          if (!(member instanceof GeometryValue g)) {
            throw new IllegalArgumentException(
                "a geometry collection holds geometries, not " + member.typeName());
          }
          writeGeometry(g.kind(), g.coordinates());
        }
      }
    }
  }

  private void writeNested(
      long tag, Value body, GeometryValue.Kind inner, GeometryValue.Kind kind) {
    head(6, tag);
    ArrayValue parts = asArray(body, kind);
    head(4, parts.size());
    for (Value part : parts.items()) {
      writeGeometry(inner, part);
    }
  }

  private static ArrayValue asArray(Value v, GeometryValue.Kind kind) {
    if (v instanceof ArrayValue a) {
      return a;
    }
    throw new IllegalArgumentException(
        "the coordinates of a " + kind + " are an array, not " + v.typeName());
  }

  private static double number(Value v) {
    return switch (v) {
      case FloatValue f -> f.value();
      case IntValue i -> i.value();
      case DecimalValue d -> d.value().doubleValue();
      default ->
          throw new IllegalArgumentException("a coordinate is a number, not " + v.typeName());
    };
  }

  private void writeUuid(UUID u) {
    head(6, SurrealTags.UUID_BINARY);
    head(2, 16);
    ensure(16);
    long hi = u.getMostSignificantBits();
    long lo = u.getLeastSignificantBits();
    for (int i = 7; i >= 0; i--) {
      buf[len++] = (byte) (hi >>> (i * 8));
    }
    for (int i = 7; i >= 0; i--) {
      buf[len++] = (byte) (lo >>> (i * 8));
    }
  }

  private void writeLong(long v) {
    if (v >= 0) {
      head(0, v);
    } else {
      head(1, -1 - v);
    }
  }

  private void writeDouble(double d) {
    ensure(9);
    buf[len++] = (byte) 0xFB;
    long bits = Double.doubleToRawLongBits(d);
    for (int i = 7; i >= 0; i--) {
      buf[len++] = (byte) (bits >>> (i * 8));
    }
  }

  private void writeText(String s) {
    int n = s.length();
    boolean ascii = true;
    for (int i = 0; i < n; i++) {
      if (s.charAt(i) >= 0x80) {
        ascii = false;
        break;
      }
    }
    if (ascii) {
      head(3, n);
      ensure(n);
      for (int i = 0; i < n; i++) {
        buf[len++] = (byte) s.charAt(i);
      }
    } else {
      byte[] utf8 = s.getBytes(StandardCharsets.UTF_8);
      head(3, utf8.length);
      ensure(utf8.length);
      System.arraycopy(utf8, 0, buf, len, utf8.length);
      len += utf8.length;
    }
  }

  /** An item head: major type and argument, in the shortest form. {@code arg} is unsigned. */
  private void head(int major, long arg) {
    ensure(9);
    int mt = major << 5;
    if (arg >= 0 && arg < 24) {
      buf[len++] = (byte) (mt | arg);
    } else if (arg >= 0 && arg <= 0xFF) {
      buf[len++] = (byte) (mt | 24);
      buf[len++] = (byte) arg;
    } else if (arg >= 0 && arg <= 0xFFFF) {
      buf[len++] = (byte) (mt | 25);
      buf[len++] = (byte) (arg >>> 8);
      buf[len++] = (byte) arg;
    } else if (arg >= 0 && arg <= 0xFFFFFFFFL) {
      buf[len++] = (byte) (mt | 26);
      for (int i = 3; i >= 0; i--) {
        buf[len++] = (byte) (arg >>> (i * 8));
      }
    } else {
      buf[len++] = (byte) (mt | 27);
      for (int i = 7; i >= 0; i--) {
        buf[len++] = (byte) (arg >>> (i * 8));
      }
    }
  }

  private void put(int b) {
    ensure(1);
    buf[len++] = (byte) b;
  }

  private void ensure(int extra) {
    if (len + extra > buf.length) {
      buf = Arrays.copyOf(buf, Math.max(buf.length * 2, len + extra));
    }
  }
}
