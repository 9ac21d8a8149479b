package io.spooky.ivm.merkle;

import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;

/**
 * The tree's hash function H: the first 16 bytes of SHA-256. Not thread-safe: one instance per
 * tree.
 */
final class Sha {
  private final MessageDigest sha;
  private final byte[] buf = new byte[1 + 16 * MerkleTree.FANOUT];

  Sha() {
    try {
      sha = MessageDigest.getInstance("SHA-256");
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException("every JDK provides SHA-256", e);
    }
  }

  /** H('M' || idDigest || version). */
  MerkleHash member(MerkleHash idDigest, MerkleHash version) {
    buf[0] = 'M';
    put(idDigest, 1);
    put(version, 17);
    return digest(33);
  }

  /** H('L' || u32 count || sum), or EMPTY for an empty bucket. */
  MerkleHash leaf(int count, long sumHi, long sumLo) {
    if (count == 0) {
      return MerkleHash.EMPTY;
    }
    buf[0] = 'L';
    buf[1] = (byte) (count >>> 24);
    buf[2] = (byte) (count >>> 16);
    buf[3] = (byte) (count >>> 8);
    buf[4] = (byte) count;
    put(new MerkleHash(sumHi, sumLo), 5);
    return digest(21);
  }

  /** H('N' || child_0 || ... || child_15), or EMPTY when every child is EMPTY. */
  MerkleHash node(MerkleHash[] children) {
    boolean empty = true;
    buf[0] = 'N';
    for (int i = 0; i < MerkleTree.FANOUT; i++) {
      MerkleHash c = children[i] == null ? MerkleHash.EMPTY : children[i];
      empty &= c.isEmpty();
      put(c, 1 + 16 * i);
    }
    return empty ? MerkleHash.EMPTY : digest(1 + 16 * MerkleTree.FANOUT);
  }

  /** The first 16 bytes of SHA-256 over {@code data}. */
  MerkleHash of(byte[] data) {
    return MerkleHash.fromBytes(sha.digest(data), 0);
  }

  private void put(MerkleHash h, int off) {
    long hi = h.hi();
    long lo = h.lo();
    for (int i = 0; i < 8; i++) {
      buf[off + i] = (byte) (hi >>> (56 - 8 * i));
      buf[off + 8 + i] = (byte) (lo >>> (56 - 8 * i));
    }
  }

  private MerkleHash digest(int len) {
    sha.update(buf, 0, len);
    return MerkleHash.fromBytes(sha.digest(), 0);
  }
}
