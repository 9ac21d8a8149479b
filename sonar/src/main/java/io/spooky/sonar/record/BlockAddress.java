package io.spooky.sonar.record;

import io.spooky.sonar.feed.FeedKey;

/** The address {@code key@seq} of one block of one feed, which is also a record version's id. */
public record BlockAddress(FeedKey key, long seq) {
  public BlockAddress {
    if (seq < 0) {
      throw new MalformedAddressException("seq must be >= 0: " + seq);
    }
  }

  /** Parses {@code <64 hex digits>@<seq>}. */
  public static BlockAddress parse(String s) {
    if (s == null) {
      throw new MalformedAddressException("block address is null");
    }
    int at = s.indexOf('@');
    if (at < 0 || at != s.lastIndexOf('@')) {
      throw new MalformedAddressException("a block address is key@seq: '" + s + "'");
    }
    FeedKey key = FeedKey.parse(s.substring(0, at));
    String seq = s.substring(at + 1);
    if (seq.isEmpty() || seq.length() > 18 || !seq.chars().allMatch(Character::isDigit)) {
      throw new MalformedAddressException("bad seq in block address '" + s + "'");
    }
    return new BlockAddress(key, Long.parseLong(seq));
  }

  @Override
  public String toString() {
    return key.hex() + "@" + seq;
  }
}
