package io.spooky.sonar.collection;

import io.spooky.sonar.feed.FeedStore;
import io.spooky.sonar.record.BlockAddress;
import io.spooky.sonar.record.MalformedAddressException;
import io.spooky.sonar.record.RecordVersion;
import io.spooky.sonar.store.Keys;
import io.spooky.sonar.view.ViewWriter;
import java.util.ArrayList;
import java.util.List;

/**
 * The current head versions of each {@code (type, id)}, kept inside one view's key space. A view
 * that needs "current versions" semantics owns its own copy so that it depends only on its own
 * cursor.
 *
 * <p>Keys: {@code 'h' str(type) str(id) -> [feedId(u32) seq(u64) lseq(u64) deleted(u8)]*} and
 * {@code 's' feedId(u32) seq(u64) -> ''} for every version some applied version links to. A version
 * arriving after a version that links to it (possible with several writers) is stale and never
 * becomes a head, so the result does not depend on the order in which feeds were received.
 * Stateless apart from the store; not thread-safe (used inside one apply).
 */
final class Heads {
  private static final int ENTRY = 21;

  /** One head: where the version is and whether it is a tombstone. */
  record Head(int feedId, long seq, long lseq, boolean deleted) {}

  /** What applying one version changed. */
  record Change(boolean added, List<Head> removed, List<Head> before, List<Head> after) {
    static final Change NONE = new Change(false, List.of(), List.of(), List.of());
  }

  private final FeedStore feeds;

  Heads(FeedStore feeds) {
    this.feeds = feeds;
  }

  static byte[] headsKey(String type, String id) {
    return Keys.concat(new byte[] {'h'}, Keys.str(type), Keys.str(id));
  }

  static List<Head> decode(byte[] v) {
    List<Head> out = new ArrayList<>();
    if (v == null) {
      return out;
    }
    for (int o = 0; o + ENTRY <= v.length; o += ENTRY) {
      out.add(
          new Head(
              Keys.readU32(v, o), Keys.readU64(v, o + 4), Keys.readU64(v, o + 12), v[o + 20] != 0));
    }
    return out;
  }

  private static byte[] encode(List<Head> heads) {
    byte[] out = new byte[heads.size() * ENTRY];
    int o = 0;
    for (Head h : heads) {
      System.arraycopy(Keys.u32(h.feedId()), 0, out, o, 4);
      Keys.putU64(out, o + 4, h.seq());
      Keys.putU64(out, o + 12, h.lseq());
      out[o + 20] = (byte) (h.deleted() ? 1 : 0);
      o += ENTRY;
    }
    return out;
  }

  private static byte[] supersededKey(int feedId, long seq) {
    byte[] k = new byte[13];
    k[0] = 's';
    System.arraycopy(Keys.u32(feedId), 0, k, 1, 4);
    Keys.putU64(k, 5, seq);
    return k;
  }

  Change apply(RecordVersion v, ViewWriter w) {
    int fid = feeds.intern(v.key());
    if (w.get(supersededKey(fid, v.seq())) != null) {
      return Change.NONE;
    }
    byte[] hk = headsKey(v.type(), v.id());
    List<Head> before = decode(w.get(hk));
    List<Head> after = new ArrayList<>(before);
    List<Head> removed = new ArrayList<>();
    for (String link : v.record().links()) {
      BlockAddress a;
      try {
        a = BlockAddress.parse(link);
      } catch (MalformedAddressException e) {
        // Links are validated when written locally; a remote writer's bad link supersedes nothing.
        continue;
      }
      int lid = feeds.intern(a.key());
      w.put(supersededKey(lid, a.seq()), new byte[0]);
      for (int i = after.size() - 1; i >= 0; i--) {
        Head h = after.get(i);
        if (h.feedId() == lid && h.seq() == a.seq()) {
          removed.add(after.remove(i));
        }
      }
    }
    after.add(new Head(fid, v.seq(), v.lseq(), v.record().deleted()));
    w.put(hk, encode(after));
    return new Change(true, removed, before, after);
  }

  static boolean live(List<Head> heads) {
    for (Head h : heads) {
      if (!h.deleted()) {
        return true;
      }
    }
    return false;
  }
}
