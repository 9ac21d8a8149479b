package io.spooky.core.encoding;

import io.spooky.core.value.StringValue;
import java.io.IOException;
import java.io.OutputStream;
import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;
import java.nio.ByteOrder;
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
    // Kept small so the JIT inlines it: most varints (counts, lengths, small ints) are one byte.
    if ((v & ~0x7FL) == 0) {
      writeByte((int) v);
    } else {
      writeLongVarint(v);
    }
  }

  private void writeLongVarint(long v) {
    ensure(10);
    byte[] b = bytes;
    int p = size;
    while ((v & ~0x7FL) != 0) {
      b[p++] = (byte) ((v & 0x7F) | 0x80);
      v >>>= 7;
    }
    b[p++] = (byte) v;
    size = p;
  }

  /** Writes {@code v} big-endian in 8 bytes. */
  public void writeLong(long v) {
    ensure(8);
    BIG_ENDIAN_LONGS.set(bytes, size, v);
    size += 8;
  }

  /**
   * Writes {@code s} as a varint byte length followed by its UTF-8 bytes.
   *
   * @throws IllegalArgumentException if {@code s} contains an unpaired surrogate, which has no
   *     UTF-8 encoding (SurrealDB strings are always valid UTF-8)
   */
  public void writeString(String s) {
    int n = s.length();
    if (n >= SHORT || !writeShortAscii(s, n)) {
      writeOtherString(s);
    }
  }

  /**
   * Writes {@code s} exactly as {@link #writeString(String)} writes its string. An ASCII string (as
   * the value remembers after its first encoding) is copied straight from the string's storage.
   *
   * @throws IllegalArgumentException if the string contains an unpaired surrogate
   */
  @SuppressWarnings("deprecation") // getBytes(int, int, byte[], int): exact for ASCII chars
  public void writeString(StringValue s) {
    if (s.isAscii()) {
      String v = s.value();
      int n = v.length();
      writeVarint(n);
      ensure(n);
      v.getBytes(0, n, bytes, size);
      size += n;
    } else {
      writeOtherString(s.value());
    }
  }

  /**
   * Writes a name (an object key or a record id's table) exactly as {@link #writeString(String)}
   * would, taking its UTF-8 bytes from a small shared cache, as the same names recur in record
   * after record.
   *
   * @throws IllegalArgumentException if the name contains an unpaired surrogate
   */
  void writeName(String name) {
    byte[] b = NameCache.utf8(name);
    if (b == null) {
      writeString(name);
    } else {
      writeVarint(b.length);
      write(b, 0, b.length);
    }
  }

  /** {@link #writeString} for strings that are long or not ASCII. */
  private void writeOtherString(String s) {
    byte[] utf8 = StringValue.utf8(s);
    writeVarint(utf8.length);
    write(utf8, 0, utf8.length);
  }

  /**
   * Writes a short string that turns out to be ASCII straight into the buffer (its one-byte length
   * first); returns false, having written nothing, at the first other char.
   */
  private boolean writeShortAscii(String s, int n) {
    ensure(n + 1);
    byte[] b = bytes;
    int p = size + 1;
    for (int i = 0; i < n; i++) {
      char c = s.charAt(i);
      if (c >= 0x80) {
        return false;
      }
      b[p++] = (byte) c;
    }
    b[size] = (byte) n;
    size = p;
    return true;
  }

  private static final VarHandle BIG_ENDIAN_LONGS =
      MethodHandles.byteArrayViewVarHandle(long[].class, ByteOrder.BIG_ENDIAN);

  /**
   * Strings shorter than this are copied char by char; longer ones through {@link String#getBytes},
   * whose intrinsic copy wins from about this length on (measured, see docs/BENCHMARKS.md).
   */
  private static final int SHORT = 32;

  private void ensure(int extra) {
    if (size + extra > bytes.length) {
      grow(extra);
    }
  }

  /** Out of line, so that the inlined {@link #ensure} stays a compare and a branch. */
  private void grow(int extra) {
    bytes = Arrays.copyOf(bytes, Math.max(bytes.length * 2, size + extra));
  }
}
