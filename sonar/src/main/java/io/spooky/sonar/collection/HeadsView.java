package io.spooky.sonar.collection;

import io.spooky.sonar.feed.FeedStore;
import io.spooky.sonar.record.RecordVersion;
import io.spooky.sonar.view.StoredView;
import io.spooky.sonar.view.ViewContext;
import io.spooky.sonar.view.ViewWriter;
import java.util.List;

/**
 * A stored view that keeps its own {@link Heads} of every {@code (type, id)} and derives its
 * entries from how the heads change. Every version is applied to the heads, in order, before the
 * subclass sees it, so {@link #onHeadAdded} always observes the heads as they are after that
 * version.
 */
abstract class HeadsView extends StoredView {
  private final Heads heads;

  HeadsView(ViewContext context, String name, FeedStore feeds) {
    super(context, name);
    this.heads = new Heads(feeds);
  }

  @Override
  protected final void applyRecords(List<RecordVersion> records, ViewWriter w) {
    for (RecordVersion v : records) {
      Heads.Change c = heads.apply(v, w);
      if (c.added()) {
        onHeadAdded(v, c, w);
      }
    }
  }

  /**
   * Called when {@code v} became a head (it was not already known or superseded); {@code c} tells
   * the heads before and after it. Does nothing unless overridden.
   */
  void onHeadAdded(RecordVersion v, Heads.Change c, ViewWriter w) {}

  /** Current heads of {@code (type, id)}, in the order they became heads. */
  final List<Heads.Head> heads(String type, String id) {
    return Heads.decode(get(Heads.headsKey(type, id)));
  }
}
