package io.spooky.ssp;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.spooky.core.digest.ContentDigest;
import io.spooky.core.json.SurrealJson;
import io.spooky.core.value.ArrayValue;
import io.spooky.core.value.ObjectValue;
import io.spooky.core.value.RecordId;
import io.spooky.core.value.Value;
import io.spooky.devdb.DevSurreal;
import io.spooky.devdb.DevSurrealEndpoint;
import io.spooky.ivm.merkle.MerkleTree;
import io.spooky.surreal.Credentials;
import io.spooky.surreal.SurrealClient;
import io.spooky.surreal.SurrealConfig;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.net.http.WebSocket;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.function.BooleanSupplier;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * Real SurrealDB, real SSP, real HTTP and WebSocket: every write made with the RPC client shows up
 * in the view, in {@code _spooky_list_ref}/{@code _spooky_merkle} and on the stream, and the root
 * equals a Merkle tree built independently from SurrealDB's own SELECT result.
 */
@DevSurreal
class SspEndToEndTest {
  static final String SECRET = "test-secret";
  static final String QUERY = "SELECT * FROM item WHERE price > 5 ORDER BY price, id";
  static final ObjectMapper JSON = new ObjectMapper();
  static SurrealClient client;
  static SspServer ssp;
  static String base;
  static final HttpClient http = HttpClient.newHttpClient();

  @BeforeAll
  static void start(DevSurrealEndpoint db) {
    client = SurrealClient.connect(rootConfig(db).build());
    client.query(
        "CREATE item:1 SET name = 'a', price = 10; CREATE item:2 SET name = 'b', price = 3;");
    ssp =
        SspServer.start(
            new SspConfig(
                db.rpcUrl(),
                db.username(),
                db.password(),
                db.namespace(),
                db.database(),
                "127.0.0.1:0",
                Optional.of(SECRET),
                Set.of("item"),
                Duration.ofMinutes(10),
                4096,
                2,
                64,
                Duration.ofMillis(50),
                Optional.empty()));
    base = "http://127.0.0.1:" + ssp.port();
    awaitTrue("health ok", () -> get("/health").body().contains("\"ok\""));
  }

  static SurrealConfig.Builder rootConfig(DevSurrealEndpoint db) {
    return SurrealConfig.builder(db.rpcUrl())
        .credentials(Credentials.root(db.username(), db.password()))
        .namespace(db.namespace())
        .database(db.database());
  }

  @AfterAll
  static void stop() {
    ssp.close();
    client.close();
  }

  static HttpResponse<String> get(String path) {
    return send("GET", path, null, SECRET);
  }

  static HttpResponse<String> send(String method, String path, String body, String secret) {
    HttpRequest.Builder b =
        HttpRequest.newBuilder(URI.create(base + path))
            .method(
                method,
                body == null
                    ? HttpRequest.BodyPublishers.noBody()
                    : HttpRequest.BodyPublishers.ofString(body));
    if (secret != null) {
      b.header("Authorization", "Bearer " + secret);
    }
    try {
      return http.send(b.build(), HttpResponse.BodyHandlers.ofString());
    } catch (Exception e) {
      throw new IllegalStateException(e);
    }
  }

  /** Polls until {@code condition} holds; fails with {@code what} after a minute. */
  static void awaitTrue(String what, BooleanSupplier condition) {
    long deadline = System.nanoTime() + Duration.ofSeconds(60).toNanos();
    while (!condition.getAsBoolean()) {
      if (System.nanoTime() > deadline) {
        throw new AssertionError("never happened: " + what);
      }
      try {
        Thread.sleep(20);
      } catch (InterruptedException e) {
        throw new AssertionError(e);
      }
    }
  }

  /** SurrealDB's own result of the view's query. */
  static List<Value> surrealRows() {
    return ((ArrayValue) client.queryValue(QUERY, Map.of())).items();
  }

  /** The root of a tree built from SurrealDB's rows: (id, ContentDigest of the full record). */
  static String independentRoot(List<Value> rows) {
    MerkleTree t = new MerkleTree();
    for (Value r : rows) {
      t.put((RecordId) ((ObjectValue) r).get("id"), ContentDigest.of(r));
    }
    return t.root().hex();
  }

  static JsonNode json(String s) {
    try {
      return JSON.readTree(s);
    } catch (Exception e) {
      throw new IllegalStateException(s, e);
    }
  }

  static String rendered(List<Value> rows) {
    return SurrealJson.write(Value.array(rows));
  }

  /** Waits until the view equals SurrealDB's result, then checks hash, write-back and stream. */
  static void assertInSync(String viewId, List<String> streamed) {
    awaitTrue(
        "view equals SurrealDB",
        () -> {
          JsonNode v = json(get("/views/" + viewId).body());
          return v.get("rows").toString().equals(rendered(surrealRows()));
        });
    List<Value> rows = surrealRows();
    String root = independentRoot(rows);
    JsonNode v = json(get("/views/" + viewId).body());
    assertThat(v.get("rows").toString()).isEqualTo(rendered(rows));
    assertThat(v.get("hash").asText()).isEqualTo(root);
    awaitTrue(
        "_spooky_list_ref and _spooky_merkle written back",
        () -> {
          Value refs =
              client.queryValue(
                  "SELECT VALUE [in, version] FROM _spooky_list_ref WHERE view_id = $v",
                  Map.of("v", viewId));
          Value rootRow =
              client.queryValue(
                  "SELECT VALUE hash FROM _spooky_merkle WHERE view_id = $v AND node = ''",
                  Map.of("v", viewId));
          return ((ArrayValue) refs).size() == rows.size()
              && rootRow.equals(Value.array(Value.of(root)));
        });
    for (Value r : rows) {
      Value version =
          client.queryValue(
              "SELECT VALUE version FROM _spooky_list_ref WHERE view_id = $v AND in = $in",
              Map.of("v", viewId, "in", ((ObjectValue) r).get("id")));
      assertThat(version).isEqualTo(Value.array(Value.of(ContentDigest.of(r).hex())));
    }
    awaitTrue(
        "stream carries the root",
        () -> !streamed.isEmpty() && json(streamed.getLast()).get("hash").asText().equals(root));
  }

  @Test
  void everyWriteReachesViewWriteBackAndStream() throws Exception {
    HttpResponse<String> reg =
        send(
            "POST",
            "/view/register",
            "{\"id\":\"cheap\",\"surql\":\""
                + QUERY
                + "\",\"client_id\":\"user:1\",\"ttl\":\"10m\"}",
            SECRET);
    assertThat(reg.statusCode()).as(reg.body()).isEqualTo(200);
    JsonNode r = json(reg.body());
    assertThat(r.get("rows").toString()).isEqualTo(rendered(surrealRows()));
    assertThat(r.get("hash").asText()).isEqualTo(independentRoot(surrealRows()));
    HttpResponse<String> again =
        send("POST", "/view/register", "{\"id\":\"cheap\",\"surql\":\"" + QUERY + "\"}", SECRET);
    assertThat(json(again.body()).get("hash").asText()).isEqualTo(r.get("hash").asText());

    List<String> streamed = new CopyOnWriteArrayList<>();
    WebSocket ws =
        http.newWebSocketBuilder()
            .header("Authorization", "Bearer " + SECRET)
            .buildAsync(
                URI.create("ws://127.0.0.1:" + ssp.port() + "/views/cheap/stream?token=" + SECRET),
                new WebSocket.Listener() {
                  final StringBuilder buf = new StringBuilder();

                  @Override
                  public CompletionStage<?> onText(WebSocket w, CharSequence data, boolean last) {
                    buf.append(data);
                    if (last) {
                      streamed.add(buf.toString());
                      buf.setLength(0);
                    }
                    w.request(1);
                    return null;
                  }
                })
            .join();
    awaitTrue("snapshot on stream", () -> !streamed.isEmpty());
    assertThat(json(streamed.getFirst()).get("type").asText()).isEqualTo("snapshot");
    assertInSync("cheap", streamed);

    client.query("CREATE item:3 SET name = 'c', price = 7;");
    assertInSync("cheap", streamed);
    client.query("UPDATE item:2 SET price = 30;");
    assertInSync("cheap", streamed);
    client.query("UPDATE item:1 SET price = 1;");
    assertInSync("cheap", streamed);
    client.query("DELETE item:3;");
    assertInSync("cheap", streamed);
    for (String m : streamed.subList(1, streamed.size())) {
      assertThat(json(m).get("type").asText()).isEqualTo("delta");
    }
    List<Long> seqs = streamed.stream().map(m -> json(m).get("seq").asLong()).toList();
    assertThat(seqs).isSorted();
    ws.sendClose(WebSocket.NORMAL_CLOSURE, "done").join();

    JsonNode tree = json(get("/views/cheap/tree").body());
    assertThat(tree.get("hash").asText()).isEqualTo(independentRoot(surrealRows()));
    assertThat(tree.get("children")).hasSize(16);
  }

  @Test
  void aViewOverListedRecordsOfTwoTablesFollowsThem() {
    String listed = "SELECT * FROM gizmo:1, item:2, item:1, gizmo:2";
    client.query("CREATE gizmo:2 SET w = 1;");
    HttpResponse<String> reg =
        send("POST", "/view/register", "{\"id\":\"listed\",\"surql\":\"" + listed + "\"}", SECRET);
    assertThat(reg.statusCode()).as(reg.body()).isEqualTo(200);
    for (String write :
        List.of(
            "CREATE gizmo:1 SET w = 2;",
            "UPDATE item:2 SET price = 4;",
            "CREATE gizmo:3 SET w = 3;",
            "DELETE gizmo:2;")) {
      client.query(write);
      List<Value> expected = ((ArrayValue) client.queryValue(listed, Map.of())).items();
      awaitTrue(
          "after " + write + " the view equals SurrealDB's " + rendered(expected),
          () ->
              json(get("/views/listed").body()).get("rows").toString().equals(rendered(expected)));
      awaitTrue(
          "after " + write + " the stored root is SurrealDB's",
          () ->
              client
                  .queryValue(
                      "SELECT VALUE hash FROM _spooky_merkle WHERE view_id = 'listed' AND node = ''",
                      Map.of())
                  .equals(Value.array(Value.of(independentRoot(expected)))));
    }
    HttpResponse<String> twice =
        send(
            "POST",
            "/view/register",
            "{\"id\":\"twice\",\"surql\":\"SELECT * FROM item:1, item:1\"}",
            SECRET);
    assertThat(twice.statusCode()).isEqualTo(400);
    assertThat(json(twice.body()).get("type").asText()).endsWith("unsupported-view");
  }

  @Test
  void ingestedEventsChangeViewsAndMalformedOnesChangeNothing() {
    send(
        "POST",
        "/view/register",
        "{\"id\":\"ext\",\"surql\":\"SELECT * FROM sensor WHERE v >= 0\"}",
        SECRET);
    HttpResponse<String> ok =
        send(
            "POST",
            "/ingest",
            "[{\"table\":\"sensor\",\"op\":\"CREATE\",\"id\":\"sensor:a\",\"after\":{\"v\":1}},"
                + "{\"table\":\"sensor\",\"op\":\"CREATE\",\"id\":\"sensor:b\",\"after\":{\"v\":-1}}]",
            SECRET);
    assertThat(ok.statusCode()).as(ok.body()).isEqualTo(200);
    JsonNode v = json(get("/views/ext").body());
    assertThat(v.get("rows").toString()).isEqualTo("[{\"id\":\"sensor:a\",\"v\":1}]");
    String hash = v.get("hash").asText();

    HttpResponse<String> bad =
        send(
            "POST",
            "/ingest",
            "[{\"table\":\"sensor\",\"op\":\"DELETE\",\"id\":\"sensor:a\"},"
                + "{\"table\":\"sensor\",\"op\":\"MERGE\",\"id\":\"sensor:b\"}]",
            SECRET);
    assertThat(bad.statusCode()).isEqualTo(400);
    assertThat(json(bad.body()).get("detail").asText()).contains("event 1");
    assertThat(json(get("/views/ext").body()).get("hash").asText()).isEqualTo(hash);

    HttpResponse<String> delete =
        send(
            "POST",
            "/ingest",
            "{\"table\":\"sensor\",\"op\":\"DELETE\",\"id\":\"sensor:a\"}",
            SECRET);
    assertThat(delete.statusCode()).isEqualTo(200);
    assertThat(json(get("/views/ext").body()).get("rows")).isEmpty();
  }

  @Test
  void badInputGetsClearProblemsAndChangesNothing() {
    HttpResponse<String> malformed = send("POST", "/view/register", "{\"id\": \"x\",", SECRET);
    assertThat(malformed.statusCode()).isEqualTo(400);
    assertThat(malformed.headers().firstValue("Content-Type").orElseThrow())
        .startsWith("application/problem+json");
    assertThat(json(malformed.body()).has("line")).isTrue();

    HttpResponse<String> unknown = get("/views/nope");
    assertThat(unknown.statusCode()).isEqualTo(404);
    assertThat(send("POST", "/view/heartbeat", "{\"id\":\"nope\"}", SECRET).statusCode())
        .isEqualTo(404);

    HttpResponse<String> invalid =
        send(
            "POST",
            "/view/register",
            "{\"id\":\"bad\",\"surql\":\"SELECT * FROM item WHERE price >\"}",
            SECRET);
    assertThat(invalid.statusCode()).isEqualTo(400);
    JsonNode p = json(invalid.body());
    assertThat(p.get("type").asText()).isEqualTo("invalid-surql");
    assertThat(p.get("line").asInt()).isEqualTo(1);
    assertThat(p.get("column").asInt()).isPositive();
    assertThat(get("/views/bad").statusCode()).isEqualTo(404);

    HttpResponse<String> big = send("POST", "/ingest", "[" + "{},".repeat(3000) + "{}]", SECRET);
    assertThat(big.statusCode()).isEqualTo(413);

    assertThat(send("GET", "/views/cheap", null, "wrong").statusCode()).isEqualTo(401);
    assertThat(send("POST", "/view/unregister", "{\"id\":\"x\"}", null).statusCode())
        .isEqualTo(401);
    assertThat(send("GET", "/health", null, null).statusCode()).isEqualTo(200);
    String metrics = get("/metrics").body();
    assertThat(metrics).contains("ssp_events_applied_total").contains("ssp_batch_seconds_bucket");
  }

  @Test
  void aSpookyQueryRecordRegistersAViewAndTtlExpiryRemovesIt() {
    client.query(
        "CREATE _spooky_query:⟨byrec⟩ SET surql = 'SELECT * FROM gadget WHERE n > 1', ttl = '2s'");
    awaitTrue("view registered from the record", () -> get("/views/byrec").statusCode() == 200);
    client.query("CREATE gadget:1 SET n = 5; CREATE gadget:2 SET n = 0;");
    awaitTrue(
        "record-registered view follows writes",
        () ->
            json(get("/views/byrec").body())
                .get("rows")
                .toString()
                .equals("[{\"id\":\"gadget:1\",\"n\":5}]"));
    awaitTrue("TTL expiry", () -> get("/views/byrec").statusCode() == 404);
    awaitTrue(
        "expired view's rows removed",
        () ->
            ((ArrayValue)
                        client.queryValue(
                            "SELECT * FROM _spooky_list_ref WHERE view_id = 'byrec'", Map.of()))
                    .size()
                == 0);
    assertThat(client.queryValue("SELECT * FROM _spooky_query:⟨byrec⟩", Map.of()))
        .isEqualTo(Value.array());
  }

  @Test
  void recordUsersReadOnlyTheirOwnSpookyRowsAndStreams(DevSurrealEndpoint db) throws Exception {
    client.query(
        """
        DEFINE TABLE IF NOT EXISTS person SCHEMALESS PERMISSIONS FULL;
        DEFINE ACCESS IF NOT EXISTS account ON DATABASE TYPE RECORD
          SIGNUP (CREATE person SET name = $name)
          SIGNIN (SELECT * FROM person WHERE name = $name);
        """);
    String[] tokens = new String[2];
    String[] ids = new String[2];
    for (int i = 0; i < 2; i++) {
      try (SurrealClient user =
          SurrealClient.connect(
              SurrealConfig.builder(db.rpcUrl())
                  .namespace(db.namespace())
                  .database(db.database())
                  .build())) {
        tokens[i] =
            user.signup(
                new Credentials.Record(
                    db.namespace(), db.database(), "account", Map.of("name", Value.of("u" + i))));
        Value me = user.queryValue("SELECT VALUE id FROM ONLY $auth", Map.of());
        ids[i] = Messages.id((RecordId) me);
      }
      HttpResponse<String> reg =
          send(
              "POST",
              "/view/register",
              "{\"id\":\"own"
                  + i
                  + "\",\"surql\":\"SELECT * FROM item\",\"client_id\":\""
                  + ids[i]
                  + "\"}",
              SECRET);
      assertThat(reg.statusCode()).as(reg.body()).isEqualTo(200);
    }
    try (SurrealClient user0 =
        SurrealClient.connect(
            SurrealConfig.builder(db.rpcUrl())
                .namespace(db.namespace())
                .database(db.database())
                .build())) {
      user0.authenticate(tokens[0]);
      Value views = user0.queryValue("SELECT VALUE view_id FROM _spooky_list_ref", Map.of());
      assertThat(((ArrayValue) views).items())
          .isNotEmpty()
          .allMatch(v -> v.equals(Value.of("own0")));
      Value queries = user0.queryValue("SELECT VALUE id FROM _spooky_query", Map.of());
      assertThat(queries).isEqualTo(Value.array(RecordId.of("_spooky_query", "own0")));
    }
    assertThat(streamClose("own0", tokens[0])).isEqualTo("snapshot");
    assertThat(streamClose("own1", tokens[0])).isEqualTo("4401");
    assertThat(streamClose("own1", "not-a-token")).isEqualTo("4401");
  }

  /** Opens a stream with {@code token}: "snapshot" if one arrives, else the close code. */
  static String streamClose(String viewId, String token) throws Exception {
    CompletableFuture<String> outcome = new CompletableFuture<>();
    WebSocket ws =
        http.newWebSocketBuilder()
            .buildAsync(
                URI.create(
                    "ws://127.0.0.1:" + ssp.port() + "/views/" + viewId + "/stream?token=" + token),
                new WebSocket.Listener() {
                  @Override
                  public CompletionStage<?> onText(WebSocket w, CharSequence data, boolean last) {
                    outcome.complete(json(data.toString()).get("type").asText());
                    return null;
                  }

                  @Override
                  public CompletionStage<?> onClose(WebSocket w, int code, String reason) {
                    outcome.complete(Integer.toString(code));
                    return null;
                  }
                })
            .join();
    String result = outcome.get();
    ws.abort();
    return result;
  }
}
