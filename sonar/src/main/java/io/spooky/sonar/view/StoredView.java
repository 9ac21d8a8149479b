package io.spooky.sonar.view;

import io.spooky.sonar.record.RecordVersion;
import io.spooky.sonar.store.Keys;
import io.spooky.sonar.store.Store;
import io.spooky.sonar.store.Store.Family;
import java.util.List;

/**
 * Base of views kept in the node's RocksDB. Each view owns the key space {@code collectionId(u32)
 * name 'd' ...} of column family {@code views}; its cursor is {@code collectionId(u32) name 'c'}. A
 * batch's data and the cursor are written in one RocksDB write batch, so a view is consistent with
 * its cursor after any crash. The write is not synced: the log is the durable source, and a lost
 * view batch is re-applied from the older cursor.
 *
 * <p>Subclasses implement {@link #applyRecords}; reads use {@link #get} and {@link #scan}. Thread
 * safety: as {@link View}; reads are safe concurrently with apply and see each batch atomically.
 */
public abstract class StoredView implements View {
  private final ViewContext context;
  private final String name;
  private final byte[] dataPrefix;
  private final byte[] cursorKey;
  private volatile long cursor;

  protected StoredView(ViewContext context, String name) {
    this.context = context;
    this.name = name;
    byte[] base = Keys.concat(Keys.u32(context.collectionId()), Keys.str(name));
    this.dataPrefix = Keys.concat(base, new byte[] {'d'});
    this.cursorKey = Keys.concat(base, new byte[] {'c'});
    byte[] c = context.store().get(Family.VIEWS, cursorKey);
    this.cursor = c == null ? 0 : Keys.readU64(c, 0);
  }

  protected final ViewContext context() {
    return context;
  }

  @Override
  public final String name() {
    return name;
  }

  @Override
  public final long cursor() {
    return cursor;
  }

  /** Adds the effects of {@code records} to {@code w}. */
  protected abstract void applyRecords(List<RecordVersion> records, ViewWriter w);

  /** Called after a batch committed, with the new cursor. */
  protected void afterCommit(long upTo) {}

  /** Called when a batch failed before or during its commit; nothing of it was written. */
  protected void afterAbort() {}

  @Override
  public final void apply(List<RecordVersion> records, long upTo) {
    Store store = context.store();
    try (Store.Batch b = store.batch()) {
      ViewWriter w = new ViewWriter(store, b, dataPrefix);
      applyRecords(records, w);
      b.put(Family.VIEWS, cursorKey, Keys.u64(upTo));
      b.commit(false);
    } catch (RuntimeException e) {
      afterAbort();
      throw e;
    }
    cursor = upTo;
    afterCommit(upTo);
  }

  @Override
  public void reset() {
    Store store = context.store();
    try (Store.Batch b = store.batch()) {
      b.deleteRange(Family.VIEWS, dataPrefix, Keys.prefixEnd(dataPrefix));
      b.delete(Family.VIEWS, cursorKey);
      b.commit(false);
    }
    cursor = 0;
  }

  /** Reads a key of this view's space. */
  protected final byte[] get(byte[] key) {
    return context.store().get(Family.VIEWS, Keys.concat(dataPrefix, key));
  }

  /**
   * Visits keys of this view's space in {@code [from, to)} ({@code to} null: every key starting
   * with {@code from}); keys passed to the visitor are relative to the view's space.
   */
  protected final void scan(byte[] from, byte[] to, boolean reverse, Store.Visitor visitor) {
    byte[] lo = Keys.concat(dataPrefix, from);
    byte[] hi = to == null ? Keys.prefixEnd(lo) : Keys.concat(dataPrefix, to);
    int strip = dataPrefix.length;
    context
        .store()
        .scan(
            Family.VIEWS,
            lo,
            hi,
            reverse,
            (k, v) -> visitor.visit(java.util.Arrays.copyOfRange(k, strip, k.length), v));
  }
}
