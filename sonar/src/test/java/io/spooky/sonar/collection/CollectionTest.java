package io.spooky.sonar.collection;

import static io.spooky.sonar.collection.Json.json;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import io.spooky.sonar.record.MalformedAddressException;
import io.spooky.sonar.record.RecordVersion;
import io.spooky.sonar.schema.InvalidValueException;
import io.spooky.sonar.schema.UnknownTypeException;
import io.spooky.sonar.view.ViewStatus;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.function.IntConsumer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class CollectionTest {
  @TempDir Path dir;

  static final String ARTICLE =
      "{'name': 'article', 'fields': {"
          + "'title': {'type': 'string', 'index': {'basic': true}},"
          + "'score': {'type': 'number', 'index': {'basic': true}},"
          + "'tags': {'type': 'string', 'multiple': true, 'index': {'basic': true}},"
          + "'body': {'type': 'string'}}}";

  private static List<String> ids(List<RecordVersion> vs) {
    return vs.stream().map(RecordVersion::id).toList();
  }

  private static Query.Indexes range(
      String field, JsonNode gt, JsonNode gte, JsonNode lt, JsonNode lte) {
    return new Query.Indexes(field, null, gt, gte, lt, lte, 100, 0, false, true);
  }

  @Test
  void putGetDeleteWithLinksAndHistory() {
    try (Sonar sonar = Sonar.open(dir)) {
      Collection c = sonar.openCollection("docs");
      c.putType(json(ARTICLE));
      RecordVersion v1 = c.put("article", "a", json("{'title': 'one', 'score': 1}"));
      assertThat(v1.type()).isEqualTo("default/article@1");
      assertThat(v1.record().links()).isEmpty();
      RecordVersion v2 = c.put("article", "a", json("{'title': 'two', 'score': 2}"));
      assertThat(v2.record().links()).containsExactly(v1.address());
      assertThat(v2.lseq()).isEqualTo(v1.lseq() + 1);
      assertThat(c.get("article", "a"))
          .extracting(RecordVersion::address)
          .containsExactly(v2.address());
      // The old version stays readable by its address.
      assertThat(c.getVersion(v1.address()).record().value().get("title").asText())
          .isEqualTo("one");

      RecordVersion gone = c.delete("article", "a");
      assertThat(gone.record().deleted()).isTrue();
      assertThat(gone.record().links()).containsExactly(v2.address());
      assertThat(c.get("article", "a")).isEmpty();
      assertThat(c.query(new Query.Records("article", null, true))).isEmpty();
      assertThat(c.query(Query.Indexes.eq("article#title", json("'two'")))).isEmpty();

      List<RecordVersion> hist = c.query(new Query.History(null, null, false, 10, true));
      assertThat(hist)
          .extracting(RecordVersion::address)
          .containsSubsequence(v1.address(), v2.address(), gone.address());
      assertThat(c.query(new Query.History(null, null, true, 1, true)))
          .extracting(RecordVersion::address)
          .containsExactly(gone.address());
      assertThat(c.query(new Query.History(v2.record().timestamp() + 1, null, false, 10, true)))
          .allMatch(v -> v.record().timestamp() > v2.record().timestamp());
      assertThat(c.query(new Query.History(null, v1.record().timestamp(), false, 10, true)))
          .allMatch(v -> v.record().timestamp() < v1.record().timestamp());
      assertThatThrownBy(() -> c.delete("article", "never"))
          .isInstanceOf(UnknownRecordException.class);
    }
  }

  @Test
  void recordsViewByTypeAndById() {
    try (Sonar sonar = Sonar.open(dir)) {
      Collection c = sonar.openCollection("docs");
      c.putType(json(ARTICLE));
      c.putType(json("{'name': 'note', 'fields': {'text': {'type': 'string'}}}"));
      c.put("article", "x", json("{'title': 'x'}"));
      c.put("article", "y", json("{'title': 'y'}"));
      c.put("note", "x", json("{'text': 'x'}"));
      assertThat(ids(c.query(new Query.Records("article", null, true))))
          .containsExactlyInAnyOrder("x", "y");
      assertThat(ids(c.query(new Query.Records("default/article@1", null, true))))
          .containsExactlyInAnyOrder("x", "y");
      assertThat(c.query(new Query.Records(null, "x", true)))
          .extracting(RecordVersion::type)
          .containsExactlyInAnyOrder("default/article@1", "default/note@1");
      assertThat(ids(c.query(new Query.Records("note", "x", true)))).containsExactly("x");
      assertThat(c.query(new Query.Records("note", "y", true))).isEmpty();
      assertThatThrownBy(() -> c.query(new Query.Records(null, null, true)))
          .isInstanceOf(InvalidQueryException.class);
      // A type version bump: records of both versions are found by the unversioned type.
      c.putType(
          json(
              "{'name': 'note', 'version': 2, 'fields': {'text': {'type': 'string'},"
                  + " 'pinned': {'type': 'boolean'}}}"));
      RecordVersion v = c.put("note", "z", json("{'pinned': true}"));
      assertThat(v.type()).isEqualTo("default/note@2");
      assertThat(ids(c.query(new Query.Records("note", null, true))))
          .containsExactlyInAnyOrder("x", "z");
      assertThat(ids(c.query(new Query.Records("note@1", null, true)))).containsExactly("x");
    }
  }

  @Test
  void indexesAnswerEqualityRangesLimitOffsetReverse() {
    try (Sonar sonar = Sonar.open(dir)) {
      Collection c = sonar.openCollection("docs");
      c.putType(json(ARTICLE));
      List<PutRequest> puts = new ArrayList<>();
      for (int i = 0; i < 10; i++) {
        puts.add(
            PutRequest.put(
                "article",
                "r" + i,
                json(
                    "{'title': 't"
                        + (i % 3)
                        + "', 'score': "
                        + i
                        + ", 'tags': ['all', 'k"
                        + i
                        + "']}")));
      }
      c.putAll(puts);
      assertThat(ids(c.query(Query.Indexes.eq("article#title", json("'t1'")))))
          .containsExactlyInAnyOrder("r1", "r4", "r7");
      assertThat(ids(c.query(range("article#score", null, json("3"), json("6"), null))))
          .containsExactly("r3", "r4", "r5");
      assertThat(ids(c.query(range("article#score", json("3"), null, null, json("6")))))
          .containsExactly("r4", "r5", "r6");
      assertThat(ids(c.query(range("article#score", json("7.5"), null, null, null))))
          .containsExactly("r8", "r9");
      assertThat(ids(c.query(range("article#score", null, null, json("-1"), null)))).isEmpty();
      assertThat(
              ids(
                  c.query(
                      new Query.Indexes(
                          "default/article@1#score",
                          null,
                          null,
                          json("2"),
                          null,
                          null,
                          3,
                          1,
                          true,
                          true))))
          .containsExactly("r8", "r7", "r6");
      assertThat(ids(c.query(Query.Indexes.eq("article#tags", json("'all'"))))).hasSize(10);
      assertThat(ids(c.query(Query.Indexes.eq("article#tags", json("'k4'")))))
          .containsExactly("r4");
      // Updating a record moves it in the index; superseded values disappear.
      c.put("article", "r4", json("{'title': 'moved', 'score': 100}"));
      assertThat(ids(c.query(Query.Indexes.eq("article#title", json("'t1'")))))
          .containsExactlyInAnyOrder("r1", "r7");
      assertThat(ids(c.query(range("article#score", json("50"), null, null, null))))
          .containsExactly("r4");
      assertThat(ids(c.query(Query.Indexes.eq("article#tags", json("'k4'"))))).isEmpty();

      assertThatThrownBy(() -> c.query(Query.Indexes.eq("article#nope", json("1"))))
          .isInstanceOf(UnknownTypeException.class);
      assertThatThrownBy(() -> c.query(Query.Indexes.eq("article", json("1"))))
          .isInstanceOf(MalformedAddressException.class);
      assertThatThrownBy(() -> c.query(range("article#score", json("1"), null, json("'a'"), null)))
          .isInstanceOf(InvalidQueryException.class);
    }
  }

  @Test
  void badInputIsRejectedWithTypedErrorsAndWritesNothing() {
    try (Sonar sonar = Sonar.open(dir)) {
      Collection c = sonar.openCollection("docs");
      c.putType(json(ARTICLE));
      c.put("article", "ok", json("{'title': 'fine'}"));
      long head = c.indexer().head();
      long len = sonar.feeds().length(c.localKey());
      assertThatThrownBy(() -> c.put("nosuch", "a", json("{}")))
          .isInstanceOf(UnknownTypeException.class)
          .hasMessageContaining("nosuch");
      assertThatThrownBy(() -> c.put("article", "a", json("{'title': 5}")))
          .isInstanceOf(InvalidValueException.class)
          .hasMessageContaining("title");
      assertThatThrownBy(() -> c.put("bad type!", "a", json("{}")))
          .isInstanceOf(MalformedAddressException.class);
      assertThatThrownBy(() -> c.getVersion("nothex@1"))
          .isInstanceOf(MalformedAddressException.class);
      // One bad record fails the whole batch.
      assertThatThrownBy(
              () ->
                  c.putAll(
                      List.of(
                          PutRequest.put("article", "b", json("{'title': 'good'}")),
                          PutRequest.put("article", "c", json("{'score': 'high'}")))))
          .isInstanceOf(InvalidValueException.class);
      assertThatThrownBy(() -> c.putType(json("{'name': 'article', 'fields': {}}")))
          .isInstanceOf(InvalidValueException.class)
          .hasMessageContaining("already defined");
      assertThatThrownBy(() -> c.putType(json("{'name': 'p', 'refines': 'missing'}")))
          .isInstanceOf(UnknownTypeException.class);
      assertThatThrownBy(() -> c.put("sonar/feed", null, json("{'key': 'abc'}")))
          .isInstanceOf(MalformedAddressException.class);
      assertThat(c.indexer().head()).isEqualTo(head);
      assertThat(sonar.feeds().length(c.localKey())).isEqualTo(len);
      assertThat(ids(c.query(new Query.Records("article", null, true)))).containsExactly("ok");
    }
  }

  @Test
  void reopenKeepsEverythingAndRebuildGivesIdenticalResults() {
    long seed = System.nanoTime();
    Random rnd = new Random(seed);
    List<List<RecordVersion>> before;
    String root;
    try (Sonar sonar = Sonar.open(dir)) {
      Collection c = sonar.openCollection("docs");
      root = c.rootKey().hex();
      c.putType(json(ARTICLE));
      for (int round = 0; round < 5; round++) {
        List<PutRequest> puts = new ArrayList<>();
        for (int i = 0; i < 40; i++) {
          String id = "r" + rnd.nextInt(30);
          puts.add(
              rnd.nextInt(8) == 0 && !c.get("article", id).isEmpty()
                  ? PutRequest.delete("article", id)
                  : PutRequest.put(
                      "article",
                      id,
                      json(
                          "{'title': 't"
                              + rnd.nextInt(5)
                              + "', 'score': "
                              + rnd.nextInt(50)
                              + "}")));
        }
        c.putAll(puts);
      }
      before = snapshot(c);
    }
    try (Sonar sonar = Sonar.open(dir)) {
      Collection c = sonar.openCollection("docs");
      assertThat(c.rootKey().hex()).isEqualTo(root);
      assertThat(snapshot(c)).as("seed %d", seed).isEqualTo(before);
      for (String view : List.of("root", "kv", "records", "indexes", "history")) {
        c.rebuild(view);
      }
      assertThat(snapshot(c)).as("rebuilt, seed %d", seed).isEqualTo(before);
      for (ViewStatus s : c.status()) {
        assertThat(s.indexed()).as(s.name()).isEqualTo(s.total());
      }
    }
  }

  private static List<List<RecordVersion>> snapshot(Collection c) {
    List<List<RecordVersion>> out = new ArrayList<>();
    out.add(sorted(c.query(new Query.Records("article", null, true))));
    for (int t = 0; t < 5; t++) {
      out.add(c.query(Query.Indexes.eq("article#title", json("'t" + t + "'"))));
    }
    out.add(
        c.query(
            new Query.Indexes(
                "article#score", null, json("10"), null, json("40"), null, 1000, 0, true, true)));
    out.add(c.query(new Query.History(null, null, false, 100000, true)));
    return out;
  }

  /** Runs {@code body(0..threads-1)} on that many platform threads at once; waits for all. */
  private static void inThreads(int threads, IntConsumer body) throws InterruptedException {
    List<Thread> workers = new ArrayList<>();
    for (int t = 0; t < threads; t++) {
      int me = t;
      workers.add(Thread.ofPlatform().start(() -> body.accept(me)));
    }
    for (Thread w : workers) {
      w.join();
    }
  }

  private static List<RecordVersion> sorted(List<RecordVersion> vs) {
    return vs.stream().sorted((a, b) -> Long.compare(a.lseq(), b.lseq())).toList();
  }

  @Test
  void putsFromSeveralThreadsAreSerializedIntoOneHeadPerRecord() throws Exception {
    try (Sonar sonar = Sonar.open(dir)) {
      Collection c = sonar.openCollection("docs");
      c.putType(json(ARTICLE));
      int threads = 4;
      int perThread = 50;
      List<Throwable> failures = java.util.Collections.synchronizedList(new ArrayList<>());
      inThreads(
          threads,
          me -> {
            try {
              for (int i = 0; i < perThread; i++) {
                // Every thread also rewrites the shared record "hot".
                c.put("article", "own" + me + "-" + i, json("{'score': " + i + "}"));
                c.put("article", "hot", json("{'score': " + me + "}"));
              }
            } catch (Throwable e) {
              failures.add(e);
            }
          });
      assertThat(failures).isEmpty();
      c.sync();
      assertThat(c.query(new Query.Records("article", null, true)))
          .hasSize(threads * perThread + 1);
      // Writes of one node are serialized, so each linked the previous one: a single head.
      assertThat(c.get("article", "hot")).hasSize(1);
      assertThat(c.query(new Query.History(null, null, false, 100000, true)))
          .filteredOn(v -> v.id().equals("hot"))
          .hasSize(threads * perThread);
    }
  }

  @Test
  void aBadBatchFailsAloneInAGroupCommit() throws Exception {
    try (Sonar sonar = Sonar.open(dir)) {
      Collection c = sonar.openCollection("docs");
      c.putType(json(ARTICLE));
      int threads = 6;
      List<Throwable> failures = java.util.Collections.synchronizedList(new ArrayList<>());
      inThreads(
          threads,
          me -> {
            for (int i = 0; i < 30; i++) {
              String value = me % 2 == 0 ? "{'score': 1}" : "{'score': 'bad'}";
              try {
                c.put("article", "t" + me + "-" + i, json(value));
              } catch (InvalidValueException e) {
                failures.add(e);
              }
            }
          });
      assertThat(failures).hasSize(3 * 30);
      assertThat(ids(c.query(new Query.Records("article", null, true))))
          .hasSize(3 * 30)
          .allMatch(id -> Integer.parseInt(id.substring(1, id.indexOf('-'))) % 2 == 0);
    }
  }

  @Test
  void viewsPauseResumeAndReportStatus() {
    try (Sonar sonar = Sonar.open(dir)) {
      Collection c = sonar.openCollection("docs");
      c.putType(json(ARTICLE));
      c.sync();
      c.pause("history");
      c.put("article", "a", json("{'title': 'a'}"));
      c.sync();
      ViewStatus h = c.status("history");
      assertThat(h.state()).isEqualTo(ViewStatus.State.PAUSED);
      assertThat(h.indexed()).isLessThan(h.total());
      assertThat(c.status("records").indexed()).isEqualTo(h.total());
      c.resume("history");
      c.sync();
      assertThat(c.status("history").indexed()).isEqualTo(c.indexer().head());
      assertThat(c.status("history").state()).isEqualTo(ViewStatus.State.IDLE);
      assertThatThrownBy(() -> c.status("nope")).isInstanceOf(IllegalArgumentException.class);
    }
  }

  @Test
  void subscriptionsPullAndAckPersistently() {
    try (Sonar sonar = Sonar.open(dir)) {
      Collection c = sonar.openCollection("docs");
      c.putType(json(ARTICLE));
      c.put("article", "a", json("{'title': 'a'}"));
      Subscription s = c.subscription("mirror");
      Subscription.Batch b = s.pull(100);
      assertThat(b.records()).extracting(RecordVersion::id).contains("a");
      assertThat(b.cursor()).isEqualTo(c.indexer().head());
      // Not acked: the same records come again.
      assertThat(s.pull(100)).isEqualTo(b);
      s.ack(b.cursor());
      assertThat(s.pull(100).records()).isEmpty();
      c.put("article", "b", json("{'title': 'b'}"));
    }
    try (Sonar sonar = Sonar.open(dir)) {
      Collection c = sonar.openCollection("docs");
      Subscription s = c.subscription("mirror");
      assertThat(s.pull(100).records()).extracting(RecordVersion::id).containsExactly("b");
      assertThatThrownBy(() -> s.ack(c.indexer().head() + 1))
          .isInstanceOf(IllegalArgumentException.class);
    }
  }
}
