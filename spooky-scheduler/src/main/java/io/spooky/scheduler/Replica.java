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
 * <p>Layout: {@code 'd' table 0x00 sortKey(id)} → canonical(record), where {@link #sortKey} makes
 * the byte order of a table's keys the record id order of {@code Values.compare} for int, string
 * and uuid keys (all of which sort before array and object keys), so a page of a table is a range
 * scan; {@code 'm' "keys"} marks that layout (a replica written with the former {@code
 * canonical(id.key)} keys is rewritten once, in one batch, when opened); {@code 'm' "seq"} → the
 * last applied WAL seq (8 bytes big-endian); {@code 'm' "cursor"} → the capture cursor carried by
 * the last applied event that had one. {@link #apply} writes a batch of WAL entries, the seq and
 * the cursor in one synced {@link WriteBatch}, so after any crash the data, the seq and the cursor
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
  private static final byte[] KEYS_KEY = "mkeys".getBytes(StandardCharsets.UTF_8);

  // Kind bytes of sortKey, in Values.compare's key kind order and distinct from canonical tags.
  private static final byte KIND_INT = 0x10;
  private static final byte KIND_STRING = 0x11;
  private static final byte KIND_UUID = 0x12;
  private static final byte KIND_ARRAY = 0x13;
  private static final byte KIND_OBJECT = 0x14;

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
    if (db.get(KEYS_KEY) == null) {
      rewriteKeys();
    }
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

  /** Moves every record to its {@link #sortKey} in one synced batch that also sets the marker. */
  private void rewriteKeys() throws RocksDBException {
    byte[] prefix = {'d'};
    int moved = 0;
    try (WriteBatch batch = new WriteBatch();
        RocksIterator it = db.newIterator()) {
      for (it.seek(prefix); it.isValid() && it.key().length > 0 && it.key()[0] == 'd'; it.next()) {
        RecordId id = (RecordId) ((ObjectValue) CanonicalEncoding.decode(it.value())).get("id");
        batch.delete(it.key());
        batch.put(recordKey(id), it.value());
        moved++;
      }
      batch.put(KEYS_KEY, new byte[] {1});
      db.write(syncWrites, batch);
    }
    if (moved > 0) {
      org.slf4j.LoggerFactory.getLogger(Replica.class)
          .info("event=replica_keys_rewritten records={}", moved);
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

    /**
     * A superset of the first {@code count} records of {@code table} (a table of {@code from})
     * whose id is greater than {@code from} (or equal, when {@code inclusive}; every record when
     * {@code from} is null), in record id order: exactly those for int, string and uuid keys, plus
     * every array- and object-keyed record once the range reaches them (their byte order is not the
     * record id order, so the caller sorts and filters).
     */
    List<ObjectValue> scanFrom(String table, RecordId from, boolean inclusive, long count) {
      byte[] prefix = tablePrefix(table);
      byte[] start = from == null ? prefix : recordKey(from);
      if (start.length > prefix.length && start[prefix.length] >= KIND_ARRAY) {
        start = Arrays.copyOf(prefix, prefix.length + 1);
        start[prefix.length] = KIND_ARRAY;
      }
      List<ObjectValue> out = new ArrayList<>();
      long ordered = 0;
      try (RocksIterator it = db.newIterator(read)) {
        for (it.seek(start); it.isValid(); it.next()) {
          byte[] k = it.key();
          if (k.length <= prefix.length
              || !Arrays.equals(k, 0, prefix.length, prefix, 0, prefix.length)) {
            break;
          }
          boolean exact = k[prefix.length] < KIND_ARRAY;
          if (exact && ordered >= count) {
            break;
          }
          ObjectValue record = (ObjectValue) CanonicalEncoding.decode(it.value());
          if (exact && !inclusive && from != null && from.equals(record.get("id"))) {
            continue;
          }
          out.add(record);
          if (exact) {
            ordered++;
          }
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
    byte[] key = sortKey(id.key());
    byte[] out = Arrays.copyOf(prefix, prefix.length + key.length);
    System.arraycopy(key, 0, out, prefix.length, key.length);
    return out;
  }

  /**
   * A record id key as bytes whose unsigned order is {@code Values.compare}'s for int (sign bit
   * flipped, big-endian), string (UTF-8, whose byte order is code point order; nothing follows, so
   * no terminator) and uuid keys (big-endian); array and object keys follow all of them, each kind
   * in canonical-encoding order.
   */
  static byte[] sortKey(Value key) {
    return switch (key) {
      case IntValue i ->
          ByteBuffer.allocate(9).put(KIND_INT).putLong(i.value() ^ Long.MIN_VALUE).array();
      case io.spooky.core.value.StringValue s ->
          tagged(KIND_STRING, s.value().getBytes(StandardCharsets.UTF_8));
      case io.spooky.core.value.UuidValue u ->
          ByteBuffer.allocate(17)
              .put(KIND_UUID)
              .putLong(u.value().getMostSignificantBits())
              .putLong(u.value().getLeastSignificantBits())
              .array();
      case ArrayValue a -> tagged(KIND_ARRAY, CanonicalEncoding.encode(a));
      default -> tagged(KIND_OBJECT, CanonicalEncoding.encode(key));
    };
  }

  private static byte[] tagged(byte kind, byte[] body) {
    byte[] out = new byte[body.length + 1];
    out[0] = kind;
    System.arraycopy(body, 0, out, 1, body.length);
    return out;
  }

  @Override
  public void close() {
    syncWrites.close();
    db.close();
    options.close();
  }
}
