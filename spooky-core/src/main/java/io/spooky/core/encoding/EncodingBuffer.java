package io.spooky.core.encoding;

import java.io.IOException;
import java.io.OutputStream;
import java.util.Arrays;

/**
 * A growable byte buffer that {@link CanonicalEncoding} writes into. Reusing one buffer across many
 * encodings (calling {@link #reset()} between them) avoids an allocation per value, which matters
 * on hot paths such as computing digests.
 *
 * <pre>{@code
 * EncodingBuffer buf = new EncodingBuffer();
 * for (Value v : values) {
 *   buf.reset();
 *   CanonicalEncoding.encode(v, buf);
 *   consume(buf.array(), 0, buf.size());
 * }
 * }</pre>
 *
 * <p>Not thread-safe: confine each buffer to one thread.
 */
public final class EncodingBuffer {
  private byte[] bytes;
  private int size;

  public EncodingBuffer() {
    this(256);
  }

  public EncodingBuffer(int initialCapacity) {
    this.bytes = new byte[Math.max(16, initialCapacity)];
  }

  /** Forgets the contents, keeping the capacity. */
  public void reset() {
    size = 0;
  }

  /** The number of bytes written since the last {@link #reset()}. */
  public int size() {
    return size;
  }

  /**
   * The backing array, valid in {@code [0, size())} until the next write. Exposed so callers can
   * hash or send the bytes without a copy; the caller must not modify it.
   */
  public byte[] array() {
    return bytes;
  }

  /** A copy of the written bytes. */
  public byte[] toByteArray() {
    return Arrays.copyOf(bytes, size);
  }

  /** Writes the written bytes to {@code out}. */
  public void writeTo(OutputStream out) throws IOException {
    out.write(bytes, 0, size);
  }

  public void writeByte(int b) {
    ensure(1);
    bytes[size++] = (byte) b;
  }

  public void write(byte[] b) {
    write(b, 0, b.length);
  }

  public void write(byte[] b, int off, int len) {
    ensure(len);
    System.arraycopy(b, off, bytes, size, len);
    size += len;
  }

  /** Writes {@code v} as an unsigned LEB128 varint (7 bits per byte, least significant first). */
  public void writeVarint(long v) {
    ensure(10);
    while ((v & ~0x7FL) != 0) {
      bytes[size++] = (byte) ((v & 0x7F) | 0x80);
      v >>>= 7;
    }
    bytes[size++] = (byte) v;
  }

  /** Writes {@code v} big-endian in 8 bytes. */
  public void writeLong(long v) {
    ensure(8);
    for (int shift = 56; shift >= 0; shift -= 8) {
      bytes[size++] = (byte) (v >>> shift);
    }
  }

  /**
   * Writes {@code s} as a varint byte length followed by its UTF-8 bytes.
   *
   * @throws IllegalArgumentException if {@code s} contains an unpaired surrogate, which has no
   *     UTF-8 encoding (SurrealDB strings are always valid UTF-8)
   */
  public void writeString(String s) {
    int n = s.length();
    int utf8 = n;
    for (int i = 0; i < n; i++) {
      char c = s.charAt(i);
      if (c >= 0x80) {
        if (c < 0x800) {
          utf8 += 1;
        } else if (Character.isHighSurrogate(c)
            && i + 1 < n
            && Character.isLowSurrogate(s.charAt(i + 1))) {
          utf8 += 2;
          i++;
        } else if (Character.isSurrogate(c)) {
          throw new IllegalArgumentException("string has an unpaired surrogate at index " + i);
        } else {
          utf8 += 2;
        }
      }
    }
    writeVarint(utf8);
    ensure(utf8);
    byte[] b = bytes;
    int p = size;
    for (int i = 0; i < n; i++) {
      char c = s.charAt(i);
      if (c < 0x80) {
        b[p++] = (byte) c;
      } else if (c < 0x800) {
        b[p++] = (byte) (0xC0 | (c >>> 6));
        b[p++] = (byte) (0x80 | (c & 0x3F));
      } else if (Character.isHighSurrogate(c)) {
        int cp = Character.toCodePoint(c, s.charAt(++i));
        b[p++] = (byte) (0xF0 | (cp >>> 18));
        b[p++] = (byte) (0x80 | ((cp >>> 12) & 0x3F));
        b[p++] = (byte) (0x80 | ((cp >>> 6) & 0x3F));
        b[p++] = (byte) (0x80 | (cp & 0x3F));
      } else {
        b[p++] = (byte) (0xE0 | (c >>> 12));
        b[p++] = (byte) (0x80 | ((c >>> 6) & 0x3F));
        b[p++] = (byte) (0x80 | (c & 0x3F));
      }
    }
    size = p;
  }

  private void ensure(int extra) {
    if (size + extra > bytes.length) {
      bytes = Arrays.copyOf(bytes, Math.max(bytes.length * 2, size + extra));
    }
  }
}
