package io.spooky.ssp;

import static io.spooky.ssp.SspHttp.json;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import io.spooky.core.digest.ContentDigest;
import io.spooky.core.json.SurrealJson;
import io.spooky.core.value.ArrayValue;
import io.spooky.core.value.ObjectValue;
import io.spooky.core.value.RecordId;
import io.spooky.core.value.StringValue;
import io.spooky.core.value.Value;
import io.spooky.devdb.DevSurreal;
import io.spooky.devdb.DevSurrealEndpoint;
import io.spooky.ivm.merkle.MerkleTree;
import io.spooky.ivm.merkle.NodePath;
import io.spooky.service.ConfigSource;
import io.spooky.surreal.SurrealClient;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * How a view's rows reach {@code _spooky_list_ref} and {@code _spooky_merkle}: a view larger than
 * {@code ssp.page_size} is written in chunks and arrives complete; a registration whose write-back
 * SurrealDB refuses answers 503 and leaves the SSP and SurrealDB agreeing on what it holds (nothing
 * new, or the previous definition), so that a retry writes the rows. SurrealDB is made to refuse
 * with a field {@code ASSERT} on the SSP's own tables: a real failure of the real engine.
 */
@DevSurreal
class ViewWriteBackTest {
  static final int PAGE = 8;
  static SurrealClient client;
  static SspServer ssp;
  static String base;
  static final HttpClient http = HttpClient.newHttpClient();

  @BeforeAll
  static void start(DevSurrealEndpoint db) {
    client = SurrealClient.connect(SspEndToEndTest.rootConfig(db).build());
    for (int i = 1; i <= 60; i++) {
      client.query(
          "CREATE $id SET price = $p, name = $n",
          Map.of("id", RecordId.of("gadget", i), "p", i, "n", "g" + i));
    }
    startSsp(db);
  }

  static void startSsp(DevSurrealEndpoint db) {
    // Through the documented settings, as an operator would configure it.
    ssp =
        SspServer.start(
            SspConfig.from(
                ConfigSource.of(
                    Map.of(),
                    Map.of(
                        "SURREALDB_ADDR", db.rpcUrl().toString(),
                        "SURREALDB_USER", db.username(),
                        "SURREALDB_PASS", db.password(),
                        "SURREALDB_NS", db.namespace(),
                        "SURREALDB_DB", db.database(),
                        "LISTEN_ADDR", "127.0.0.1:0",
                        "SSP_TABLES", "gadget",
                        "SSP_PAGE_SIZE", Integer.toString(PAGE),
                        "SSP_SETTLE", "20ms"))));
    base = "http://127.0.0.1:" + ssp.port();
    SspEndToEndTest.awaitTrue("health ok", () -> get("/health").body().contains("\"ok\""));
  }

  @AfterAll
  static void stop() {
    ssp.close();
    client.close();
  }

  @AfterEach
  void removeInjectedFailures() {
    client.queryValue(
        "REMOVE FIELD IF EXISTS view_id ON _spooky_list_ref;"
            + " REMOVE FIELD IF EXISTS in ON _spooky_list_ref;",
        Map.of());
  }

  @Test
  void aViewLargerThanOnePageIsWrittenCompletelyAndReplacedCleanly() {
    String wide = "SELECT * FROM gadget WHERE price >= 10 ORDER BY price";
    assertThat(register("big", wide).statusCode()).isEqualTo(200);
    assertStored("big", wide, 51);

    String narrow = "SELECT * FROM gadget WHERE price >= 50 ORDER BY price";
    assertThat(register("big", narrow).statusCode()).isEqualTo(200);
    assertStored("big", narrow, 11);

    // Small enough for one transaction (1 row, 4 nodes), and the same row as before: SurrealDB
    // 3 would turn a row deleted and inserted again in one transaction into a bare {id, version}.
    String one = "SELECT * FROM gadget WHERE price = 1";
    String same = "SELECT * FROM gadget WHERE price = 1 AND name = 'g1'";
    assertThat(register("small", one).statusCode()).isEqualTo(200);
    assertThat(register("small", same).statusCode()).isEqualTo(200);
    assertStored("small", same, 1);
  }

  @Test
  void oneWriteTouchingMoreRowsThanAPageIsWrittenBackCompletely() {
    StringBuilder create = new StringBuilder();
    for (int i = 1; i <= 30; i++) {
      create.append("CREATE widget:").append(i).append(" SET price = ").append(i).append(";");
    }
    client.query(create.toString());
    String all = "SELECT * FROM widget ORDER BY price";
    assertThat(register("widgets", all).statusCode()).isEqualTo(200);
    assertStored("widgets", all, 30);

    // One transaction: one change-feed batch whose write-back exceeds a page of rows.
    client.query("UPDATE widget SET price += 100;");
    SspEndToEndTest.awaitTrue("write-back of the batch", () -> storedMatches("widgets", all, 30));
    assertStored("widgets", all, 30);
    client.query("DELETE widget WHERE price > 110;");
    SspEndToEndTest.awaitTrue("write-back of the deletes", () -> storedMatches("widgets", all, 10));
    assertStored("widgets", all, 10);
  }

  @Test
  void aRestartRewritesOnlyTheViewsWhoseRowsChanged(DevSurrealEndpoint db) {
    String sameQ = "SELECT * FROM gadget WHERE price <= 3";
    String movedQ = "SELECT * FROM mover WHERE v > 1";
    client.query("CREATE mover:1 SET v = 2; CREATE mover:2 SET v = 3;");
    assertThat(register("same", sameQ).statusCode()).isEqualTo(200);
    assertThat(register("moved", movedQ).statusCode()).isEqualTo(200);
    // A mark a rewrite would overwrite (it sets every field of the rows it writes).
    client.query(
        "UPDATE _spooky_list_ref SET client_id = 'mark' WHERE view_id IN ['same', 'moved'];");
    ssp.close();
    client.query("UPDATE mover:2 SET v = 0; CREATE mover:3 SET v = 9;");
    startSsp(db);
    SspEndToEndTest.awaitTrue("restarted", () -> get("/health").body().contains("\"ok\""));

    assertStored("same", sameQ, 3);
    assertStored("moved", movedQ, 2);
    assertThat(marks("same")).as("unchanged view kept its rows").containsOnly(Value.of("mark"));
    assertThat(marks("moved")).as("changed view was rewritten").containsOnly(Value.NONE);
  }

  /** The {@code client_id} of each stored list ref of a view. */
  static List<Value> marks(String view) {
    return ((ArrayValue)
            client.queryValue(
                "SELECT VALUE client_id FROM _spooky_list_ref WHERE view_id = $v",
                Map.of("v", view)))
        .items();
  }

  @Test
  void aQueryRecordEventIsAppliedAsTheRecordIsNowNotAsItWas() {
    String first = "SELECT * FROM gadget WHERE price <= 2";
    String second = "SELECT * FROM gadget WHERE price <= 4";
    // Two writes of the record before the SSP sees either: its change feed then delivers an image
    // (first) that is already out of date, like the late echo of an SSP's own earlier write.
    client.query(
        "UPSERT _spooky_query:echo CONTENT { surql: $a }; UPSERT _spooky_query:echo CONTENT"
            + " { surql: $b };",
        Map.of("a", first, "b", second));
    SspEndToEndTest.awaitTrue(
        "the view is registered from its record", () -> get("/views/echo").statusCode() == 200);
    // The capture delivers changes in order: once a later write is seen, both events are applied.
    assertThat(register("beacon", "SELECT * FROM beacon").statusCode()).isEqualTo(200);
    client.query("CREATE beacon:1 SET at = time::now();");
    SspEndToEndTest.awaitTrue(
        "the beacon went through the capture",
        () -> json(get("/views/beacon").body()).get("rows").size() == 1);
    JsonNode v = json(get("/views/echo").body());
    assertThat(v.get("surql").asText()).isEqualTo(second);
    assertThat(v.get("seq").asLong()).as("registered once, never with the stale image").isZero();
    assertThat(v.get("rows")).hasSize(4);
  }

  static boolean storedMatches(String view, String surql, int rows) {
    try {
      assertStored(view, surql, rows);
      return true;
    } catch (AssertionError e) {
      return false;
    }
  }

  @Test
  void aNewViewWhoseRowsCannotBeWrittenIsNotRegisteredAndARetryWritesIt() {
    for (String[] c :
        new String[][] {
          {"doomed", "SELECT * FROM gadget WHERE price <= 2"}, // one transaction
          {"doomed_big", "SELECT * FROM gadget WHERE price <= 40"} // in chunks
        }) {
      String id = c[0];
      refuseRowsOf(id);
      HttpResponse<String> r = register(id, c[1]);
      assertThat(r.statusCode()).as(r.body()).isEqualTo(503);
      assertThat(json(r.body()).get("type").asText()).endsWith("view-write-failed");
      assertThat(get("/views/" + id).statusCode()).isEqualTo(404);
      assertThat(count("_spooky_list_ref", id)).isZero();
      assertThat(count("_spooky_merkle", id)).isZero();
      assertThat(client.queryValue("SELECT * FROM $q", Map.of("q", queryId(id))))
          .isEqualTo(Value.array());

      removeInjectedFailures();
      HttpResponse<String> retry = register(id, c[1]);
      assertThat(retry.statusCode()).as(retry.body()).isEqualTo(200);
      assertStored(id, c[1], id.equals("doomed") ? 2 : 40);
    }
  }

  @Test
  void aReplacementThatCannotBeWrittenKeepsThePreviousDefinition() {
    String before = "SELECT * FROM gadget WHERE price <= 5 ORDER BY price";
    String after = "SELECT * FROM gadget WHERE price <= 30 ORDER BY price";
    assertThat(register("kept", before).statusCode()).isEqualTo(200);
    // gadget:30 is only in the new definition, so only its write-back is refused.
    client.queryValue(
        "DEFINE FIELD OVERWRITE in ON _spooky_list_ref ASSERT $value != gadget:30", Map.of());

    HttpResponse<String> r = register("kept", after);
    assertThat(r.statusCode()).as(r.body()).isEqualTo(503);
    assertStored("kept", before, 5);
  }

  @Test
  void aReplacementWhosePreviousDefinitionCannotBeRewrittenEitherLeavesNothing() {
    String before = "SELECT * FROM gadget WHERE price <= 3";
    assertThat(register("gone", before).statusCode()).isEqualTo(200);
    refuseRowsOf("gone");

    HttpResponse<String> r = register("gone", "SELECT * FROM gadget WHERE price <= 4");
    assertThat(r.statusCode()).as(r.body()).isEqualTo(503);
    assertThat(get("/views/gone").statusCode()).isEqualTo(404);
    assertThat(count("_spooky_list_ref", "gone")).isZero();
    assertThat(count("_spooky_merkle", "gone")).isZero();
    assertThat(client.queryValue("SELECT * FROM $q", Map.of("q", queryId("gone"))))
        .isEqualTo(Value.array());
  }

  /** Makes SurrealDB refuse every {@code _spooky_list_ref} row of one view. */
  static void refuseRowsOf(String view) {
    // A literal: a DEFINE keeps the expression, and $v would be unbound when a row is written.
    client.queryValue(
        "DEFINE FIELD OVERWRITE view_id ON _spooky_list_ref ASSERT $value != '" + view + "'",
        Map.of());
  }

  /**
   * The view answers {@code surql}'s SurrealDB result, and SurrealDB holds exactly its rows, every
   * non-empty Merkle node with the hash of an independently built tree, and its query record.
   */
  static void assertStored(String view, String surql, int expectedRows) {
    ArrayValue rows = (ArrayValue) client.queryValue(surql, Map.of());
    assertThat(rows.size()).isEqualTo(expectedRows);
    MerkleTree tree = new MerkleTree();
    for (Value row : rows.items()) {
      tree.put((RecordId) ((ObjectValue) row).get("id"), ContentDigest.of(row));
    }
    JsonNode answered = json(get("/views/" + view).body());
    assertThat(answered.get("rows").toString()).isEqualTo(SurrealJson.write(rows));
    assertThat(answered.get("hash").asText()).isEqualTo(tree.root().hex());

    ArrayValue refs =
        (ArrayValue)
            client.queryValue(
                "SELECT in, version FROM _spooky_list_ref WHERE view_id = $v", Map.of("v", view));
    assertThat(refs.size()).isEqualTo(expectedRows);
    for (Value ref : refs.items()) {
      ObjectValue o = (ObjectValue) ref;
      assertThat(((StringValue) o.get("version")).value())
          .isEqualTo(tree.version((RecordId) o.get("in")).hex());
    }
    ArrayValue nodes =
        (ArrayValue)
            client.queryValue(
                "SELECT node, hash FROM _spooky_merkle WHERE view_id = $v", Map.of("v", view));
    int nonEmpty = countNonEmpty(tree, NodePath.ROOT);
    assertThat(nodes.size()).isEqualTo(nonEmpty);
    for (Value node : nodes.items()) {
      ObjectValue o = (ObjectValue) node;
      NodePath path = new NodePath(((StringValue) o.get("node")).value());
      assertThat(((StringValue) o.get("hash")).value()).isEqualTo(tree.hash(path).hex());
    }
    Value stored = client.queryValue("SELECT VALUE surql FROM ONLY $q", Map.of("q", queryId(view)));
    assertThat(stored).isEqualTo(Value.of(surql));
  }

  /** Nodes the SSP stores: the root always, every other node when its hash is not empty. */
  static int countNonEmpty(MerkleTree tree, NodePath node) {
    if (node.depth() > 0 && tree.hash(node).equals(MerkleTree.EMPTY)) {
      return 0;
    }
    int n = 1;
    if (!node.isLeaf()) {
      for (int i = 0; i < MerkleTree.FANOUT; i++) {
        n += countNonEmpty(tree, node.child(i));
      }
    }
    return n;
  }

  static int count(String table, String view) {
    return ((ArrayValue)
            client.queryValue(
                "SELECT VALUE id FROM type::table($t) WHERE view_id = $v",
                Map.of("t", table, "v", view)))
        .size();
  }

  static RecordId queryId(String view) {
    return RecordId.of("_spooky_query", view);
  }

  static HttpResponse<String> register(String id, String surql) {
    return send("POST", "/view/register", "{\"id\":\"" + id + "\",\"surql\":\"" + surql + "\"}");
  }

  static HttpResponse<String> get(String path) {
    return send("GET", path, null);
  }

  static HttpResponse<String> send(String method, String path, String body) {
    HttpRequest.Builder b =
        HttpRequest.newBuilder(URI.create(base + path))
            .method(
                method,
                body == null
                    ? HttpRequest.BodyPublishers.noBody()
                    : HttpRequest.BodyPublishers.ofString(body));
    try {
      return http.send(b.build(), HttpResponse.BodyHandlers.ofString());
    } catch (Exception e) {
      throw new IllegalStateException(e);
    }
  }
}
