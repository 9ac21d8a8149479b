package io.spooky.sonar.search;

import static org.assertj.core.api.Assertions.assertThat;

import io.spooky.sonar.collection.Collection;
import io.spooky.sonar.collection.Sonar;
import io.spooky.sonar.collection.SonarOptions;
import io.spooky.sonar.record.RecordVersion;
import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Kills a child JVM with SIGKILL while it bulk-loads a collection with a search view, then checks
 * that the search index holds exactly the records up to its persisted cursor and catches up from
 * there.
 */
class SearchCrashTest {
  static final String DOC =
      "{\"name\": \"doc\", \"fields\": {\"title\": {\"type\": \"string\","
          + " \"index\": {\"search\": {\"mode\": \"fulltext\"}}}}}";

  @TempDir Path dir;

  @Test
  void indexAndCursorAgreeAfterKill() throws Exception {
    String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
    String cp =
        System.getProperty("surefire.test.class.path", System.getProperty("java.class.path"));
    Process child =
        new ProcessBuilder(java, "-cp", cp, SearchCrashChild.class.getName(), dir.toString())
            .redirectError(dir.resolve("child.log").toFile())
            .start();
    boolean committed = false;
    int rounds = 0;
    try (BufferedReader r =
        new BufferedReader(new InputStreamReader(child.getInputStream(), StandardCharsets.UTF_8))) {
      String line;
      while ((line = r.readLine()) != null) {
        if (line.equals("committed")) {
          committed = true;
        } else if (line.startsWith("round ")) {
          rounds++;
        }
        if (committed && rounds >= 30) {
          child.destroyForcibly();
          break;
        }
      }
    } finally {
      child.destroyForcibly();
      assertThat(child.waitFor(60, TimeUnit.SECONDS)).isTrue();
    }
    assertThat(committed).as("child log: %s", dir.resolve("child.log")).isTrue();

    SearchRequest all = SearchRequest.fromJson(SearchViewTest.json("{'query': {'all': {}}}"));
    SearchRequest common = SearchRequest.of("common");
    try (Sonar sonar = Sonar.open(dir, new SonarOptions(List.of(SearchView.factory()), false))) {
      Collection c = sonar.openCollection("crash");
      SearchView v = c.view(SearchView.NAME, SearchView.class);
      long cursor = v.cursor();
      assertThat(cursor).isPositive().isLessThanOrEqualTo(c.indexer().head());
      // Exactly the records at or below the persisted cursor are indexed.
      // The other views are paused too, so count from the log itself (each id is written once).
      long upToCursor = docsInLog(c, cursor);
      assertThat(upToCursor).isPositive();
      assertThat(v.search(all).total()).isEqualTo(upToCursor);
      assertThat(v.search(common).total()).isEqualTo(upToCursor);

      c.resume(SearchView.NAME);
      c.sync();
      v.refresh();
      long records = docsInLog(c, c.indexer().head());
      assertThat(records).isGreaterThan(upToCursor);
      assertThat(v.cursor()).isEqualTo(c.indexer().head());
      assertThat(v.search(all).total()).isEqualTo(records);
      assertThat(v.search(common).total()).isEqualTo(records);
    }
  }

  private static long docsInLog(Collection c, long upTo) {
    long n = 0;
    for (long l = 1; l <= upTo; l++) {
      RecordVersion r = c.load(l);
      if (r != null && r.type().endsWith("/doc@1")) {
        n++;
      }
    }
    return n;
  }
}
