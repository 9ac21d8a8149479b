package io.spooky.ssp;

import static io.spooky.ssp.SspHttp.awaitTrue;
import static io.spooky.ssp.SspHttp.body;
import static io.spooky.ssp.SspHttp.json;
import static io.spooky.ssp.SspHttp.post;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.spooky.devdb.DevSurreal;
import io.spooky.devdb.DevSurrealEndpoint;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpResponse;
import java.net.http.WebSocket;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.Test;

/**
 * A stream client that stops reading while the view changes fast is resynced: its queued deltas are
 * dropped and it receives a fresh snapshot whose hash is the view's current root, and then deltas
 * again. Also: a bootstrap that cannot complete reports {@code failed} with a reason.
 */
@DevSurreal
class SspStreamBackpressureTest {
  static final ObjectMapper JSON = new ObjectMapper();
  final HttpClient http = HttpClient.newHttpClient();

  static SspConfig config(DevSurrealEndpoint db, Set<String> tables) {
    return new SspConfig(
        db.rpcUrl(),
        db.username(),
        db.password(),
        db.namespace(),
        db.database(),
        "127.0.0.1:0",
        Optional.empty(),
        tables,
        Duration.ofMinutes(10),
        1 << 20,
        100,
        4,
        Duration.ofMillis(50),
        Optional.empty());
  }

  @Test
  void slowConsumerIsResyncedBySnapshot(DevSurrealEndpoint db) throws Exception {
    try (SspServer ssp = SspServer.start(config(db, Set.of("blob")))) {
      String base = "http://127.0.0.1:" + ssp.port();
      awaitTrue("healthy", () -> body(base + "/health").contains("\"ok\""));
      post(base + "/view/register", "{\"id\":\"blobs\",\"surql\":\"SELECT * FROM blob\"}");

      List<String> received = new CopyOnWriteArrayList<>();
      WebSocket.Listener listener =
          new WebSocket.Listener() {
            final StringBuilder buf = new StringBuilder();

            @Override
            public void onOpen(WebSocket w) {
              w.request(1);
            }

            @Override
            public CompletionStage<?> onText(WebSocket w, CharSequence data, boolean last) {
              buf.append(data);
              if (last) {
                received.add(buf.toString());
                buf.setLength(0);
              } else {
                w.request(1);
              }
              return null;
            }
          };
      WebSocket ws =
          http.newWebSocketBuilder()
              .buildAsync(
                  URI.create("ws://127.0.0.1:" + ssp.port() + "/views/blobs/stream"), listener)
              .join();
      awaitTrue("first snapshot", () -> received.size() == 1);

      String big = "x".repeat(200_000);
      for (int i = 0; i < 150; i++) {
        HttpResponse<String> r =
            post(
                base + "/ingest",
                "{\"table\":\"blob\",\"op\":\"CREATE\",\"id\":\"blob:"
                    + i
                    + "\",\"after\":{\"data\":\""
                    + big
                    + "\"}}");
        assertThat(r.statusCode()).as(r.body()).isEqualTo(200);
      }
      String root = json(body(base + "/views/blobs")).get("hash").asText();
      ws.request(Long.MAX_VALUE);
      awaitTrue(
          "caught up to the current root",
          () -> !received.isEmpty() && json(received.getLast()).get("hash").asText().equals(root));
      long snapshots =
          received.stream().filter(m -> json(m).get("type").asText().equals("snapshot")).count();
      assertThat(snapshots).as("a resync snapshot after the first").isGreaterThanOrEqualTo(2);
      assertThat(received.size()).as("queued deltas were dropped").isLessThan(151);
      ws.abort();
    }
  }

  @Test
  void bootstrapThatCannotCompleteReportsFailedWithAReason(DevSurrealEndpoint db) {
    try (SspServer ssp = SspServer.start(config(db, Set.of("bad-name")))) {
      String base = "http://127.0.0.1:" + ssp.port();
      awaitTrue("failed", () -> body(base + "/health").contains("\"failed\""));
      JsonNode h = json(body(base + "/health"));
      assertThat(h.get("reason").asText()).isNotEmpty();
    }
  }
}
