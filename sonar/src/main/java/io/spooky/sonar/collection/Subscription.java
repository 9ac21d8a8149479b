package io.spooky.sonar.collection;

import io.spooky.sonar.record.RecordVersion;
import io.spooky.sonar.store.Keys;
import io.spooky.sonar.store.Store.Family;
import java.util.List;

/**
 * A named, persisted cursor over a collection's log, for consumers outside the node: {@link #pull}
 * returns the records after the acknowledged cursor, {@link #ack} durably moves it. A consumer that
 * crashes before acking sees the same records again (at-least-once). Thread-safe.
 */
public final class Subscription {
  /** Records of log positions {@code (previous cursor, cursor]}, header blocks omitted. */
  public record Batch(List<RecordVersion> records, long cursor) {}

  private final Collection collection;
  private final String name;
  private final byte[] key;
  private long cursor;

  Subscription(Collection collection, String name, byte[] key) {
    this.collection = collection;
    this.name = name;
    this.key = key;
    byte[] v = collection.store().get(Family.LOG, key);
    this.cursor = v == null ? 0 : Keys.readU64(v, 0);
  }

  public String name() {
    return name;
  }

  /** The last acknowledged lseq. */
  public synchronized long cursor() {
    return cursor;
  }

  /** Up to {@code limit} log positions after the acknowledged cursor. */
  public synchronized Batch pull(int limit) {
    return collection.readLog(cursor, limit);
  }

  /** Durably moves the cursor to {@code lseq} (never backwards, never past the log head). */
  public synchronized void ack(long lseq) {
    if (lseq > collection.indexer().head()) {
      throw new IllegalArgumentException(
          "cannot ack " + lseq + " past the log head " + collection.indexer().head());
    }
    if (lseq <= cursor) {
      return;
    }
    collection.store().putSync(Family.LOG, key, Keys.u64(lseq));
    cursor = lseq;
  }
}
