package io.spooky.surreal.cbor;

import io.spooky.core.value.ArrayValue;
import io.spooky.core.value.BytesValue;
import io.spooky.core.value.DatetimeValue;
import io.spooky.core.value.DecimalValue;
import io.spooky.core.value.DurationValue;
import io.spooky.core.value.FloatValue;
import io.spooky.core.value.GeometryValue;
import io.spooky.core.value.IntValue;
import io.spooky.core.value.ObjectValue;
import io.spooky.core.value.RecordId;
import io.spooky.core.value.StringValue;
import io.spooky.core.value.UuidValue;
import io.spooky.core.value.Value;
import java.io.ByteArrayOutputStream;
import java.math.BigDecimal;
import java.nio.ByteBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.format.DateTimeFormatter;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.List;
import java.util.TreeMap;
import java.util.UUID;

/**
 * Reads one CBOR item from a byte range into a {@link Value}. Not thread-safe; one instance per
 * message. Every failure is a {@link CborException} carrying the offset of the offending item.
 */
final class CborDecoder {
  private static final int BREAK = 0xFF;

  private final byte[] buf;
  private final int end;
  private final int maxDepth;
  private int pos;

  CborDecoder(byte[] buf, int offset, int length, int maxDepth) {
    if (offset < 0 || length < 0 || offset + length > buf.length) {
      throw new IndexOutOfBoundsException("range [" + offset + ", " + (offset + length) + ")");
    }
    this.buf = buf;
    this.pos = offset;
    this.end = offset + length;
    this.maxDepth = maxDepth;
  }

  Value decodeSingle() {
    Value v = read(0);
    if (pos != end) {
      throw fail("trailing bytes after the CBOR item: " + (end - pos), pos);
    }
    return v;
  }

  private Value read(int depth) {
    if (depth > maxDepth) {
      throw fail("nesting deeper than " + maxDepth, pos);
    }
    int start = pos;
    int ib = u8();
    int major = ib >>> 5;
    int info = ib & 0x1F;
    switch (major) {
      case 0 -> {
        long n = argument(info, start);
        if (n < 0) {
          throw fail("unsigned integer beyond the 64-bit signed range", start);
        }
        return new IntValue(n);
      }
      case 1 -> {
        long n = argument(info, start);
        if (n < 0) {
          throw fail("negative integer beyond the 64-bit signed range", start);
        }
        return new IntValue(-1 - n);
      }
      case 2 -> {
        return new BytesValue(byteString(info, 2, start));
      }
      case 3 -> {
        return new StringValue(textString(info, start));
      }
      case 4 -> {
        List<Value> items;
        if (info == 31) {
          items = new ArrayList<>();
          while (peek() != BREAK) {
            items.add(read(depth + 1));
          }
          pos++;
        } else {
          long n = argument(info, start);
          checkCount(n, start);
          items = new ArrayList<>((int) Math.min(n, 1024));
          for (long i = 0; i < n; i++) {
            items.add(read(depth + 1));
          }
        }
        return new ArrayValue(items);
      }
      case 5 -> {
        TreeMap<String, Value> fields = new TreeMap<>();
        if (info == 31) {
          while (peek() != BREAK) {
            readEntry(fields, depth);
          }
          pos++;
        } else {
          long n = argument(info, start);
          checkCount(n, start);
          for (long i = 0; i < n; i++) {
            readEntry(fields, depth);
          }
        }
        return new ObjectValue(fields);
      }
      case 6 -> {
        long tag = argument(info, start);
        return tagged(tag, depth, start);
      }
      default -> {
        return simple(info, start);
      }
    }
  }

  private void readEntry(TreeMap<String, Value> fields, int depth) {
    int keyAt = pos;
    Value key = read(depth + 1);
    if (!(key instanceof StringValue s)) {
      throw fail("object keys are strings, not " + key.typeName(), keyAt);
    }
    Value value = read(depth + 1);
    if (fields.put(s.value(), value) != null) {
      throw fail("duplicate object key '" + s.value() + "'", keyAt);
    }
  }

  private Value simple(int info, int start) {
    switch (info) {
      case 20:
        return Value.FALSE;
      case 21:
        return Value.TRUE;
      case 22:
        return Value.NULL;
      case 23:
        return Value.NONE;
      case 25:
        return new FloatValue(halfToDouble(readN(2)));
      case 26:
        return new FloatValue(Float.intBitsToFloat((int) readN(4)));
      case 27:
        return new FloatValue(Double.longBitsToDouble(readN(8)));
      case 31:
        throw fail("unexpected break", start);
      default:
        throw fail("unsupported simple value " + info, start);
    }
  }

  private Value tagged(long tag, int depth, int start) {
    int contentAt = pos;
    if (tag == SurrealTags.NONE) {
      Value content = read(depth + 1);
      if (!content.isNullish()) {
        throw fail("tag 6 (NONE) wraps null, not " + content.typeName(), contentAt);
      }
      return Value.NONE;
    }
    if (tag == SurrealTags.TABLE) {
      return new StringValue(text(read(depth + 1), tag, contentAt));
    }
    if (tag == SurrealTags.RECORD_ID) {
      Value content = read(depth + 1);
      if (content instanceof StringValue s) {
        return parseRecordIdText(s.value(), contentAt);
      }
      if (content instanceof ArrayValue a
          && a.size() == 2
          && a.get(0) instanceof StringValue table) {
        try {
          return new RecordId(table.value(), a.get(1));
        } catch (IllegalArgumentException e) {
          throw fail("tag 8 (record id): " + e.getMessage(), contentAt);
        }
      }
      throw fail("tag 8 (record id) wraps [table, key]", contentAt);
    }
    if (tag == SurrealTags.UUID_TEXT) {
      String s = text(read(depth + 1), tag, contentAt);
      try {
        return new UuidValue(UUID.fromString(s));
      } catch (IllegalArgumentException e) {
        throw fail("tag 9 (uuid): not a uuid '" + s + "'", contentAt);
      }
    }
    if (tag == SurrealTags.UUID_BINARY) {
      Value content = read(depth + 1);
      if (!(content instanceof BytesValue b) || b.length() != 16) {
        throw fail("tag 37 (uuid) wraps 16 bytes", contentAt);
      }
      ByteBuffer bb = ByteBuffer.wrap(b.value());
      return new UuidValue(new UUID(bb.getLong(), bb.getLong()));
    }
    if (tag == SurrealTags.DECIMAL_TEXT) {
      String s = text(read(depth + 1), tag, contentAt);
      try {
        return new DecimalValue(new BigDecimal(s));
      } catch (NumberFormatException e) {
        throw fail("tag 10 (decimal): not a decimal '" + s + "'", contentAt);
      }
    }
    if (tag == SurrealTags.DATETIME_TEXT) {
      String s = text(read(depth + 1), tag, contentAt);
      try {
        return new DatetimeValue(
            OffsetDateTime.parse(s, DateTimeFormatter.ISO_OFFSET_DATE_TIME).toInstant());
      } catch (DateTimeParseException e) {
        throw fail("tag 0 (datetime): not an RFC 3339 datetime '" + s + "'", contentAt);
      }
    }
    if (tag == SurrealTags.DATETIME_COMPACT) {
      long[] sn = secondsNanos(read(depth + 1), tag, contentAt);
      try {
        return new DatetimeValue(Instant.ofEpochSecond(sn[0], sn[1]));
      } catch (java.time.DateTimeException e) {
        throw fail("tag 12 (datetime) out of range", contentAt);
      }
    }
    if (tag == SurrealTags.DURATION_COMPACT) {
      long[] sn = secondsNanos(read(depth + 1), tag, contentAt);
      if (sn[0] < 0) {
        throw fail("tag 14 (duration) is negative", contentAt);
      }
      return new DurationValue(Duration.ofSeconds(sn[0], sn[1]));
    }
    if (tag == SurrealTags.DURATION_TEXT) {
      String s = text(read(depth + 1), tag, contentAt);
      try {
        return new DurationValue(DurationText.parse(s));
      } catch (IllegalArgumentException | ArithmeticException e) {
        throw fail("tag 13 (duration): " + e.getMessage(), contentAt);
      }
    }
    if (tag >= SurrealTags.GEOMETRY_POINT && tag <= SurrealTags.GEOMETRY_COLLECTION) {
      return geometry(tag, read(depth + 1), contentAt);
    }
    if (tag == SurrealTags.RANGE
        || tag == SurrealTags.BOUND_INCLUDED
        || tag == SurrealTags.BOUND_EXCLUDED
        || tag == SurrealTags.FUTURE) {
      throw fail("tag " + tag + " (range or future) has no value representation", start);
    }
    throw fail("unknown tag " + tag, start);
  }

  private GeometryValue geometry(long tag, Value content, int at) {
    GeometryValue.Kind kind = GeometryValue.Kind.values()[(int) (tag - SurrealTags.GEOMETRY_POINT)];
    if (!(content instanceof ArrayValue parts)) {
      throw fail("tag " + tag + " (" + kind + ") wraps an array", at);
    }
    return switch (kind) {
      case POINT -> {
        if (parts.size() != 2) {
          throw fail("a point has two coordinates", at);
        }
        yield new GeometryValue(
            kind, Value.array(coordinate(parts.get(0), at), coordinate(parts.get(1), at)));
      }
      case LINE, MULTIPOINT ->
          new GeometryValue(kind, members(parts, GeometryValue.Kind.POINT, at));
      case POLYGON, MULTILINE ->
          new GeometryValue(kind, members(parts, GeometryValue.Kind.LINE, at));
      case MULTIPOLYGON -> new GeometryValue(kind, members(parts, GeometryValue.Kind.POLYGON, at));
      case COLLECTION -> {
        for (Value member : parts.items()) {
          if (!(member instanceof GeometryValue)) {
            throw fail("a geometry collection holds geometries", at);
          }
        }
        yield new GeometryValue(kind, parts);
      }
    };
  }

  /** Strips the members' tags: the value model keeps nested coordinate arrays. */
  private ArrayValue members(ArrayValue parts, GeometryValue.Kind expected, int at) {
    List<Value> bodies = new ArrayList<>(parts.size());
    for (Value part : parts.items()) {
      if (part instanceof GeometryValue g && g.kind() == expected) {
        bodies.add(g.coordinates());
      } else if (expected == GeometryValue.Kind.POINT && part instanceof ArrayValue xy) {
        if (xy.size() != 2) {
          throw fail("a point has two coordinates", at);
        }
        bodies.add(Value.array(coordinate(xy.get(0), at), coordinate(xy.get(1), at)));
      } else {
        throw fail("expected a " + expected + " inside a geometry, got " + part.typeName(), at);
      }
    }
    return new ArrayValue(bodies);
  }

  private FloatValue coordinate(Value v, int at) {
    return switch (v) {
      case FloatValue f -> f;
      case IntValue i -> new FloatValue(i.value());
      case DecimalValue d -> new FloatValue(d.value().doubleValue());
      default -> throw fail("a coordinate is a number, not " + v.typeName(), at);
    };
  }

  private RecordId parseRecordIdText(String s, int at) {
    int colon = s.indexOf(':');
    if (colon <= 0 || colon == s.length() - 1) {
      throw fail("tag 8 (record id) text is table:key, got '" + s + "'", at);
    }
    return RecordId.of(s.substring(0, colon), s.substring(colon + 1));
  }

  private long[] secondsNanos(Value content, long tag, int at) {
    if (!(content instanceof ArrayValue a) || a.size() > 2) {
      throw fail("tag " + tag + " wraps [seconds, nanoseconds]", at);
    }
    long secs = 0;
    long nanos = 0;
    if (a.size() >= 1) {
      if (!(a.get(0) instanceof IntValue s)) {
        throw fail("tag " + tag + ": seconds are an integer", at);
      }
      secs = s.value();
    }
    if (a.size() == 2) {
      if (!(a.get(1) instanceof IntValue n) || n.value() < 0 || n.value() > 999_999_999) {
        throw fail("tag " + tag + ": nanoseconds are an integer in [0, 999999999]", at);
      }
      nanos = n.value();
    }
    return new long[] {secs, nanos};
  }

  private String text(Value content, long tag, int at) {
    if (content instanceof StringValue s) {
      return s.value();
    }
    throw fail("tag " + tag + " wraps a string, not " + content.typeName(), at);
  }

  private byte[] byteString(int info, int major, int start) {
    if (info != 31) {
      long n = argument(info, start);
      if (n < 0 || n > end - pos) {
        throw fail("string length " + Long.toUnsignedString(n) + " exceeds the input", start);
      }
      byte[] out = new byte[(int) n];
      System.arraycopy(buf, pos, out, 0, out.length);
      pos += out.length;
      return out;
    }
    ByteArrayOutputStream chunks = new ByteArrayOutputStream();
    while (peek() != BREAK) {
      int chunkAt = pos;
      int ib = u8();
      if (ib >>> 5 != major || (ib & 0x1F) == 31) {
        throw fail("an indefinite-length string holds definite chunks of its own type", chunkAt);
      }
      byte[] chunk = byteString(ib & 0x1F, major, chunkAt);
      chunks.write(chunk, 0, chunk.length);
    }
    pos++;
    return chunks.toByteArray();
  }

  /**
   * A text string: a definite-length ASCII one (the common case) straight from the input, without a
   * copy or a decoder, since every byte below 0x80 is valid UTF-8 and one char; anything else
   * through the strict decoder.
   */
  private String textString(int info, int start) {
    if (info != 31) {
      long n = argument(info, start);
      if (n >= 0 && n <= end - pos && isAscii(buf, pos, (int) n)) {
        String s = new String(buf, pos, (int) n, StandardCharsets.ISO_8859_1);
        pos += (int) n;
        return s;
      }
      pos = start + 1; // back to the argument, for the general path to read again
    }
    return utf8(byteString(info, 3, start), start);
  }

  private String utf8(byte[] bytes, int at) {
    try {
      return StandardCharsets.UTF_8
          .newDecoder()
          .onMalformedInput(CodingErrorAction.REPORT)
          .onUnmappableCharacter(CodingErrorAction.REPORT)
          .decode(ByteBuffer.wrap(bytes))
          .toString();
    } catch (CharacterCodingException e) {
      throw fail("text string is not valid UTF-8", at);
    }
  }

  private static boolean isAscii(byte[] bytes, int from, int length) {
    for (int i = from, to = from + length; i < to; i++) {
      if (bytes[i] < 0) {
        return false;
      }
    }
    return true;
  }

  /** Rejects counts that cannot possibly fit in the remaining input (each item is >= 1 byte). */
  private void checkCount(long n, int at) {
    if (n < 0 || n > end - pos) {
      throw fail("item count " + Long.toUnsignedString(n) + " exceeds the input", at);
    }
  }

  /** The head's argument; values above 2^63-1 come back negative, for the caller to reject. */
  private long argument(int info, int start) {
    if (info < 24) {
      return info;
    }
    return switch (info) {
      case 24 -> readN(1);
      case 25 -> readN(2);
      case 26 -> readN(4);
      case 27 -> readN(8);
      default -> throw fail("reserved or indefinite additional information " + info, start);
    };
  }

  private long readN(int n) {
    if (end - pos < n) {
      throw fail("truncated input", pos);
    }
    long v = 0;
    for (int i = 0; i < n; i++) {
      v = (v << 8) | (buf[pos++] & 0xFF);
    }
    return v;
  }

  private int u8() {
    if (pos >= end) {
      throw fail("truncated input", pos);
    }
    return buf[pos++] & 0xFF;
  }

  private int peek() {
    if (pos >= end) {
      throw fail("truncated input: missing break", pos);
    }
    return buf[pos] & 0xFF;
  }

  private static double halfToDouble(long bits) {
    int h = (int) bits;
    int exp = (h >>> 10) & 0x1F;
    int mant = h & 0x3FF;
    double v;
    if (exp == 0) {
      v = Math.scalb((double) mant, -24);
    } else if (exp == 31) {
      v = mant == 0 ? Double.POSITIVE_INFINITY : Double.NaN;
    } else {
      v = Math.scalb((double) (mant + 1024), exp - 25);
    }
    return (h & 0x8000) != 0 ? -v : v;
  }

  private CborException fail(String message, int at) {
    return new CborException(message, at);
  }
}
