package io.spooky.sonar.indexer;

import io.spooky.sonar.feed.FeedKey;

/** One position of a collection's local log: {@code lseq} holds block {@code key@seq}. */
public record LogEntry(long lseq, FeedKey key, int keyId, long seq) {
  /** The {@code key@seq} address of the block. */
  public String address() {
    return key.hex() + "@" + seq;
  }
}
