package io.spooky.ssp.scheduler;

import static org.assertj.core.api.Assertions.assertThat;

import io.spooky.core.json.SurrealJson;
import io.spooky.core.value.ArrayValue;
import io.spooky.core.value.ObjectValue;
import io.spooky.devdb.DevSurreal;
import io.spooky.devdb.DevSurrealEndpoint;
import io.spooky.scheduler.Scheduler;
import io.spooky.scheduler.SchedulerConfig;
import io.spooky.ssp.SspConfig;
import io.spooky.ssp.SspServer;
import io.spooky.surreal.Credentials;
import io.spooky.surreal.SurrealClient;
import io.spooky.surreal.SurrealConfig;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.function.BooleanSupplier;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * An SSP that must register again with a scheduler that no longer assigns its views to it (here a
 * scheduler that lost its state; in production one that removed the SSP as stale or overflowed and
 * moved its queries) drops those views instead of serving a second copy of them, and leaves their
 * rows in SurrealDB alone; the scheduler can place the query on it again.
 */
@DevSurreal
class RebootstrapDropsViewsTest {
  private static final String SECRET = "rebootstrap-secret";
  private static final String QUERY = "SELECT * FROM note WHERE n > 1 ORDER BY n";
  private final HttpClient http = HttpClient.newHttpClient();
  @TempDir Path dir;

  @Test
  void aReBootstrappedSspServesOnlyTheViewsTheSchedulerAssignsIt(DevSurrealEndpoint db)
      throws Exception {
    int port;
    try (ServerSocket free = new ServerSocket(0, 0, InetAddress.getLoopbackAddress())) {
      port = free.getLocalPort();
    }
    String sched = "http://127.0.0.1:" + port;
    try (SurrealClient surreal = surreal(db)) {
      surreal.query("DEFINE TABLE note CHANGEFEED 1h INCLUDE ORIGINAL");
      for (int i = 1; i <= 4; i++) {
        surreal.query("CREATE note:" + i + " SET n = " + i);
      }
      SspServer ssp;
      String viewUrl;
      try (Scheduler first = Scheduler.start(config(db, port, "one"))) {
        ssp = ssp(db, sched);
        viewUrl = "http://127.0.0.1:" + ssp.port() + "/views/q1";
        await("ssp-d ready", () -> get(sched + "/ssps").body().contains("\"ready\""));
        HttpResponse<String> placed =
            post(
                sched + "/query/register",
                "{\"query_id\":\"q1\",\"surql\":\"" + QUERY + "\",\"client_id\":\"c1\"}");
        assertThat(placed.statusCode()).as(placed.body()).isEqualTo(200);
        await("q1 has 3 rows", () -> rows(get(viewUrl)) == 3);
      }
      try (ssp;
          Scheduler second = Scheduler.start(config(db, port, "two"))) {
        await(
            "ssp-d registered with the new scheduler and ready",
            () -> get(sched + "/ssps").body().contains("\"ready\""));
        await("ssp-d answers again", () -> get(viewUrl).statusCode() != 503);
        HttpResponse<String> ghost = get(viewUrl);
        assertThat(ghost.statusCode())
            .as("a view the scheduler does not assign to the SSP: %s", ghost.body())
            .isEqualTo(404);
        assertThat(
                ((ArrayValue)
                        surreal.queryValue(
                            "SELECT * FROM _spooky_list_ref WHERE view_id = 'q1'", Map.of()))
                    .size())
            .as("the dropped view's rows in SurrealDB (another SSP may own them)")
            .isEqualTo(3);

        surreal.query("CREATE note:5 SET n = 5");
        HttpResponse<String> again =
            post(
                sched + "/query/register",
                "{\"query_id\":\"q1\",\"surql\":\"" + QUERY + "\",\"client_id\":\"c1\"}");
        assertThat(again.statusCode()).as(again.body()).isEqualTo(200);
        await("q1 placed again with 4 rows", () -> rows(get(viewUrl)) == 4);
      }
    }
  }

  private SchedulerConfig config(DevSurrealEndpoint db, int port, String state) {
    return SchedulerConfig.defaults()
        .withHost("127.0.0.1")
        .withPort(port)
        .withPaths(dir.resolve(state + "-replica"), dir.resolve(state + "-wal"))
        .withTimings(Duration.ofMillis(200), Duration.ofSeconds(5), Duration.ofMillis(100))
        .withSecret(SECRET)
        .withCapture(
            db.rpcUrl(),
            db.namespace(),
            db.database(),
            db.username(),
            db.password(),
            Set.of("note"));
  }

  private static SspServer ssp(DevSurrealEndpoint db, String scheduler) {
    SspConfig config =
        new SspConfig(
            db.rpcUrl(),
            db.username(),
            db.password(),
            db.namespace(),
            db.database(),
            "127.0.0.1:0",
            Optional.of(SECRET),
            Set.of("note"),
            Duration.ofMinutes(10),
            1 << 20,
            100,
            64,
            Duration.ofMillis(50),
            Optional.empty());
    return SspServer.start(
        config,
        Optional.of(
            new SchedulerLinkConfig(
                URI.create(scheduler), "ssp-d", Optional.empty(), Optional.of(SECRET))));
  }

  private static SurrealClient surreal(DevSurrealEndpoint db) {
    return SurrealClient.connect(
        SurrealConfig.builder(db.rpcUrl())
            .credentials(Credentials.root(db.username(), db.password()))
            .namespace(db.namespace())
            .database(db.database())
            .build());
  }

  /** Rows of a {@code GET /views/{id}} reply, or -1 when it is not a 200. */
  private static int rows(HttpResponse<String> r) {
    if (r.statusCode() != 200) {
      return -1;
    }
    return ((ArrayValue) ((ObjectValue) SurrealJson.read(r.body())).get("rows")).size();
  }

  private HttpResponse<String> get(String url) {
    return send(HttpRequest.newBuilder(URI.create(url)).GET());
  }

  private HttpResponse<String> post(String url, String body) {
    return send(
        HttpRequest.newBuilder(URI.create(url))
            .header("Content-Type", "application/json")
            .POST(HttpRequest.BodyPublishers.ofString(body)));
  }

  private HttpResponse<String> send(HttpRequest.Builder b) {
    try {
      return http.send(
          b.header("Authorization", "Bearer " + SECRET).build(),
          HttpResponse.BodyHandlers.ofString());
    } catch (Exception e) {
      throw new IllegalStateException(e);
    }
  }

  /** Polls for up to 30 s; the bound only turns a hang into a failure, it measures nothing. */
  private static void await(String what, BooleanSupplier condition) {
    long deadline = System.nanoTime() + Duration.ofSeconds(30).toNanos();
    while (!condition.getAsBoolean()) {
      if (System.nanoTime() > deadline) {
        throw new AssertionError("never happened: " + what);
      }
      try {
        Thread.sleep(50);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        throw new AssertionError("interrupted", e);
      }
    }
  }
}
