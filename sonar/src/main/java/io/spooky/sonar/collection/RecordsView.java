package io.spooky.sonar.collection;

import io.spooky.sonar.feed.FeedStore;
import io.spooky.sonar.record.MalformedAddressException;
import io.spooky.sonar.record.RecordVersion;
import io.spooky.sonar.schema.TypeAddress;
import io.spooky.sonar.store.Keys;
import io.spooky.sonar.view.ViewContext;
import io.spooky.sonar.view.ViewWriter;
import java.util.ArrayList;
import java.util.List;

/**
 * The {@code records} view: which records currently exist, by type and by id. A record {@code
 * (type, id)} exists while at least one of its heads is not a tombstone.
 *
 * <p>Keys: its own {@link Heads}; {@code 'T' str(ns/name) u32(version) str(id) -> ''} and {@code
 * 'I' str(id) str(type) -> ''} for existing records.
 */
final class RecordsView extends HeadsView {
  static final String NAME = "records";

  RecordsView(ViewContext context, FeedStore feeds) {
    super(context, NAME, feeds);
  }

  @Override
  public int version() {
    return 1;
  }

  @Override
  void onHeadAdded(RecordVersion v, Heads.Change c, ViewWriter w) {
    boolean was = Heads.live(c.before());
    boolean is = Heads.live(c.after());
    if (was == is) {
      return;
    }
    byte[] byType = typeKey(v.type(), v.id());
    byte[] byId = Keys.concat(new byte[] {'I'}, Keys.str(v.id()), Keys.str(v.type()));
    if (is) {
      if (byType != null) {
        w.put(byType, new byte[0]);
      }
      w.put(byId, new byte[0]);
    } else {
      if (byType != null) {
        w.delete(byType);
      }
      w.delete(byId);
    }
  }

  private static byte[] typeKey(String type, String id) {
    TypeAddress a;
    try {
      a = TypeAddress.parse(type);
    } catch (MalformedAddressException e) {
      return null;
    }
    if (a.namespace() == null || a.version() < 0) {
      return null;
    }
    return Keys.concat(new byte[] {'T'}, Keys.str(a.path()), Keys.u32(a.version()), Keys.str(id));
  }

  /** {@code (type, id)} pairs of existing records of a type path, optionally one version. */
  List<String[]> byType(String path, int version) {
    byte[] prefix =
        version >= 0
            ? Keys.concat(new byte[] {'T'}, Keys.str(path), Keys.u32(version))
            : Keys.concat(new byte[] {'T'}, Keys.str(path));
    int[] end = new int[1];
    List<String[]> out = new ArrayList<>();
    scan(
        prefix,
        null,
        false,
        (k, v) -> {
          String p = Keys.readStr(k, 1, end);
          int ver = Keys.readU32(k, end[0]);
          String id = Keys.readStr(k, end[0] + 4, end);
          out.add(new String[] {p + "@" + ver, id});
          return true;
        });
    return out;
  }

  /** Types under which the record {@code id} currently exists. */
  List<String> typesOf(String id) {
    byte[] prefix = Keys.concat(new byte[] {'I'}, Keys.str(id));
    int[] end = new int[1];
    List<String> out = new ArrayList<>();
    scan(
        prefix,
        null,
        false,
        (k, v) -> {
          out.add(Keys.readStr(k, prefix.length, end));
          return true;
        });
    return out;
  }
}
