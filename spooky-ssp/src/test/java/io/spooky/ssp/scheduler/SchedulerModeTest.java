package io.spooky.ssp.scheduler;

import static org.assertj.core.api.Assertions.assertThat;

import io.spooky.core.json.SurrealJson;
import io.spooky.core.value.ArrayValue;
import io.spooky.core.value.ObjectValue;
import io.spooky.core.value.StringValue;
import io.spooky.core.value.Value;
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
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.function.BooleanSupplier;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Scheduler mode end to end on loopback: the dev SurrealDB, a real {@link Scheduler} capturing from
 * it, and two real {@link SspServer}s that register, bootstrap through the proxy and heartbeat. A
 * query placed by the scheduler matches SurrealDB's own SELECT after more writes, and lives on with
 * the right rows on the other SSP when its SSP stops.
 */
@DevSurreal
class SchedulerModeTest {
  private static final String SECRET = "link-secret";
  private static final String QUERY = "SELECT * FROM memo WHERE n > 3 ORDER BY n, id";
  private final HttpClient http = HttpClient.newHttpClient();
  @TempDir Path dir;

  @Test
  void queriesFollowSurrealThroughTheSchedulerAndMoveWhenAnSspStops(DevSurrealEndpoint db)
      throws Exception {
    SchedulerConfig config =
        SchedulerConfig.defaults()
            .withHost("127.0.0.1")
            .withPort(0)
            .withPaths(dir.resolve("replica"), dir.resolve("wal"))
            .withTimings(Duration.ofMillis(200), Duration.ofSeconds(2), Duration.ofMillis(100))
            .withSecret(SECRET)
            .withCapture(
                db.rpcUrl(),
                db.namespace(),
                db.database(),
                db.username(),
                db.password(),
                Set.of("memo"));
    try (SurrealClient surreal =
        SurrealClient.connect(
            SurrealConfig.builder(db.rpcUrl())
                .credentials(Credentials.root(db.username(), db.password()))
                .namespace(db.namespace())
                .database(db.database())
                .build())) {
      surreal.query("DEFINE TABLE memo CHANGEFEED 1h INCLUDE ORIGINAL");
      for (int i = 1; i <= 5; i++) {
        surreal.query("CREATE memo:" + i + " SET n = " + i);
      }
      try (Scheduler scheduler = Scheduler.start(config)) {
        String sched = "http://127.0.0.1:" + scheduler.port();
        await("initial rows in the replica", () -> scheduler.replicaSeq() >= 5);
        SspServer a = ssp(db, sched, "ssp-a");
        SspServer b = ssp(db, sched, "ssp-b");
        try (b) {
          try (a) {
            await(
                "both ready",
                () ->
                    state(sched, "ssp-a").equals("ready") && state(sched, "ssp-b").equals("ready"));
            assertThat(get("http://127.0.0.1:" + a.port() + "/health").body()).contains("\"ok\"");

            surreal.query("UPDATE memo:1 SET n = 40");
            for (int i = 6; i <= 10; i++) {
              surreal.query("CREATE memo:" + i + " SET n = " + i);
            }
            HttpResponse<String> placed =
                post(
                    sched + "/query/register",
                    "{\"query_id\":\"q1\",\"surql\":\"" + QUERY + "\",\"client_id\":\"c1\"}");
            assertThat(placed.statusCode()).as(placed.body()).isEqualTo(200);
            String holder = field(placed.body(), "ssp_id");
            SspServer first = holder.equals("ssp-a") ? a : b;
            SspServer other = first == a ? b : a;
            String otherId = first == a ? "ssp-b" : "ssp-a";

            surreal.query("DELETE memo:7");
            surreal.query("UPDATE memo:2 SET n = 20");
            awaitRows(surreal, first, "q1", QUERY, "rows on " + holder + " equal SurrealDB's");

            // A batch the SSP already applied (a lost 2xx, re-sent) changes nothing.
            HttpResponse<String> replayed =
                post(
                    "http://127.0.0.1:" + first.port() + "/ingest",
                    "{\"events\":[{\"seq\":1,\"table\":\"memo\",\"op\":\"DELETE\","
                        + "\"id\":\"memo:8\",\"before\":null,\"after\":null}]}");
            assertThat(replayed.statusCode()).as(replayed.body()).isEqualTo(200);
            assertThat(replayed.body()).contains("\"applied\":0");
            awaitRows(surreal, first, "q1", QUERY, "rows unchanged by the replayed batch");

            first.close();
            await("q1 moved to " + otherId, () -> holderOf(sched, "q1").equals(otherId));
            surreal.query("CREATE memo:11 SET n = 11");
            surreal.query("DELETE memo:4");
            awaitRows(surreal, other, "q1", QUERY, "rows on " + otherId + " equal SurrealDB's");
          }
        }
      }
    }
  }

  @Test
  void anSspForgottenByARestartedSchedulerReRegistersAndReBootstraps(DevSurrealEndpoint db)
      throws Exception {
    int port;
    try (ServerSocket free = new ServerSocket(0, 0, InetAddress.getLoopbackAddress())) {
      port = free.getLocalPort();
    }
    String query = "SELECT * FROM tally WHERE n >= 2 ORDER BY n, id";
    SchedulerConfig config =
        SchedulerConfig.defaults()
            .withHost("127.0.0.1")
            .withPort(port)
            .withPaths(dir.resolve("replica2"), dir.resolve("wal2"))
            .withTimings(Duration.ofMillis(200), Duration.ofSeconds(2), Duration.ofMillis(100))
            .withSecret(SECRET)
            .withCapture(
                db.rpcUrl(),
                db.namespace(),
                db.database(),
                db.username(),
                db.password(),
                Set.of("tally"));
    String sched = "http://127.0.0.1:" + port;
    try (SurrealClient surreal = surreal(db)) {
      surreal.query("DEFINE TABLE tally CHANGEFEED 1h INCLUDE ORIGINAL");
      for (int i = 1; i <= 4; i++) {
        surreal.query("CREATE tally:" + i + " SET n = " + i);
      }
      SspServer c;
      try (Scheduler first = Scheduler.start(config)) {
        c = ssp(db, sched, "ssp-c", "tally");
        await("ssp-c ready", () -> state(sched, "ssp-c").equals("ready"));
        HttpResponse<String> placed =
            post(
                sched + "/query/register",
                "{\"query_id\":\"q2\",\"surql\":\"" + query + "\",\"client_id\":\"c1\"}");
        assertThat(placed.statusCode()).as(placed.body()).isEqualTo(200);
        awaitRows(surreal, c, "q2", query, "q2 before the restart");
      }
      try (c) {
        // Written while no scheduler runs: captured after the restart, loaded by the re-bootstrap.
        surreal.query("UPDATE tally:1 SET n = 9");
        surreal.query("DELETE tally:3");
        try (Scheduler second = Scheduler.start(config)) {
          await("ssp-c registered again and ready", () -> state(sched, "ssp-c").equals("ready"));
          surreal.query("CREATE tally:5 SET n = 5");
          awaitRows(surreal, c, "q2", query, "q2 re-materialized after the re-bootstrap");
        }
      }
    }
  }

  private static SurrealClient surreal(DevSurrealEndpoint db) {
    return SurrealClient.connect(
        SurrealConfig.builder(db.rpcUrl())
            .credentials(Credentials.root(db.username(), db.password()))
            .namespace(db.namespace())
            .database(db.database())
            .build());
  }

  private SspServer ssp(DevSurrealEndpoint db, String scheduler, String id) {
    return ssp(db, scheduler, id, "memo");
  }

  private SspServer ssp(DevSurrealEndpoint db, String scheduler, String id, String table) {
    SspConfig config =
        new SspConfig(
            db.rpcUrl(),
            db.username(),
            db.password(),
            db.namespace(),
            db.database(),
            "127.0.0.1:0",
            Optional.of(SECRET),
            Set.of(table),
            Duration.ofMinutes(10),
            1 << 20,
            3,
            64,
            Duration.ofMillis(50),
            Optional.empty());
    return SspServer.start(
        config,
        Optional.of(
            new SchedulerLinkConfig(
                URI.create(scheduler), id, Optional.empty(), Optional.of(SECRET))));
  }

  /** Waits until the SSP's rows of q1 equal SurrealDB's result of the same query, in order. */
  private void awaitRows(
      SurrealClient surreal, SspServer ssp, String viewId, String query, String what) {
    List<Value> expected = new ArrayList<>();
    for (Value row : ((ArrayValue) surreal.queryValue(query, Map.of())).items()) {
      expected.add(project(SurrealJson.read(SurrealJson.write(row))));
    }
    assertThat(expected).isNotEmpty();
    List<List<Value>> seen = new ArrayList<>();
    await(
        what,
        () -> {
          HttpResponse<String> r = get("http://127.0.0.1:" + ssp.port() + "/views/" + viewId);
          if (r.statusCode() != 200) {
            return false;
          }
          List<Value> rows = new ArrayList<>();
          Value doc = SurrealJson.read(r.body());
          for (Value row : ((ArrayValue) ((ObjectValue) doc).get("rows")).items()) {
            rows.add(project(row));
          }
          seen.add(rows);
          return rows.equals(expected);
        },
        () -> "expected " + expected + ", last seen " + (seen.isEmpty() ? "-" : seen.getLast()));
  }

  private static Value project(Value row) {
    ObjectValue o = (ObjectValue) row;
    return new ObjectValue(new java.util.TreeMap<>(Map.of("id", o.get("id"), "n", o.get("n"))));
  }

  private String state(String scheduler, String sspId) {
    HttpResponse<String> r = get(scheduler + "/ssps");
    if (r.statusCode() != 200) {
      return "unknown";
    }
    for (Value v : ((ArrayValue) SurrealJson.read(r.body())).items()) {
      ObjectValue o = (ObjectValue) v;
      if (o.get("ssp_id").equals(new StringValue(sspId))) {
        return ((StringValue) o.get("state")).value();
      }
    }
    return "absent";
  }

  private String holderOf(String scheduler, String queryId) {
    HttpResponse<String> r = get(scheduler + "/query/" + queryId);
    return r.statusCode() == 200 ? field(r.body(), "ssp_id") : "";
  }

  private static String field(String json, String name) {
    return ((StringValue) ((ObjectValue) SurrealJson.read(json)).get(name)).value();
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

  private static void await(String what, BooleanSupplier condition) {
    await(what, condition, () -> "");
  }

  /** Polls for up to 30 s; the bound only turns a hang into a failure, it measures nothing. */
  private static void await(
      String what, BooleanSupplier condition, java.util.function.Supplier<String> detail) {
    long deadline = System.nanoTime() + Duration.ofSeconds(30).toNanos();
    while (!condition.getAsBoolean()) {
      if (System.nanoTime() > deadline) {
        throw new AssertionError("never happened: " + what + " " + detail.get());
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
