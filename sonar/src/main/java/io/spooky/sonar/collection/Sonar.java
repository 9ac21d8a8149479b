package io.spooky.sonar.collection;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.spooky.sonar.SonarException;
import io.spooky.sonar.feed.FeedKey;
import io.spooky.sonar.feed.FeedKeyPair;
import io.spooky.sonar.feed.FeedStore;
import io.spooky.sonar.feed.SignedBlock;
import io.spooky.sonar.record.FeedHeader;
import io.spooky.sonar.record.RecordCodec;
import io.spooky.sonar.store.Keys;
import io.spooky.sonar.store.Store;
import io.spooky.sonar.store.Store.Family;
import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.locks.ReentrantLock;
import java.util.function.Function;
import java.util.regex.Pattern;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A Sonar node: one directory holding one RocksDB ({@link Store}) with every feed the node stores
 * and every collection it knows.
 *
 * <pre>{@code
 * try (Sonar sonar = Sonar.open(Path.of("data"))) {
 *   Collection c = sonar.openCollection("notes");          // created on first use
 *   Collection mirror = sonar.openCollection("copy", c.rootKey()); // same root, own local feed
 * }
 * }</pre>
 *
 * <p>Every change to feeds and logs goes through the node's write lock and one synced batch per
 * commit: a block and its entries in the logs of every open collection that has the feed as a
 * member are committed together. Collections that are not open catch up when they open. Remote
 * copies of feeds enter through {@link #ingest}, which verifies signatures first.
 *
 * <p>Thread-safe. {@link #close()} closes every collection and the store; using a collection
 * afterwards fails.
 */
public final class Sonar implements AutoCloseable {
  private static final Logger LOG = LoggerFactory.getLogger(Sonar.class);
  private static final ObjectMapper JSON = new ObjectMapper();
  private static final Pattern NAME = Pattern.compile("[A-Za-z0-9_.-]{1,100}");
  private static final byte[] NEXT_COLLECTION = {'n'};

  private final Path directory;
  private final Store store;
  private final FeedStore feeds;
  private final SonarOptions options;
  private final ReentrantLock writeLock = new ReentrantLock();
  private final Map<String, Collection> open = new LinkedHashMap<>();
  private boolean closed;

  private Sonar(Path directory, Store store, SonarOptions options) {
    this.directory = directory;
    this.store = store;
    this.feeds = new FeedStore(store);
    this.options = options;
  }

  /** Opens (creating when absent) the node stored in {@code directory}. */
  public static Sonar open(Path directory) {
    return open(directory, SonarOptions.defaults());
  }

  public static Sonar open(Path directory, SonarOptions options) {
    Store store = Store.open(directory.resolve("db"));
    LOG.info("event=sonar_opened dir={}", directory);
    return new Sonar(directory, store, options);
  }

  Path directory() {
    return directory;
  }

  Store store() {
    return store;
  }

  ReentrantLock writeLock() {
    return writeLock;
  }

  /** Every feed stored on this node: blocks, lengths, signatures; for replication. */
  public FeedStore feeds() {
    return feeds;
  }

  /** Names of every collection this node knows. */
  public List<String> collectionNames() {
    List<String> out = new ArrayList<>();
    int[] end = new int[1];
    store.scanPrefix(Family.META, new byte[] {'C'}, e -> out.add(Keys.readStr(e.getKey(), 1, end)));
    return out;
  }

  /**
   * Opens the collection {@code name}, creating it with a new root feed (writable here, so it is
   * also the local feed) if the node does not know it.
   */
  public Collection openCollection(String name) {
    return openCollection(name, null);
  }

  /**
   * Opens the collection {@code name}; if unknown, creates it. With a {@code rootKey}, the new
   * collection follows that root feed (blocks arrive through {@link #ingest} or from another
   * collection of this node) and writes to a new local feed of its own, which joins the collection
   * once a writer of the root publishes a {@code sonar/feed} record for it.
   */
  public Collection openCollection(String name, FeedKey rootKey) {
    if (name == null || !NAME.matcher(name).matches()) {
      throw new IllegalArgumentException("collection names are [A-Za-z0-9_.-]{1,100}: " + name);
    }
    writeLock.lock();
    Collection c;
    try {
      if (closed) {
        throw new IllegalStateException("node is closed");
      }
      Collection existing = open.get(name);
      if (existing != null) {
        checkRoot(existing.rootKey(), rootKey, name);
        return existing;
      }
      byte[] descKey = Keys.concat(new byte[] {'C'}, Keys.str(name));
      byte[] desc = store.get(Family.META, descKey);
      if (desc == null) {
        c = create(name, rootKey, descKey);
      } else {
        c = fromDescriptor(name, desc);
        checkRoot(c.rootKey(), rootKey, name);
      }
      open.put(name, c);
    } finally {
      writeLock.unlock();
    }
    c.start();
    return c;
  }

  private static void checkRoot(FeedKey actual, FeedKey wanted, String name) {
    if (wanted != null && !wanted.equals(actual)) {
      throw new SonarException(
          "collection " + name + " exists with root " + actual + ", not " + wanted);
    }
  }

  private Collection create(String name, FeedKey rootKey, byte[] descKey) {
    FeedKeyPair local = FeedKeyPair.generate();
    FeedKey root = rootKey == null ? local.key() : rootKey;
    byte[] n = store.get(Family.META, NEXT_COLLECTION);
    int id = n == null ? 1 : Keys.readU32(n, 0);
    ObjectNode d = JSON.createObjectNode();
    d.put("id", id).put("root", root.hex()).put("local", local.key().hex());
    d.put("secret", Base64.getEncoder().encodeToString(local.secretPkcs8()));
    d.put("namespace", "default");
    Collection c =
        new Collection(
            this, name, id, root, local, "default", options.views(), options.startViews());
    feeds.intern(root);
    int localId = feeds.intern(local.key());
    ObjectNode meta = JSON.createObjectNode().put("collection", name);
    byte[] header =
        RecordCodec.encode(
            new FeedHeader(rootKey == null ? FeedHeader.ROOT : FeedHeader.FEED, meta));
    commit(
        b -> {
          try {
            b.put(Family.META, descKey, JSON.writeValueAsBytes(d));
          } catch (IOException e) {
            throw new IllegalStateException(e);
          }
          b.put(Family.META, NEXT_COLLECTION, Keys.u32(id + 1));
          c.indexer().stageMember(feeds.intern(root), b);
          c.indexer().stageMember(localId, b);
          return feeds.append(local, List.of(header), b);
        },
        List.of(c));
    LOG.info("event=collection_created name={} root={} local={}", name, root, local.key());
    return c;
  }

  private Collection fromDescriptor(String name, byte[] desc) {
    try {
      JsonNode d = JSON.readTree(desc);
      FeedKey local = FeedKey.parse(d.get("local").asText());
      FeedKeyPair pair =
          FeedKeyPair.of(local, Base64.getDecoder().decode(d.get("secret").asText()));
      return new Collection(
          this,
          name,
          d.get("id").asInt(),
          FeedKey.parse(d.get("root").asText()),
          pair,
          d.get("namespace").asText(),
          options.views(),
          options.startViews());
    } catch (IOException e) {
      throw new SonarException("collection descriptor of " + name + " does not parse", e);
    }
  }

  /**
   * Verifies blocks of a remote copy of a feed and stores the new ones, indexing them in every open
   * collection that has the feed. Blocks must be contiguous and continue (or overlap) what the node
   * holds. Throws {@link io.spooky.sonar.feed.InvalidBlockException} and writes nothing if any
   * block fails. Returns the number of new blocks.
   */
  public long ingest(FeedKey key, List<SignedBlock> blocks) {
    if (blocks.isEmpty()) {
      return 0;
    }
    writeLock.lock();
    try {
      return commit(b -> feeds.verify(key, blocks, b), List.copyOf(open.values())).count();
    } finally {
      writeLock.unlock();
    }
  }

  /** Appends to a local feed; returns the seq of the first new block. Caller holds the lock. */
  long append(FeedKeyPair writer, List<byte[]> payloads) {
    return commit(b -> feeds.append(writer, payloads, b), List.copyOf(open.values())).from();
  }

  /**
   * The blob feed of a collection, created on first use: a feed of this node whose header is
   * {@value FeedHeader#BLOBS} and whose blocks are raw file chunks. It is never a member of the
   * collection, so no log indexes its blocks. Its key pair is kept in the collection descriptor.
   */
  FeedKeyPair blobFeed(Collection c) {
    writeLock.lock();
    try {
      byte[] descKey = Keys.concat(new byte[] {'C'}, Keys.str(c.name()));
      ObjectNode d = (ObjectNode) JSON.readTree(store.get(Family.META, descKey));
      if (d.has("blobs")) {
        return FeedKeyPair.of(
            FeedKey.parse(d.get("blobs").asText()),
            Base64.getDecoder().decode(d.get("blobSecret").asText()));
      }
      FeedKeyPair pair = FeedKeyPair.generate();
      feeds.intern(pair.key());
      d.put("blobs", pair.key().hex());
      d.put("blobSecret", Base64.getEncoder().encodeToString(pair.secretPkcs8()));
      byte[] header =
          RecordCodec.encode(
              new FeedHeader(
                  FeedHeader.BLOBS, JSON.createObjectNode().put("collection", c.name())));
      byte[] desc = JSON.writeValueAsBytes(d);
      commit(
          b -> {
            b.put(Family.META, descKey, desc);
            return feeds.append(pair, List.of(header), b);
          },
          List.of());
      LOG.info("event=blob_feed_created collection={} key={}", c.name(), pair.key());
      return pair;
    } catch (IOException e) {
      throw new SonarException("collection descriptor of " + c.name() + " does not parse", e);
    } finally {
      writeLock.unlock();
    }
  }

  /** Appends raw chunks to a blob feed (no log entries); returns the seq of the first one. */
  long appendBlobs(FeedKeyPair blobs, List<byte[]> chunks) {
    return commit(b -> feeds.append(blobs, chunks, b), List.of()).from();
  }

  /** Indexes blocks stored before the collection's log knew them (a crash, a closed collection). */
  void reconcile(Collection c) {
    writeLock.lock();
    try {
      Map<Integer, Long> missing = c.indexer().missing();
      if (missing.isEmpty()) {
        return;
      }
      try (Store.Batch b = store.batch()) {
        for (Map.Entry<Integer, Long> e : missing.entrySet()) {
          c.indexer().stage(e.getKey(), e.getValue(), b);
        }
        b.commit(true);
        c.indexer().publish();
      } catch (RuntimeException e) {
        c.indexer().rollback();
        throw e;
      }
      LOG.info("event=log_reconciled collection={} feeds={}", c.name(), missing.size());
    } finally {
      writeLock.unlock();
    }
  }

  private FeedStore.Appended commit(
      Function<Store.Batch, FeedStore.Appended> stage, List<Collection> collections) {
    writeLock.lock();
    try (Store.Batch b = store.batch()) {
      FeedStore.Appended a = stage.apply(b);
      for (Collection c : collections) {
        c.indexer().stage(a.keyId(), a.to(), b);
      }
      b.commit(true);
      feeds.publish(a);
      for (Collection c : collections) {
        c.indexer().publish();
        c.signal();
      }
      return a;
    } catch (RuntimeException e) {
      for (Collection c : collections) {
        c.indexer().rollback();
      }
      throw e;
    } finally {
      writeLock.unlock();
    }
  }

  @Override
  public void close() {
    List<Collection> cs;
    writeLock.lock();
    try {
      if (closed) {
        return;
      }
      closed = true;
      cs = new ArrayList<>(open.values());
      open.clear();
    } finally {
      writeLock.unlock();
    }
    for (Collection c : cs) {
      c.close();
    }
    store.close();
    LOG.info("event=sonar_closed dir={}", directory);
  }
}
