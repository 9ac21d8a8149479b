package io.spooky.sonar.store;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.function.Consumer;
import org.rocksdb.BlockBasedTableConfig;
import org.rocksdb.BloomFilter;
import org.rocksdb.ColumnFamilyDescriptor;
import org.rocksdb.ColumnFamilyHandle;
import org.rocksdb.ColumnFamilyOptions;
import org.rocksdb.DBOptions;
import org.rocksdb.ReadOptions;
import org.rocksdb.RocksDB;
import org.rocksdb.RocksDBException;
import org.rocksdb.RocksIterator;
import org.rocksdb.Slice;
import org.rocksdb.WriteBatch;
import org.rocksdb.WriteOptions;

/**
 * The one RocksDB database of a Sonar node, split into column families by concern.
 *
 * <ul>
 *   <li>{@link Family#META}: node metadata and collection descriptors;
 *   <li>{@link Family#FEEDS}: feed state (length, head of the hash chain) and key interning;
 *   <li>{@link Family#BLOCKS}: signed blocks by {@code (feed id, seq)};
 *   <li>{@link Family#LOG}: each collection's indexer log, lookup table and feed membership;
 *   <li>{@link Family#VIEWS}: data and cursors of views stored in RocksDB, and subscriptions.
 * </ul>
 *
 * <p>A write that must be durable before it is acknowledged goes through {@link #write(WriteBatch,
 * boolean)} with {@code sync = true}: RocksDB has a single write-ahead log, so a synced batch also
 * makes every earlier unsynced batch durable. This class is thread-safe; it is closed by the node
 * that opened it.
 */
public final class Store implements AutoCloseable {
  /** Column families; the name is the on-disk name. */
  public enum Family {
    META("default"),
    FEEDS("feeds"),
    BLOCKS("blocks"),
    LOG("log"),
    VIEWS("views");

    private final String cfName;

    Family(String cfName) {
      this.cfName = cfName;
    }
  }

  static {
    RocksDB.loadLibrary();
  }

  private final DBOptions dbOptions;
  private final ColumnFamilyOptions cfOptions;
  private final RocksDB db;
  private final ColumnFamilyHandle[] handles;
  private final WriteOptions syncWrite;
  private final WriteOptions asyncWrite;
  private volatile boolean closed;

  private Store(
      DBOptions dbOptions,
      ColumnFamilyOptions cfOptions,
      RocksDB db,
      ColumnFamilyHandle[] handles) {
    this.dbOptions = dbOptions;
    this.cfOptions = cfOptions;
    this.db = db;
    this.handles = handles;
    this.syncWrite = new WriteOptions().setSync(true);
    this.asyncWrite = new WriteOptions().setSync(false);
  }

  /** Opens (creating when absent) the database in {@code dir}. */
  public static Store open(Path dir) {
    try {
      Files.createDirectories(dir);
    } catch (java.io.IOException e) {
      throw new StorageException("cannot create store directory " + dir, e);
    }
    DBOptions dbOptions =
        new DBOptions()
            .setCreateIfMissing(true)
            .setCreateMissingColumnFamilies(true)
            .setEnablePipelinedWrite(true)
            .setMaxBackgroundJobs(2);
    // Views look up many absent keys (superseded markers, heads of new records): bloom filters
    // keep those lookups from touching data blocks.
    ColumnFamilyOptions cfOptions =
        new ColumnFamilyOptions()
            .setWriteBufferSize(32L << 20)
            .setTableFormatConfig(
                new BlockBasedTableConfig()
                    .setFilterPolicy(new BloomFilter(10))
                    .setWholeKeyFiltering(true));
    List<ColumnFamilyDescriptor> descriptors = new ArrayList<>();
    for (Family f : Family.values()) {
      descriptors.add(
          new ColumnFamilyDescriptor(
              f.cfName.getBytes(java.nio.charset.StandardCharsets.UTF_8), cfOptions));
    }
    List<ColumnFamilyHandle> handles = new ArrayList<>();
    try {
      RocksDB db = RocksDB.open(dbOptions, dir.toString(), descriptors, handles);
      return new Store(dbOptions, cfOptions, db, handles.toArray(ColumnFamilyHandle[]::new));
    } catch (RocksDBException e) {
      dbOptions.close();
      cfOptions.close();
      throw new StorageException("cannot open store " + dir + ": " + e.getMessage(), e);
    }
  }

  ColumnFamilyHandle handle(Family f) {
    if (closed) {
      // RocksDB's native handles must never be used after close: that would crash the JVM.
      throw new StorageException("store is closed", null);
    }
    return handles[f.ordinal()];
  }

  /** Reads one value, or null. */
  public byte[] get(Family f, byte[] key) {
    try {
      return db.get(handle(f), key);
    } catch (RocksDBException e) {
      throw new StorageException("read failed: " + e.getMessage(), e);
    }
  }

  /** Writes a single key outside any batch, durably. */
  public void putSync(Family f, byte[] key, byte[] value) {
    try (WriteBatch b = new WriteBatch()) {
      b.put(handle(f), key, value);
      db.write(syncWrite, b);
    } catch (RocksDBException e) {
      throw new StorageException("write failed: " + e.getMessage(), e);
    }
  }

  /** Starts a batch; the caller owns it and must close it. */
  public Batch batch() {
    return new Batch(this);
  }

  /** Commits a batch atomically; with {@code sync} the write is on disk when this returns. */
  public void write(WriteBatch batch, boolean sync) {
    if (closed) {
      throw new StorageException("store is closed", null);
    }
    try {
      db.write(sync ? syncWrite : asyncWrite, batch);
    } catch (RocksDBException e) {
      throw new StorageException("write failed: " + e.getMessage(), e);
    }
  }

  /**
   * Visits keys in {@code [from, to)} in order ({@code to} null: to the end of the family), or in
   * reverse order, stopping when the visitor returns false.
   */
  public void scan(Family f, byte[] from, byte[] to, boolean reverse, Visitor visitor) {
    try (ReadOptions ro = new ReadOptions();
        Slice lower = from == null ? null : new Slice(from);
        Slice upper = to == null ? null : new Slice(to)) {
      if (lower != null) {
        ro.setIterateLowerBound(lower);
      }
      if (upper != null) {
        ro.setIterateUpperBound(upper);
      }
      try (RocksIterator it = db.newIterator(handle(f), ro)) {
        if (reverse) {
          it.seekToLast();
        } else {
          it.seekToFirst();
        }
        while (it.isValid()) {
          if (!visitor.visit(it.key(), it.value())) {
            return;
          }
          if (reverse) {
            it.prev();
          } else {
            it.next();
          }
        }
        it.status();
      }
    } catch (RocksDBException e) {
      throw new StorageException("scan failed: " + e.getMessage(), e);
    }
  }

  /** Visits every key that starts with {@code prefix}. */
  public void scanPrefix(Family f, byte[] prefix, Consumer<Map.Entry<byte[], byte[]>> sink) {
    scan(
        f,
        prefix,
        Keys.prefixEnd(prefix),
        false,
        (k, v) -> {
          sink.accept(Map.entry(k, v));
          return true;
        });
  }

  /** Receives entries of a scan. */
  @FunctionalInterface
  public interface Visitor {
    /** Returns false to stop the scan. */
    boolean visit(byte[] key, byte[] value);
  }

  @Override
  public synchronized void close() {
    if (closed) {
      return;
    }
    closed = true;
    syncWrite.close();
    asyncWrite.close();
    for (ColumnFamilyHandle h : handles) {
      h.close();
    }
    try {
      db.syncWal();
    } catch (RocksDBException e) {
      // The database is closing; a failed final sync loses nothing that was acknowledged, because
      // acknowledged writes were synced when they were written.
    }
    db.close();
    dbOptions.close();
    cfOptions.close();
  }

  /**
   * An atomic group of writes across column families. Not thread-safe; commit with {@link
   * #commit(boolean)} and always close.
   */
  public static final class Batch implements AutoCloseable {
    private final Store store;
    private final WriteBatch batch = new WriteBatch();

    Batch(Store store) {
      this.store = store;
    }

    public Batch put(Family f, byte[] key, byte[] value) {
      try {
        batch.put(store.handle(f), key, value);
      } catch (RocksDBException e) {
        throw new StorageException("batch put failed: " + e.getMessage(), e);
      }
      return this;
    }

    public Batch delete(Family f, byte[] key) {
      try {
        batch.delete(store.handle(f), key);
      } catch (RocksDBException e) {
        throw new StorageException("batch delete failed: " + e.getMessage(), e);
      }
      return this;
    }

    /** Deletes every key in {@code [from, to)}. */
    public Batch deleteRange(Family f, byte[] from, byte[] to) {
      try {
        batch.deleteRange(store.handle(f), from, to);
      } catch (RocksDBException e) {
        throw new StorageException("batch delete failed: " + e.getMessage(), e);
      }
      return this;
    }

    public int count() {
      return batch.count();
    }

    public void commit(boolean sync) {
      store.write(batch, sync);
    }

    @Override
    public void close() {
      batch.close();
    }
  }
}
