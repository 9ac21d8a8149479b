package io.spooky.sonar.record;

import io.spooky.sonar.feed.FeedKey;

/**
 * A record as read back from a collection: the stored {@link Record} plus its position, the block
 * address {@code key@seq} and the collection-local sequence number {@code lseq}.
 */
public record RecordVersion(FeedKey key, long seq, long lseq, Record record) {
  /** The {@code key@seq} address of this version. */
  public String address() {
    return key.hex() + "@" + seq;
  }

  public String id() {
    return record.id();
  }

  public String type() {
    return record.type();
  }
}
