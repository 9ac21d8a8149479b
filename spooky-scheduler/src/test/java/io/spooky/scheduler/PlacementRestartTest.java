package io.spooky.scheduler;

import static org.assertj.core.api.Assertions.assertThat;

import io.spooky.core.value.ArrayValue;
import io.spooky.core.value.ObjectValue;
import io.spooky.core.value.StringValue;
import io.spooky.core.value.Value;
import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.LongStream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Query placement and the SSP pool survive a SIGKILL of the scheduler: after the restart {@code GET
 * /query/{id}} answers from the persisted state at once, an SSP that registers again keeps its
 * queries (they are sent to it again) and receives a dense run of seqs with nothing repeated or
 * lost, and the queries of an SSP that does not come back within the stale timeout move.
 */
class PlacementRestartTest {
  @TempDir Path dir;

  @Test
  void placementSurvivesKillAndRestart() throws Exception {
    Path replica = dir.resolve("replica");
    Path wal = dir.resolve("wal");
    Process child =
        new ProcessBuilder(
                Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "-cp",
                System.getProperty("java.class.path"),
                CrashChild.class.getName(),
                replica.toString(),
                wal.toString())
            .redirectError(ProcessBuilder.Redirect.DISCARD)
            .start();
    Map<String, String> placedOn = new LinkedHashMap<>();
    try (TestSsp a = new TestSsp("a");
        TestSsp b = new TestSsp("b")) {
      a.health("ok");
      b.health("ok");
      try {
        int port;
        try (BufferedReader out =
            new BufferedReader(
                new InputStreamReader(child.getInputStream(), StandardCharsets.UTF_8))) {
          String line;
          do {
            line = out.readLine();
          } while (line != null && !line.startsWith("PORT "));
          assertThat(line).as("child scheduler did not start").isNotNull();
          port = Integer.parseInt(line.substring(5).trim());
        }
        try (Http http = new Http(port)) {
          for (TestSsp ssp : List.of(a, b)) {
            http.post(
                "/ssp/register", "{\"ssp_id\":\"" + ssp.id + "\",\"url\":\"" + ssp.url() + "\"}");
            Http.await(ssp.id + " ready", () -> stateOf(http, ssp.id).equals("ready"));
          }
          for (int i = 1; i <= 6; i++) {
            Http.Response r =
                http.post(
                    "/query/register",
                    "{\"query_id\":\"q" + i + "\",\"surql\":\"SELECT * FROM user\"}");
            assertThat(r.status()).as(r.body()).isEqualTo(200);
            placedOn.put("q" + i, sspOf(http, "q" + i));
          }
          assertThat(placedOn.values()).contains("a", "b");
          assertThat(http.post("/ingest", SchedulerLifecycleTest.events(1, 20)).status())
              .isEqualTo(200);
          Http.await("a caught up", () -> a.seqs.size() == 20);
          Http.await("b caught up", () -> b.seqs.size() == 20);
        }
      } finally {
        child.destroyForcibly();
        child.waitFor();
      }

      SchedulerConfig config =
          SchedulerConfig.defaults()
              .withHost("127.0.0.1")
              .withPort(0)
              .withPaths(replica, wal)
              .withTimings(Duration.ofSeconds(5), Duration.ofSeconds(3), Duration.ofMillis(50));
      try (Scheduler s = Scheduler.start(config);
          Http http = new Http(s.port())) {
        // Answered from the persisted placement before any SSP has come back.
        for (var e : placedOn.entrySet()) {
          assertThat(sspOf(http, e.getKey())).as(e.getKey()).isEqualTo(e.getValue());
        }
        // Known, but not in the pool: the SSP is told to register again.
        assertThat(stateOf(http, "a")).isEqualTo("absent");
        assertThat(
                http.post(
                        "/ssp/heartbeat",
                        "{\"ssp_id\":\"a\",\"views\":0,\"cpu\":0.1,\"memory\":0.1}")
                    .status())
            .isEqualTo(404);

        List<String> onA = new ArrayList<>();
        List<String> onB = new ArrayList<>();
        placedOn.forEach((q, ssp) -> (ssp.equals("a") ? onA : onB).add(q));
        a.registeredViews.clear();
        http.post("/ssp/register", "{\"ssp_id\":\"a\",\"url\":\"" + a.url() + "\"}");
        Http.await("a ready again", () -> stateOf(http, "a").equals("ready"));
        // a's own queries are sent to it again and stay there; b never comes back, so after the
        // stale timeout its queries move to a.
        Http.await("every query on a", () -> a.registeredViews.containsAll(placedOn.keySet()));
        for (String q : onA) {
          assertThat(Collections.frequency(a.registeredViews, q)).as(q).isEqualTo(1);
        }
        Http.await(
            "b's queries reassigned",
            () -> onB.stream().allMatch(q -> "a".equals(sspOfQuietly(http, q))));
        for (String q : onA) {
          assertThat(sspOf(http, q)).as(q).isEqualTo("a");
        }
        assertThat(stateOf(http, "b")).isEqualTo("absent");

        assertThat(http.post("/ingest", SchedulerLifecycleTest.events(21, 30)).status())
            .isEqualTo(200);
        Http.await("a caught up after restart", () -> a.seqs.size() >= 30);
        assertThat(a.seqs)
            .as("seqs received by a across the restart")
            .containsExactlyElementsOf(LongStream.rangeClosed(1, 30).boxed().toList());
        assertThat(b.seqs)
            .containsExactlyElementsOf(LongStream.rangeClosed(1, 20).boxed().toList());
      }
    }
  }

  private static String sspOf(Http http, String queryId) throws Exception {
    Http.Response r = http.get("/query/" + queryId);
    assertThat(r.status()).as(r.body()).isEqualTo(200);
    return ((StringValue) ((ObjectValue) r.json()).get("ssp_id")).value();
  }

  private static String sspOfQuietly(Http http, String queryId) {
    try {
      Http.Response r = http.get("/query/" + queryId);
      return r.status() == 200
          ? ((StringValue) ((ObjectValue) r.json()).get("ssp_id")).value()
          : null;
    } catch (Exception e) {
      throw new RuntimeException(e);
    }
  }

  private static String stateOf(Http http, String sspId) {
    try {
      for (Value v : ((ArrayValue) http.get("/ssps").json()).items()) {
        ObjectValue o = (ObjectValue) v;
        if (((StringValue) o.get("ssp_id")).value().equals(sspId)) {
          return ((StringValue) o.get("state")).value();
        }
      }
      return "absent";
    } catch (Exception e) {
      throw new RuntimeException(e);
    }
  }
}
