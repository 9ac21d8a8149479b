package io.spooky.sonar.replication;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.spooky.sonar.cli.SonarClient;
import io.spooky.sonar.collection.Collection;
import io.spooky.sonar.collection.Sonar;
import io.spooky.sonar.feed.FeedKey;
import io.spooky.sonar.feed.SignedBlock;
import io.spooky.sonar.http.SonarServer;
import java.net.URI;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Two Sonar servers on loopback replicating one collection over HTTP. */
class ReplicationTest {
  private static final ObjectMapper JSON = new ObjectMapper();

  @TempDir Path dirA;
  @TempDir Path dirB;
  private SonarServer a;
  private SonarServer b;
  private SonarClient ca;
  private SonarClient cb;

  @BeforeEach
  void start() throws Exception {
    a = SonarServer.start(new SonarServer.Config("127.0.0.1", 0, dirA, false, null));
    b = SonarServer.start(new SonarServer.Config("127.0.0.1", 0, dirB, false, null));
    ca = new SonarClient(a.baseUri().toString(), "default", null);
    cb = new SonarClient(b.baseUri().toString(), "default", null);
    String root = ca.post("/collection", obj("{\"name\": \"c\"}")).get("rootKey").asText();
    ca.post(
        "/collection/c/schema",
        obj("{\"name\": \"doc\", \"fields\": {\"title\": {\"type\": \"string\"}}}"));
    JsonNode follower = cb.post("/collection", obj("{\"name\": \"c\", \"key\": \"" + root + "\"}"));
    ca.put("/collection/c/feed/" + follower.get("localKey").asText(), obj("{}"));
    pull(cb, a);
    pull(ca, b);
  }

  @AfterEach
  void stop() {
    a.close();
    b.close();
  }

  private static ObjectNode obj(String json) throws Exception {
    return (ObjectNode) JSON.readTree(json);
  }

  private static long pull(SonarClient into, SonarServer from) throws Exception {
    String url = from.baseUri() + "/default/collection/c";
    return into.post("/collection/c/replicate", obj("{\"url\": \"" + url + "\"}"))
        .get("blocks")
        .asLong();
  }

  private static JsonNode put(SonarClient c, String id, String title) {
    ObjectNode r = JSON.createObjectNode().put("type", "doc").put("id", id);
    r.putObject("value").put("title", title);
    return c.post("/collection/c", r);
  }

  private static List<String> titles(SonarClient c, String query) throws Exception {
    List<String> out = new ArrayList<>();
    c.post("/collection/c/query/records", obj(query))
        .forEach(r -> out.add(r.path("value").path("title").asText()));
    out.sort(null);
    return out;
  }

  @Test
  void writesOnEitherSideAppearOnTheOther() throws Exception {
    List<String> feedsA = new ArrayList<>();
    List<String> feedsB = new ArrayList<>();
    ca.get("/collection/c").get("feeds").forEach(f -> feedsA.add(f.get("key").asText()));
    cb.get("/collection/c").get("feeds").forEach(f -> feedsB.add(f.get("key").asText()));
    assertThat(feedsA).hasSize(2).isEqualTo(feedsB);

    ExecutorService pool = Executors.newFixedThreadPool(2);
    try {
      Future<?> wa =
          pool.submit(
              () -> {
                for (int i = 0; i < 40; i++) {
                  put(ca, "a" + i, "from a " + i);
                }
              });
      Future<?> wb =
          pool.submit(
              () -> {
                for (int i = 0; i < 40; i++) {
                  put(cb, "b" + i, "from b " + i);
                }
              });
      wa.get();
      wb.get();
    } finally {
      pool.shutdown();
    }
    assertThat(pull(ca, b)).isEqualTo(40);
    assertThat(pull(cb, a)).isEqualTo(40);
    assertThat(pull(cb, a)).isZero();
    List<String> onA = titles(ca, "{\"type\": \"doc\"}");
    assertThat(onA).hasSize(80).isEqualTo(titles(cb, "{\"type\": \"doc\"}"));
    assertThat(ca.get("/collection/c").get("length").asLong())
        .isEqualTo(cb.get("/collection/c").get("length").asLong());
  }

  @Test
  void concurrentWritesOfOneRecordAreHeadsUntilMerged() throws Exception {
    CompletableFuture<JsonNode> wa = CompletableFuture.supplyAsync(() -> put(ca, "x", "a says"));
    CompletableFuture<JsonNode> wb = CompletableFuture.supplyAsync(() -> put(cb, "x", "b says"));
    wa.get();
    wb.get();
    pull(ca, b);
    pull(cb, a);
    assertThat(titles(ca, "{\"id\": \"x\"}")).containsExactly("a says", "b says");
    assertThat(titles(cb, "{\"id\": \"x\"}")).containsExactly("a says", "b says");

    JsonNode merged = put(cb, "x", "merged");
    assertThat(merged.get("links")).hasSize(2);
    pull(ca, b);
    assertThat(titles(ca, "{\"id\": \"x\"}")).containsExactly("merged");
    assertThat(titles(cb, "{\"id\": \"x\"}")).containsExactly("merged");
  }

  @Test
  void tamperedBlocksAreRejectedAndNothingIsWritten() throws Exception {
    put(ca, "t", "genuine");
    Sonar nodeB = b.node("default");
    Collection collectionB = nodeB.openCollection("c");
    FeedKey rootA = FeedKey.parse(ca.get("/collection/c").get("rootKey").asText());
    long before = nodeB.feeds().length(rootA);
    long lengthBefore = collectionB.indexer().head();

    Replicator.BlockSource honest =
        Replicator.http(URI.create(a.baseUri() + "/default/collection/c"), null);
    Replicator.BlockSource tampering =
        new Replicator.BlockSource() {
          @Override
          public List<FeedKey> feeds() {
            return honest.feeds();
          }

          @Override
          public List<SignedBlock> blocks(FeedKey key, long from) {
            List<SignedBlock> out = new ArrayList<>();
            for (SignedBlock s : honest.blocks(key, from)) {
              byte[] data = s.data().clone();
              data[data.length - 2] ^= 1;
              out.add(new SignedBlock(s.key(), s.seq(), data, s.signature()));
            }
            return out;
          }
        };
    Replicator r = new Replicator(nodeB, collectionB, tampering);
    assertThatThrownBy(r::pullOnce)
        .isInstanceOfSatisfying(ReplicationException.class, e -> assertThat(e.rejected()).isTrue());
    assertThat(nodeB.feeds().length(rootA)).isEqualTo(before);
    assertThat(collectionB.indexer().head()).isEqualTo(lengthBefore);
    assertThat(titles(cb, "{\"id\": \"t\"}")).isEmpty();

    assertThat(new Replicator(nodeB, collectionB, honest).pullOnce()).isEqualTo(1);
    assertThat(titles(cb, "{\"id\": \"t\"}")).containsExactly("genuine");
  }

  @Test
  void blocksRouteServesSignedRanges() throws Exception {
    for (int i = 0; i < 3; i++) {
      put(ca, "r" + i, "v" + i);
    }
    String root = ca.get("/collection/c").get("rootKey").asText();
    JsonNode body = ca.get("/collection/c/feed/" + root + "/blocks?from=1&to=2");
    List<SignedBlock> blocks = BlockJson.decode(FeedKey.parse(root), body);
    // Every put signs its own block, so the range needs no extension.
    assertThat(blocks).hasSize(1);
    assertThat(blocks.getFirst().seq()).isEqualTo(1);
    assertThat(blocks.getFirst().signature()).hasSize(64);
    // Header, type, feed record and three documents.
    assertThat(body.get("length").asLong()).isEqualTo(6);
    assertThat(ca.get("/collection/c/feed/" + root + "/blocks?from=6").get("blocks")).isEmpty();
  }

  @Test
  void fileUploadedOnADownloadsOnB() throws Exception {
    byte[] content = new byte[150_000];
    new java.util.Random(7).nextBytes(content);
    java.net.http.HttpClient http = java.net.http.HttpClient.newHttpClient();
    java.net.http.HttpResponse<byte[]> up =
        http.send(
            java.net.http.HttpRequest.newBuilder(
                    URI.create(a.baseUri() + "/default/collection/c/file"))
                .header("Content-Type", "application/pdf")
                .POST(java.net.http.HttpRequest.BodyPublishers.ofByteArray(content))
                .build(),
            java.net.http.HttpResponse.BodyHandlers.ofByteArray());
    assertThat(up.statusCode()).isEqualTo(200);
    JsonNode rec = JSON.readTree(up.body());
    String blobKey = rec.at("/value/blob/feed").asText();
    assertThat(ca.get("/collection/c/blobs").get("feeds").get(0).asText()).isEqualTo(blobKey);

    // Header, three 64 KiB chunks and the record's block arrive on B.
    assertThat(pull(cb, a)).isEqualTo(5);
    java.net.http.HttpResponse<byte[]> down =
        http.send(
            java.net.http.HttpRequest.newBuilder(
                    URI.create(
                        b.baseUri() + "/default/collection/c/file/" + rec.get("id").asText()))
                .header("Range", "bytes=70000-")
                .build(),
            java.net.http.HttpResponse.BodyHandlers.ofByteArray());
    assertThat(down.statusCode()).isEqualTo(206);
    assertThat(down.headers().firstValue("Content-Type")).hasValue("application/pdf");
    assertThat(down.body()).isEqualTo(java.util.Arrays.copyOfRange(content, 70_000, 150_000));
    // B lists the replicated blob feed too, so a third node could pull it from B.
    assertThat(cb.get("/collection/c/blobs").get("feeds").get(0).asText()).isEqualTo(blobKey);
  }
}
