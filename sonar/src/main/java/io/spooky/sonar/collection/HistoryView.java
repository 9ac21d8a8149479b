package io.spooky.sonar.collection;

import io.spooky.sonar.record.RecordVersion;
import io.spooky.sonar.store.Keys;
import io.spooky.sonar.view.StoredView;
import io.spooky.sonar.view.ViewContext;
import io.spooky.sonar.view.ViewWriter;
import java.util.ArrayList;
import java.util.List;

/**
 * The {@code history} view: every record version, superseded ones and tombstones included, ordered
 * by the record's timestamp and then lseq. Keys: {@code 't' i64(timestamp) u64(lseq) -> ''}.
 */
final class HistoryView extends StoredView {
  static final String NAME = "history";

  HistoryView(ViewContext context) {
    super(context, NAME);
  }

  @Override
  public int version() {
    return 1;
  }

  @Override
  protected void applyRecords(List<RecordVersion> records, ViewWriter w) {
    for (RecordVersion v : records) {
      w.put(key(v.record().timestamp(), v.lseq()), new byte[0]);
    }
  }

  private static byte[] key(long ts, long lseq) {
    return Keys.concat(new byte[] {'t'}, Keys.i64(ts), Keys.u64(lseq));
  }

  /** lseqs of versions with {@code from <= timestamp < to}, at most {@code limit}. */
  List<Long> query(Long from, Long to, boolean reverse, int limit) {
    byte[] lo = from == null ? new byte[] {'t'} : Keys.concat(new byte[] {'t'}, Keys.i64(from));
    byte[] hi = to == null ? new byte[] {'u'} : Keys.concat(new byte[] {'t'}, Keys.i64(to));
    List<Long> out = new ArrayList<>();
    if (limit <= 0) {
      return out;
    }
    scan(
        lo,
        hi,
        reverse,
        (k, v) -> {
          out.add(Keys.readU64(k, 9));
          return out.size() < limit;
        });
    return out;
  }
}
