package io.spooky.sonar.collection;

import io.spooky.sonar.indexer.LogEntry;
import io.spooky.sonar.record.RecordVersion;
import io.spooky.sonar.view.View;
import io.spooky.sonar.view.ViewStatus;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.locks.ReentrantLock;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Drives one view: pulls log batches after its cursor and applies them. {@link #lock} serializes
 * apply and reset of the view. Lock order: the node's write lock may be held when taking {@link
 * #lock}, never the other way round; that is why non-root views bring the root view up to date
 * before taking their own lock.
 */
final class ViewRunner {
  private static final Logger LOG = LoggerFactory.getLogger(ViewRunner.class);
  static final int BATCH = 2000;

  final View view;
  final ReentrantLock lock = new ReentrantLock();
  private final Collection collection;
  private final boolean root;
  private volatile boolean paused;
  private volatile boolean running;
  private volatile String error;

  ViewRunner(Collection collection, View view, boolean root, boolean paused) {
    this.collection = collection;
    this.view = view;
    this.root = root;
    this.paused = paused;
  }

  boolean paused() {
    return paused;
  }

  void pause(boolean p) {
    paused = p;
  }

  /** Applies the log up to {@code target} (or the root view's cursor, if lower). */
  void catchUp(long target) {
    if (!root) {
      target = Math.min(target, collection.catchUpRoot(target));
    }
    if (view.cursor() >= target) {
      return;
    }
    lock.lock();
    try {
      running = true;
      while (view.cursor() < target) {
        List<LogEntry> entries =
            collection.indexer().read(view.cursor(), (int) Math.min(BATCH, target - view.cursor()));
        if (entries.isEmpty()) {
          break;
        }
        List<RecordVersion> records = new ArrayList<>(entries.size());
        for (LogEntry e : entries) {
          RecordVersion v = collection.loadShared(e);
          if (v != null) {
            records.add(v);
          }
        }
        view.apply(records, entries.get(entries.size() - 1).lseq());
      }
      error = null;
    } catch (RuntimeException e) {
      error = e.getMessage() == null ? e.getClass().getName() : e.getMessage();
      LOG.error(
          "event=view_failed collection={} view={} cursor={}",
          collection.name(),
          view.name(),
          view.cursor(),
          e);
      throw e;
    } finally {
      running = false;
      lock.unlock();
    }
  }

  void reset() {
    lock.lock();
    try {
      view.reset();
      error = null;
      LOG.info("event=view_reset collection={} view={}", collection.name(), view.name());
    } finally {
      lock.unlock();
    }
  }

  ViewStatus status(long total) {
    ViewStatus.State s;
    if (error != null) {
      s = ViewStatus.State.ERROR;
    } else if (paused) {
      s = ViewStatus.State.PAUSED;
    } else if (running || view.cursor() < total) {
      s = ViewStatus.State.RUNNING;
    } else {
      s = ViewStatus.State.IDLE;
    }
    return new ViewStatus(view.name(), s, view.cursor(), total, error);
  }
}
