package io.spooky.scheduler;

import static org.assertj.core.api.Assertions.assertThat;

import io.spooky.core.value.ArrayValue;
import io.spooky.core.value.IntValue;
import io.spooky.core.value.ObjectValue;
import io.spooky.core.value.StringValue;
import io.spooky.core.value.Value;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.stream.LongStream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The SSP lifecycle of docs/PROTOCOL.md section 9 over real HTTP on loopback, with {@link TestSsp}
 * peers: register → bootstrap through the frozen replica → replay → ready, overflow, stale removal
 * and query reassignment.
 */
class SchedulerLifecycleTest {
  @TempDir Path dir;
  private final List<AutoCloseable> closeables = new ArrayList<>();

  private SchedulerConfig config() {
    return SchedulerConfig.defaults()
        .withHost("127.0.0.1")
        .withPort(0)
        .withPaths(dir.resolve("replica"), dir.resolve("wal"))
        .withTimings(Duration.ofSeconds(5), Duration.ofMinutes(5), Duration.ofMillis(50));
  }

  private <T extends AutoCloseable> T closing(T c) {
    closeables.add(c);
    return c;
  }

  @AfterEach
  void tearDown() throws Exception {
    for (AutoCloseable c : closeables.reversed()) {
      c.close();
    }
  }

  static String events(int from, int to) {
    StringBuilder b = new StringBuilder("{\"events\":[");
    for (int i = from; i <= to; i++) {
      if (i > from) {
        b.append(',');
      }
      b.append("{\"op\":\"CREATE\",\"id\":\"user:")
          .append(i)
          .append("\",\"after\":{\"name\":\"u")
          .append(i)
          .append("\",\"n\":")
          .append(i)
          .append("}}");
    }
    return b.append("]}").toString();
  }

  static int count(Http http, String table) throws Exception {
    Http.Response r =
        http.post("/proxy/query", "{\"query\":\"SELECT * FROM " + table + "\",\"vars\":{}}");
    assertThat(r.status()).as(r.body()).isEqualTo(200);
    return ((ArrayValue) ((ObjectValue) r.json()).get("result")).size();
  }

  private static String state(Http http, String sspId) throws Exception {
    for (Value v : ((ArrayValue) http.get("/ssps").json()).items()) {
      ObjectValue o = (ObjectValue) v;
      if (((StringValue) o.get("ssp_id")).value().equals(sspId)) {
        return ((StringValue) o.get("state")).value();
      }
    }
    return "absent";
  }

  @Test
  void registerBootstrapReplayReadyDeliversEverySeqOnceInOrder() throws Exception {
    Scheduler s = closing(Scheduler.start(config()));
    Http http = closing(new Http(s.port()));
    assertThat(http.post("/ingest", events(1, 10)).status()).isEqualTo(200);
    Http.await("replica caught up", () -> s.replicaSeq() == 10);

    TestSsp ssp = closing(new TestSsp("ssp-1"));
    Http.Response reg =
        http.post("/ssp/register", "{\"ssp_id\":\"ssp-1\",\"url\":\"" + ssp.url() + "\"}");
    assertThat(reg.status()).isEqualTo(202);
    long snapshotSeq = ((IntValue) ((ObjectValue) reg.json()).get("snapshot_seq")).value();
    assertThat(snapshotSeq).isEqualTo(10);
    assertThat(state(http, "ssp-1")).isEqualTo("bootstrapping");

    // Frozen: events keep reaching the WAL, the replica (and so the bootstrap) stays at 10.
    assertThat(http.post("/ingest", events(11, 30)).status()).isEqualTo(200);
    assertThat(s.lastSeq()).isEqualTo(30);
    assertThat(count(http, "user")).isEqualTo(10);
    assertThat(s.replicaSeq()).isEqualTo(10);
    assertThat(ssp.seqs).isEmpty();

    // Producer keeps going while the SSP turns ready: replay and live events must interleave
    // without loss or duplication.
    AtomicInteger next = new AtomicInteger(31);
    Thread producer =
        Thread.ofVirtual()
            .start(
                () -> {
                  try (Http p = new Http(s.port())) {
                    for (int b = 0; b < 20; b++) {
                      int from = next.getAndAdd(5);
                      p.post("/ingest", events(from, from + 4));
                    }
                  } catch (Exception e) {
                    throw new RuntimeException(e);
                  }
                });
    ssp.health("ok");
    producer.join();
    long last = s.lastSeq();
    assertThat(last).isEqualTo(130);
    Http.await("ssp caught up", () -> !ssp.seqs.isEmpty() && ssp.seqs.getLast() == last);
    assertThat(ssp.seqs)
        .containsExactlyElementsOf(LongStream.rangeClosed(11, 130).boxed().toList());
    Http.await("ready", () -> stateOf(http, "ssp-1").equals("ready"));
    Http.await("replica unfrozen and caught up", () -> s.replicaSeq() == 130);
    assertThat(count(http, "user")).isEqualTo(130);
    // Every delivered event carries the record as JSON.
    ObjectValue first = ssp.events.getFirst();
    assertThat(first.get("id")).isEqualTo(new StringValue("user:11"));
    assertThat(first.get("op")).isEqualTo(new StringValue("CREATE"));
  }

  /** The SSP {@code GET /query/{id}} names, or "" while the query is pending or unknown. */
  private static String sspOfQuery(Http http, String id) {
    try {
      Http.Response r = http.get("/query/" + id);
      return r.status() == 200
          ? ((StringValue) ((ObjectValue) r.json()).get("ssp_id")).value()
          : "";
    } catch (Exception e) {
      throw new IllegalStateException(e);
    }
  }

  private static String stateOf(Http http, String id) {
    try {
      return state(http, id);
    } catch (Exception e) {
      throw new RuntimeException(e);
    }
  }

  @Test
  void theReplicaStaysFrozenUntilTheLastBootstrappingSspIsReady() throws Exception {
    Scheduler s = closing(Scheduler.start(config()));
    Http http = closing(new Http(s.port()));
    http.post("/ingest", events(1, 3));
    Http.await("replica caught up", () -> s.replicaSeq() == 3);
    TestSsp a = closing(new TestSsp("a"));
    TestSsp b = closing(new TestSsp("b"));
    http.post("/ssp/register", "{\"ssp_id\":\"a\",\"url\":\"" + a.url() + "\"}");
    http.post("/ingest", events(4, 6));
    Http.Response rb = http.post("/ssp/register", "{\"ssp_id\":\"b\",\"url\":\"" + b.url() + "\"}");
    assertThat(((ObjectValue) rb.json()).get("snapshot_seq")).isEqualTo(new IntValue(3));
    a.health("ok");
    Http.await("a ready", () -> stateOf(http, "a").equals("ready"));
    http.post("/ingest", events(7, 8));
    Http.await("a caught up", () -> a.seqs.size() == 5);
    // b still bootstraps from the state at seq 3.
    assertThat(s.replicaSeq()).isEqualTo(3);
    assertThat(count(http, "user")).isEqualTo(3);
    b.health("ok");
    Http.await("b ready", () -> stateOf(http, "b").equals("ready"));
    Http.await("replica caught up", () -> s.replicaSeq() == 8);
    Http.await("b caught up", () -> b.seqs.size() == 5);
    assertThat(a.seqs).containsExactly(4L, 5L, 6L, 7L, 8L);
    assertThat(b.seqs).containsExactly(4L, 5L, 6L, 7L, 8L);
  }

  @Test
  void reRegistrationPlacesTheSspsQueriesAgain() throws Exception {
    Scheduler s = closing(Scheduler.start(config()));
    Http http = closing(new Http(s.port()));
    TestSsp a = closing(new TestSsp("a"));
    a.health("ok");
    http.post("/ssp/register", "{\"ssp_id\":\"a\",\"url\":\"" + a.url() + "\"}");
    Http.await("ready", () -> stateOf(http, "a").equals("ready"));
    http.post("/query/register", "{\"query_id\":\"q\",\"surql\":\"SELECT * FROM t\"}");
    assertThat(a.registeredViews).containsExactly("q");
    // The SSP restarts (new URL) and registers again; its view comes back once it is Ready.
    TestSsp a2 = closing(new TestSsp("a"));
    a2.health("ok");
    http.post("/ssp/register", "{\"ssp_id\":\"a\",\"url\":\"" + a2.url() + "\"}");
    Http.await("view placed again", () -> a2.registeredViews.contains("q"));
    Http.await(
        "location updated",
        () -> {
          try {
            Http.Response r = http.get("/query/q");
            return r.status() == 200
                && ((ObjectValue) r.json()).get("ssp_url").equals(new StringValue(a2.url()));
          } catch (Exception e) {
            throw new RuntimeException(e);
          }
        });
  }

  @Test
  void bufferOverflowAnswersHeartbeatWith409ThenUnknownWith404() throws Exception {
    Scheduler s = closing(Scheduler.start(config().withMaxBufferPerSsp(5)));
    Http http = closing(new Http(s.port()));
    TestSsp ssp = closing(new TestSsp("ssp-o"));
    http.post("/ssp/register", "{\"ssp_id\":\"ssp-o\",\"url\":\"" + ssp.url() + "\"}");
    String hb = "{\"ssp_id\":\"ssp-o\",\"views\":0,\"cpu\":1.5,\"memory\":20}";
    assertThat(http.post("/ssp/heartbeat", hb).status()).isEqualTo(200);
    assertThat(http.post("/ingest", events(1, 6)).status()).isEqualTo(200);
    Http.await("overflow flagged", () -> stateOf(http, "ssp-o").equals("overflowed"));
    Http.Response r = http.post("/ssp/heartbeat", hb);
    assertThat(r.status()).isEqualTo(409);
    assertThat(r.body()).contains("rebootstrap-required");
    assertThat(http.post("/ssp/heartbeat", hb).status()).isEqualTo(404);
    // The freeze was released: the replica catches up.
    Http.await("replica caught up", () -> s.replicaSeq() == 6);
    // Re-registering starts over from the current replica.
    Http.Response again =
        http.post("/ssp/register", "{\"ssp_id\":\"ssp-o\",\"url\":\"" + ssp.url() + "\"}");
    assertThat(((IntValue) ((ObjectValue) again.json()).get("snapshot_seq")).value()).isEqualTo(6);
  }

  @Test
  void unknownHeartbeatIs404() throws Exception {
    Scheduler s = closing(Scheduler.start(config()));
    Http http = closing(new Http(s.port()));
    Http.Response r =
        http.post("/ssp/heartbeat", "{\"ssp_id\":\"nobody\",\"views\":0,\"cpu\":0,\"memory\":0}");
    assertThat(r.status()).isEqualTo(404);
    assertThat(r.body()).contains("unknown-ssp");
  }

  @Test
  void staleSspLeavesThePoolAndItsQueriesMove() throws Exception {
    Scheduler s =
        closing(
            Scheduler.start(
                config()
                    .withTimings(
                        Duration.ofMillis(100), Duration.ofMillis(1500), Duration.ofMillis(50))));
    Http http = closing(new Http(s.port()));
    TestSsp a = closing(new TestSsp("a"));
    TestSsp b = closing(new TestSsp("b"));
    a.health("ok");
    b.health("ok");
    http.post("/ssp/register", "{\"ssp_id\":\"a\",\"url\":\"" + a.url() + "\"}");
    http.post("/ssp/register", "{\"ssp_id\":\"b\",\"url\":\"" + b.url() + "\"}");
    // Only b heartbeats (from the start); a goes stale and its query moves to b.
    Thread beat =
        Thread.ofVirtual()
            .start(
                () -> {
                  try (Http h = new Http(s.port())) {
                    while (!Thread.currentThread().isInterrupted()) {
                      h.post(
                          "/ssp/heartbeat",
                          "{\"ssp_id\":\"b\",\"views\":1,\"cpu\":1,\"memory\":1}");
                      Thread.sleep(100);
                    }
                  } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                  } catch (Exception e) {
                    throw new RuntimeException(e);
                  }
                });
    Http.await(
        "both ready",
        () -> stateOf(http, "a").equals("ready") && stateOf(http, "b").equals("ready"));

    Http.Response placed =
        http.post(
            "/query/register",
            "{\"query_id\":\"q1\",\"surql\":\"SELECT * FROM user\",\"params\":{},"
                + "\"client_id\":\"c1\"}");
    assertThat(placed.status()).as(placed.body()).isEqualTo(200);
    ObjectValue p = (ObjectValue) placed.json();
    assertThat(p.get("ssp_id")).isEqualTo(new StringValue("a"));
    assertThat(p.get("ssp_url")).isEqualTo(new StringValue(a.url()));
    assertThat(((ObjectValue) p.get("initial")).get("id")).isEqualTo(new StringValue("q1"));
    assertThat(a.registeredViews).containsExactly("q1");

    // Registering the same query again keeps it on the same SSP.
    http.post(
        "/query/register", "{\"query_id\":\"q1\",\"surql\":\"SELECT * FROM user\",\"params\":{}}");
    assertThat(b.registeredViews).isEmpty();

    try {
      Http.await("a removed", () -> stateOf(http, "a").equals("absent"));
      // The move runs after the removal, on its own thread: until then GET /query/q1 may still
      // name a, then answers 503 (pending) for a moment; clients retry until it names b.
      Http.await("q1 moved to b", () -> sspOfQuery(http, "q1").equals("b"));
      Http.Response where = http.get("/query/q1");
      assertThat(where.status()).isEqualTo(200);
      assertThat(((ObjectValue) where.json()).get("ssp_id")).isEqualTo(new StringValue("b"));
      assertThat(b.registeredViews).containsExactly("q1");
      assertThat(stateOf(http, "b")).isEqualTo("ready");
    } finally {
      beat.interrupt();
      beat.join();
    }
    assertThat(http.post("/query/unregister", "{\"query_id\":\"q1\"}").status()).isEqualTo(200);
    assertThat(http.get("/query/q1").status()).isEqualTo(404);
  }

  @Test
  void queryRegistrationWithoutReadySspIs503() throws Exception {
    Scheduler s = closing(Scheduler.start(config()));
    Http http = closing(new Http(s.port()));
    Http.Response r =
        http.post("/query/register", "{\"query_id\":\"q\",\"surql\":\"SELECT * FROM t\"}");
    assertThat(r.status()).isEqualTo(503);
    assertThat(r.body()).contains("no-ssp-available");
  }

  @Test
  void sharedSecretGuardsEveryEndpointAndIsSentToSsps() throws Exception {
    Scheduler s = closing(Scheduler.start(config().withSecret("s3cret")));
    Http anonymous = closing(new Http(s.port()));
    Http wrong = closing(new Http(s.port(), "nope"));
    Http http = closing(new Http(s.port(), "s3cret"));
    assertThat(anonymous.get("/health").status()).isEqualTo(401);
    assertThat(anonymous.get("/metrics").status()).isEqualTo(401);
    assertThat(wrong.post("/ingest", events(1, 1)).status()).isEqualTo(401);
    assertThat(http.get("/health").status()).isEqualTo(200);

    TestSsp ssp = closing(new TestSsp("sec"));
    ssp.health("ok");
    http.post("/ssp/register", "{\"ssp_id\":\"sec\",\"url\":\"" + ssp.url() + "\"}");
    assertThat(http.post("/ingest", events(1, 3)).status()).isEqualTo(200);
    Http.await("delivered", () -> ssp.seqs.size() == 3);
    assertThat(ssp.authHeaders).allMatch("Bearer s3cret"::equals);
  }

  @Test
  void failedDeliveriesAreRetriedInOrder() throws Exception {
    Scheduler s = closing(Scheduler.start(config()));
    Http http = closing(new Http(s.port()));
    TestSsp ssp = closing(new TestSsp("flaky"));
    ssp.health("ok");
    http.post("/ssp/register", "{\"ssp_id\":\"flaky\",\"url\":\"" + ssp.url() + "\"}");
    Http.await("ready", () -> stateOf(http, "flaky").equals("ready"));
    ssp.ingestStatus(503);
    http.post("/ingest", events(1, 5));
    http.post("/ingest", events(6, 10));
    ssp.ingestStatus(200);
    Http.await("delivered", () -> ssp.seqs.size() >= 10);
    assertThat(ssp.seqs).containsExactlyElementsOf(LongStream.rangeClosed(1, 10).boxed().toList());
  }

  @Test
  void metricsAndHealth() throws Exception {
    Scheduler s = closing(Scheduler.start(config()));
    Http http = closing(new Http(s.port()));
    http.post("/ingest", events(1, 4));
    Http.Response m = http.get("/metrics");
    assertThat(m.status()).isEqualTo(200);
    assertThat(m.body())
        .contains("spooky_scheduler_events_ingested_total 4")
        .contains("spooky_scheduler_wal_last_seq 4");
    ObjectValue h = (ObjectValue) http.get("/health").json();
    assertThat(h.get("status")).isEqualTo(new StringValue("ok"));
    assertThat(h.get("seq")).isEqualTo(new IntValue(4));
  }
}
