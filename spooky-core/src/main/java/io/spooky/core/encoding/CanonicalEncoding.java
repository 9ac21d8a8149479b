package io.spooky.core.encoding;

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
import io.spooky.core.value.Values;
import java.io.IOException;
import java.io.OutputStream;
import java.math.BigDecimal;
import java.math.BigInteger;
import java.nio.ByteBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.time.DateTimeException;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.TreeMap;
import java.util.UUID;

/**
 * The canonical binary encoding of {@link Value}s: deterministic, compact and portable, specified
 * byte by byte in {@code docs/PROTOCOL.md} section 1. Content digests and Merkle trees hash these
 * bytes, so two processes (in any language) that hold the same value produce the same bytes.
 *
 * <p>Determinism: values that are equal as Java objects encode to identical bytes, whatever order
 * an object's fields were inserted in. Object keys are written in code point (UTF-8 byte) order;
 * decimals are normalized ({@code 1.50dec} and {@code 1.5dec} encode alike); every NaN is written
 * as {@code 0x7ff8000000000000}. The encoding is type-strict: {@code 1}, {@code 1.0f} and {@code
 * 1dec} encode differently (they are different stored values even though SurrealDB's {@code =}
 * holds between them), and {@code -0.0} keeps its sign.
 *
 * <p>{@link #decode} accepts only canonical input, so {@code encode(decode(b))} equals {@code b}
 * for every accepted {@code b}; anything else raises {@link CanonicalEncodingException}.
 *
 * <pre>{@code
 * byte[] bytes = CanonicalEncoding.encode(record);
 * Value same = CanonicalEncoding.decode(bytes);
 * }</pre>
 */
public final class CanonicalEncoding {
  static final int NONE = 0x00;
  static final int NULL = 0x01;
  static final int FALSE = 0x02;
  static final int TRUE = 0x03;
  static final int INT = 0x04;
  static final int FLOAT = 0x05;
  static final int DECIMAL = 0x06;
  static final int STRING = 0x07;
  static final int DURATION = 0x08;
  static final int DATETIME = 0x09;
  static final int UUID_TAG = 0x0A;
  static final int ARRAY = 0x0B;
  static final int OBJECT = 0x0C;
  static final int GEOMETRY = 0x0D;
  static final int BYTES = 0x0E;
  static final int RECORD = 0x0F;

  /** Deeper nesting is rejected on decode so hostile input cannot exhaust the stack. */
  public static final int MAX_DEPTH = 256;

  private static final long CANONICAL_NAN = 0x7ff8000000000000L;

  private CanonicalEncoding() {}

  /** The canonical encoding of {@code v}. */
  public static byte[] encode(Value v) {
    EncodingBuffer buf = new EncodingBuffer();
    encode(v, buf);
    return buf.toByteArray();
  }

  /** Appends the canonical encoding of {@code v} to {@code out}. */
  public static void encode(Value v, EncodingBuffer out) {
    // An instanceof chain, most frequent types first, measured faster than a pattern switch here.
    if (v instanceof StringValue s) {
      out.writeByte(STRING);
      out.writeString(s);
    } else if (v instanceof IntValue i) {
      out.writeByte(INT);
      out.writeVarint(zigzag(i.value()));
    } else if (v instanceof ObjectValue o) {
      out.writeByte(OBJECT);
      out.writeVarint(o.fields().size());
      // ObjectValue iterates in code point order, which is the UTF-8 byte order the format fixes;
      // forEach reaches the sorted map without the per-entry wrappers of an entry-set iterator.
      o.fields()
          .forEach(
              (key, value) -> {
                out.writeName(key);
                encode(value, out);
              });
    } else if (v instanceof ArrayValue a) {
      out.writeByte(ARRAY);
      List<Value> items = a.items();
      int n = items.size();
      out.writeVarint(n);
      for (int i = 0; i < n; i++) {
        encode(items.get(i), out);
      }
    } else if (v instanceof FloatValue f) {
      out.writeByte(FLOAT);
      double d = f.value();
      out.writeLong(Double.isNaN(d) ? CANONICAL_NAN : Double.doubleToRawLongBits(d));
    } else if (v instanceof RecordId r) {
      out.writeByte(RECORD);
      out.writeName(r.table());
      encode(r.key(), out);
    } else if (v instanceof BoolValue b) {
      out.writeByte(b.value() ? TRUE : FALSE);
    } else if (v instanceof DatetimeValue t) {
      out.writeByte(DATETIME);
      out.writeVarint(zigzag(t.value().getEpochSecond()));
      out.writeVarint(t.value().getNano());
    } else {
      encodeRare(v, out);
    }
  }

  private static void encodeRare(Value v, EncodingBuffer out) {
    switch (v) {
      case NoneValue n -> out.writeByte(NONE);
      case NullValue n -> out.writeByte(NULL);
      case DecimalValue d -> {
        BigDecimal n = normalize(d.value());
        out.writeByte(DECIMAL);
        out.writeVarint(zigzag(n.scale()));
        byte[] unscaled = n.unscaledValue().toByteArray();
        out.writeVarint(unscaled.length);
        out.write(unscaled);
      }
      case DurationValue d -> {
        out.writeByte(DURATION);
        out.writeVarint(d.value().getSeconds());
        out.writeVarint(d.value().getNano());
      }
      case UuidValue u -> {
        out.writeByte(UUID_TAG);
        out.writeLong(u.value().getMostSignificantBits());
        out.writeLong(u.value().getLeastSignificantBits());
      }
      case GeometryValue g -> {
        out.writeByte(GEOMETRY);
        out.writeByte(g.kind().ordinal());
        encode(g.coordinates(), out);
      }
      case BytesValue b -> {
        out.writeByte(BYTES);
        out.writeVarint(b.length());
        out.write(b.value());
      }
      case StringValue s -> throw new AssertionError("handled in encode");
      case IntValue i -> throw new AssertionError("handled in encode");
      case ObjectValue o -> throw new AssertionError("handled in encode");
      case ArrayValue a -> throw new AssertionError("handled in encode");
      case FloatValue f -> throw new AssertionError("handled in encode");
      case RecordId r -> throw new AssertionError("handled in encode");
      case BoolValue b -> throw new AssertionError("handled in encode");
      case DatetimeValue t -> throw new AssertionError("handled in encode");
    }
  }

  /** Writes the canonical encoding of {@code v} to {@code out}. */
  public static void encode(Value v, OutputStream out) throws IOException {
    EncodingBuffer buf = new EncodingBuffer();
    encode(v, buf);
    buf.writeTo(out);
  }

  /**
   * Decodes exactly one canonically encoded value occupying all of {@code bytes}.
   *
   * @throws CanonicalEncodingException if the bytes are not a canonical encoding
   */
  public static Value decode(byte[] bytes) {
    return decode(bytes, 0, bytes.length);
  }

  /** Decodes exactly one value occupying {@code bytes[off, off + len)}. */
  public static Value decode(byte[] bytes, int off, int len) {
    Decoder d = new Decoder(bytes, off, off + len);
    Value v = d.value(0);
    if (d.pos != d.end) {
      throw new CanonicalEncodingException("trailing bytes after the value", d.pos);
    }
    return v;
  }

  /** Decimals are written in their one normal form: no trailing zeros, zero with scale 0. */
  static BigDecimal normalize(BigDecimal d) {
    return d.signum() == 0 ? BigDecimal.ZERO : d.stripTrailingZeros();
  }

  private static long zigzag(long v) {
    return (v << 1) ^ (v >> 63);
  }

  private static long unzigzag(long v) {
    return (v >>> 1) ^ -(v & 1);
  }

  private static final class Decoder {
    private final byte[] in;
    private final int end;
    private int pos;

    Decoder(byte[] in, int start, int end) {
      if (start < 0 || end > in.length || start > end) {
        throw new IndexOutOfBoundsException("range [" + start + ", " + end + ") of " + in.length);
      }
      this.in = in;
      this.pos = start;
      this.end = end;
    }

    Value value(int depth) {
      if (depth > MAX_DEPTH) {
        throw new CanonicalEncodingException("nesting deeper than " + MAX_DEPTH, pos);
      }
      int at = pos;
      int tag = u8();
      return switch (tag) {
        case NONE -> Value.NONE;
        case NULL -> Value.NULL;
        case FALSE -> Value.FALSE;
        case TRUE -> Value.TRUE;
        case INT -> Value.of(unzigzag(varint()));
        case FLOAT -> {
          long bits = fixed64();
          if (Double.isNaN(Double.longBitsToDouble(bits)) && bits != CANONICAL_NAN) {
            throw new CanonicalEncodingException("non-canonical NaN", at);
          }
          yield Value.of(Double.longBitsToDouble(bits));
        }
        case DECIMAL -> decimal(at);
        case STRING -> Value.of(string());
        case DURATION -> {
          long seconds = varint();
          int nanos = nanos();
          if (seconds < 0) {
            throw new CanonicalEncodingException("duration seconds exceed a signed 64-bit", at);
          }
          yield Value.of(Duration.ofSeconds(seconds, nanos));
        }
        case DATETIME -> {
          long seconds = unzigzag(varint());
          int nanos = nanos();
          try {
            yield Value.of(Instant.ofEpochSecond(seconds, nanos));
          } catch (DateTimeException e) {
            throw new CanonicalEncodingException("datetime out of range", at, e);
          }
        }
        case UUID_TAG -> Value.of(new UUID(fixed64(), fixed64()));
        case ARRAY -> {
          int n = count();
          List<Value> items = new ArrayList<>(Math.min(n, 1024));
          for (int i = 0; i < n; i++) {
            items.add(value(depth + 1));
          }
          yield Value.array(items);
        }
        case OBJECT -> {
          int n = count();
          TreeMap<String, Value> fields = new TreeMap<>(Values.stringOrder());
          String previous = null;
          for (int i = 0; i < n; i++) {
            int keyAt = pos;
            String key = string();
            if (previous != null && Values.compareStrings(previous, key) >= 0) {
              throw new CanonicalEncodingException("object keys not strictly ascending", keyAt);
            }
            previous = key;
            fields.put(key, value(depth + 1));
          }
          yield new ObjectValue(fields);
        }
        case GEOMETRY -> {
          int kind = u8();
          if (kind >= GeometryValue.Kind.values().length) {
            throw new CanonicalEncodingException("unknown geometry kind " + kind, pos - 1);
          }
          yield new GeometryValue(GeometryValue.Kind.values()[kind], value(depth + 1));
        }
        case BYTES -> {
          int n = count();
          byte[] b = new byte[n];
          System.arraycopy(in, pos, b, 0, n);
          pos += n;
          yield new BytesValue(b);
        }
        case RECORD -> {
          String table = string();
          int keyAt = pos;
          Value key = value(depth + 1);
          try {
            yield new RecordId(table, key);
          } catch (IllegalArgumentException e) {
            throw new CanonicalEncodingException("invalid record key", keyAt, e);
          }
        }
        default ->
            throw new CanonicalEncodingException("unknown tag 0x" + Integer.toHexString(tag), at);
      };
    }

    private Value decimal(int at) {
      long scale = unzigzag(varint());
      if (scale < Integer.MIN_VALUE || scale > Integer.MAX_VALUE) {
        throw new CanonicalEncodingException("decimal scale out of range", at);
      }
      int n = count();
      if (n == 0) {
        throw new CanonicalEncodingException("empty decimal magnitude", pos);
      }
      byte[] b = new byte[n];
      System.arraycopy(in, pos, b, 0, n);
      pos += n;
      BigInteger unscaled = new BigInteger(b);
      BigDecimal d = new BigDecimal(unscaled, (int) scale);
      try {
        if (unscaled.toByteArray().length != n || !normalize(d).equals(d)) {
          throw new CanonicalEncodingException("decimal not in normal form", at);
        }
      } catch (ArithmeticException scaleOverflow) {
        throw new CanonicalEncodingException("decimal scale overflows", at, scaleOverflow);
      }
      return Value.of(d);
    }

    private String string() {
      int at = pos;
      int n = count();
      try {
        return StandardCharsets.UTF_8
            .newDecoder()
            .onMalformedInput(CodingErrorAction.REPORT)
            .onUnmappableCharacter(CodingErrorAction.REPORT)
            .decode(ByteBuffer.wrap(in, pos, n))
            .toString();
      } catch (CharacterCodingException e) {
        throw new CanonicalEncodingException("invalid UTF-8", at, e);
      } finally {
        pos += n;
      }
    }

    private int nanos() {
      int at = pos;
      long n = varint();
      if (n > 999_999_999L) {
        throw new CanonicalEncodingException("nanoseconds out of range", at);
      }
      return (int) n;
    }

    /** A length or element count, which must fit in the remaining input. */
    private int count() {
      int at = pos;
      long n = varint();
      if (Long.compareUnsigned(n, end - pos) > 0) {
        throw new CanonicalEncodingException("length " + n + " exceeds the input", at);
      }
      return (int) n;
    }

    private int u8() {
      if (pos >= end) {
        throw new CanonicalEncodingException("truncated input", pos);
      }
      return in[pos++] & 0xFF;
    }

    private long fixed64() {
      if (end - pos < 8) {
        throw new CanonicalEncodingException("truncated input", pos);
      }
      long v = 0;
      for (int i = 0; i < 8; i++) {
        v = (v << 8) | (in[pos++] & 0xFF);
      }
      return v;
    }

    private long varint() {
      int at = pos;
      long v = 0;
      for (int shift = 0; ; shift += 7) {
        int b = u8();
        if (shift == 63 && (b & 0xFE) != 0) {
          throw new CanonicalEncodingException("varint overflows 64 bits", at);
        }
        v |= (long) (b & 0x7F) << shift;
        if ((b & 0x80) == 0) {
          if (b == 0 && shift > 0) {
            throw new CanonicalEncodingException("overlong varint", at);
          }
          return v;
        }
      }
    }
  }
}
