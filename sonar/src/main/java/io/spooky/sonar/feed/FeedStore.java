package io.spooky.sonar.feed;

import io.spooky.sonar.store.Keys;
import io.spooky.sonar.store.Store;
import io.spooky.sonar.store.Store.Family;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Every feed a node stores: signed blocks, each feed's length and hash-chain head, and the
 * interning of feed keys to small integers used by all compact keys.
 *
 * <p>Layout (column family {@code feeds}): {@code 'I' key(32) -> id(u32)}, {@code 'J' id(u32) ->
 * key(32)}, {@code 'S' id(u32) -> length(u64) chainHead(32)}, {@code 'N' -> next id(u32)}. Column
 * family {@code blocks}: {@code id(u32) seq(u64) -> chain(32) sigLength(u8) signature data}.
 *
 * <p>One append is signed once: the last block of each append carries the Ed25519 signature of the
 * hash chain up to it, which vouches for every earlier block; the other blocks carry none. A
 * replicated batch is accepted only if it ends at a signed block, and {@link #blocks} extends a
 * requested range to the next signed block so every range it returns can be verified.
 *
 * <p>Writes happen in two steps so that the caller can put the blocks and everything derived from
 * them (the indexer log) into one atomic batch: {@link #append} or {@link #verify} adds the blocks
 * to a batch and returns an {@link Appended}; after the batch is committed the caller passes it to
 * {@link #publish}. Mutations must be serialized by the caller (the node's write lock) and at most
 * one prepared, unpublished {@link Appended} may exist per feed. Reads are thread-safe and see only
 * published blocks. Other modules read here ({@link #blocks}, {@link #length(FeedKey)}) and write
 * through the node ({@code Sonar.ingest}), which also indexes what it stores.
 */
public final class FeedStore {
  private static final byte[] NEXT_ID = {'N'};
  private static final int CHAIN = 32;

  private final Store store;
  private final ConcurrentHashMap<FeedKey, Integer> ids = new ConcurrentHashMap<>();
  private final ConcurrentHashMap<Integer, FeedKey> keys = new ConcurrentHashMap<>();
  private final ConcurrentHashMap<Integer, FeedState> states = new ConcurrentHashMap<>();
  private int nextId;

  /** A batch of blocks added to a write batch but not yet published. */
  public record Appended(FeedKey key, int keyId, long from, long to, byte[] chainHead) {
    /** Number of new blocks. */
    public long count() {
      return to - from;
    }
  }

  private record FeedState(long length, byte[] chainHead) {}

  public FeedStore(Store store) {
    this.store = store;
    byte[] n = store.get(Family.FEEDS, NEXT_ID);
    this.nextId = n == null ? 1 : Keys.readU32(n, 0);
  }

  /** The interned id of a key, assigning (and durably recording) one if the key is new. */
  public synchronized int intern(FeedKey key) {
    Integer id = idOf(key);
    if (id != null) {
      return id;
    }
    int assigned = nextId++;
    try (Store.Batch b = store.batch()) {
      b.put(Family.FEEDS, Keys.concat(new byte[] {'I'}, key.rawUnsafe()), Keys.u32(assigned));
      b.put(Family.FEEDS, Keys.concat(new byte[] {'J'}, Keys.u32(assigned)), key.rawUnsafe());
      b.put(Family.FEEDS, NEXT_ID, Keys.u32(nextId));
      b.commit(true);
    }
    ids.put(key, assigned);
    keys.put(assigned, key);
    return assigned;
  }

  /** The interned id of a key, or null if the node never saw it. */
  public Integer idOf(FeedKey key) {
    Integer id = ids.get(key);
    if (id == null) {
      byte[] v = store.get(Family.FEEDS, Keys.concat(new byte[] {'I'}, key.rawUnsafe()));
      if (v != null) {
        id = Keys.readU32(v, 0);
        ids.put(key, id);
        keys.put(id, key);
      }
    }
    return id;
  }

  /** The key of an interned id. */
  public FeedKey keyOf(int id) {
    FeedKey k = keys.get(id);
    if (k == null) {
      byte[] v = store.get(Family.FEEDS, Keys.concat(new byte[] {'J'}, Keys.u32(id)));
      if (v == null) {
        throw new IllegalArgumentException("no feed with interned id " + id);
      }
      k = FeedKey.of(v);
      keys.put(id, k);
      ids.put(k, id);
    }
    return k;
  }

  private FeedState state(int id) {
    return states.computeIfAbsent(
        id,
        i -> {
          byte[] v = store.get(Family.FEEDS, Keys.concat(new byte[] {'S'}, Keys.u32(i)));
          if (v == null) {
            return new FeedState(0, FeedCrypto.genesis(keyOf(i)));
          }
          return new FeedState(Keys.readU64(v, 0), Arrays.copyOfRange(v, 8, 8 + CHAIN));
        });
  }

  /** Number of blocks stored for a feed (0 for an unknown feed). */
  public long length(FeedKey key) {
    Integer id = idOf(key);
    return id == null ? 0 : state(id).length();
  }

  /** Number of blocks stored for an interned feed. */
  public long length(int keyId) {
    return state(keyId).length();
  }

  /** The payload of a stored block, or null. */
  public byte[] data(int keyId, long seq) {
    byte[] v = store.get(Family.BLOCKS, blockKey(keyId, seq));
    return v == null ? null : Arrays.copyOfRange(v, dataOffset(v), v.length);
  }

  /** A stored block with its signature, or null. */
  public SignedBlock block(FeedKey key, long seq) {
    Integer id = idOf(key);
    if (id == null || seq >= state(id).length()) {
      return null;
    }
    byte[] v = store.get(Family.BLOCKS, blockKey(id, seq));
    return v == null ? null : toBlock(key, seq, v);
  }

  /**
   * Stored blocks from {@code from} up to {@code to} (exclusive), extended to the next signed block
   * and clipped to the feed's length, so that the result always ends at a signed block; for
   * replication.
   */
  public List<SignedBlock> blocks(FeedKey key, long from, long to) {
    List<SignedBlock> out = new ArrayList<>();
    Integer id = idOf(key);
    if (id == null) {
      return out;
    }
    long length = state(id).length();
    long end = Math.min(to, length);
    if (from >= end) {
      return out;
    }
    store.scan(
        Family.BLOCKS,
        blockKey(id, Math.max(0, from)),
        blockKey(id, length),
        false,
        (k, v) -> {
          SignedBlock b = toBlock(key, Keys.readU64(k, 4), v);
          out.add(b);
          return b.seq() + 1 < end || b.signature().length == 0;
        });
    return out;
  }

  private static int dataOffset(byte[] v) {
    return CHAIN + 1 + (v[CHAIN] & 0xFF);
  }

  private static SignedBlock toBlock(FeedKey key, long seq, byte[] v) {
    int off = dataOffset(v);
    return new SignedBlock(
        key, seq, Arrays.copyOfRange(v, off, v.length), Arrays.copyOfRange(v, CHAIN + 1, off));
  }

  private static byte[] blockValue(byte[] chain, byte[] sig, byte[] data) {
    return Keys.concat(chain, new byte[] {(byte) sig.length}, sig, data);
  }

  static byte[] blockKey(int keyId, long seq) {
    byte[] k = new byte[12];
    System.arraycopy(Keys.u32(keyId), 0, k, 0, 4);
    Keys.putU64(k, 4, seq);
    return k;
  }

  /**
   * Adds {@code payloads} as the next blocks of the writer's feed to {@code batch}, signing the
   * hash chain once, on the last block.
   */
  public Appended append(FeedKeyPair writer, List<byte[]> payloads, Store.Batch batch) {
    int id = intern(writer.key());
    FeedState st = state(id);
    byte[] chain = st.chainHead();
    long seq = st.length();
    byte[] none = new byte[0];
    for (int i = 0; i < payloads.size(); i++) {
      byte[] data = payloads.get(i);
      chain = FeedCrypto.chain(chain, seq, data);
      byte[] sig =
          i == payloads.size() - 1
              ? FeedCrypto.sign(writer.secret(), FeedCrypto.signingInput(writer.key(), seq, chain))
              : none;
      batch.put(Family.BLOCKS, blockKey(id, seq), blockValue(chain, sig, data));
      seq++;
    }
    return stage(writer.key(), id, st.length(), seq, chain, batch);
  }

  /**
   * Verifies blocks received from a remote copy of a feed and adds the new ones to {@code batch}.
   * Blocks must be contiguous; they may start at or before the local length (blocks already held
   * must be identical); every signature present must verify and the last new block must be signed.
   * Throws {@link InvalidBlockException}, leaving the batch untouched, if any block fails.
   */
  public Appended verify(FeedKey key, List<SignedBlock> blocks, Store.Batch batch) {
    int id = intern(key);
    FeedState st = state(id);
    List<SignedBlock> sorted = new ArrayList<>(blocks);
    sorted.sort((a, b) -> Long.compare(a.seq(), b.seq()));
    byte[] chain = st.chainHead();
    long next = st.length();
    List<byte[][]> fresh = new ArrayList<>();
    long expected = -1;
    for (SignedBlock b : sorted) {
      if (!b.key().equals(key)) {
        throw new InvalidBlockException("block " + b.address() + " does not belong to feed " + key);
      }
      if (expected >= 0 && b.seq() != expected) {
        throw new InvalidBlockException(
            "blocks of feed " + key + " are not contiguous at seq " + b.seq());
      }
      expected = b.seq() + 1;
      if (b.seq() < next) {
        SignedBlock held = block(key, b.seq());
        if (held == null || !Arrays.equals(held.data(), b.data())) {
          throw new InvalidBlockException(
              "block " + b.address() + " conflicts with the block already stored there");
        }
        continue;
      }
      if (b.seq() > next) {
        throw new InvalidBlockException(
            "block " + b.address() + " leaves a gap: the feed has " + next + " blocks");
      }
      byte[] c = FeedCrypto.chain(chain, b.seq(), b.data());
      byte[] sig = b.signature() == null ? new byte[0] : b.signature();
      if (sig.length > 0
          && !FeedCrypto.verify(key, FeedCrypto.signingInput(key, b.seq(), c), sig)) {
        throw new InvalidBlockException("bad signature on block " + b.address());
      }
      fresh.add(new byte[][] {blockKey(id, b.seq()), blockValue(c, sig, b.data()), sig});
      chain = c;
      next++;
    }
    if (!fresh.isEmpty() && fresh.get(fresh.size() - 1)[2].length == 0) {
      throw new InvalidBlockException(
          "blocks of feed "
              + key
              + " end at unsigned block "
              + (next - 1)
              + "; send them up to the next signed block");
    }
    for (byte[][] kv : fresh) {
      batch.put(Family.BLOCKS, kv[0], kv[1]);
    }
    return stage(key, id, st.length(), next, chain, batch);
  }

  private Appended stage(FeedKey key, int id, long from, long to, byte[] chain, Store.Batch b) {
    if (to > from) {
      b.put(
          Family.FEEDS,
          Keys.concat(new byte[] {'S'}, Keys.u32(id)),
          Keys.concat(Keys.u64(to), chain));
    }
    return new Appended(key, id, from, to, chain);
  }

  /** Makes committed blocks visible to readers. */
  public void publish(Appended a) {
    if (a.count() > 0) {
      states.put(a.keyId(), new FeedState(a.to(), a.chainHead()));
    }
  }
}
