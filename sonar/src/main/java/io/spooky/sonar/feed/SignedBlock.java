package io.spooky.sonar.feed;

import java.util.Arrays;

/**
 * One block of a feed as it travels between nodes: position, payload and, for the last block of
 * each append, the Ed25519 signature of the feed's hash chain up to and including this block
 * (docs/PROTOCOL.md section 6); other blocks have an empty signature and are vouched for by the
 * next signed block. Arrays are not copied; treat them as immutable.
 */
public record SignedBlock(FeedKey key, long seq, byte[] data, byte[] signature) {
  public SignedBlock {
    if (seq < 0) {
      throw new IllegalArgumentException("seq must be >= 0: " + seq);
    }
  }

  /** The {@code key@seq} address of this block. */
  public String address() {
    return key.hex() + "@" + seq;
  }

  @Override
  public boolean equals(Object o) {
    return o instanceof SignedBlock b
        && key.equals(b.key)
        && seq == b.seq
        && Arrays.equals(data, b.data)
        && Arrays.equals(signature, b.signature);
  }

  @Override
  public int hashCode() {
    return key.hashCode() * 31 + Long.hashCode(seq);
  }

  @Override
  public String toString() {
    return "SignedBlock[" + address() + ", " + data.length + " bytes]";
  }
}
