package io.spooky.core.digest;

import com.dynatrace.hash4j.hashing.HashValue128;
import com.dynatrace.hash4j.hashing.Hasher128;
import com.dynatrace.hash4j.hashing.Hashing;
import io.spooky.core.encoding.CanonicalEncoding;
import io.spooky.core.encoding.EncodingBuffer;
import io.spooky.core.value.RecordId;
import io.spooky.core.value.Value;
import java.util.List;

/**
 * Content digests of values and the two Merkle tree combinators built on them; specified in {@code
 * docs/PROTOCOL.md} section 2.
 *
 * <p>Every digest is XXH3-128 (seed 0) over one domain byte followed by a body:
 *
 * <ul>
 *   <li>{@link #of(Value)}: {@code 0x01 || canonical(value)} — a record's version.
 *   <li>{@link #leaf(RecordId, Digest)}: {@code 0x02 || canonical(id) || version} — a Merkle leaf.
 *   <li>{@link #node(List)}: {@code 0x03 || varint(n) || child_1 || ... || child_n} — an inner
 *       node.
 * </ul>
 *
 * <p>The distinct first bytes keep the three domains apart, so a leaf can never be mistaken for a
 * node or a record. The digest detects change and is fast; it is not a MAC and not
 * collision-resistant against an adversary. That fits its use: a writer who crafts colliding
 * records can only confuse views of its own data.
 *
 * <pre>{@code
 * Digest version = ContentDigest.of(record);
 * Digest leaf = ContentDigest.leaf(id, version);
 * Digest root = ContentDigest.node(List.of(leafA, leafB));
 * }</pre>
 *
 * <p>Thread-safe. The overloads taking an {@link EncodingBuffer} reuse it as scratch space, saving
 * an allocation per call on hot paths; the buffer must be confined to the calling thread.
 */
public final class ContentDigest {
  static final int RECORD_DOMAIN = 0x01;
  static final int LEAF_DOMAIN = 0x02;
  static final int NODE_DOMAIN = 0x03;

  private static final Hasher128 XXH3_128 = Hashing.xxh3_128();

  /**
   * Scratch space for {@link #of(Value)} and {@link #leaf(RecordId, Digest)}. Encoding runs no
   * caller code, so a thread never needs two at once; a buffer grown past {@link #MAX_KEPT_SCRATCH}
   * by one huge value is dropped after use.
   */
  private static final ThreadLocal<EncodingBuffer> SCRATCH =
      ThreadLocal.withInitial(() -> new EncodingBuffer(4096));

  private static final int MAX_KEPT_SCRATCH = 1 << 16;

  private ContentDigest() {}

  /**
   * The digest of a value: its version when the value is a record's content. Encodes into a
   * per-thread scratch buffer, so repeated calls allocate nothing but the result (as fast as
   * passing a reused buffer to {@link #of(Value, EncodingBuffer)}).
   */
  public static Digest of(Value v) {
    EncodingBuffer scratch = SCRATCH.get();
    try {
      return of(v, scratch);
    } finally {
      release(scratch);
    }
  }

  private static void release(EncodingBuffer scratch) {
    if (scratch.array().length > MAX_KEPT_SCRATCH) {
      SCRATCH.remove();
    }
  }

  /** {@link #of(Value)}, using {@code scratch} (which is reset first) for the encoding. */
  public static Digest of(Value v, EncodingBuffer scratch) {
    scratch.reset();
    scratch.writeByte(RECORD_DOMAIN);
    CanonicalEncoding.encode(v, scratch);
    return hash(scratch);
  }

  /** The Merkle leaf for record {@code id} at {@code version}. */
  public static Digest leaf(RecordId id, Digest version) {
    EncodingBuffer scratch = SCRATCH.get();
    try {
      return leaf(id, version, scratch);
    } finally {
      release(scratch);
    }
  }

  /** {@link #leaf(RecordId, Digest)}, using {@code scratch} (reset first). */
  public static Digest leaf(RecordId id, Digest version, EncodingBuffer scratch) {
    scratch.reset();
    scratch.writeByte(LEAF_DOMAIN);
    CanonicalEncoding.encode(id, scratch);
    scratch.writeLong(version.high());
    scratch.writeLong(version.low());
    return hash(scratch);
  }

  /** An inner Merkle node over its children, in order. */
  public static Digest node(Digest... children) {
    return node(List.of(children));
  }

  /** An inner Merkle node over its children, in order; zero children are allowed. */
  public static Digest node(List<Digest> children) {
    EncodingBuffer buf = new EncodingBuffer(11 + 16 * children.size());
    buf.writeByte(NODE_DOMAIN);
    buf.writeVarint(children.size());
    for (Digest child : children) {
      buf.writeLong(child.high());
      buf.writeLong(child.low());
    }
    return hash(buf);
  }

  /** XXH3-128 of raw bytes, without a domain byte; exposed for test vectors and other formats. */
  public static Digest xxh3(byte[] bytes, int off, int len) {
    HashValue128 h = XXH3_128.hashBytesTo128Bits(bytes, off, len);
    return new Digest(h.getMostSignificantBits(), h.getLeastSignificantBits());
  }

  private static Digest hash(EncodingBuffer buf) {
    return xxh3(buf.array(), 0, buf.size());
  }
}
