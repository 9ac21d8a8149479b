package io.spooky.scheduler;

import static org.assertj.core.api.Assertions.assertThat;

import io.spooky.core.value.ArrayValue;
import io.spooky.core.value.IntValue;
import io.spooky.core.value.ObjectValue;
import io.spooky.core.value.StringValue;
import io.spooky.core.value.Value;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@code /proxy/*}: read-only SurrealQL over the replica, paging, refusal of writes. */
class ProxyQueryTest {
  @TempDir Path dir;
  private Scheduler scheduler;
  private Http http;

  @BeforeEach
  void start() throws Exception {
    scheduler =
        Scheduler.start(
            SchedulerConfig.defaults()
                .withHost("127.0.0.1")
                .withPort(0)
                .withPaths(dir.resolve("replica"), dir.resolve("wal")));
    http = new Http(scheduler.port());
    assertThat(http.post("/ingest", SchedulerLifecycleTest.events(1, 25)).status()).isEqualTo(200);
    Http.await("replica caught up", () -> scheduler.replicaSeq() == 25);
  }

  @AfterEach
  void stop() {
    http.close();
    scheduler.close();
  }

  private List<Value> rows(String query, String vars) throws Exception {
    Http.Response r =
        http.post(
            "/proxy/query",
            "{\"query\":" + Scheduler.jsonString(query) + ",\"vars\":" + vars + "}");
    assertThat(r.status()).as(r.body()).isEqualTo(200);
    assertThat(((ObjectValue) r.json()).get("seq")).isEqualTo(new IntValue(25));
    return ((ArrayValue) ((ObjectValue) r.json()).get("result")).items();
  }

  @Test
  void pagesThroughATableWithStartAndLimit() throws Exception {
    List<Value> all = new ArrayList<>();
    for (int start = 0; ; start += 10) {
      List<Value> page = rows("SELECT * FROM user START " + start + " LIMIT 10", "{}");
      all.addAll(page);
      if (page.size() < 10) {
        break;
      }
    }
    assertThat(all).hasSize(25);
    assertThat(all)
        .extracting(v -> ((ObjectValue) v).get("id"))
        .containsExactlyElementsOf(
            java.util.stream.IntStream.rangeClosed(1, 25)
                .mapToObj(i -> (Value) new StringValue("user:" + i))
                .toList());
  }

  @Test
  void pagesByIdAndBindsVars() throws Exception {
    List<Value> page = rows("SELECT VALUE n FROM user WHERE n > $after LIMIT 5", "{\"after\":20}");
    assertThat(page)
        .containsExactly(
            new IntValue(21),
            new IntValue(22),
            new IntValue(23),
            new IntValue(24),
            new IntValue(25));
    assertThat(rows("SELECT * FROM user WHERE id > user:23", "{}")).hasSize(2);
  }

  @Test
  void refusesWrites() throws Exception {
    for (String q :
        List.of(
            "DELETE user",
            "  update user SET n = 0",
            "CREATE user:99 SET n = 1",
            "INSERT INTO user {n: 1}",
            "DEFINE TABLE x")) {
      Http.Response r = http.post("/proxy/query", "{\"query\":" + Scheduler.jsonString(q) + "}");
      assertThat(r.status()).as(q).isEqualTo(403);
      assertThat(r.body()).contains("read-only");
    }
    Http.Response r = http.post("/proxy/query", "{\"query\":\"SELECT * FROM user; DELETE user\"}");
    assertThat(r.status()).isEqualTo(400);
    assertThat(rows("SELECT count() FROM user GROUP ALL", "{}"))
        .containsExactly(Value.object(java.util.Map.of("count", new IntValue(25))));
  }

  @Test
  void signinAndUseCompleteTheConversation() throws Exception {
    assertThat(http.post("/proxy/signin", "{\"user\":\"root\",\"pass\":\"root\"}").status())
        .isEqualTo(200);
    Http.Response use = http.post("/proxy/use", "{\"ns\":\"app\",\"db\":\"main\"}");
    assertThat(use.status()).isEqualTo(200);
    assertThat(((ObjectValue) use.json()).get("db")).isEqualTo(new StringValue("main"));
  }
}
