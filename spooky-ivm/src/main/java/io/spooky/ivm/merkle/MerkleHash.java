package io.spooky.ivm.merkle;

import java.util.HexFormat;

/**
 * A 128-bit node hash of a view Merkle tree, as two big-endian halves. {@link #EMPTY} (all zero
 * bytes) is the hash of every empty subtree. Immutable.
 */
public record MerkleHash(long hi, long lo) {
  /** The hash of an empty bucket and of every subtree whose buckets are all empty. */
  public static final MerkleHash EMPTY = new MerkleHash(0L, 0L);

  /** The 16 bytes, big-endian: {@code hi} first. */
  public byte[] bytes() {
    byte[] out = new byte[16];
    for (int i = 0; i < 8; i++) {
      out[i] = (byte) (hi >>> (56 - 8 * i));
      out[8 + i] = (byte) (lo >>> (56 - 8 * i));
    }
    return out;
  }

  /** Lower-case hex of {@link #bytes()}, 32 characters. */
  public String hex() {
    return HexFormat.of().formatHex(bytes());
  }

  /** Parses 32 hex characters as produced by {@link #hex()}. */
  public static MerkleHash fromHex(String hex) {
    if (hex.length() != 32) {
      throw new IllegalArgumentException("a Merkle hash is 32 hex characters, got " + hex.length());
    }
    return fromBytes(HexFormat.of().parseHex(hex), 0);
  }

  static MerkleHash fromBytes(byte[] b, int off) {
    long h = 0;
    long l = 0;
    for (int i = 0; i < 8; i++) {
      h = (h << 8) | (b[off + i] & 0xFF);
      l = (l << 8) | (b[off + 8 + i] & 0xFF);
    }
    return new MerkleHash(h, l);
  }

  boolean isEmpty() {
    return hi == 0L && lo == 0L;
  }

  @Override
  public String toString() {
    return hex();
  }
}
