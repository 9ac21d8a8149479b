package io.spooky.sonar.collection;

import io.spooky.sonar.feed.FeedStore;
import io.spooky.sonar.record.RecordVersion;
import io.spooky.sonar.view.StoredView;
import io.spooky.sonar.view.ViewContext;
import io.spooky.sonar.view.ViewWriter;
import java.util.List;

/**
 * The {@code kv} view: {@code (type, id)} to its current head versions, tombstones included
 * (several heads while concurrent writes are not yet merged). Writes use it to compute links.
 */
final class KvView extends StoredView {
  static final String NAME = "kv";
  private final Heads heads;

  KvView(ViewContext context, FeedStore feeds) {
    super(context, NAME);
    this.heads = new Heads(feeds);
  }

  @Override
  public int version() {
    return 1;
  }

  @Override
  protected void applyRecords(List<RecordVersion> records, ViewWriter w) {
    for (RecordVersion v : records) {
      heads.apply(v, w);
    }
  }

  /** Current heads of {@code (type, id)}, in the order they became heads. */
  List<Heads.Head> heads(String type, String id) {
    return Heads.decode(get(Heads.headsKey(type, id)));
  }
}
