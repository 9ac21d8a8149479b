package io.spooky.ssp;

import static io.spooky.ssp.SspHttp.awaitTrue;
import static io.spooky.ssp.SspHttp.body;
import static io.spooky.ssp.SspHttp.json;
import static io.spooky.ssp.SspHttp.post;
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
import java.io.File;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpResponse;
import java.net.http.WebSocket;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;

/**
 * The SSP as a real child JVM, killed with SIGKILL while writes continue: after a restart on the
 * same port every view equals SurrealDB's result again, and a client that reconnects its stream
 * catches up by hash (its snapshot carries the root SurrealDB's rows produce).
 */
@DevSurreal
class SspRestartTest {
  static final String QUERY = "SELECT * FROM acct WHERE bal > 50 ORDER BY bal, id";
  static final ObjectMapper JSON = new ObjectMapper();
  final HttpClient http = HttpClient.newHttpClient();

  @Test
  void killedSspRecoversEveryViewAndClientsCatchUpByHash(DevSurrealEndpoint db) throws Exception {
    long seed = System.nanoTime();
    String why = "seed " + seed;
    Random random = new Random(seed);
    int port;
    try (ServerSocket s = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
      port = s.getLocalPort();
    }
    String base = "http://127.0.0.1:" + port;
    try (SurrealClient client =
        SurrealClient.connect(
            SurrealConfig.builder(db.rpcUrl())
                .credentials(Credentials.root(db.username(), db.password()))
                .namespace(db.namespace())
                .database(db.database())
                .build())) {
      for (int i = 1; i <= 20; i++) {
        client.query(
            "CREATE $id SET bal = $b",
            Map.of("id", RecordId.of("acct", i), "b", random.nextInt(100)));
      }
      Process ssp = startSsp(db, port, "first");
      try {
        awaitTrue(why + ": first start healthy", () -> body(base + "/health").contains("\"ok\""));
        HttpResponse<String> reg =
            post(base + "/view/register", "{\"id\":\"rich\",\"surql\":\"" + QUERY + "\"}");
        assertThat(reg.statusCode()).as(reg.body()).isEqualTo(200);

        AtomicBoolean writing = new AtomicBoolean(true);
        AtomicInteger writes = new AtomicInteger();
        Random writerRandom = new Random(random.nextLong());
        CompletableFuture<Void> writer =
            CompletableFuture.runAsync(
                () -> {
                  while (writing.get()) {
                    RecordId id = RecordId.of("acct", 1 + writerRandom.nextInt(25));
                    if (writerRandom.nextInt(10) == 0) {
                      client.query("DELETE $id", Map.of("id", id));
                    } else {
                      client.query(
                          "UPSERT $id SET bal = $b",
                          Map.of("id", id, "b", writerRandom.nextInt(100)));
                    }
                    writes.incrementAndGet();
                  }
                });
        awaitTrue(why + ": writes before the kill", () -> writes.get() >= 50);
        ssp.destroyForcibly().waitFor();
        int atKill = writes.get();
        awaitTrue(why + ": writes while down", () -> writes.get() >= atKill + 50);
        ssp = startSsp(db, port, "second");
        awaitTrue(why + ": restart healthy", () -> body(base + "/health").contains("\"ok\""));
        awaitTrue(why + ": writes after restart", () -> writes.get() >= atKill + 100);
        writing.set(false);
        writer.join();

        awaitTrue(
            why + ": view equals SurrealDB after restart",
            () -> {
              String rows = rendered(client);
              return json(body(base + "/views/rich")).get("rows").toString().equals(rows);
            });
        List<Value> rows = ((ArrayValue) client.queryValue(QUERY, Map.of())).items();
        String root = independentRoot(rows);
        assertThat(json(body(base + "/views/rich")).get("hash").asText()).as(why).isEqualTo(root);

        CompletableFuture<String> first = new CompletableFuture<>();
        WebSocket ws =
            http.newWebSocketBuilder()
                .buildAsync(
                    URI.create("ws://127.0.0.1:" + port + "/views/rich/stream"),
                    new WebSocket.Listener() {
                      final StringBuilder buf = new StringBuilder();

                      @Override
                      public CompletionStage<?> onText(
                          WebSocket w, CharSequence data, boolean last) {
                        buf.append(data);
                        if (last) {
                          first.complete(buf.toString());
                        }
                        w.request(1);
                        return null;
                      }
                    })
                .join();
        JsonNode snapshot = json(first.get());
        assertThat(snapshot.get("type").asText()).isEqualTo("snapshot");
        assertThat(snapshot.get("hash").asText()).as(why).isEqualTo(root);
        ws.abort();
      } finally {
        ssp.destroyForcibly().waitFor();
      }
    }
  }

  private static Process startSsp(DevSurrealEndpoint db, int port, String name) throws Exception {
    ProcessBuilder pb =
        new ProcessBuilder(
            Path.of(System.getProperty("java.home"), "bin", "java").toString(),
            "-cp",
            System.getProperty("java.class.path"),
            "io.spooky.ssp.SspMain");
    Map<String, String> env = pb.environment();
    env.remove("SPOOKY_CONFIG");
    env.remove("SPOOKY_SECRET");
    env.put("SURREALDB_ADDR", db.rpcUrl().toString());
    env.put("SURREALDB_USER", db.username());
    env.put("SURREALDB_PASS", db.password());
    env.put("SURREALDB_NS", db.namespace());
    env.put("SURREALDB_DB", db.database());
    env.put("LISTEN_ADDR", "127.0.0.1:" + port);
    env.put("SSP_TABLES", "acct");
    env.put("SSP_SETTLE", "50ms");
    File log = Path.of("target", "ssp-restart-" + name + ".log").toFile();
    pb.redirectErrorStream(true).redirectOutput(log);
    return pb.start();
  }

  private String rendered(SurrealClient client) {
    return SurrealJson.write(client.queryValue(QUERY, Map.of()));
  }

  private static String independentRoot(List<Value> rows) {
    MerkleTree t = new MerkleTree();
    for (Value r : rows) {
      t.put((RecordId) ((ObjectValue) r).get("id"), ContentDigest.of(r));
    }
    return t.root().hex();
  }
}
