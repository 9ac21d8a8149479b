package io.spooky.ssp;

import static org.assertj.core.api.Assertions.assertThat;

import com.sun.net.httpserver.HttpServer;
import io.spooky.core.value.Value;
import io.spooky.devdb.DevSurreal;
import io.spooky.devdb.DevSurrealEndpoint;
import io.spooky.service.ConfigSource;
import io.spooky.surreal.Credentials;
import io.spooky.surreal.SurrealClient;
import io.spooky.surreal.SurrealConfig;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.Test;

/** An SSP configured with {@code spooky.backend_url} runs the {@code _spooky_job} outbox. */
@DevSurreal
class SspJobsWiringTest {
  @Test
  void jobsRunWhenABackendUrlIsConfigured(DevSurrealEndpoint db) throws Exception {
    List<String> bodies = new CopyOnWriteArrayList<>();
    HttpServer backend = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
    backend.createContext(
        "/",
        ex -> {
          bodies.add(
              ex.getRequestURI().getPath()
                  + " "
                  + new String(ex.getRequestBody().readAllBytes(), StandardCharsets.UTF_8));
          byte[] ok = "ok".getBytes(StandardCharsets.UTF_8);
          ex.sendResponseHeaders(200, ok.length);
          ex.getResponseBody().write(ok);
          ex.close();
        });
    backend.start();
    SspConfig config =
        SspConfig.from(
            ConfigSource.of(
                Map.of(
                    "surrealdb.addr", db.rpcUrl().toString(),
                    "surrealdb.user", db.username(),
                    "surrealdb.pass", db.password(),
                    "surrealdb.ns", db.namespace(),
                    "surrealdb.db", db.database(),
                    "listen_addr", "127.0.0.1:0",
                    "spooky.backend_url",
                        "http://127.0.0.1:" + backend.getAddress().getPort() + "/api",
                    "ssp.id", "ssp-wired"),
                Map.of()));
    try (SspServer ssp = SspServer.start(config);
        SurrealClient client =
            SurrealClient.connect(
                SurrealConfig.builder(db.rpcUrl())
                    .credentials(Credentials.root(db.username(), db.password()))
                    .namespace(db.namespace())
                    .database(db.database())
                    .build())) {
      client.query("CREATE _spooky_job:w1 SET path = '/hello', payload = {n: 1}");
      long deadline = System.nanoTime() + Duration.ofSeconds(60).toNanos();
      while (!client
          .queryValue("SELECT VALUE status FROM _spooky_job:w1", Map.of())
          .equals(Value.array(Value.of("done")))) {
        assertThat(System.nanoTime()).as("job w1 never finished").isLessThan(deadline);
        Thread.sleep(50);
      }
      assertThat(bodies).containsExactly("/api/hello {\"n\":1}");
      assertThat(client.queryValue("SELECT VALUE claimed_by FROM _spooky_job:w1", Map.of()))
          .isEqualTo(Value.array(Value.of("ssp-wired")));
    } finally {
      backend.stop(0);
    }
  }
}
