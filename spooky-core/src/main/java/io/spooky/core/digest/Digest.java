package io.spooky.core.digest;

import java.util.HexFormat;

/**
 * A 128-bit content digest, as computed by {@link ContentDigest}. Its byte form is big-endian:
 * {@code high} then {@code low}, 16 bytes, which is also the order of its 32-digit lowercase {@link
 * #hex()} form (the canonical XXH128 form that {@code xxhsum -H2} prints).
 */
public record Digest(long high, long low) {
  /** Parses the 32 hex digits of {@link #hex()} (either case). */
  public static Digest fromHex(String hex) {
    if (hex.length() != 32) {
      throw new IllegalArgumentException("a digest is 32 hex digits, got " + hex.length());
    }
    return new Digest(
        HexFormat.fromHexDigitsToLong(hex, 0, 16), HexFormat.fromHexDigitsToLong(hex, 16, 32));
  }

  /** Reads a digest from its 16-byte form. */
  public static Digest fromBytes(byte[] bytes) {
    if (bytes.length != 16) {
      throw new IllegalArgumentException("a digest is 16 bytes, got " + bytes.length);
    }
    return new Digest(readLong(bytes, 0), readLong(bytes, 8));
  }

  /** The 16 bytes, big-endian. */
  public byte[] bytes() {
    byte[] b = new byte[16];
    writeTo(b, 0);
    return b;
  }

  /** Writes the 16 bytes at {@code b[off, off + 16)}. */
  public void writeTo(byte[] b, int off) {
    for (int i = 0; i < 8; i++) {
      b[off + i] = (byte) (high >>> (56 - 8 * i));
      b[off + 8 + i] = (byte) (low >>> (56 - 8 * i));
    }
  }

  /** 32 lowercase hex digits. */
  public String hex() {
    return HexFormat.of().toHexDigits(high) + HexFormat.of().toHexDigits(low);
  }

  @Override
  public String toString() {
    return hex();
  }

  private static long readLong(byte[] b, int off) {
    long v = 0;
    for (int i = 0; i < 8; i++) {
      v = (v << 8) | (b[off + i] & 0xFF);
    }
    return v;
  }
}
