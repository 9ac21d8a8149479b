package io.spooky.sonar.collection;

import io.spooky.sonar.feed.FeedStore;
import io.spooky.sonar.view.ViewContext;

/**
 * The {@code kv} view: {@code (type, id)} to its current head versions, tombstones included
 * (several heads while concurrent writes are not yet merged). Writes use it to compute links.
 */
final class KvView extends HeadsView {
  static final String NAME = "kv";

  KvView(ViewContext context, FeedStore feeds) {
    super(context, NAME, feeds);
  }

  @Override
  public int version() {
    return 1;
  }
}
