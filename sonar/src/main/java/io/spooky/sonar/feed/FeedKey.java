package io.spooky.sonar.feed;

import io.spooky.sonar.record.MalformedAddressException;
import java.util.Arrays;
import java.util.HexFormat;

/**
 * The identity of a feed: its raw 32-byte Ed25519 public key, written as 64 lowercase hex digits.
 * Immutable.
 */
public final class FeedKey implements Comparable<FeedKey> {
  /** Length of a raw Ed25519 public key. */
  public static final int LENGTH = 32;

  private static final HexFormat HEX = HexFormat.of();
  private final byte[] raw;
  private final String hex;

  private FeedKey(byte[] raw) {
    this.raw = raw;
    this.hex = HEX.formatHex(raw);
  }

  /** Wraps a raw 32-byte public key (copied). */
  public static FeedKey of(byte[] raw) {
    if (raw.length != LENGTH) {
      throw new MalformedAddressException("a feed key has " + LENGTH + " bytes, got " + raw.length);
    }
    return new FeedKey(raw.clone());
  }

  /** Parses 64 hex digits. */
  public static FeedKey parse(String hex) {
    if (hex == null || hex.length() != 2 * LENGTH) {
      throw new MalformedAddressException("a feed key is 64 hex digits: '" + hex + "'");
    }
    try {
      return new FeedKey(HEX.parseHex(hex.toLowerCase(java.util.Locale.ROOT)));
    } catch (IllegalArgumentException e) {
      throw new MalformedAddressException("a feed key is 64 hex digits: '" + hex + "'");
    }
  }

  /** A copy of the raw key bytes. */
  public byte[] bytes() {
    return raw.clone();
  }

  byte[] rawUnsafe() {
    return raw;
  }

  public String hex() {
    return hex;
  }

  @Override
  public boolean equals(Object o) {
    return o instanceof FeedKey k && Arrays.equals(raw, k.raw);
  }

  @Override
  public int hashCode() {
    return Arrays.hashCode(raw);
  }

  @Override
  public int compareTo(FeedKey o) {
    return Arrays.compareUnsigned(raw, o.raw);
  }

  @Override
  public String toString() {
    return hex;
  }
}
