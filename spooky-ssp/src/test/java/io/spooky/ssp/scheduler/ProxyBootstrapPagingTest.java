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
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A scheduler-mode bootstrap of a table larger than many pages, whose keys mix integers, plain
 * strings and strings that need quoting (where the SSP pages by id and where it falls back to
 * {@code START}): every record arrives exactly once.
 */
@DevSurreal
class ProxyBootstrapPagingTest {
  private final HttpClient http = HttpClient.newHttpClient();
  @TempDir Path dir;

  @Test
  void everyRecordOfAManyPageTableWithMixedKeysIsLoadedOnce(DevSurrealEndpoint db)
      throws Exception {
    SchedulerConfig config =
        SchedulerConfig.defaults()
            .withHost("127.0.0.1")
            .withPort(0)
            .withPaths(dir.resolve("replica"), dir.resolve("wal"))
            .withTimings(Duration.ofMillis(500), Duration.ofSeconds(30), Duration.ofMillis(50));
    Set<String> expected = new HashSet<>();
    try (Scheduler scheduler = Scheduler.start(config)) {
      String sched = "http://127.0.0.1:" + scheduler.port();
      List<String> ids = new ArrayList<>();
      for (int i = 1; i <= 230; i++) {
        ids.add("rec:" + i);
        ids.add("rec:k" + i);
        ids.add("rec:⟨x y " + i + "⟩");
      }
      StringBuilder b = new StringBuilder("{\"events\":[");
      for (int i = 0; i < ids.size(); i++) {
        b.append(i > 0 ? "," : "")
            .append("{\"op\":\"CREATE\",\"id\":")
            .append(SurrealJson.write(Value.of(ids.get(i))))
            .append(",\"after\":{\"n\":")
            .append(i)
            .append("}}");
      }
      assertThat(post(sched + "/ingest", b.append("]}").toString()).statusCode()).isEqualTo(200);
      long deadline = System.nanoTime() + Duration.ofSeconds(30).toNanos();
      while (scheduler.replicaSeq() < ids.size()) {
        assertThat(System.nanoTime()).isLessThan(deadline);
        Thread.sleep(20);
      }
      // What the replica holds, in SurrealDB's JSON rendering: the reference.
      HttpResponse<String> all =
          post(sched + "/proxy/query", "{\"query\":\"SELECT id FROM rec\",\"vars\":{}}");
      for (Value v :
          ((ArrayValue) ((ObjectValue) SurrealJson.read(all.body())).get("result")).items()) {
        expected.add(((StringValue) ((ObjectValue) v).get("id")).value());
      }
      assertThat(expected).hasSize(690);

      try (SspServer ssp = ssp(db, sched, 50)) {
        while (!get("http://127.0.0.1:" + ssp.port() + "/health").body().contains("\"ok\"")) {
          assertThat(System.nanoTime()).isLessThan(deadline + Duration.ofSeconds(30).toNanos());
          Thread.sleep(20);
        }
        HttpResponse<String> reg =
            post(
                "http://127.0.0.1:" + ssp.port() + "/view/register",
                "{\"id\":\"all\",\"surql\":\"SELECT * FROM rec\",\"params\":{}}");
        assertThat(reg.statusCode()).as(reg.body()).isEqualTo(200);
        HttpResponse<String> view = get("http://127.0.0.1:" + ssp.port() + "/views/all");
        List<String> seen = new ArrayList<>();
        for (Value row :
            ((ArrayValue) ((ObjectValue) SurrealJson.read(view.body())).get("rows")).items()) {
          seen.add(((StringValue) ((ObjectValue) row).get("id")).value());
        }
        assertThat(seen).doesNotHaveDuplicates();
        assertThat(new HashSet<>(seen)).isEqualTo(expected);
      }
    }
  }

  @Test
  void onlyIdsThatReadBackUnchangedBoundAPageById() {
    assertThat(io.spooky.ssp.ViewHostAccess.keysetBound("t", "t:42")).isEqualTo("t:42");
    assertThat(io.spooky.ssp.ViewHostAccess.keysetBound("t", "t:abc_1")).isEqualTo("t:abc_1");
    assertThat(io.spooky.ssp.ViewHostAccess.keysetBound("t", "t:⟨x y⟩")).isNull();
    assertThat(io.spooky.ssp.ViewHostAccess.keysetBound("t", "t:-1")).isNull();
    assertThat(io.spooky.ssp.ViewHostAccess.keysetBound("t", "t:u'0190'")).isNull();
    assertThat(io.spooky.ssp.ViewHostAccess.keysetBound("t", "t:[1, 2]")).isNull();
    assertThat(io.spooky.ssp.ViewHostAccess.keysetBound("t", "u:1")).isNull();
    assertThat(io.spooky.ssp.ViewHostAccess.keysetBound("t", "t:1234567890123456789")).isNull();
    assertThat(io.spooky.ssp.ViewHostAccess.keysetBound("t", null)).isNull();
  }

  private static SspServer ssp(DevSurrealEndpoint db, String scheduler, int pageSize) {
    SspConfig config =
        new SspConfig(
            db.rpcUrl(),
            db.username(),
            db.password(),
            db.namespace(),
            db.database(),
            "127.0.0.1:0",
            Optional.empty(),
            Set.of("rec"),
            Duration.ofMinutes(10),
            1 << 20,
            pageSize,
            64,
            Duration.ofMillis(50),
            Optional.empty());
    return SspServer.start(
        config,
        Optional.of(
            new SchedulerLinkConfig(
                URI.create(scheduler), "ssp-paging", Optional.empty(), Optional.empty())));
  }

  private HttpResponse<String> get(String url) throws Exception {
    return http.send(
        HttpRequest.newBuilder(URI.create(url)).GET().build(),
        HttpResponse.BodyHandlers.ofString());
  }

  private HttpResponse<String> post(String url, String body) throws Exception {
    return http.send(
        HttpRequest.newBuilder(URI.create(url))
            .header("Content-Type", "application/json")
            .POST(HttpRequest.BodyPublishers.ofString(body))
            .build(),
        HttpResponse.BodyHandlers.ofString());
  }
}
