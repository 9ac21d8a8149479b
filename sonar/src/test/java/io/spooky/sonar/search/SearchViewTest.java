package io.spooky.sonar.search;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.spooky.sonar.collection.Collection;
import io.spooky.sonar.collection.InvalidQueryException;
import io.spooky.sonar.collection.Sonar;
import io.spooky.sonar.collection.SonarOptions;
import io.spooky.sonar.feed.FeedKey;
import io.spooky.sonar.feed.SignedBlock;
import io.spooky.sonar.record.RecordVersion;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.function.Supplier;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class SearchViewTest {
  private static final ObjectMapper M = new ObjectMapper();
  private static final String DOC =
      "{'name': 'doc', 'fields': {"
          + "'title': {'type': 'string', 'index': {'search': {'mode': 'fulltext'}}},"
          + "'tags': {'type': 'string', 'multiple': true, 'index': {'search': {'mode': 'facet'}}},"
          + "'note': {'type': 'string'}}}";

  @TempDir Path dir;

  static JsonNode json(String s) {
    try {
      return M.readTree(s.replace('\'', '"'));
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  private Sonar open() {
    return Sonar.open(dir, new SonarOptions(List.of(SearchView.factory()), true));
  }

  private static SearchView view(Collection c) {
    return c.view(SearchView.NAME, SearchView.class);
  }

  /** Brings the view up to the head of the log and makes it searchable. */
  private static SearchView synced(Collection c) {
    c.sync();
    SearchView v = view(c);
    v.refresh();
    return v;
  }

  private static List<String> ids(SearchResult r) {
    return r.hits().stream().map(h -> h.record().id()).sorted().toList();
  }

  private static long count(Collection c, String q) {
    return synced(c).search(SearchRequest.of(q)).total();
  }

  private static long countJson(Collection c, String q) {
    return synced(c).search(SearchRequest.fromJson(json(q))).total();
  }

  private static Collection docs(Sonar sonar) {
    Collection c = sonar.openCollection("docs");
    c.putType(json(DOC));
    c.put("doc", "a", json("{'title': 'hello world', 'tags': ['greeting', 'earth']}"));
    c.put("doc", "b", json("{'title': 'hello moon', 'tags': ['greeting', 'space']}"));
    return c;
  }

  @Test
  void queryStringsMatchTitleAndBody() {
    try (Sonar sonar = open()) {
      Collection c = docs(sonar);
      assertThat(count(c, "hello")).isEqualTo(2);
      assertThat(count(c, "moon")).isEqualTo(1);
      assertThat(count(c, "title:world")).isEqualTo(1);
      assertThat(count(c, "hello AND NOT moon")).isEqualTo(1);
      assertThat(count(c, "mars")).isZero();
      SearchResult r = synced(c).search(SearchRequest.of("moon"));
      assertThat(ids(r)).containsExactly("b");
      SearchHit hit = r.hits().get(0);
      assertThat(hit.snippet()).contains("<b>moon</b>");
      assertThat(hit.score()).isPositive();
      assertThat(hit.record().record().value().get("title").asText()).isEqualTo("hello moon");
    }
  }

  @Test
  void jsonQueries() {
    try (Sonar sonar = open()) {
      Collection c = docs(sonar);
      c.put("doc", "c", json("{'title': 'world of hello', 'note': 'a quiet place'}"));
      assertThat(
              countJson(
                  c,
                  "{'query': {'bool': {'must': [{'term': {'body': 'hello'}}],"
                      + " 'must_not': [{'term': {'body': 'moon'}}]}}}"))
          .isEqualTo(2);
      assertThat(countJson(c, "{'query': {'phrase': {'body': ['hello', 'world']}}}")).isEqualTo(1);
      assertThat(countJson(c, "{'query': {'phrase': {'title': 'hello world'}}}")).isEqualTo(1);
      assertThat(
              countJson(
                  c, "{'query': {'phrase': {'title': {'terms': ['world', 'hello'], 'slop': 3}}}}"))
          .isEqualTo(2);
      assertThat(countJson(c, "{'query': {'fuzzy': {'body': 'mon'}}}")).isEqualTo(1);
      assertThat(countJson(c, "{'query': {'regex': {'body': 'qui.*'}}}")).isEqualTo(1);
      assertThat(countJson(c, "{'query': {'term': {'tags': 'greeting'}}}")).isEqualTo(2);
      assertThat(countJson(c, "{'query': {'term': {'id': 'c'}}}")).isEqualTo(1);
      assertThat(countJson(c, "{'query': {'range': {'id': {'gte': 'b', 'lt': 'c'}}}}"))
          .isEqualTo(1);
      assertThat(countJson(c, "{'query': {'all': {}}}")).isEqualTo(3);
      assertThat(countJson(c, "{'query': {'bool': {'must_not': [{'term': {'id': 'a'}}]}}}"))
          .isEqualTo(2);
      assertThat(countJson(c, "{'query': 'hello', 'limit': 1}")).isEqualTo(3);
      assertThat(
              synced(c)
                  .search(SearchRequest.fromJson(json("{'query': 'hello', 'limit': 1}")))
                  .hits())
          .hasSize(1);
      long lseqOfC = c.get("doc", "c").get(0).lseq();
      assertThat(countJson(c, "{'query': {'range': {'lseq': {'gte': " + lseqOfC + "}}}}"))
          .isEqualTo(1);
    }
  }

  @Test
  void updatesAndDeletesReplaceTheIndexedVersion() {
    try (Sonar sonar = open()) {
      Collection c = docs(sonar);
      assertThat(count(c, "moon")).isEqualTo(1);
      c.put("doc", "b", json("{'title': 'hello sun'}"));
      assertThat(count(c, "moon")).isZero();
      assertThat(count(c, "sun")).isEqualTo(1);
      assertThat(count(c, "hello")).isEqualTo(2);
      c.delete("doc", "b");
      assertThat(count(c, "sun")).isZero();
      assertThat(count(c, "hello")).isEqualTo(1);
      c.put("doc", "b", json("{'title': 'moon again'}"));
      assertThat(ids(synced(c).search(SearchRequest.of("moon")))).containsExactly("b");
    }
  }

  @Test
  void facetsAreCountedOverAllMatches() {
    try (Sonar sonar = open()) {
      Collection c = docs(sonar);
      SearchResult r =
          synced(c)
              .search(
                  SearchRequest.fromJson(
                      json("{'query': 'hello', 'limit': 1, 'facets': ['tags']}")));
      assertThat(r.hits()).hasSize(1);
      assertThat(r.facets().get("tags"))
          .containsExactly(
              new FacetCount("greeting", 2),
              new FacetCount("earth", 1),
              new FacetCount("space", 1));
      r = synced(c).search(SearchRequest.fromJson(json("{'query': 'moon', 'facets': ['tags']}")));
      assertThat(r.facets().get("tags"))
          .containsExactly(new FacetCount("greeting", 1), new FacetCount("space", 1));
    }
  }

  @Test
  void resetAndRebuildGiveIdenticalResults() {
    try (Sonar sonar = open()) {
      Collection c = docs(sonar);
      for (int i = 0; i < 50; i++) {
        c.put(
            "doc", "n" + i, json("{'title': 'note " + i + " hello', 'tags': ['t" + i % 3 + "']}"));
      }
      c.put("doc", "n7", json("{'title': 'changed'}"));
      c.delete("doc", "n8");
      SearchRequest req = SearchRequest.fromJson(json("{'query': 'hello', 'facets': ['tags']}"));
      SearchResult before = synced(c).search(req);
      c.reset(SearchView.NAME);
      view(c).refresh();
      assertThat(view(c).cursor()).isLessThanOrEqualTo(c.indexer().head());
      c.rebuild(SearchView.NAME);
      SearchResult after = synced(c).search(req);
      assertThat(after.total()).isEqualTo(before.total()).isEqualTo(50);
      assertThat(ids(after)).isEqualTo(ids(before));
      assertThat(after.facets()).isEqualTo(before.facets());
    }
  }

  @Test
  void reopenKeepsIndexAndCursor() {
    long cursor;
    try (Sonar sonar = open()) {
      Collection c = docs(sonar);
      assertThat(count(c, "hello")).isEqualTo(2);
      cursor = view(c).cursor();
      assertThat(cursor).isEqualTo(c.indexer().head());
    }
    try (Sonar sonar = Sonar.open(dir, new SonarOptions(List.of(SearchView.factory()), false))) {
      Collection c = sonar.openCollection("docs");
      SearchView v = view(c);
      assertThat(v.cursor()).isEqualTo(cursor);
      // Paused: nothing is re-applied, so these hits come from the persisted index.
      assertThat(v.search(SearchRequest.of("hello")).total()).isEqualTo(2);
      assertThat(v.search(SearchRequest.of("moon")).total()).isEqualTo(1);
      SearchResult r =
          v.search(SearchRequest.fromJson(json("{'query': 'hello', 'facets': ['tags']}")));
      assertThat(r.facets().get("tags"))
          .containsExactly(
              new FacetCount("greeting", 2),
              new FacetCount("earth", 1),
              new FacetCount("space", 1));
    }
  }

  @Test
  void putsBecomeSearchableWithoutManualRefresh() {
    try (Sonar sonar = open()) {
      Collection c = docs(sonar);
      c.put("doc", "z", json("{'title': 'zebra crossing'}"));
      SearchView v = view(c);
      long total = poll(() -> v.search(SearchRequest.of("zebra")).total(), 1L);
      assertThat(total).isEqualTo(1);
    }
  }

  /** Polls until {@code f} returns {@code expected} or 20 s have passed; returns the last value. */
  private static <T> T poll(Supplier<T> f, T expected) {
    long deadline = System.nanoTime() + Duration.ofSeconds(20).toNanos();
    T last = f.get();
    while (!last.equals(expected) && System.nanoTime() < deadline) {
      try {
        Thread.sleep(5);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        break;
      }
      last = f.get();
    }
    return last;
  }

  @Test
  void badQueriesAreTypedErrors() {
    try (Sonar sonar = open()) {
      Collection c = docs(sonar);
      SearchView v = synced(c);
      for (String q : List.of("hello AND (", "title:\"unterminated", "", "   ")) {
        assertThatThrownBy(() -> v.search(SearchRequest.of(q)))
            .as(q)
            .isInstanceOf(InvalidQueryException.class);
      }
      for (String q :
          List.of(
              "{}",
              "{'query': {'nope': {}}}",
              "{'query': {'term': {'nosuch': 'x'}}}",
              "{'query': {'term': {'body': 'x', 'title': 'y'}}}",
              "{'query': {'phrase': {'id': ['a']}}}",
              "{'query': {'regex': {'body': '[a-'}}}",
              "{'query': {'range': {'lseq': {'gte': 'abc'}}}}",
              "{'query': {'bool': {}}}",
              "{'query': 'x', 'limit': 0}",
              "{'query': 'x', 'facets': ['title']}",
              "{'query': 'x', 'extra': 1}")) {
        assertThatThrownBy(() -> v.search(SearchRequest.fromJson(json(q))))
            .as(q)
            .isInstanceOf(InvalidQueryException.class)
            .hasMessageNotContaining("null");
      }
    }
  }

  @Test
  void recordsOfBuiltInTypesAreNotIndexed() {
    try (Sonar sonar = open()) {
      Collection c = docs(sonar);
      SearchResult all = synced(c).search(SearchRequest.fromJson(json("{'query': {'all': {}}}")));
      assertThat(all.hits()).extracting(h -> h.record().type()).allMatch(t -> t.endsWith("/doc@1"));
      assertThat(all.hits())
          .extracting(SearchHit::record)
          .extracting(RecordVersion::id)
          .containsExactlyInAnyOrder("a", "b");
    }
  }

  @Test
  void concurrentHeadsAreAllIndexedUntilMerged() {
    try (Sonar sonar = open()) {
      Collection a = sonar.openCollection("a");
      a.putType(json(DOC));
      Collection b = sonar.openCollection("b", a.rootKey());
      b.sync();
      // b writes on its own feed, then a writes the same record without seeing b's version.
      b.put("doc", "x", json("{'title': 'from bee'}"));
      a.put("doc", "x", json("{'title': 'from ant'}"));
      a.putFeed(b.localKey(), "b");
      a.sync();
      assertThat(count(a, "from")).isEqualTo(2);
      assertThat(count(a, "bee")).isEqualTo(1);
      assertThat(count(a, "ant")).isEqualTo(1);
      a.put("doc", "x", json("{'title': 'merged'}"));
      for (Collection c : List.of(a, b)) {
        assertThat(count(c, "from")).as(c.name()).isZero();
        assertThat(ids(synced(c).search(SearchRequest.of("merged")))).containsExactly("x");
      }
      a.rebuild(SearchView.NAME);
      assertThat(count(a, "from")).isZero();
      assertThat(count(a, "merged")).isEqualTo(1);
    }
  }

  @Test
  void aVersionArrivingAfterItsSuccessorIsNeverIndexed() {
    SonarOptions options = new SonarOptions(List.of(SearchView.factory()), true);
    try (Sonar one = Sonar.open(dir.resolve("one"), options)) {
      Collection a = one.openCollection("a");
      a.putType(json(DOC));
      Collection b = one.openCollection("b", a.rootKey());
      b.sync();
      b.put("doc", "x", json("{'title': 'from bee'}"));
      a.putFeed(b.localKey(), "b");
      a.sync();
      a.put("doc", "x", json("{'title': 'merged'}"));

      // Node two receives the root feed (with the merge) before b's feed (with what it merged).
      try (Sonar two = Sonar.open(dir.resolve("two"), options)) {
        Collection replica = two.openCollection("a", a.rootKey());
        ship(one, two, a.rootKey());
        assertThat(count(replica, "merged")).isEqualTo(1);
      }
      // Reopened, so the view finds the link in its index rather than in memory.
      try (Sonar two = Sonar.open(dir.resolve("two"), options)) {
        Collection replica = two.openCollection("a");
        ship(one, two, b.localKey());
        replica.sync();
        assertThat(replica.status(SearchView.NAME).indexed()).isEqualTo(replica.indexer().head());
        assertThat(count(replica, "bee")).isZero();
        assertThat(count(replica, "merged")).isEqualTo(1);
        replica.rebuild(SearchView.NAME);
        assertThat(count(replica, "bee")).isZero();
        assertThat(count(replica, "merged")).isEqualTo(1);
      }
    }
  }

  private static void ship(Sonar from, Sonar to, FeedKey key) {
    long have = to.feeds().length(key);
    List<SignedBlock> blocks = from.feeds().blocks(key, have, Long.MAX_VALUE);
    assertThat(to.ingest(key, blocks)).isEqualTo(blocks.size());
  }
}
