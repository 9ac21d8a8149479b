package io.spooky.sonar.view;

import io.spooky.sonar.store.Keys;
import io.spooky.sonar.store.Store;
import io.spooky.sonar.store.Store.Family;
import java.nio.ByteBuffer;
import java.util.HashMap;
import java.util.Map;

/**
 * The writes of one batch of a {@link StoredView}, confined to the view's key space. Reads through
 * {@link #get} see the batch's own earlier writes. Not thread-safe; lives for one {@link
 * View#apply} call.
 */
public final class ViewWriter {
  private static final byte[] TOMBSTONE = new byte[0];
  private final Store store;
  private final Store.Batch batch;
  private final byte[] dataPrefix;
  private final Map<ByteBuffer, byte[]> overlay = new HashMap<>();

  ViewWriter(Store store, Store.Batch batch, byte[] dataPrefix) {
    this.store = store;
    this.batch = batch;
    this.dataPrefix = dataPrefix;
  }

  /** The current value of a key, this batch's writes included; null if absent. */
  public byte[] get(byte[] key) {
    byte[] v = overlay.get(ByteBuffer.wrap(key));
    if (v != null) {
      return v == TOMBSTONE ? null : v;
    }
    return store.get(Family.VIEWS, Keys.concat(dataPrefix, key));
  }

  public void put(byte[] key, byte[] value) {
    overlay.put(ByteBuffer.wrap(key.clone()), value);
    batch.put(Family.VIEWS, Keys.concat(dataPrefix, key), value);
  }

  public void delete(byte[] key) {
    overlay.put(ByteBuffer.wrap(key.clone()), TOMBSTONE);
    batch.delete(Family.VIEWS, Keys.concat(dataPrefix, key));
  }

  /**
   * The batch itself, for the rare view that must write outside its key space atomically with its
   * data (the root view adds member feeds to the log).
   */
  public Store.Batch batch() {
    return batch;
  }
}
