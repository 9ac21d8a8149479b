package io.spooky.ivm.merkle;

import io.spooky.core.value.RecordId;
import java.util.ArrayList;
import java.util.BitSet;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * The Merkle tree of one view: a fixed-shape tree of fanout {@value #FANOUT} and depth {@value
 * #DEPTH} over {@value #BUCKETS} buckets, each holding the (record id, version) members whose id
 * digest starts with the bucket number. The exact hashing is specified in {@code docs/PROTOCOL.md}
 * section 5 so that a client can compute the same root from its local copy of the view.
 *
 * <p>Each bucket keeps the sum (mod 2^128) of its members' digests, so a {@link #put} or {@link
 * #remove} is O(1) on its bucket; inner hashes are recomputed lazily, on the next {@link #root} or
 * {@link #children} call, along the O({@value #DEPTH}) paths that changed. Storage is sparse: an
 * empty subtree costs nothing and hashes to {@link MerkleHash#EMPTY}.
 *
 * <pre>{@code
 * MerkleTree tree = new MerkleTree();
 * tree.put(id, idDigest, version);   // insert or replace
 * MerkleHash root = tree.root();      // compare with the client's root
 * }</pre>
 *
 * <p>Not thread-safe.
 */
public final class MerkleTree {
  /** Children per inner node. */
  public static final int FANOUT = 16;

  /** Levels below the root; leaves are at this depth. */
  public static final int DEPTH = 3;

  /** Number of leaf buckets, {@code FANOUT^DEPTH}. */
  public static final int BUCKETS = 4096;

  /** One member of a bucket. */
  public record Member(RecordId id, MerkleHash version) {}

  private static final class Bucket {
    final Map<RecordId, MerkleHash[]> members = new HashMap<>(); // id -> {idDigest, version, memberDigest}
    long sumHi;
    long sumLo;
    MerkleHash hash = MerkleHash.EMPTY;
  }

  private final Sha sha = new Sha();
  private final Map<Integer, Bucket> buckets = new HashMap<>();
  /** inner[d] holds the hashes of depth-d nodes (null = EMPTY); inner[0] is the root. */
  private final MerkleHash[][] inner = new MerkleHash[DEPTH][];

  private final BitSet dirtyBuckets = new BitSet(BUCKETS);
  private int size;

  public MerkleTree() {
    int n = 1;
    for (int d = 0; d < DEPTH; d++) {
      inner[d] = new MerkleHash[n];
      n *= FANOUT;
    }
  }

  /** The bucket (0 .. {@value #BUCKETS}-1) of an id digest: its first 12 bits. */
  public static int bucketOf(MerkleHash idDigest) {
    return (int) (idDigest.hi() >>> (64 - 12));
  }

  /** Number of members. */
  public int size() {
    return size;
  }

  /**
   * Inserts {@code id} with {@code version}, replacing its previous version if present. {@code
   * idDigest} is the id's digest as specified in PROTOCOL.md section 5.
   */
  public void put(RecordId id, MerkleHash idDigest, MerkleHash version) {
    int b = bucketOf(idDigest);
    Bucket bucket = buckets.computeIfAbsent(b, k -> new Bucket());
    MerkleHash member = sha.member(idDigest, version);
    MerkleHash[] old = bucket.members.put(id, new MerkleHash[] {idDigest, version, member});
    if (old != null) {
      if (old[2].equals(member)) {
        return;
      }
      subtract(bucket, old[2]);
    } else {
      size++;
    }
    add(bucket, member);
    dirtyBuckets.set(b);
  }

  /** Removes {@code id}; returns whether it was a member. */
  public boolean remove(RecordId id, MerkleHash idDigest) {
    int b = bucketOf(idDigest);
    Bucket bucket = buckets.get(b);
    if (bucket == null) {
      return false;
    }
    MerkleHash[] old = bucket.members.remove(id);
    if (old == null) {
      return false;
    }
    size--;
    subtract(bucket, old[2]);
    if (bucket.members.isEmpty()) {
      buckets.remove(b);
    }
    dirtyBuckets.set(b);
    return true;
  }

  /** The root hash; {@link MerkleHash#EMPTY} for an empty view. */
  public MerkleHash root() {
    flush();
    return orEmpty(inner[0][0]);
  }

  /** The hash of the node at {@code path}. */
  public MerkleHash hash(NodePath path) {
    flush();
    if (path.isLeaf()) {
      Bucket b = buckets.get(path.index());
      return b == null ? MerkleHash.EMPTY : b.hash;
    }
    return orEmpty(inner[path.depth()][path.index()]);
  }

  /** The {@value #FANOUT} child hashes of the inner node at {@code path}, in nibble order. */
  public List<MerkleHash> children(NodePath path) {
    if (path.isLeaf()) {
      throw new IllegalArgumentException("a leaf has members, not children: " + path);
    }
    List<MerkleHash> out = new ArrayList<>(FANOUT);
    for (int i = 0; i < FANOUT; i++) {
      out.add(hash(path.child(i)));
    }
    return out;
  }

  /** The members of the leaf bucket at {@code leaf}, sorted by id digest. */
  public List<Member> members(NodePath leaf) {
    if (!leaf.isLeaf()) {
      throw new IllegalArgumentException("members live in leaves (depth " + DEPTH + "): " + leaf);
    }
    Bucket b = buckets.get(leaf.index());
    if (b == null) {
      return List.of();
    }
    List<Map.Entry<RecordId, MerkleHash[]>> entries = new ArrayList<>(b.members.entrySet());
    entries.sort(
        Comparator.comparing(
            (Map.Entry<RecordId, MerkleHash[]> e) -> e.getValue()[0].hex()));
    List<Member> out = new ArrayList<>(entries.size());
    for (var e : entries) {
      out.add(new Member(e.getKey(), e.getValue()[1]));
    }
    return out;
  }

  /** The version stored for {@code id}, or null. */
  public MerkleHash version(RecordId id, MerkleHash idDigest) {
    Bucket b = buckets.get(bucketOf(idDigest));
    if (b == null) {
      return null;
    }
    MerkleHash[] e = b.members.get(id);
    return e == null ? null : e[1];
  }

  private void flush() {
    if (dirtyBuckets.isEmpty()) {
      return;
    }
    BitSet dirty = new BitSet();
    for (int b = dirtyBuckets.nextSetBit(0); b >= 0; b = dirtyBuckets.nextSetBit(b + 1)) {
      Bucket bucket = buckets.get(b);
      if (bucket != null) {
        bucket.hash = sha.leaf(bucket.members.size(), bucket.sumHi, bucket.sumLo);
      }
      dirty.set(b / FANOUT);
    }
    dirtyBuckets.clear();
    MerkleHash[] children = new MerkleHash[FANOUT];
    for (int d = DEPTH - 1; d >= 0; d--) {
      BitSet parents = new BitSet();
      for (int n = dirty.nextSetBit(0); n >= 0; n = dirty.nextSetBit(n + 1)) {
        for (int i = 0; i < FANOUT; i++) {
          int c = n * FANOUT + i;
          if (d == DEPTH - 1) {
            Bucket bucket = buckets.get(c);
            children[i] = bucket == null ? MerkleHash.EMPTY : bucket.hash;
          } else {
            children[i] = inner[d + 1][c];
          }
        }
        MerkleHash h = sha.node(children);
        inner[d][n] = h.isEmpty() ? null : h;
        parents.set(n / FANOUT);
      }
      dirty = parents;
    }
  }

  private static void add(Bucket b, MerkleHash m) {
    long lo = b.sumLo + m.lo();
    long carry = Long.compareUnsigned(lo, b.sumLo) < 0 ? 1 : 0;
    b.sumHi = b.sumHi + m.hi() + carry;
    b.sumLo = lo;
  }

  private static void subtract(Bucket b, MerkleHash m) {
    long lo = b.sumLo - m.lo();
    long borrow = Long.compareUnsigned(b.sumLo, m.lo()) < 0 ? 1 : 0;
    b.sumHi = b.sumHi - m.hi() - borrow;
    b.sumLo = lo;
  }

  private static MerkleHash orEmpty(MerkleHash h) {
    return h == null ? MerkleHash.EMPTY : h;
  }
}
