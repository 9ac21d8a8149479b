package io.spooky.scheduler;

import io.spooky.core.encoding.CanonicalEncoding;
import io.spooky.core.value.ArrayValue;
import io.spooky.core.value.IntValue;
import io.spooky.core.value.ObjectValue;
import io.spooky.core.value.RecordId;
import io.spooky.core.value.Value;
import io.spooky.log.LogEntry;
import io.spooky.query.eval.Snapshot;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import org.rocksdb.Options;
import org.rocksdb.ReadOptions;
import org.rocksdb.RocksDB;
import org.rocksdb.RocksDBException;
import org.rocksdb.RocksIterator;
import org.rocksdb.WriteBatch;
import org.rocksdb.WriteOptions;

/**
 * The snapshot replica: every watched table's records as of {@link #appliedSeq()}, in RocksDB.
 *
 * <p>Layout: {@code 'd' table 0x00 canonical(id)} → canonical(record); {@code 'm' "seq"} → the last
 * applied WAL seq (8 bytes big-endian); {@code 'm' "cursor"} → the capture cursor carried by the
 * last applied event that had one. {@link #apply} writes a batch of WAL entries, the seq and the
 * cursor in one synced {@link WriteBatch}, so after any crash the data, the seq and the cursor
 * agree: recovery replays WAL entries above {@link #appliedSeq()} and nothing else.
 *
 * <p>The same store holds the scheduler's placement state, written synchronously on every change
 * and read once at start: {@code 'q' queryId} → canonical({surql, params, client_id?, ssp_id?,
 * ssp_url?}) for each registered query and {@code 's' sspId} → canonical({url, acked_seq}) for each
 * SSP of the pool. These keys never collide with the {@code 'd'} and {@code 'm'} ones.
 *
 * <p>Thread-safety: {@link #apply} must be called by one thread at a time (the scheduler's replica
 * follower); {@link #view} may be called from any thread and reads a RocksDB snapshot, so a query
 * never sees half of a batch.
 */
final class Replica implements AutoCloseable {
  static {
    RocksDB.loadLibrary();
  }

  private static final byte[] SEQ_KEY = "mseq".getBytes(StandardCharsets.UTF_8);
  private static final byte[] CURSOR_KEY = "mcursor".getBytes(StandardCharsets.UTF_8);
  private static final byte[] TAIL_KEY = "mtail".getBytes(StandardCharsets.UTF_8);

  private final Options options;
  private final RocksDB db;
  private final WriteOptions syncWrites;
  private volatile long appliedSeq;
  private volatile String cursor;
  private Set<WalEvent.CapturedChange> tail; // guarded by the single applying thread

  private Replica(Options options, RocksDB db) throws RocksDBException {
    this.options = options;
    this.db = db;
    this.syncWrites = new WriteOptions().setSync(true);
    byte[] seq = db.get(SEQ_KEY);
    this.appliedSeq = seq == null ? 0 : ByteBuffer.wrap(seq).getLong();
    byte[] c = db.get(CURSOR_KEY);
    this.cursor = c == null ? null : new String(c, StandardCharsets.UTF_8);
    this.tail = new LinkedHashSet<>();
    byte[] t = db.get(TAIL_KEY);
    if (t != null) {
      for (Value v : ((ArrayValue) CanonicalEncoding.decode(t)).items()) {
        ObjectValue o = (ObjectValue) v;
        tail.add(
            new WalEvent.CapturedChange((RecordId) o.get("id"), ((IntValue) o.get("vs")).value()));
      }
    }
  }

  static Replica open(Path dir) throws IOException {
    Files.createDirectories(dir);
    Options options = new Options().setCreateIfMissing(true);
    try {
      return new Replica(options, RocksDB.open(options, dir.toString()));
    } catch (RocksDBException e) {
      options.close();
      throw new IOException("cannot open replica at " + dir + ": " + e.getMessage(), e);
    }
  }

  /** Seq of the last WAL entry applied; 0 for an empty replica. */
  long appliedSeq() {
    return appliedSeq;
  }

  /** Capture cursor of the last applied event that carried one, or null. */
  String cursor() {
    return cursor;
  }

  /**
   * Captured changes applied after the last event that carried a cursor: non-empty only when the
   * process died inside the WAL append of a capture batch. Capture resumes from {@link #cursor()}
   * and must skip these, which the WAL already holds.
   */
  Set<WalEvent.CapturedChange> captureTail() {
    return Set.copyOf(tail);
  }

  /** Applies {@code entries} (consecutive, starting at {@code appliedSeq() + 1}) atomically. */
  void apply(List<LogEntry> entries) throws IOException {
    if (entries.isEmpty()) {
      return;
    }
    assert entries.getFirst().seq() == appliedSeq + 1
        : "replica at " + appliedSeq + " cannot apply from " + entries.getFirst().seq();
    String newCursor = cursor;
    Set<WalEvent.CapturedChange> newTail = new LinkedHashSet<>(tail);
    try (WriteBatch batch = new WriteBatch()) {
      for (LogEntry e : entries) {
        WalEvent ev = WalEvent.decode(e.payload());
        byte[] key = recordKey(ev.id());
        if (ev.op() == WalEvent.Op.DELETE) {
          batch.delete(key);
        } else {
          batch.put(key, CanonicalEncoding.encode(ev.after()));
        }
        if (ev.cursor() != null) {
          newCursor = ev.cursor();
          newTail.clear();
        } else if (ev.vs() != 0) {
          newTail.add(new WalEvent.CapturedChange(ev.id(), ev.vs()));
        }
      }
      if (newTail.isEmpty()) {
        batch.delete(TAIL_KEY);
      } else {
        List<Value> items = new ArrayList<>();
        for (WalEvent.CapturedChange c : newTail) {
          items.add(Value.object(Map.of("id", c.id(), "vs", new IntValue(c.vs()))));
        }
        batch.put(TAIL_KEY, CanonicalEncoding.encode(new ArrayValue(items)));
      }
      long last = entries.getLast().seq();
      batch.put(SEQ_KEY, ByteBuffer.allocate(8).putLong(last).array());
      if (newCursor != null) {
        batch.put(CURSOR_KEY, newCursor.getBytes(StandardCharsets.UTF_8));
      }
      db.write(syncWrites, batch);
      appliedSeq = last;
      cursor = newCursor;
      tail = newTail;
    } catch (RocksDBException e) {
      throw new IOException("replica write failed: " + e.getMessage(), e);
    }
  }

  /** Kind of placement record kept beside the replica data. */
  enum Placement {
    QUERY('q'),
    SSP('s');

    private final byte prefix;

    Placement(char prefix) {
      this.prefix = (byte) prefix;
    }

    private byte[] key(String name) {
      byte[] n = name.getBytes(StandardCharsets.UTF_8);
      byte[] k = new byte[n.length + 1];
      k[0] = prefix;
      System.arraycopy(n, 0, k, 1, n.length);
      return k;
    }
  }

  /** Durably stores (replaces) one placement record before returning. */
  void putPlacement(Placement kind, String name, ObjectValue record) throws IOException {
    try {
      db.put(syncWrites, kind.key(name), CanonicalEncoding.encode(record));
    } catch (RocksDBException e) {
      throw new IOException("placement write failed: " + e.getMessage(), e);
    }
  }

  /** Durably removes one placement record before returning; absent records are ignored. */
  void deletePlacement(Placement kind, String name) throws IOException {
    try {
      db.delete(syncWrites, kind.key(name));
    } catch (RocksDBException e) {
      throw new IOException("placement delete failed: " + e.getMessage(), e);
    }
  }

  /** Every stored record of {@code kind}, by name. */
  Map<String, ObjectValue> placements(Placement kind) {
    byte[] prefix = {kind.prefix};
    Map<String, ObjectValue> out = new java.util.LinkedHashMap<>();
    try (RocksIterator it = db.newIterator()) {
      for (it.seek(prefix); it.isValid(); it.next()) {
        byte[] k = it.key();
        if (k.length == 0 || k[0] != kind.prefix) {
          break;
        }
        out.put(
            new String(k, 1, k.length - 1, StandardCharsets.UTF_8),
            (ObjectValue) CanonicalEncoding.decode(it.value()));
      }
    }
    return out;
  }

  /** A consistent read-only view of the replica as of now; close it after the query. */
  View view() {
    return new View(db.getSnapshot(), appliedSeq);
  }

  /** A point-in-time view of the replica for the query evaluator. */
  final class View implements Snapshot, AutoCloseable {
    private final org.rocksdb.Snapshot snapshot;
    private final ReadOptions read;
    private final long seq;

    private View(org.rocksdb.Snapshot snapshot, long seq) {
      this.snapshot = snapshot;
      this.read = new ReadOptions().setSnapshot(snapshot);
      this.seq = seq;
    }

    /** The replica seq this view was taken at (a lower bound when the replica is applying). */
    long seq() {
      return seq;
    }

    @Override
    public Iterable<ObjectValue> scan(String table) {
      byte[] prefix = tablePrefix(table);
      List<ObjectValue> out = new ArrayList<>();
      try (RocksIterator it = db.newIterator(read)) {
        for (it.seek(prefix); it.isValid(); it.next()) {
          byte[] k = it.key();
          if (k.length < prefix.length
              || !Arrays.equals(k, 0, prefix.length, prefix, 0, prefix.length)) {
            break;
          }
          out.add((ObjectValue) CanonicalEncoding.decode(it.value()));
        }
      }
      return out;
    }

    @Override
    public Optional<ObjectValue> get(RecordId id) {
      try {
        byte[] v = db.get(read, recordKey(id));
        return v == null
            ? Optional.empty()
            : Optional.of((ObjectValue) CanonicalEncoding.decode(v));
      } catch (RocksDBException e) {
        throw new IllegalStateException("replica read failed: " + e.getMessage(), e);
      }
    }

    @Override
    public void close() {
      read.close();
      db.releaseSnapshot(snapshot);
    }
  }

  private static byte[] tablePrefix(String table) {
    byte[] t = table.getBytes(StandardCharsets.UTF_8);
    byte[] p = new byte[t.length + 2];
    p[0] = 'd';
    System.arraycopy(t, 0, p, 1, t.length);
    p[p.length - 1] = 0;
    return p;
  }

  private static byte[] recordKey(RecordId id) {
    byte[] prefix = tablePrefix(id.table());
    byte[] key = CanonicalEncoding.encode(id.key());
    byte[] out = Arrays.copyOf(prefix, prefix.length + key.length);
    System.arraycopy(key, 0, out, prefix.length, key.length);
    return out;
  }

  @Override
  public void close() {
    syncWrites.close();
    db.close();
    options.close();
  }
}
