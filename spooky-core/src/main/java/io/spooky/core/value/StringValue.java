package io.spooky.core.value;

import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.util.Objects;

/**
 * A UTF-8 string, SurrealDB's {@code string} ("strand"). Immutable and thread-safe.
 *
 * <p>Behaves like the record {@code StringValue(String value)} it used to be: {@link #value()} is
 * the string, {@link #equals} and {@link #hashCode} are those of the string (so two instances with
 * equal strings are equal), {@link #toString} is the string itself.
 *
 * <p>It also remembers, once asked, whether the string is ASCII ({@link #isAscii}), so that the
 * canonical encoder can copy an ASCII string's chars as its UTF-8 bytes without checking them again
 * each time the value is encoded (a record digested when captured and again as a view row). That
 * costs one byte field (8 bytes per instance after alignment) and no copy of the string.
 */
public final class StringValue implements Value {
  private static final byte UNKNOWN = 0;
  private static final byte ASCII = 1;
  private static final byte NOT_ASCII = 2;

  private final String value;

  /**
   * {@link #UNKNOWN} until {@link #isAscii} first runs, then {@link #ASCII} or {@link #NOT_ASCII}.
   * Not volatile: a thread that sees {@link #UNKNOWN} just computes the same answer again.
   */
  private byte ascii;

  public StringValue(String value) {
    this.value = Objects.requireNonNull(value, "value");
  }

  /** The string. */
  public String value() {
    return value;
  }

  /**
   * Whether every char of the string is below {@code 0x80}, so that its UTF-8 encoding is its
   * chars, one byte each. Computed on the first call (a pass over the string), then remembered.
   */
  public boolean isAscii() {
    byte a = ascii;
    if (a == UNKNOWN) {
      a = computeAscii(value) ? ASCII : NOT_ASCII;
      ascii = a;
    }
    return a == ASCII;
  }

  /**
   * Short strings are checked char by char; longer ones through {@code getBytes}, whose intrinsic
   * (vectorized) copy beats the char loop from about 32 chars on despite the array it allocates.
   * With as many bytes as chars, each char is ASCII or an unpaired surrogate (which {@code
   * getBytes} writes as the byte {@code '?'}), so only bytes containing a {@code '?'} send the
   * string back to the char loop.
   */
  private static boolean computeAscii(String s) {
    int n = s.length();
    if (n >= 32) {
      byte[] b = s.getBytes(StandardCharsets.UTF_8);
      if (b.length != n) {
        return false;
      }
      if (!containsQuestionMark(b)) {
        return true;
      }
    }
    for (int i = 0; i < n; i++) {
      if (s.charAt(i) >= 0x80) {
        return false;
      }
    }
    return true;
  }

  /**
   * The UTF-8 encoding of {@code s}: the bytes {@link #value()} stands for when {@code s} is the
   * value. Strict, unlike {@code String.getBytes}, which writes {@code '?'} for an unpaired
   * surrogate.
   *
   * @throws IllegalArgumentException if {@code s} contains an unpaired surrogate, which has no
   *     UTF-8 encoding (SurrealDB strings are always valid UTF-8)
   */
  public static byte[] utf8(String s) {
    // getBytes is vectorized for the common all-ASCII case. An unpaired surrogate becomes a '?'
    // byte, so either some char took more than one byte or the bytes contain a '?'; only in those
    // cases is the string scanned for surrogates.
    byte[] b = s.getBytes(StandardCharsets.UTF_8);
    if (b.length != s.length() || containsQuestionMark(b)) {
      requireWellFormed(s);
    }
    return b;
  }

  private static final VarHandle LONGS =
      MethodHandles.byteArrayViewVarHandle(long[].class, ByteOrder.LITTLE_ENDIAN);
  private static final long ONES = 0x0101010101010101L;
  private static final long HIGHS = 0x8080808080808080L;
  private static final long QUESTION_MARKS = '?' * ONES;

  /** Whether {@code b} contains the byte {@code '?'}, eight bytes at a time. */
  private static boolean containsQuestionMark(byte[] b) {
    int i = 0;
    for (; i + 8 <= b.length; i += 8) {
      long x = (long) LONGS.get(b, i) ^ QUESTION_MARKS;
      if (((x - ONES) & ~x & HIGHS) != 0) {
        return true;
      }
    }
    for (; i < b.length; i++) {
      if (b[i] == '?') {
        return true;
      }
    }
    return false;
  }

  private static void requireWellFormed(String s) {
    int n = s.length();
    for (int i = 0; i < n; i++) {
      char c = s.charAt(i);
      if (Character.isSurrogate(c)) {
        if (Character.isHighSurrogate(c)
            && i + 1 < n
            && Character.isLowSurrogate(s.charAt(i + 1))) {
          i++;
        } else {
          throw new IllegalArgumentException("string has an unpaired surrogate at index " + i);
        }
      }
    }
  }

  @Override
  public boolean equals(Object o) {
    return o instanceof StringValue other && value.equals(other.value);
  }

  @Override
  public int hashCode() {
    return value.hashCode();
  }

  @Override
  public String toString() {
    return value;
  }
}
