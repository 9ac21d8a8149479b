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
import java.io.ByteArrayOutputStream;
import java.math.BigDecimal;
import java.nio.ByteBuffer;
import java.nio.CharBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;

/**
 * A deliberately plain encoder of docs/PROTOCOL.md section 1, written from the specification
 * without any of {@link CanonicalEncoding}'s shortcuts (no caches, no ASCII paths, keys sorted here
 * by their UTF-8 bytes rather than trusted to come sorted), for tests to compare the real encoder
 * against. Slow on purpose.
 */
final class ReferenceEncoder {
  private final ByteArrayOutputStream out = new ByteArrayOutputStream();

  private ReferenceEncoder() {}

  /**
   * The canonical bytes of {@code v}.
   *
   * @throws IllegalArgumentException if a string, key or table has no UTF-8 encoding
   */
  static byte[] encode(Value v) {
    ReferenceEncoder e = new ReferenceEncoder();
    e.value(v);
    return e.out.toByteArray();
  }

  private void value(Value v) {
    switch (v) {
      case NoneValue n -> out.write(0x00);
      case NullValue n -> out.write(0x01);
      case BoolValue b -> out.write(b.value() ? 0x03 : 0x02);
      case IntValue i -> {
        out.write(0x04);
        varint(zigzag(i.value()));
      }
      case FloatValue f -> {
        out.write(0x05);
        double d = f.value();
        u64be(Double.isNaN(d) ? 0x7ff8000000000000L : Double.doubleToRawLongBits(d));
      }
      case DecimalValue d -> {
        BigDecimal n = d.value().signum() == 0 ? BigDecimal.ZERO : d.value().stripTrailingZeros();
        out.write(0x06);
        varint(zigzag(n.scale()));
        byte[] unscaled = n.unscaledValue().toByteArray();
        varint(unscaled.length);
        out.writeBytes(unscaled);
      }
      case StringValue s -> {
        out.write(0x07);
        str(s.value());
      }
      case DurationValue d -> {
        out.write(0x08);
        varint(d.value().getSeconds());
        varint(d.value().getNano());
      }
      case DatetimeValue t -> {
        out.write(0x09);
        varint(zigzag(t.value().getEpochSecond()));
        varint(t.value().getNano());
      }
      case UuidValue u -> {
        out.write(0x0A);
        u64be(u.value().getMostSignificantBits());
        u64be(u.value().getLeastSignificantBits());
      }
      case ArrayValue a -> {
        out.write(0x0B);
        varint(a.items().size());
        for (Value item : a.items()) {
          value(item);
        }
      }
      case ObjectValue o -> {
        out.write(0x0C);
        List<Map.Entry<String, Value>> entries = new ArrayList<>(o.fields().entrySet());
        entries.sort((x, y) -> Arrays.compareUnsigned(utf8(x.getKey()), utf8(y.getKey())));
        varint(entries.size());
        for (Map.Entry<String, Value> e : entries) {
          str(e.getKey());
          value(e.getValue());
        }
      }
      case GeometryValue g -> {
        out.write(0x0D);
        out.write(g.kind().ordinal());
        value(g.coordinates());
      }
      case BytesValue b -> {
        out.write(0x0E);
        varint(b.length());
        out.writeBytes(b.value());
      }
      case RecordId r -> {
        out.write(0x0F);
        str(r.table());
        value(r.key());
      }
    }
  }

  private void str(String s) {
    byte[] b = utf8(s);
    varint(b.length);
    out.writeBytes(b);
  }

  /** Strict UTF-8: an unpaired surrogate is an error, never a replacement byte. */
  static byte[] utf8(String s) {
    try {
      ByteBuffer b =
          StandardCharsets.UTF_8
              .newEncoder()
              .onMalformedInput(CodingErrorAction.REPORT)
              .onUnmappableCharacter(CodingErrorAction.REPORT)
              .encode(CharBuffer.wrap(s));
      return Arrays.copyOfRange(b.array(), b.position(), b.limit());
    } catch (CharacterCodingException e) {
      throw new IllegalArgumentException("no UTF-8 encoding: " + e, e);
    }
  }

  private void varint(long v) {
    while ((v & ~0x7FL) != 0) {
      out.write((int) ((v & 0x7F) | 0x80));
      v >>>= 7;
    }
    out.write((int) v);
  }

  private void u64be(long v) {
    for (int shift = 56; shift >= 0; shift -= 8) {
      out.write((int) (v >>> shift) & 0xFF);
    }
  }

  private static long zigzag(long v) {
    return (v << 1) ^ (v >> 63);
  }
}
