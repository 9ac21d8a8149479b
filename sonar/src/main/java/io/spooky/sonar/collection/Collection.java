package io.spooky.sonar.collection;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.spooky.sonar.feed.FeedKey;
import io.spooky.sonar.feed.FeedKeyPair;
import io.spooky.sonar.indexer.Indexer;
import io.spooky.sonar.indexer.LogEntry;
import io.spooky.sonar.record.BlockAddress;
import io.spooky.sonar.record.MalformedBlockException;
import io.spooky.sonar.record.Record;
import io.spooky.sonar.record.RecordCodec;
import io.spooky.sonar.record.RecordVersion;
import io.spooky.sonar.schema.InvalidValueException;
import io.spooky.sonar.schema.Schema;
import io.spooky.sonar.schema.TypeAddress;
import io.spooky.sonar.schema.TypeSpec;
import io.spooky.sonar.store.Keys;
import io.spooky.sonar.store.Store;
import io.spooky.sonar.store.Store.Family;
import io.spooky.sonar.view.View;
import io.spooky.sonar.view.ViewContext;
import io.spooky.sonar.view.ViewFactory;
import io.spooky.sonar.view.ViewStatus;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.security.SecureRandom;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.atomic.AtomicReferenceArray;
import java.util.concurrent.locks.ReentrantLock;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A collection: a root feed, a local feed (the root feed when this node holds its secret key), the
 * member feeds added by {@code sonar/feed} records, one local log ({@link Indexer}) of all their
 * blocks and the views over that log.
 *
 * <pre>{@code
 * try (Sonar sonar = Sonar.open(dir)) {
 *   Collection c = sonar.openCollection("notes");
 *   c.putType(json("{\"name\": \"note\", \"fields\": {\"title\": {\"type\": \"string\"}}}"));
 *   RecordVersion v = c.put("note", null, json("{\"title\": \"hello\"}"));
 *   List<RecordVersion> notes = c.query(new Query.Records("note", null, true));
 * }
 * }</pre>
 *
 * <p>Writes ({@link #put}, {@link #putAll}, {@link #delete}, {@link #putType}, {@link #putFeed})
 * return once the blocks and their log entries are durable (synced RocksDB batch). Concurrent
 * writers are group-committed (one signature and one sync for everything queued), and {@link
 * #putAll} is the way to commit a bulk load in large groups. A put links the heads of {@code (type,
 * id)} that the {@code kv} view holds at that moment, so it supersedes exactly what the writer saw.
 * Views are updated in the background; a query with {@code sync} (or {@link #sync()}) waits for
 * them.
 *
 * <p>Files ({@link #putFile}, {@link #openFile}) keep their bytes in the collection's blob feed,
 * which is not a member of the log; only their {@code sonar/file} records are indexed.
 *
 * <p>Thread-safe: writes from any thread are serialized by the node's write lock; queries run
 * concurrently. A collection is closed by its {@link Sonar}.
 */
public final class Collection {
  private static final Logger LOG = LoggerFactory.getLogger(Collection.class);
  private static final SecureRandom RANDOM = new SecureRandom();
  private static final char[] ID_ALPHABET = "0123456789abcdefghjkmnpqrstvwxyz".toCharArray();
  private static final int GROUP_LIMIT = 20_000;
  private static final int RECENT = 1 << 13;

  /** Bytes per blob block; the last block of a file may be shorter. */
  static final int CHUNK_SIZE = 64 * 1024;

  /** Blob blocks per append (one signature and one sync per 1 MiB). */
  private static final int CHUNKS_PER_APPEND = 16;

  private final Sonar node;
  private final String name;
  private final int id;
  private final FeedKey rootKey;
  private final FeedKeyPair local;
  private final Indexer indexer;
  private final RootView root;
  private final KvView kv;
  private final RecordsView records;
  private final IndexesView indexes;
  private final HistoryView history;
  private final Map<String, ViewRunner> runners = new LinkedHashMap<>();
  private final ViewRunner rootRunner;
  private final ViewRunner kvRunner;
  private final Map<String, Subscription> subscriptions = new ConcurrentHashMap<>();
  private final Object signal = new Object();
  private boolean dirty;
  private volatile boolean closed;
  private final Thread driver;
  private final ConcurrentLinkedQueue<Pending> queue = new ConcurrentLinkedQueue<>();
  // Group commit: at most one writer of this collection leads; the others wait on this monitor
  // for their batch to be committed, or for the leadership to be free.
  private final Object group = new Object();
  private boolean leading;
  // Held for a whole upload so that each file's chunks are contiguous in the blob feed.
  private final ReentrantLock files = new ReentrantLock();
  private volatile FeedKeyPair blobs;
  // Recently decoded records by lseq, shared by the views that read the same log range. Only
  // views read from it; callers get freshly decoded records they may modify.
  private final AtomicReferenceArray<RecordVersion> recent = new AtomicReferenceArray<>(RECENT);

  Collection(
      Sonar node,
      String name,
      int id,
      FeedKey rootKey,
      FeedKeyPair local,
      String defaultNamespace,
      List<ViewFactory> extraViews,
      boolean startViews) {
    this.node = node;
    this.name = name;
    this.id = id;
    this.rootKey = rootKey;
    this.local = local;
    this.indexer = new Indexer(node.store(), node.feeds(), id);
    ViewContext ctx = new Context();
    this.root = new RootView(ctx, node.feeds(), indexer, defaultNamespace);
    this.kv = new KvView(ctx, node.feeds());
    this.records = new RecordsView(ctx, node.feeds());
    this.indexes = new IndexesView(ctx, node.feeds());
    this.history = new HistoryView(ctx);
    List<View> views = new ArrayList<>(List.of(root, kv, records, indexes, history));
    for (ViewFactory f : extraViews) {
      views.add(f.create(ctx));
    }
    for (View v : views) {
      if (runners.containsKey(v.name())) {
        throw new IllegalArgumentException("two views named " + v.name());
      }
      runners.put(v.name(), new ViewRunner(this, v, v == root, !startViews));
      checkVersion(v);
    }
    this.rootRunner = runners.get(RootView.NAME);
    this.kvRunner = runners.get(KvView.NAME);
    this.driver = Thread.ofVirtual().name("sonar-views-" + name).unstarted(this::drive);
  }

  /** Brings the log up to date with stored blocks, then starts the background view driver. */
  void start() {
    node.reconcile(this);
    driver.start();
    signal();
  }

  private void checkVersion(View v) {
    byte[] k = Keys.concat(Keys.u32(id), new byte[] {'V'}, Keys.str(v.name()));
    byte[] stored = node.store().get(Family.LOG, k);
    if (stored != null && Keys.readU32(stored, 0) == v.version()) {
      return;
    }
    if (stored != null || v.cursor() > 0) {
      LOG.info(
          "event=view_definition_changed collection={} view={} version={}",
          name,
          v.name(),
          v.version());
      v.reset();
    }
    node.store().putSync(Family.LOG, k, Keys.u32(v.version()));
  }

  public String name() {
    return name;
  }

  /** The key of the root feed, which identifies the collection across nodes. */
  public FeedKey rootKey() {
    return rootKey;
  }

  /** The key of the feed this node writes to. */
  public FeedKey localKey() {
    return local.key();
  }

  /** Keys of the member feeds whose blocks this collection indexes (root and local included). */
  public List<FeedKey> feeds() {
    List<FeedKey> out = new ArrayList<>();
    for (int fid : indexer.members()) {
      out.add(node.feeds().keyOf(fid));
    }
    out.sort(null);
    return out;
  }

  /**
   * Keys of the blob feeds that the collection's current {@code sonar/file} records reference (this
   * node's own and replicated ones), for replication: they are not members, so {@link #feeds()}
   * does not list them. Costs a read of every file record.
   */
  public List<FeedKey> blobFeeds() {
    runners.get(RecordsView.NAME).catchUp(indexer.head());
    java.util.TreeSet<FeedKey> out = new java.util.TreeSet<>();
    for (String[] slot : records.byType("sonar/file", 1)) {
      for (Heads.Head h : records.heads(slot[0], slot[1])) {
        RecordVersion v = h.deleted() ? null : load(h.lseq());
        String k = v == null ? null : v.record().value().at("/blob/feed").asText(null);
        if (k != null) {
          try {
            out.add(FeedKey.parse(k));
          } catch (RuntimeException e) {
            LOG.warn("event=file_blob_key_invalid collection={} address={}", name, v.address());
          }
        }
      }
    }
    return new ArrayList<>(out);
  }

  /** The local log of this collection. */
  public Indexer indexer() {
    return indexer;
  }

  /** The current schema (types indexed by the root view). */
  public Schema schema() {
    return root.schema();
  }

  Store store() {
    return node.store();
  }

  int id() {
    return id;
  }

  // ---------------------------------------------------------------- writes

  /** Writes a new version of {@code (type, id)}; a null id gets a fresh random id. */
  public RecordVersion put(String type, String id, JsonNode value) {
    return putAll(List.of(PutRequest.put(type, id, value))).get(0);
  }

  /** Writes a tombstone for {@code (type, id)}, superseding its current heads. */
  public RecordVersion delete(String type, String id) {
    return putAll(List.of(PutRequest.delete(type, id))).get(0);
  }

  /**
   * Defines a type (the value of a {@code sonar/type} record, see {@link TypeSpec}); returns its
   * definition. Redefining an address with a different definition is an error; bump the version.
   */
  public TypeSpec putType(JsonNode definition) {
    RecordVersion v = put(Schema.TYPE, null, definition);
    return TypeSpec.fromJson(v.record().value(), schema().defaultNamespace());
  }

  /** Adds a feed to the collection (a {@code sonar/feed} record). */
  public RecordVersion putFeed(FeedKey key, String alias) {
    ObjectNode v = JsonNodeFactory.instance.objectNode().put("key", key.hex());
    if (alias != null) {
      v.put("alias", alias);
    }
    return put(Schema.FEED, key.hex(), v);
  }

  /**
   * Writes several records as one group commit: all are validated first (nothing is written if any
   * fails), then appended to the local feed and synced once. Later requests for the same {@code
   * (type, id)} link the earlier ones of the batch. A type defined in the batch may be used by
   * later requests of the same batch.
   */
  public List<RecordVersion> putAll(List<PutRequest> requests) {
    if (requests.isEmpty()) {
      return List.of();
    }
    Pending p = new Pending(List.copyOf(requests), new CompletableFuture<>());
    boolean lead;
    boolean interrupted = false;
    synchronized (group) {
      queue.add(p);
      // Wait while another writer leads: it may commit this batch with its own.
      while (leading && !p.done().isDone()) {
        try {
          group.wait();
        } catch (InterruptedException e) {
          // The batch is queued and may be committed any moment: the caller must learn the outcome.
          interrupted = true;
        }
      }
      lead = !p.done().isDone();
      leading |= lead;
    }
    if (lead) {
      try {
        while (!p.done().isDone()) {
          node.writeLock().lock();
          try {
            commitQueued();
          } finally {
            node.writeLock().unlock();
          }
        }
      } catch (RuntimeException e) {
        queue.remove(p);
        throw e;
      } finally {
        synchronized (group) {
          leading = false;
          group.notifyAll();
        }
      }
    }
    if (interrupted) {
      Thread.currentThread().interrupt();
    }
    try {
      return p.done().join();
    } catch (CompletionException e) {
      if (e.getCause() instanceof RuntimeException r) {
        throw r;
      }
      throw e;
    }
  }

  /** A caller's batch waiting for the group commit. */
  private record Pending(List<PutRequest> requests, CompletableFuture<List<RecordVersion>> done) {}

  /** State of one group commit: what earlier batches of the group will have written. */
  private static final class Draft {
    Schema schema;
    long seq;
    final long now = System.currentTimeMillis();
    final Map<String, List<String>> heads = new HashMap<>();
    final List<byte[]> payloads = new ArrayList<>();

    Draft(Schema schema, long seq) {
      this.schema = schema;
      this.seq = seq;
    }
  }

  /**
   * Group commit, run by the leading writer under the write lock: takes every queued batch,
   * prepares each on its own (a batch that fails validation fails alone), appends all prepared
   * records with one signature and one synced write, then completes the callers.
   */
  private void commitQueued() {
    ensureOpen();
    kvRunner.catchUp(indexer.head());
    Draft draft = new Draft(root.schema(), node.feeds().length(local.key()));
    List<Pending> group = new ArrayList<>();
    List<List<Record>> prepared = new ArrayList<>();
    Pending q;
    while (draft.payloads.size() < GROUP_LIMIT && (q = queue.poll()) != null) {
      try {
        prepared.add(prepare(q.requests(), draft));
        group.add(q);
      } catch (RuntimeException e) {
        q.done().completeExceptionally(e);
      }
    }
    if (group.isEmpty()) {
      return;
    }
    long first;
    try {
      first = node.append(local, draft.payloads);
    } catch (RuntimeException e) {
      for (Pending g : group) {
        g.done().completeExceptionally(e);
      }
      return;
    }
    long s = first;
    for (int i = 0; i < group.size(); i++) {
      List<RecordVersion> out = new ArrayList<>(prepared.get(i).size());
      for (Record rec : prepared.get(i)) {
        out.add(new RecordVersion(local.key(), s, indexer.lseqOf(local.key(), s), rec));
        s++;
      }
      group.get(i).done().complete(out);
    }
  }

  /** Validates one batch against the draft and adds it to the draft only if all of it is valid. */
  private List<Record> prepare(List<PutRequest> requests, Draft draft) {
    Schema schema = draft.schema;
    Map<String, List<String>> mine = new HashMap<>();
    List<Record> recs = new ArrayList<>(requests.size());
    List<byte[]> payloads = new ArrayList<>(requests.size());
    long seq = draft.seq;
    for (PutRequest r : requests) {
      TypeSpec type = schema.resolve(r.type());
      JsonNode value = r.value();
      String rid = r.id();
      if (!r.deleted()) {
        if (type.address().equals(Schema.TYPE)) {
          TypeSpec def = TypeSpec.fromJson(value, schema.defaultNamespace());
          checkNewType(schema, def);
          value = def.toJson();
          rid = def.address();
          schema = schema.with(def, 0);
        } else if (type.address().equals(Schema.FEED)) {
          JsonNode k = value == null ? null : value.get("key");
          FeedKey fk = FeedKey.parse(k == null || !k.isTextual() ? null : k.asText());
          rid = fk.hex();
        }
        schema.validate(type, value);
      }
      if (rid == null) {
        if (r.deleted()) {
          throw new UnknownRecordException("a delete needs an id");
        }
        rid = newId();
      }
      if (rid.isEmpty()) {
        throw new InvalidValueException("record id must not be empty");
      }
      String slot = type.address() + "\u0000" + rid;
      List<String> links = mine.get(slot);
      if (links == null) {
        links = draft.heads.get(slot);
      }
      if (links == null) {
        links = new ArrayList<>();
        for (Heads.Head h : kv.heads(type.address(), rid)) {
          links.add(node.feeds().keyOf(h.feedId()).hex() + "@" + h.seq());
        }
      }
      if (r.deleted() && links.isEmpty()) {
        throw new UnknownRecordException(
            "cannot delete " + type.address() + " '" + rid + "': no such record");
      }
      Record rec =
          new Record(
              rid, type.address(), r.deleted() ? null : value, draft.now, links, r.deleted());
      recs.add(rec);
      payloads.add(RecordCodec.encode(rec));
      mine.put(slot, List.of(local.key().hex() + "@" + seq));
      seq++;
    }
    draft.schema = schema;
    draft.seq = seq;
    draft.heads.putAll(mine);
    draft.payloads.addAll(payloads);
    return recs;
  }

  private static void checkNewType(Schema schema, TypeSpec def) {
    TypeSpec existing = schema.resolveAt(def.address(), Long.MAX_VALUE);
    if (existing != null && !existing.equals(def)) {
      throw new InvalidValueException(
          "type " + def.address() + " is already defined differently; use a new version");
    }
    if (def.refines() != null) {
      TypeAddress ra = TypeAddress.parse(def.refines());
      if (ra.field() != null) {
        throw new InvalidValueException("refines names a type, not a field: " + def.refines());
      }
      schema.resolve(def.refines());
    }
    if (def.namespace().equals("sonar")) {
      throw new InvalidValueException("the namespace 'sonar' is reserved");
    }
  }

  private static String newId() {
    char[] c = new char[16];
    for (int i = 0; i < c.length; i++) {
      c[i] = ID_ALPHABET[RANDOM.nextInt(ID_ALPHABET.length)];
    }
    return new String(c);
  }

  // ---------------------------------------------------------------- files

  /**
   * Stores a file: streams {@code content} into the collection's blob feed in chunks of 64 KiB
   * (hashing with SHA-256 as it goes, holding at most 1 MiB), then writes a {@code sonar/file}
   * record {@code {filename, contentType, contentLength, contentHash, blob: {feed, from, to,
   * chunkSize}, metadata}} that references blocks {@code [from, to)} of the blob feed. Uploads to
   * one collection are serialized. If reading {@code content} fails, the chunks already appended
   * stay in the blob feed unreferenced and no record is written. Does not close {@code content}.
   *
   * @throws UncheckedIOException if reading {@code content} fails
   */
  public RecordVersion putFile(InputStream content, FileMeta meta) {
    ensureOpen();
    if (meta.metadata() != null && !meta.metadata().isObject()) {
      throw new InvalidValueException("file metadata must be a JSON object");
    }
    MessageDigest sha;
    try {
      sha = MessageDigest.getInstance("SHA-256");
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException("the JDK has no SHA-256", e);
    }
    files.lock();
    try {
      FeedKeyPair feed = blobFeed();
      long from = node.feeds().length(feed.key());
      long length = 0;
      List<byte[]> pending = new ArrayList<>(CHUNKS_PER_APPEND);
      while (true) {
        byte[] chunk = content.readNBytes(CHUNK_SIZE);
        if (chunk.length > 0) {
          sha.update(chunk);
          length += chunk.length;
          pending.add(chunk);
        }
        boolean last = chunk.length < CHUNK_SIZE;
        if (pending.size() == CHUNKS_PER_APPEND || (last && !pending.isEmpty())) {
          appendChunks(feed, pending);
          pending = new ArrayList<>(CHUNKS_PER_APPEND);
        }
        if (last) {
          break;
        }
      }
      long to = node.feeds().length(feed.key());
      ObjectNode v = JsonNodeFactory.instance.objectNode();
      if (meta.filename() != null) {
        v.put("filename", meta.filename());
      }
      v.put(
          "contentType",
          meta.contentType() == null ? FileMeta.DEFAULT_CONTENT_TYPE : meta.contentType());
      v.put("contentLength", length);
      v.put("contentHash", HexFormat.of().formatHex(sha.digest()));
      v.putObject("blob")
          .put("feed", feed.key().hex())
          .put("from", from)
          .put("to", to)
          .put("chunkSize", CHUNK_SIZE);
      if (meta.metadata() != null) {
        v.set("metadata", meta.metadata());
      }
      RecordVersion rec = put(Schema.FILE, null, v);
      LOG.info(
          "event=file_stored collection={} id={} bytes={} blocks={}",
          name,
          rec.record().id(),
          length,
          to - from);
      return rec;
    } catch (IOException e) {
      throw new UncheckedIOException("reading the content of a file failed", e);
    } finally {
      files.unlock();
    }
  }

  private void appendChunks(FeedKeyPair feed, List<byte[]> chunks) {
    node.writeLock().lock();
    try {
      ensureOpen();
      node.appendBlobs(feed, chunks);
    } finally {
      node.writeLock().unlock();
    }
  }

  private FeedKeyPair blobFeed() {
    FeedKeyPair b = blobs;
    if (b == null) {
      b = node.blobFeed(this);
      blobs = b;
    }
    return b;
  }

  /**
   * The file stored as {@code sonar/file} record {@code id} (the latest head if writers diverged).
   *
   * @throws UnknownRecordException if there is no such file
   * @throws FileUnavailableException if its blocks are not on this node
   */
  public FileHandle openFile(String fileId) {
    RecordVersion v =
        get(Schema.FILE, fileId).stream()
            .max(
                Comparator.comparingLong((RecordVersion r) -> r.record().timestamp())
                    .thenComparing(RecordVersion::address))
            .orElseThrow(() -> new UnknownRecordException("no file '" + fileId + "'"));
    return new FileHandle(v, node.feeds());
  }

  // ---------------------------------------------------------------- reads

  /** Current, non-deleted versions of {@code (type, id)}; sees every write that returned. */
  public List<RecordVersion> get(String type, String id) {
    kvRunner.catchUp(indexer.head());
    TypeSpec t = schema().resolve(type);
    List<RecordVersion> out = new ArrayList<>();
    for (Heads.Head h : kv.heads(t.address(), id)) {
      if (!h.deleted()) {
        RecordVersion v = load(h.lseq());
        if (v != null) {
          out.add(v);
        }
      }
    }
    return out;
  }

  /**
   * The version stored at block address {@code key@seq} (current, superseded or a tombstone), or
   * null if that block is not in this collection's log or is not a record.
   */
  public RecordVersion getVersion(String address) {
    BlockAddress a = BlockAddress.parse(address);
    long lseq = indexer.lseqOf(a.key(), a.seq());
    return lseq < 0 ? null : load(lseq);
  }

  /** Answers a query from the built-in views. */
  public List<RecordVersion> query(Query q) {
    if (q.sync()) {
      sync();
    }
    return switch (q) {
      case Query.Records r -> queryRecords(r);
      case Query.Indexes i -> loadAll(indexes.query(schema().field(i.field()).address(), i));
      case Query.History h -> loadAll(history.query(h.from(), h.to(), h.reverse(), h.limit()));
    };
  }

  private List<RecordVersion> queryRecords(Query.Records q) {
    if (q.type() == null && q.id() == null) {
      throw new InvalidQueryException("a records query needs a type, an id or both");
    }
    List<String[]> slots = new ArrayList<>();
    if (q.type() != null) {
      TypeAddress a = TypeAddress.parse(q.type());
      if (a.field() != null) {
        throw new InvalidQueryException("a records query takes a type, not a field: " + q.type());
      }
      String ns = a.namespace() == null ? schema().defaultNamespace() : a.namespace();
      String path = ns + "/" + a.name();
      if (q.id() == null) {
        slots.addAll(records.byType(path, a.version()));
      } else {
        for (TypeSpec t : schema().types()) {
          if ((t.namespace() + "/" + t.name()).equals(path)
              && (a.version() < 0 || a.version() == t.version())) {
            slots.add(new String[] {t.address(), q.id()});
          }
        }
      }
    } else {
      for (String t : records.typesOf(q.id())) {
        slots.add(new String[] {t, q.id()});
      }
    }
    List<RecordVersion> out = new ArrayList<>();
    for (String[] s : slots) {
      for (Heads.Head h : records.heads(s[0], s[1])) {
        if (!h.deleted()) {
          RecordVersion v = load(h.lseq());
          if (v != null) {
            out.add(v);
          }
        }
      }
    }
    return out;
  }

  private List<RecordVersion> loadAll(List<Long> lseqs) {
    List<RecordVersion> out = new ArrayList<>(lseqs.size());
    for (long l : lseqs) {
      RecordVersion v = load(l);
      if (v != null) {
        out.add(v);
      }
    }
    return out;
  }

  /** The record at {@code lseq}; null for header blocks and positions outside the log. */
  public RecordVersion load(long lseq) {
    LogEntry e = indexer.entry(lseq);
    return e == null || e.seq() == 0 ? null : decode(e);
  }

  /** Like {@link #load(long)} but shared between views through a small cache; do not modify. */
  RecordVersion loadShared(LogEntry e) {
    if (e.seq() == 0) {
      return null;
    }
    int slot = (int) (e.lseq() & (RECENT - 1));
    RecordVersion hit = recent.get(slot);
    if (hit != null && hit.lseq() == e.lseq()) {
      return hit;
    }
    RecordVersion v = decode(e);
    if (v != null) {
      recent.set(slot, v);
    }
    return v;
  }

  private RecordVersion decode(LogEntry e) {
    if (e.seq() == 0) {
      return null;
    }
    byte[] data = node.feeds().data(e.keyId(), e.seq());
    if (data == null) {
      return null;
    }
    try {
      return new RecordVersion(e.key(), e.seq(), e.lseq(), RecordCodec.decodeRecord(data));
    } catch (MalformedBlockException ex) {
      LOG.warn("event=block_not_a_record address={} reason=\"{}\"", e.address(), ex.getMessage());
      return null;
    }
  }

  Subscription.Batch readLog(long after, int limit) {
    List<LogEntry> entries = indexer.read(after, limit);
    List<RecordVersion> out = new ArrayList<>(entries.size());
    for (LogEntry e : entries) {
      RecordVersion v = decode(e);
      if (v != null) {
        out.add(v);
      }
    }
    long cursor = entries.isEmpty() ? after : entries.get(entries.size() - 1).lseq();
    return new Subscription.Batch(out, cursor);
  }

  /** The named subscription, created at cursor 0 on first use. */
  public Subscription subscription(String subscriptionName) {
    if (subscriptionName == null || subscriptionName.isEmpty()) {
      throw new IllegalArgumentException("a subscription needs a name");
    }
    return subscriptions.computeIfAbsent(
        subscriptionName,
        n -> new Subscription(this, n, Keys.concat(Keys.u32(id), new byte[] {'S'}, Keys.str(n))));
  }

  // ---------------------------------------------------------------- views

  /** Brings every unpaused view up to the current head of the log, in the calling thread. */
  public void sync() {
    long head = indexer.head();
    for (ViewRunner r : runners.values()) {
      if (!r.paused()) {
        r.catchUp(head);
      }
    }
  }

  /** Status of every view, in processing order. */
  public List<ViewStatus> status() {
    long total = indexer.head();
    List<ViewStatus> out = new ArrayList<>();
    for (ViewRunner r : runners.values()) {
      out.add(r.status(total));
    }
    return out;
  }

  /** Status of one view. */
  public ViewStatus status(String view) {
    return runner(view).status(indexer.head());
  }

  /** Stops background processing of a view (root and kv are still updated by writes). */
  public void pause(String view) {
    runner(view).pause(true);
  }

  /** Resumes background processing of a view. */
  public void resume(String view) {
    runner(view).pause(false);
    signal();
  }

  /** Resets a view to cursor 0; it rebuilds in the background unless paused. */
  public void reset(String view) {
    ViewRunner r = runner(view);
    if (r == rootRunner) {
      node.writeLock().lock();
      try {
        r.reset();
      } finally {
        node.writeLock().unlock();
      }
    } else {
      r.reset();
    }
    signal();
  }

  /** Resets a view and rebuilds it from the log in the calling thread. */
  public void rebuild(String view) {
    reset(view);
    runner(view).catchUp(indexer.head());
  }

  /** The view instance registered under {@code name} (for views added through options). */
  public <V extends View> V view(String view, Class<V> type) {
    return type.cast(runner(view).view);
  }

  private ViewRunner runner(String view) {
    ViewRunner r = runners.get(view);
    if (r == null) {
      throw new IllegalArgumentException("no view named '" + view + "' in collection " + name);
    }
    return r;
  }

  /** Brings the root view up to {@code target} under the write lock; returns its cursor. */
  long catchUpRoot(long target) {
    if (root.cursor() >= target) {
      return root.cursor();
    }
    node.writeLock().lock();
    try {
      long before = indexer.head();
      rootRunner.catchUp(target);
      if (indexer.head() != before) {
        signal();
      }
      return root.cursor();
    } finally {
      node.writeLock().unlock();
    }
  }

  void signal() {
    synchronized (signal) {
      dirty = true;
      signal.notifyAll();
    }
  }

  private void drive() {
    while (true) {
      synchronized (signal) {
        while (!dirty && !closed) {
          try {
            signal.wait();
          } catch (InterruptedException e) {
            return;
          }
        }
        if (closed) {
          return;
        }
        dirty = false;
      }
      for (ViewRunner r : runners.values()) {
        if (closed) {
          return;
        }
        if (!r.paused()) {
          try {
            r.catchUp(indexer.head());
          } catch (RuntimeException e) {
            // Logged by the runner; the view stays in ERROR until the next signal retries it.
          }
        }
      }
    }
  }

  private void ensureOpen() {
    if (closed) {
      throw new IllegalStateException("collection " + name + " is closed");
    }
  }

  void close() {
    synchronized (signal) {
      closed = true;
      signal.notifyAll();
    }
    try {
      driver.join();
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
    for (ViewRunner r : runners.values()) {
      r.lock.lock();
      try {
        r.view.close();
      } finally {
        r.lock.unlock();
      }
    }
  }

  private final class Context implements ViewContext {
    @Override
    public String collectionName() {
      return name;
    }

    @Override
    public int collectionId() {
      return id;
    }

    @Override
    public Schema schema() {
      return root.schema();
    }

    @Override
    public RecordVersion load(long lseq) {
      LogEntry e = indexer.entry(lseq);
      return e == null ? null : loadShared(e);
    }

    @Override
    public Store store() {
      return node.store();
    }

    @Override
    public Path directory(String viewName) {
      return node.directory().resolve("views").resolve(Integer.toString(id)).resolve(viewName);
    }
  }
}
