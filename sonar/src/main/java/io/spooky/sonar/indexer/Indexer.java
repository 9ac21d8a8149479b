package io.spooky.sonar.indexer;

import io.spooky.sonar.feed.FeedKey;
import io.spooky.sonar.feed.FeedStore;
import io.spooky.sonar.record.FeedHeader;
import io.spooky.sonar.record.MalformedBlockException;
import io.spooky.sonar.record.RecordCodec;
import io.spooky.sonar.store.Keys;
import io.spooky.sonar.store.Store;
import io.spooky.sonar.store.Store.Family;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

/**
 * The local log of one collection: every block of every member feed, in the order this node
 * received them, numbered by a dense {@code lseq} starting at 1, with the lookup {@code key@seq ->
 * lseq} in the other direction. Feed keys are interned ({@link FeedStore#intern}) so an entry is 12
 * bytes.
 *
 * <p>Layout (column family {@code log}, every key prefixed by the collection id as u32): {@code 'L'
 * lseq(u64) -> feedId(u32) seq(u64)}; {@code 'R' feedId(u32) seq(u64) -> lseq(u64)}; {@code 'N'
 * feedId(u32) -> number of the feed's blocks in the log (u64)}; {@code 'M' feedId(u32) -> ''} for
 * member feeds; {@code 'H' -> head lseq (u64)}.
 *
 * <p>Invariant: for each member feed, blocks {@code 0 .. N-1} and only those are in the log, in seq
 * order. Blocks and their log entries are committed in one batch, so the log never points at a
 * missing block, and after a crash {@link #missing} tells what to ingest again.
 *
 * <p>Mutations ({@code stage*}, {@link #publish}, {@link #rollback}) must be serialized by the
 * caller (the node's write lock): staged entries go into the caller's batch and become visible to
 * readers only on {@link #publish} after the batch committed; they are the node's write path, not
 * an API for other modules. Reads ({@link #head}, {@link #entry}, {@link #lseqOf}, {@link #read})
 * are thread-safe.
 */
public final class Indexer {
  private final Store store;
  private final FeedStore feeds;
  private final byte[] prefix;
  private volatile long head;
  private final Map<Integer, Long> lengths = new ConcurrentHashMap<>();
  private final Set<Integer> members = ConcurrentHashMap.newKeySet();
  private long stagedHead;
  private final Map<Integer, Long> stagedLengths = new HashMap<>();
  private final Set<Integer> stagedMembers = new java.util.HashSet<>();

  /** Opens the log of collection {@code collectionId}. */
  public Indexer(Store store, FeedStore feeds, int collectionId) {
    this.store = store;
    this.feeds = feeds;
    this.prefix = Keys.u32(collectionId);
    byte[] h = store.get(Family.LOG, key('H'));
    this.head = h == null ? 0 : Keys.readU64(h, 0);
    this.stagedHead = head;
    store.scanPrefix(
        Family.LOG, key('M'), e -> members.add(Keys.readU32(e.getKey(), prefix.length + 1)));
    store.scanPrefix(
        Family.LOG,
        key('N'),
        e ->
            lengths.put(
                Keys.readU32(e.getKey(), prefix.length + 1), Keys.readU64(e.getValue(), 0)));
  }

  private byte[] key(char tag, byte[]... rest) {
    byte[][] parts = new byte[rest.length + 2][];
    parts[0] = prefix;
    parts[1] = new byte[] {(byte) tag};
    System.arraycopy(rest, 0, parts, 2, rest.length);
    return Keys.concat(parts);
  }

  /** The last lseq in the log; 0 when empty. */
  public long head() {
    return head;
  }

  /** Whether blocks of this (interned) feed belong in the log. */
  public boolean isMember(int feedId) {
    return members.contains(feedId) || stagedMembers.contains(feedId);
  }

  /** Interned ids of member feeds. */
  public Set<Integer> members() {
    return Set.copyOf(members);
  }

  /** How many blocks of the feed are in the log. */
  public long indexedLength(int feedId) {
    Long l = stagedLengths.get(feedId);
    if (l != null) {
      return l;
    }
    return lengths.getOrDefault(feedId, 0L);
  }

  /** Adds a feed to the members and its stored blocks to the log; returns whether it was new. */
  public boolean stageMember(int feedId, Store.Batch batch) {
    if (isMember(feedId)) {
      return false;
    }
    stagedMembers.add(feedId);
    batch.put(Family.LOG, key('M', Keys.u32(feedId)), new byte[0]);
    stage(feedId, feeds.length(feedId), batch);
    return true;
  }

  /**
   * Adds the member feed's blocks from its indexed length up to {@code feedLength} to the log. Does
   * nothing for non-members and for blob feeds (header {@value FeedHeader#BLOBS}), whose blocks are
   * file chunks, not records, even if a {@code sonar/feed} record named one.
   */
  public void stage(int feedId, long feedLength, Store.Batch batch) {
    if (!isMember(feedId)) {
      return;
    }
    long from = indexedLength(feedId);
    if (feedLength <= from || (from == 0 && isBlobFeed(feedId))) {
      return;
    }
    byte[] fid = Keys.u32(feedId);
    long lseq = stagedHead;
    for (long seq = from; seq < feedLength; seq++) {
      lseq++;
      byte[] s = Keys.u64(seq);
      batch.put(Family.LOG, key('L', Keys.u64(lseq)), Keys.concat(fid, s));
      batch.put(Family.LOG, key('R', fid, s), Keys.u64(lseq));
    }
    stagedHead = lseq;
    stagedLengths.put(feedId, feedLength);
    batch.put(Family.LOG, key('N', fid), Keys.u64(feedLength));
    batch.put(Family.LOG, key('H'), Keys.u64(lseq));
  }

  private boolean isBlobFeed(int feedId) {
    byte[] header = feeds.data(feedId, 0);
    if (header == null) {
      return false;
    }
    try {
      return FeedHeader.BLOBS.equals(RecordCodec.decodeHeader(header).type());
    } catch (MalformedBlockException e) {
      return false;
    }
  }

  /** Feeds whose stored blocks are not all in the log yet, with their stored length. */
  public Map<Integer, Long> missing() {
    Map<Integer, Long> out = new HashMap<>();
    for (int id : members) {
      long len = feeds.length(id);
      long indexed = indexedLength(id);
      if (len > indexed && !(indexed == 0 && isBlobFeed(id))) {
        out.put(id, len);
      }
    }
    return out;
  }

  /** Makes staged entries visible; call after the batch committed. */
  public void publish() {
    members.addAll(stagedMembers);
    lengths.putAll(stagedLengths);
    stagedMembers.clear();
    stagedLengths.clear();
    head = stagedHead;
  }

  /** Drops staged entries; call when the batch was not committed. */
  public void rollback() {
    stagedMembers.clear();
    stagedLengths.clear();
    stagedHead = head;
  }

  /** The entry at {@code lseq}, or null. */
  public LogEntry entry(long lseq) {
    if (lseq < 1 || lseq > head) {
      return null;
    }
    byte[] v = store.get(Family.LOG, key('L', Keys.u64(lseq)));
    if (v == null) {
      return null;
    }
    int fid = Keys.readU32(v, 0);
    return new LogEntry(lseq, feeds.keyOf(fid), fid, Keys.readU64(v, 4));
  }

  /** The lseq of block {@code key@seq}, or -1 if it is not in the log. */
  public long lseqOf(FeedKey key, long seq) {
    Integer fid = feeds.idOf(key);
    if (fid == null) {
      return -1;
    }
    byte[] v = store.get(Family.LOG, key('R', Keys.u32(fid), Keys.u64(seq)));
    if (v == null) {
      return -1;
    }
    long lseq = Keys.readU64(v, 0);
    return lseq <= head ? lseq : -1;
  }

  /** Up to {@code limit} entries with lseq greater than {@code after}, in order. */
  public List<LogEntry> read(long after, int limit) {
    List<LogEntry> out = new ArrayList<>(Math.min(limit, 1024));
    long end = head;
    if (after >= end) {
      return out;
    }
    store.scan(
        Family.LOG,
        key('L', Keys.u64(after + 1)),
        key('L', Keys.u64(end + 1)),
        false,
        (k, v) -> {
          int fid = Keys.readU32(v, 0);
          out.add(
              new LogEntry(
                  Keys.readU64(k, prefix.length + 1), feeds.keyOf(fid), fid, Keys.readU64(v, 4)));
          return out.size() < limit;
        });
    return out;
  }
}
