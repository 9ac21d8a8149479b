package io.spooky.ivm.merkle;

import io.spooky.core.digest.ContentDigest;
import io.spooky.core.digest.Digest;
import io.spooky.core.encoding.EncodingBuffer;
import io.spooky.core.value.RecordId;
import io.spooky.core.value.Values;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.BitSet;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * The Merkle tree of one view: a fixed-shape tree of fanout {@value #FANOUT} and depth {@value
 * #DEPTH} over {@value #BUCKETS} buckets, each holding the (record id, version) members whose id
 * falls in it. The hashing is specified in {@code docs/PROTOCOL.md} section 5, so that a client
 * computes the same root from its local copy of the view:
 *
 * <ul>
 *   <li>bucket of an id: the first 12 bits of {@code ContentDigest.of(id)};
 *   <li>member digest: {@code ContentDigest.leaf(id, version)};
 *   <li>bucket hash: {@link #EMPTY} when empty, else {@code ContentDigest.node([Digest(0, count),
 *       sum])} where {@code sum} is the sum of the member digests mod 2^128;
 *   <li>inner node: {@link #EMPTY} when all 16 children are, else {@code ContentDigest.node(16
 *       children)}.
 * </ul>
 *
 * <p>Because a bucket's sum is order-independent, a {@link #put} or {@link #remove} is O(1) on its
 * bucket; inner hashes are recomputed lazily, on the next {@link #root}/{@link #hash}/{@link
 * #children} call, along the O({@value #DEPTH}) paths that changed. Storage is sparse: empty
 * subtrees cost nothing.
 *
 * <pre>{@code
 * MerkleTree tree = new MerkleTree();
 * tree.put(id, ContentDigest.of(row));   // insert or replace
 * Digest root = tree.root();              // compare with the client's root
 * }</pre>
 *
 * <p>Not thread-safe.
 */
public final class MerkleTree {
  /** Children per inner node. */
  public static final int FANOUT = 16;

  /** Levels below the root; leaf buckets are at this depth. */
  public static final int DEPTH = 3;

  /** Number of leaf buckets, {@code FANOUT^DEPTH}. */
  public static final int BUCKETS = 4096;

  /** The hash of an empty bucket and of every subtree whose buckets are all empty. */
  public static final Digest EMPTY = new Digest(0L, 0L);

  /** One member: a row's id and version. */
  public record Member(RecordId id, Digest version) {}

  private record Entry(int bucket, Digest version, Digest digest) {}

  private static final class Bucket {
    final List<RecordId> ids = new ArrayList<>(2);
    long sumHi;
    long sumLo;
    Digest hash = EMPTY;
  }

  private final EncodingBuffer scratch = new EncodingBuffer(64);
  private final Map<RecordId, Entry> entries = new HashMap<>();

  /**
   * The non-empty buckets, {@code buckets[b / FANOUT][b % FANOUT]}; a row of {@value #FANOUT} is
   * allocated when its first bucket fills, so a sparse tree stays small and a lookup is two array
   * reads (no boxed key, no hashing: {@link #flush} reads 16 buckets per changed leaf parent).
   */
  private final Bucket[][] buckets = new Bucket[BUCKETS / FANOUT][];

  /** inner[d] holds the hashes of the depth-d nodes (null = EMPTY); inner[0][0] is the root. */
  private final Digest[][] inner = new Digest[DEPTH][];

  private final BitSet dirty = new BitSet();

  public MerkleTree() {
    int n = 1;
    for (int d = 0; d < DEPTH; d++) {
      inner[d] = new Digest[n];
      n *= FANOUT;
    }
  }

  /** The bucket (0 .. {@value #BUCKETS}-1) of a record id: the first 12 bits of its digest. */
  public static int bucketOf(RecordId id) {
    return bucketOf(ContentDigest.of(id));
  }

  private static int bucketOf(Digest idDigest) {
    return (int) (idDigest.high() >>> (64 - 12));
  }

  /** Number of members. */
  public int size() {
    return entries.size();
  }

  /** Inserts {@code id} at {@code version}, replacing its previous version if present. */
  public void put(RecordId id, Digest version) {
    Entry old = entries.get(id);
    if (old != null && old.version.equals(version)) {
      return;
    }
    int b = old != null ? old.bucket : bucketOf(ContentDigest.of(id, scratch));
    Digest digest = ContentDigest.leaf(id, version, scratch);
    Bucket[] row = buckets[b / FANOUT];
    if (row == null) {
      row = new Bucket[FANOUT];
      buckets[b / FANOUT] = row;
    }
    Bucket bucket = row[b % FANOUT];
    if (bucket == null) {
      bucket = new Bucket();
      row[b % FANOUT] = bucket;
    }
    if (old != null) {
      subtract(bucket, old.digest);
    } else {
      bucket.ids.add(id);
    }
    add(bucket, digest);
    entries.put(id, new Entry(b, version, digest));
    dirty.set(b);
  }

  /** Removes {@code id}; returns whether it was a member. */
  public boolean remove(RecordId id) {
    Entry old = entries.remove(id);
    if (old == null) {
      return false;
    }
    Bucket bucket = bucket(old.bucket);
    subtract(bucket, old.digest);
    bucket.ids.remove(id);
    if (bucket.ids.isEmpty()) {
      buckets[old.bucket / FANOUT][old.bucket % FANOUT] = null;
    }
    dirty.set(old.bucket);
    return true;
  }

  /** The version of member {@code id}, or null. */
  public Digest version(RecordId id) {
    Entry e = entries.get(id);
    return e == null ? null : e.version;
  }

  /** The root hash; {@link #EMPTY} for an empty view. */
  public Digest root() {
    return hash(NodePath.ROOT);
  }

  /** The hash of the node at {@code path}. */
  public Digest hash(NodePath path) {
    flush();
    if (path.isLeaf()) {
      Bucket b = bucket(path.index());
      return b == null ? EMPTY : b.hash;
    }
    Digest h = inner[path.depth()][path.index()];
    return h == null ? EMPTY : h;
  }

  /** The {@value #FANOUT} child hashes of the inner node at {@code path}, in nibble order. */
  public List<Digest> children(NodePath path) {
    if (path.isLeaf()) {
      throw new IllegalArgumentException("a leaf has members, not children: " + path);
    }
    List<Digest> out = new ArrayList<>(FANOUT);
    for (int i = 0; i < FANOUT; i++) {
      out.add(hash(path.child(i)));
    }
    return out;
  }

  /** The members of the bucket at {@code leaf}, in record id order ({@link Values#compare}). */
  public List<Member> members(NodePath leaf) {
    if (!leaf.isLeaf()) {
      throw new IllegalArgumentException("members live in leaves (depth " + DEPTH + "): " + leaf);
    }
    Bucket b = bucket(leaf.index());
    if (b == null) {
      return List.of();
    }
    List<RecordId> ids = new ArrayList<>(b.ids);
    ids.sort(Values.order());
    List<Member> out = new ArrayList<>(ids.size());
    for (RecordId id : ids) {
      out.add(new Member(id, entries.get(id).version));
    }
    return out;
  }

  /** Recomputes the hashes on the paths from changed buckets to the root. */
  private void flush() {
    if (dirty.isEmpty()) {
      return;
    }
    BitSet nodes = new BitSet();
    for (int b = dirty.nextSetBit(0); b >= 0; b = dirty.nextSetBit(b + 1)) {
      Bucket bucket = bucket(b);
      if (bucket != null) {
        bucket.hash =
            ContentDigest.node(
                new Digest(0L, bucket.ids.size()), new Digest(bucket.sumHi, bucket.sumLo));
      }
      nodes.set(b / FANOUT);
    }
    dirty.clear();
    Digest[] children = new Digest[FANOUT];
    for (int d = DEPTH - 1; d >= 0; d--) {
      BitSet parents = new BitSet();
      for (int n = nodes.nextSetBit(0); n >= 0; n = nodes.nextSetBit(n + 1)) {
        boolean empty = true;
        for (int i = 0; i < FANOUT; i++) {
          int c = n * FANOUT + i;
          Digest h;
          if (d == DEPTH - 1) {
            Bucket bucket = bucket(c);
            h = bucket == null ? EMPTY : bucket.hash;
          } else {
            h = inner[d + 1][c] == null ? EMPTY : inner[d + 1][c];
          }
          children[i] = h;
          empty &= h.equals(EMPTY);
        }
        inner[d][n] = empty ? null : ContentDigest.node(Arrays.asList(children));
        parents.set(n / FANOUT);
      }
      nodes = parents;
    }
  }

  /** The bucket with index {@code b}, or null when it is empty. */
  private Bucket bucket(int b) {
    Bucket[] row = buckets[b / FANOUT];
    return row == null ? null : row[b % FANOUT];
  }

  private static void add(Bucket b, Digest m) {
    long lo = b.sumLo + m.low();
    long carry = Long.compareUnsigned(lo, b.sumLo) < 0 ? 1 : 0;
    b.sumHi = b.sumHi + m.high() + carry;
    b.sumLo = lo;
  }

  private static void subtract(Bucket b, Digest m) {
    long borrow = Long.compareUnsigned(b.sumLo, m.low()) < 0 ? 1 : 0;
    b.sumLo = b.sumLo - m.low();
    b.sumHi = b.sumHi - m.high() - borrow;
  }
}
