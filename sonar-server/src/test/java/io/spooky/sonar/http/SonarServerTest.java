package io.spooky.sonar.http;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.spooky.sonar.cli.SonarClient;
import io.spooky.sonar.cli.SonarClientException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The HTTP API against a real server on loopback, without authentication. */
class SonarServerTest {
  private static final ObjectMapper JSON = new ObjectMapper();

  @TempDir Path dir;
  private SonarServer server;
  private SonarClient client;

  @BeforeEach
  void start() {
    server = SonarServer.start(new SonarServer.Config("127.0.0.1", 0, dir, false, null, 1 << 20));
    client = new SonarClient(server.baseUri().toString(), "default", null);
    client.post("/collection", obj("{\"name\": \"c\"}"));
    client.post(
        "/collection/c/schema",
        obj(
            "{\"name\": \"doc\", \"fields\": {\"title\": {\"type\": \"string\","
                + " \"index\": {\"basic\": true, \"search\": {\"mode\": \"fulltext\"}}}}}"));
  }

  @AfterEach
  void stop() {
    server.close();
  }

  static ObjectNode obj(String json) {
    try {
      return (ObjectNode) JSON.readTree(json);
    } catch (Exception e) {
      throw new IllegalArgumentException(json, e);
    }
  }

  private JsonNode put(String type, String id, String title) {
    ObjectNode r = JSON.createObjectNode().put("type", type);
    if (id != null) {
      r.put("id", id);
    }
    r.putObject("value").put("title", title);
    return client.post("/collection/c", r);
  }

  private static List<String> titles(JsonNode records) {
    List<String> out = new ArrayList<>();
    records.forEach(r -> out.add(r.path("value").path("title").asText()));
    out.sort(null);
    return out;
  }

  @Test
  void recordsByTypeAndIdAcrossTypes() {
    JsonNode a = put("doc", null, "hello world");
    put("doc", null, "hello moon");
    assertThat(a.get("type").asText()).isEqualTo("default/doc@1");
    assertThat(a.get("id").asText()).isNotEmpty();
    assertThat(a.get("key").asText()).hasSize(64);
    assertThat(a.get("lseq").asLong()).isPositive();
    assertThat(a.get("deleted").asBoolean()).isFalse();
    assertThat(a.get("links").isArray()).isTrue();

    JsonNode byType = client.post("/collection/c/query/records?sync=1", obj("{\"type\": \"doc\"}"));
    assertThat(titles(byType)).containsExactly("hello moon", "hello world");

    client.post(
        "/collection/c/schema",
        obj("{\"name\": \"note\", \"fields\": {\"title\": {\"type\": \"string\"}}}"));
    put("doc", "shared", "as doc");
    put("note", "shared", "as note");
    JsonNode byId = client.post("/collection/c/query/records", obj("{\"id\": \"shared\"}"));
    assertThat(titles(byId)).containsExactly("as doc", "as note");
    JsonNode viaGet = client.get("/collection/c/query/records?id=shared&type=note");
    assertThat(titles(viaGet)).containsExactly("as note");
  }

  private int hits(String args) {
    return client.post("/collection/c/query/search?sync=1", obj(args)).size();
  }

  @Test
  void searchScenariosOfSonar06() {
    put("doc", "w", "hello world");
    put("doc", "m", "hello moon");
    assertThat(hits("{\"query\": \"hello\"}")).isEqualTo(2);
    assertThat(hits("{\"query\": \"moon\"}")).isEqualTo(1);
    assertThat(
            hits(
                "{\"query\": {\"bool\": {\"must\": [{\"term\": {\"title\": \"hello\"}}],"
                    + " \"must_not\": [{\"term\": {\"title\": \"moon\"}}]}}}"))
        .isEqualTo(1);
    assertThat(hits("{\"query\": {\"phrase\": {\"title\": \"hello moon\"}}}")).isEqualTo(1);
    assertThat(hits("{\"query\": {\"phrase\": {\"title\": \"moon hello\"}}}")).isZero();

    JsonNode hit = client.get("/collection/c/query/search?query=moon").get(0);
    assertThat(hit.get("id").asText()).isEqualTo("m");
    assertThat(hit.at("/meta/score").asDouble()).isPositive();
    assertThat(hit.at("/meta/snippet").asText()).contains("<b>moon</b>");

    client.delete("/collection/c/record/default/doc/m");
    assertThat(hits("{\"query\": \"hello\"}")).isEqualTo(1);
    assertThat(hits("{\"query\": \"moon\"}")).isZero();
    assertStatus(
        () -> client.post("/collection/c/query/search", obj("{\"query\": {\"nope\": {}}}")),
        400,
        "");
  }

  @Test
  void searchFacets() {
    client.post(
        "/collection/c/schema",
        obj(
            "{\"name\": \"post\", \"fields\": {\"title\": {\"type\": \"string\"},"
                + " \"tag\": {\"type\": \"string\", \"index\": {\"search\": {\"mode\": \"facet\"}}}}}"));
    for (String[] p : new String[][] {{"red one", "red"}, {"red two", "red"}, {"blue", "blue"}}) {
      ObjectNode r = JSON.createObjectNode().put("type", "post");
      r.putObject("value").put("title", p[0]).put("tag", p[1]);
      client.post("/collection/c", r);
    }
    JsonNode out =
        client.post(
            "/collection/c/query/search?sync=1",
            obj("{\"query\": {\"all\": {}}, \"facets\": [\"tag\"]}"));
    assertThat(out.get("total").asLong()).isEqualTo(3);
    assertThat(out.get("records")).hasSize(3);
    assertThat(out.at("/facets/tag/0/value").asText()).isEqualTo("red");
    assertThat(out.at("/facets/tag/0/count").asLong()).isEqualTo(2);
  }

  @Test
  void deleteRemovesFromRecordsAndGet() {
    put("doc", "d1", "hello world");
    put("doc", "d2", "hello moon");
    assertThat(client.get("/collection/c/record/default/doc/d1")).hasSize(1);

    JsonNode tomb = client.delete("/collection/c/record/default/doc/d1");
    assertThat(tomb.get("deleted").asBoolean()).isTrue();
    assertThat(tomb.get("links")).hasSize(1);

    JsonNode left = client.post("/collection/c/query/records", obj("{\"type\": \"doc\"}"));
    assertThat(titles(left)).containsExactly("hello moon");
    assertThatThrownBy(() -> client.get("/collection/c/record/default/doc/d1"))
        .isInstanceOfSatisfying(
            SonarClientException.class, e -> assertThat(e.status()).isEqualTo(404));
    assertThatThrownBy(() -> client.delete("/collection/c/record/default/doc/d1"))
        .isInstanceOfSatisfying(
            SonarClientException.class, e -> assertThat(e.status()).isEqualTo(404));
  }

  @Test
  void versionsByAddressAndLseq() {
    JsonNode v1 = put("doc", "x", "one");
    JsonNode v2 = put("doc", "x", "two");
    assertThat(v2.get("links").get(0).asText())
        .isEqualTo(v1.get("key").asText() + "@" + v1.get("seq").asLong());

    JsonNode byAddress =
        client.get("/collection/c/version/" + v1.get("key").asText() + "/" + v1.get("seq"));
    assertThat(byAddress.path("value").path("title").asText()).isEqualTo("one");
    JsonNode byLseq = client.get("/collection/c/version/" + v1.get("lseq"));
    assertThat(byLseq).isEqualTo(byAddress);
    assertThatThrownBy(() -> client.get("/collection/c/version/999999"))
        .isInstanceOfSatisfying(
            SonarClientException.class, e -> assertThat(e.status()).isEqualTo(404));
    assertThat(titles(client.get("/collection/c/record/default/doc/x"))).containsExactly("two");
  }

  @Test
  void indexesAndHistoryQueries() {
    put("doc", "a", "alpha");
    put("doc", "b", "beta");
    put("doc", "g", "gamma");
    JsonNode eq =
        client.post(
            "/collection/c/query/indexes", obj("{\"index\": \"doc#title\", \"value\": \"beta\"}"));
    assertThat(titles(eq)).containsExactly("beta");
    JsonNode range =
        client.post(
            "/collection/c/query/indexes",
            obj("{\"index\": \"doc#title\", \"gte\": \"b\", \"reverse\": true}"));
    assertThat(range.get(0).path("value").path("title").asText()).isEqualTo("gamma");
    assertThat(range).hasSize(2);

    JsonNode history = client.post("/collection/c/query/history", obj("{\"limit\": 100}"));
    // The type definition and the three documents.
    assertThat(history).hasSize(4);
    JsonNode limited = client.get("/collection/c/query/history?limit=2&reverse=true");
    assertThat(limited).hasSize(2);
    assertThat(limited.get(0).path("value").path("title").asText()).isEqualTo("gamma");
  }

  @Test
  void batchPutFromNdjson() {
    String ndjson =
        "{\"type\": \"doc\", \"id\": \"1\", \"value\": {\"title\": \"one\"}}\n"
            + "{\"type\": \"doc\", \"id\": \"2\", \"value\": {\"title\": \"two\"}}\n"
            + "\n{\"type\": \"doc\", \"id\": \"1\", \"deleted\": true}\n";
    JsonNode out =
        client.send(
            "POST",
            "/collection/c?batch=1",
            ndjson.getBytes(StandardCharsets.UTF_8),
            "application/x-ndjson");
    assertThat(out).hasSize(3);
    assertThat(out.get(2).get("deleted").asBoolean()).isTrue();
    assertThat(titles(client.post("/collection/c/query/records", obj("{\"type\": \"doc\"}"))))
        .containsExactly("two");
  }

  @Test
  void collectionsAndStatus() {
    JsonNode created = client.post("/collection", obj("{\"name\": \"other\", \"alias\": \"me\"}"));
    assertThat(created.get("name").asText()).isEqualTo("other");
    JsonNode list = client.get("");
    List<String> names = new ArrayList<>();
    list.forEach(s -> names.add(s.get("name").asText()));
    assertThat(names).containsExactlyInAnyOrder("c", "other");

    put("doc", "x", "hello");
    JsonNode s = client.get("/collection/c");
    assertThat(s.get("key").asText()).isEqualTo(s.get("rootKey").asText()).hasSize(64);
    assertThat(s.get("localKey").asText()).isEqualTo(s.get("rootKey").asText());
    assertThat(s.get("feeds")).hasSize(1);
    assertThat(s.get("feeds").get(0).get("length").asLong()).isEqualTo(3);
    assertThat(s.get("length").asLong()).isEqualTo(3);
    assertThat(s.at("/kappa/records/total").asLong()).isEqualTo(3);
    assertThat(s.at("/schema/defaultNamespace").asText()).isEqualTo("default");
    assertThat(s.at("/schema/types").has("default/doc@1")).isTrue();

    JsonNode synced = client.get("/collection/c/sync?view=records");
    assertThat(synced.get("indexed").asLong()).isEqualTo(3);
    JsonNode reindexed = client.post("/collection/c/reindex?views=indexes", obj("{}"));
    assertThat(reindexed.at("/indexes/indexed").asLong()).isEqualTo(3);
    assertThat(
            client.post(
                "/collection/c/query/indexes",
                obj("{\"index\": \"doc#title\", \"value\": \"hello\"}")))
        .hasSize(1);
  }

  @Test
  void patchPausesAndResumesViews() {
    client.get("/collection/c/sync");
    JsonNode paused =
        client.send(
            "PATCH",
            "/collection/c",
            "{\"views\": {\"history\": {\"paused\": true}}}".getBytes(StandardCharsets.UTF_8),
            "application/json");
    assertThat(paused.at("/kappa/history/state").asText()).isEqualTo("paused");
    put("doc", "p", "while paused");
    assertThat(client.post("/collection/c/query/history", obj("{}"))).hasSize(1);
    JsonNode resumed =
        client.send(
            "PATCH",
            "/collection/c",
            "{\"views\": {\"history\": {\"paused\": false}}}".getBytes(StandardCharsets.UTF_8),
            "application/json");
    assertThat(resumed.at("/kappa/history/state").asText()).isNotEqualTo("paused");
    assertThat(client.post("/collection/c/query/history", obj("{}"))).hasSize(2);
    assertStatus(
        () ->
            client.send(
                "PATCH",
                "/collection/c",
                "{\"views\": {\"nope\": {\"paused\": true}}}".getBytes(StandardCharsets.UTF_8),
                "application/json"),
        404,
        "no view nope");
  }

  @Test
  void schemaAsJsonSchema() {
    JsonNode all = client.get("/collection/c/schema");
    assertThat(all.has("default/doc@1")).isTrue();
    assertThat(all.has("sonar/type@1")).isTrue();
    JsonNode doc = client.get("/collection/c/schema?name=doc");
    assertThat(doc.get("$id").asText()).isEqualTo("default/doc@1");
    assertThat(doc.at("/properties/title/type").asText()).isEqualTo("string");
    assertThat(doc.at("/sonar/fields/title/index/search/mode").asText()).isEqualTo("fulltext");

    JsonNode tags =
        client.post(
            "/collection/c/schema",
            obj(
                "{\"name\": \"tagged\", \"version\": 2, \"fields\": {\"tags\": {\"type\": \"string\", \"multiple\": true}}}"));
    assertThat(tags.get("$id").asText()).isEqualTo("default/tagged@2");
    assertThat(tags.at("/properties/tags/type").asText()).isEqualTo("array");
    assertThat(tags.at("/properties/tags/items/type").asText()).isEqualTo("string");
    assertThatThrownBy(() -> client.get("/collection/c/schema?name=missing"))
        .isInstanceOfSatisfying(
            SonarClientException.class, e -> assertThat(e.status()).isEqualTo(404));
  }

  @Test
  void subscriptionsPullAndAck() {
    put("doc", "1", "one");
    put("doc", "2", "two");
    JsonNode info = client.put("/collection/c/subscription/s", obj("{}"));
    assertThat(info.get("cursor").asLong()).isZero();
    JsonNode batch = client.get("/collection/c/subscription/s?limit=100");
    long cursor = batch.get("cursor").asLong();
    assertThat(titles(batch.get("messages"))).contains("one", "two");
    assertThat(client.get("/collection/c/subscription/s").get("messages"))
        .hasSize(batch.get("messages").size());

    JsonNode acked = client.post("/collection/c/subscription/s/" + cursor, obj("{}"));
    assertThat(acked.get("cursor").asLong()).isEqualTo(cursor);
    assertThat(client.get("/collection/c/subscription/s").get("messages")).isEmpty();
    put("doc", "3", "three");
    assertThat(titles(client.get("/collection/c/subscription/s").get("messages")))
        .containsExactly("three");
    assertThatThrownBy(() -> client.post("/collection/c/subscription/s/999999", obj("{}")))
        .isInstanceOfSatisfying(
            SonarClientException.class, e -> assertThat(e.status()).isEqualTo(400));
  }

  @Test
  void errorsHaveStatusAndMessage() {
    assertStatus(() -> client.get("/collection/nope"), 404, "no collection nope");
    assertStatus(() -> client.post("/collection/c/query/nope", obj("{}")), 404, "unknown query");
    assertStatus(
        () -> client.send("POST", "/collection/c", "{not json".getBytes(), "application/json"),
        400,
        "invalid JSON");
    assertStatus(
        () -> client.post("/collection/c", obj("{\"type\": \"doc\", \"value\": {\"title\": 5}}")),
        400,
        "title");
    assertStatus(
        () -> client.post("/collection/c", obj("{\"type\": \"nope\", \"value\": {}}")),
        404,
        "nope");
    assertStatus(() -> client.post("/collection/c", obj("{\"value\": {}}")), 400, "type");
    assertStatus(() -> client.post("/collection/c/query/records", obj("{}")), 400, "type");
    assertStatus(() -> client.get("/collection/c/version/abc"), 400, "lseq");
    assertStatus(() -> client.put("/collection/c/feed/xyz", obj("{}")), 400, "");
    byte[] big = new byte[2 << 20];
    java.util.Arrays.fill(big, (byte) ' ');
    assertStatus(() -> client.send("POST", "/collection/c", big, "application/json"), 413, "");
    assertStatus(
        () -> new SonarClient(server.baseUri().toString(), "bad.ws", null).get(""), 400, "");
  }

  @Test
  void unversionedPrefixServesTheSameApi() {
    put("doc", "x", "hello");
    String legacy = server.baseUri().toString().replace("/api/v1", "/api");
    SonarClient old = new SonarClient(legacy, "default", null);
    assertThat(titles(old.get("/collection/c/record/default/doc/x"))).containsExactly("hello");
  }

  @Test
  void addFeedJoinsTheCollection() {
    String key = "ab".repeat(32);
    JsonNode r = client.put("/collection/c/feed/" + key, obj("{\"alias\": \"peer\"}"));
    assertThat(r.get("type").asText()).isEqualTo("sonar/feed@1");
    client.get("/collection/c/sync");
    List<String> keys = new ArrayList<>();
    client.get("/collection/c").get("feeds").forEach(f -> keys.add(f.get("key").asText()));
    assertThat(keys).contains(key);
    JsonNode blocks = client.get("/collection/c/feed/" + key + "/blocks?from=0");
    assertThat(blocks.get("blocks")).isEmpty();
  }

  /** Reads events until one named {@code name} arrives; returns {@code [id, data]}. */
  private static String[] nextEvent(java.util.Iterator<String> lines, String name) {
    String id = null;
    String event = null;
    while (lines.hasNext()) {
      String line = lines.next();
      if (line.startsWith("id: ")) {
        id = line.substring(4);
      } else if (line.startsWith("event: ")) {
        event = line.substring(7);
      } else if (line.startsWith("data: ") && name.equals(event)) {
        return new String[] {id, line.substring(6)};
      } else if (line.isEmpty()) {
        id = null;
        event = null;
      }
    }
    throw new AssertionError("stream ended before a " + name + " event");
  }

  private java.util.stream.Stream<String> events(String lastEventId) throws Exception {
    java.net.http.HttpRequest.Builder r =
        java.net.http.HttpRequest.newBuilder(
            java.net.URI.create(server.baseUri() + "/default/collection/c/events"));
    if (lastEventId != null) {
      r.header("Last-Event-ID", lastEventId);
    }
    var res =
        java.net.http.HttpClient.newHttpClient()
            .send(r.build(), java.net.http.HttpResponse.BodyHandlers.ofLines());
    assertThat(res.statusCode()).isEqualTo(200);
    assertThat(res.headers().firstValue("Content-Type").orElse("")).startsWith("text/event-stream");
    return res.body();
  }

  @Test
  @org.junit.jupiter.api.Timeout(60)
  void eventsStreamUpdatesFeedsAndSchemaAndResume() throws Exception {
    JsonNode first = put("doc", "1", "one");
    try (var stream = events(null)) {
      var lines = stream.iterator();
      JsonNode second = put("doc", "2", "two");
      String[] update = nextEvent(lines, "update");
      assertThat(Long.parseLong(update[0])).isEqualTo(second.get("lseq").asLong());
      assertThat(obj(update[1]).get("lseq").asLong()).isEqualTo(second.get("lseq").asLong());

      client.post("/collection/c/schema", obj("{\"name\": \"late\", \"fields\": {}}"));
      assertThat(obj(nextEvent(lines, "schema-update")[1]).get("type").asText())
          .isEqualTo("default/late@1");
      client.put("/collection/c/feed/" + "ef".repeat(32), obj("{}"));
      client.get("/collection/c/sync");
      assertThat(obj(nextEvent(lines, "feed")[1]).get("key").asText()).isEqualTo("ef".repeat(32));
    }
    // A client that saw only the first write resumes and learns about the newest head at once.
    try (var stream = events(first.get("lseq").asText())) {
      long head = client.get("/collection/c").get("length").asLong();
      assertThat(Long.parseLong(nextEvent(stream.iterator(), "update")[0])).isEqualTo(head);
    }
  }

  static void assertStatus(Runnable call, int status, String message) {
    assertThatThrownBy(call::run)
        .isInstanceOfSatisfying(
            SonarClientException.class,
            e -> {
              assertThat(e.status()).as(e.getMessage()).isEqualTo(status);
              assertThat(e.getMessage()).contains(message);
            });
  }
}
