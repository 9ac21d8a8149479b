package io.spooky.sonar.collection;

import static io.spooky.sonar.collection.Json.json;
import static org.assertj.core.api.Assertions.assertThat;

import io.spooky.sonar.record.RecordVersion;
import io.spooky.sonar.store.Keys;
import io.spooky.sonar.view.StoredView;
import io.spooky.sonar.view.ViewContext;
import io.spooky.sonar.view.ViewWriter;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ViewSpiTest {
  @TempDir Path dir;

  /** Counts records of type article; its definition version is chosen by the test. */
  static final class CountingView extends StoredView {
    private final int version;
    int resets;

    CountingView(ViewContext ctx, int version) {
      super(ctx, "count");
      this.version = version;
    }

    @Override
    public int version() {
      return version;
    }

    @Override
    protected void applyRecords(List<RecordVersion> records, ViewWriter w) {
      long n = count(w.get(new byte[] {'n'}));
      for (RecordVersion v : records) {
        if (v.type().endsWith("/article@1")) {
          n++;
        }
      }
      w.put(new byte[] {'n'}, Keys.u64(n));
    }

    private static long count(byte[] v) {
      return v == null ? 0 : Keys.readU64(v, 0);
    }

    long count() {
      return count(get(new byte[] {'n'}));
    }

    @Override
    public void reset() {
      resets++;
      super.reset();
    }
  }

  private Sonar open(int version, AtomicReference<CountingView> out) {
    return Sonar.open(
        dir,
        new SonarOptions(
            List.of(
                ctx -> {
                  CountingView v = new CountingView(ctx, version);
                  out.set(v);
                  return v;
                }),
            true));
  }

  @Test
  void extraViewsFollowTheLogAndRebuildWhenTheirDefinitionChanges() {
    AtomicReference<CountingView> view = new AtomicReference<>();
    long cursor;
    try (Sonar sonar = open(1, view)) {
      Collection c = sonar.openCollection("docs");
      c.putType(json(CollectionTest.ARTICLE));
      for (int i = 0; i < 3; i++) {
        c.put("article", "r" + i, json("{'title': 't'}"));
      }
      c.sync();
      assertThat(c.view("count", CountingView.class).count()).isEqualTo(3);
      cursor = c.status("count").indexed();
      assertThat(cursor).isEqualTo(c.indexer().head());
    }
    try (Sonar sonar = open(1, view)) {
      Collection c = sonar.openCollection("docs");
      assertThat(view.get().resets).isZero();
      assertThat(view.get().cursor()).isEqualTo(cursor);
      c.sync();
      assertThat(view.get().count()).isEqualTo(3);
    }
    try (Sonar sonar = open(2, view)) {
      Collection c = sonar.openCollection("docs");
      assertThat(view.get().resets).isEqualTo(1);
      c.sync();
      assertThat(view.get().count()).isEqualTo(3);
      assertThat(view.get().cursor()).isEqualTo(c.indexer().head());
    }
  }

  @Test
  void viewsOpenedPausedKeepTheirPersistedCursor() {
    AtomicReference<CountingView> view = new AtomicReference<>();
    try (Sonar sonar = open(1, view)) {
      Collection c = sonar.openCollection("docs");
      c.putType(json(CollectionTest.ARTICLE));
      c.sync();
    }
    try (Sonar sonar = Sonar.open(dir, new SonarOptions(List.of(), false))) {
      Collection c = sonar.openCollection("docs");
      long head = c.indexer().head();
      c.put("article", "z", json("{'title': 'z'}"));
      assertThat(c.status("history").indexed()).isEqualTo(head);
      assertThat(c.status("kv").indexed()).isEqualTo(head);
      c.sync();
      assertThat(c.status("history").indexed()).isEqualTo(head);
      c.resume("history");
      c.sync();
      assertThat(c.status("history").indexed()).isEqualTo(c.indexer().head());
    }
  }
}
