package io.spooky.sonar.store;

import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;

/**
 * Order-preserving byte encodings for RocksDB keys. Every encoding is prefix-free (fixed width, or
 * terminated), so the keys of one encoded value form one contiguous range that {@link
 * #prefixEnd(byte[])} bounds.
 */
public final class Keys {
  private Keys() {}

  /** Smallest key greater than every key starting with {@code prefix}; null if none exists. */
  public static byte[] prefixEnd(byte[] prefix) {
    byte[] end = Arrays.copyOf(prefix, prefix.length);
    for (int i = end.length - 1; i >= 0; i--) {
      if (end[i] != (byte) 0xFF) {
        end[i]++;
        return Arrays.copyOf(end, i + 1);
      }
    }
    return null;
  }

  /** Concatenates byte arrays. */
  public static byte[] concat(byte[]... parts) {
    int n = 0;
    for (byte[] p : parts) {
      n += p.length;
    }
    byte[] out = new byte[n];
    int o = 0;
    for (byte[] p : parts) {
      System.arraycopy(p, 0, out, o, p.length);
      o += p.length;
    }
    return out;
  }

  /** Big-endian unsigned order for non-negative longs. */
  public static byte[] u64(long v) {
    byte[] b = new byte[8];
    putU64(b, 0, v);
    return b;
  }

  public static void putU64(byte[] b, int off, long v) {
    for (int i = 7; i >= 0; i--) {
      b[off + i] = (byte) v;
      v >>>= 8;
    }
  }

  public static long readU64(byte[] b, int off) {
    long v = 0;
    for (int i = 0; i < 8; i++) {
      v = (v << 8) | (b[off + i] & 0xFF);
    }
    return v;
  }

  public static byte[] u32(int v) {
    return new byte[] {(byte) (v >>> 24), (byte) (v >>> 16), (byte) (v >>> 8), (byte) v};
  }

  public static int readU32(byte[] b, int off) {
    return ((b[off] & 0xFF) << 24)
        | ((b[off + 1] & 0xFF) << 16)
        | ((b[off + 2] & 0xFF) << 8)
        | (b[off + 3] & 0xFF);
  }

  /** Signed longs in numeric order (sign bit flipped). */
  public static byte[] i64(long v) {
    return u64(v ^ Long.MIN_VALUE);
  }

  public static long readI64(byte[] b, int off) {
    return readU64(b, off) ^ Long.MIN_VALUE;
  }

  /** Doubles in numeric order; -0.0 and 0.0 encode equally, NaN sorts last. */
  public static byte[] f64(double d) {
    if (d == 0.0) {
      d = 0.0;
    }
    long bits = Double.doubleToLongBits(d);
    bits = bits < 0 ? ~bits : bits ^ Long.MIN_VALUE;
    return u64(bits);
  }

  /**
   * UTF-8 string terminated by {@code 0x00 0x01}; a {@code 0x00} inside the string is written as
   * {@code 0x00 0xFF}. Byte order equals the order of the UTF-8 bytes, and no encoding is a prefix
   * of another.
   */
  public static byte[] str(String s) {
    byte[] raw = s.getBytes(StandardCharsets.UTF_8);
    int zeros = 0;
    for (byte b : raw) {
      if (b == 0) {
        zeros++;
      }
    }
    byte[] out = new byte[raw.length + zeros + 2];
    if (zeros == 0) {
      System.arraycopy(raw, 0, out, 0, raw.length);
    } else {
      int o = 0;
      for (byte b : raw) {
        out[o++] = b;
        if (b == 0) {
          out[o++] = (byte) 0xFF;
        }
      }
    }
    out[out.length - 2] = 0;
    out[out.length - 1] = 1;
    return out;
  }

  /** Decodes a {@link #str} at {@code off}; returns the string and sets {@code end[0]}. */
  public static String readStr(byte[] b, int off, int[] end) {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    int i = off;
    while (true) {
      byte c = b[i++];
      if (c == 0) {
        byte next = b[i++];
        if (next == (byte) 0xFF) {
          out.write(0);
          continue;
        }
        break;
      }
      out.write(c);
    }
    end[0] = i;
    return out.toString(StandardCharsets.UTF_8);
  }
}
