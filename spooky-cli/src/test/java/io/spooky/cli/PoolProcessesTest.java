package io.spooky.cli;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.spooky.core.digest.ContentDigest;
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
import java.io.IOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.BooleanSupplier;
import java.util.function.Supplier;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The acceptance of the distributed architecture with real processes on loopback: the dev
 * SurrealDB, a scheduler JVM ({@code spooky scheduler}) and SSP JVMs ({@code spooky ssp}) started
 * from this test's class path, talking HTTP with the shared secret. One scenario, in phases that
 * build on each other:
 *
 * <ol>
 *   <li>Writes flow SurrealDB → scheduler (change capture) → SSPs; queries are placed by {@code
 *       round_robin}, then (after restarts with another {@code SPOOKY_SCHEDULER_LOAD_BALANCE}) by
 *       {@code least_queries} and {@code least_load}; every view's Merkle root equals the root
 *       computed from SurrealDB's own SELECT result.
 *   <li>An SSP killed with SIGKILL under continuous writes: its queries move to the others once it
 *       is stale, {@code GET /query/{id}} names the new SSP, and the views there converge.
 *   <li>A new SSP joins mid-load: it bootstraps through the proxy, replays and converges.
 *   <li>The scheduler killed with SIGKILL under writes and restarted on the same WAL and replica:
 *       placement answers at once, seqs continue, and the WAL holds exactly one event per write
 *       made to SurrealDB plus one per ingested event (nothing lost, nothing repeated); a counter
 *       incremented N times reads N in its view.
 *   <li>An SSP stopped with SIGSTOP while more than {@code max_buffer_per_ssp} events arrive: once
 *       the delivery to it times out the scheduler flags it {@code overflowed} and moves its
 *       queries, while the SSPs that keep acknowledging the same burst stay Ready; after SIGCONT
 *       its heartbeat is answered 409, it re-registers and re-bootstraps in the same process (its
 *       old views dropped, not served beside their moved copies), and converges.
 * </ol>
 *
 * <p>Timings are shortened through the documented environment variables. Every wait is a bounded
 * poll that fails with the state it last saw; elapsed times are printed, never asserted. Children's
 * output goes to files in the test's temporary directory; their tails are printed when the test
 * fails, and every child is killed at the end.
 */
@DevSurreal
class PoolProcessesTest {
  private static final String SECRET = "pool-acceptance-secret";
  private static final int MAX_BUFFER = 1_000;
  private static final int BURST = 2_500;

  /**
   * Longer than the scheduler's 10 s delivery request timeout: a stopped SSP must be flagged (its
   * delivery timed out) before it would be removed as stale.
   */
  private static final long STALE_MS = 14_000;

  private static final Duration WAIT = Duration.ofSeconds(120);
  private static final ObjectMapper JSON = new ObjectMapper();

  @TempDir Path dir;
  private final HttpClient http =
      HttpClient.newBuilder()
          .version(HttpClient.Version.HTTP_1_1)
          .connectTimeout(Duration.ofSeconds(2))
          .build();
  private final List<Child> children = new ArrayList<>();
  private final Map<String, Query> queries = new LinkedHashMap<>();
  private DevSurrealEndpoint db;
  private SurrealClient surreal;
  private Writer writer;
  private String sched;
  private int schedPort;
  private long ingested;

  /** A live query as the test registers it, and how to ask SurrealDB for the same result. */
  private record Query(String id, String surql, Map<String, Object> vars) {
    String paramsJson() {
      try {
        return JSON.writeValueAsString(vars);
      } catch (IOException e) {
        throw new IllegalStateException(e);
      }
    }
  }

  @Test
  void schedulerAndSspPoolSurviveKillsJoinsRestartsAndFloods(DevSurrealEndpoint endpoint)
      throws Exception {
    db = endpoint;
    try {
      scenario();
    } catch (Throwable t) {
      printTails();
      throw t;
    } finally {
      if (writer != null) {
        writer.stop();
      }
      for (Child c : children) {
        c.kill();
      }
      if (surreal != null) {
        surreal.close();
      }
    }
  }

  private void scenario() throws Exception {
    schedPort = freePort();
    sched = "http://127.0.0.1:" + schedPort;
    surreal = connect();
    for (var r :
        surreal.query(
            "DEFINE TABLE item CHANGEFEED 1h INCLUDE ORIGINAL;"
                + " DEFINE TABLE counter CHANGEFEED 1h INCLUDE ORIGINAL;")) {
      r.orThrow();
    }
    Set<Integer> existing = new HashSet<>();
    for (int i = 1; i <= 30; i++) {
      surreal.queryValue(
          "CREATE $id SET n = $n, grp = $g, v = 0, label = $l",
          Map.of("id", RecordId.of("item", i), "n", (i * 7) % 100, "g", i % 3, "l", "s" + i));
      existing.add(i);
    }
    surreal.queryValue("CREATE counter:c SET n = 0", Map.of());
    long seeded = 31;

    // ---- 1. scheduler + three SSPs; round_robin placement; SurrealDB → scheduler → SSPs
    Child scheduler = startScheduler("round_robin", 250, 1);
    awaitSeq("the seed writes captured", seeded);
    Map<String, Child> ssps = new TreeMap<>();
    for (String id : List.of("ssp-1", "ssp-2", "ssp-3")) {
      ssps.put(id, startSsp(id));
    }
    awaitReady(ssps.keySet());
    List<String> rotation = List.of("ssp-1", "ssp-2", "ssp-3");
    List<Query> first =
        List.of(
            query("q1", "SELECT * FROM item WHERE grp = 0 ORDER BY n, id"),
            query("q2", "SELECT * FROM item WHERE n > 50 ORDER BY n DESC, id"),
            query("q3", "SELECT * FROM counter"),
            query("q4", "SELECT * FROM item WHERE grp = 1 AND n < 70 ORDER BY id"),
            query("q5", "SELECT * FROM item WHERE n >= $min ORDER BY v, id", Map.of("min", 40)),
            query("q6", "SELECT * FROM item"));
    for (int i = 0; i < first.size(); i++) {
      // The rotation starts at the smallest id and advances once per placement.
      assertThat(register(first.get(i))).as(first.get(i).id()).isEqualTo(rotation.get(i % 3));
    }
    writer = new Writer(connect(), existing, new Random(20261204L));
    writer.start();
    awaitTrue("writes flowing", () -> writer.events() >= 40, writer::describe);
    converge("round_robin placement under writes");

    // ---- 2. kill -9 an SSP under continuous writes: its queries move once it is stale
    List<String> onTwo = heldBy("ssp-2");
    assertThat(onTwo).containsExactly("q2", "q5");
    long killed = System.nanoTime();
    ssps.remove("ssp-2").kill();
    awaitTrue(
        "ssp-2's queries on another live SSP",
        () -> onTwo.stream().allMatch(q -> Set.of("ssp-1", "ssp-3").contains(holder(q) + "")),
        () -> "holders " + holders(onTwo) + ", pool " + body(sched + "/ssps"));
    System.out.printf(
        "pool: queries of the killed SSP moved after %d ms (stale_after %d ms)%n",
        ms(killed), STALE_MS);
    assertThat(stateOf("ssp-2")).isEqualTo("absent");
    long atMove = writer.events();
    awaitTrue("writes after the move", () -> writer.events() >= atMove + 30, writer::describe);
    converge("after ssp-2 was killed");

    // ---- 3. a new SSP joins mid-load: bootstraps, replays, converges
    long joinAt = System.nanoTime();
    ssps.put("ssp-4", startSsp("ssp-4"));
    awaitReady(Set.of("ssp-4"));
    System.out.printf("pool: ssp-4 ready %d ms after its JVM was started%n", ms(joinAt));
    Set<String> third = new TreeSet<>();
    for (Query q :
        List.of(
            query("q7", "SELECT * FROM item WHERE grp = 2 ORDER BY n, id"),
            query("q8", "SELECT * FROM item WHERE label CONTAINS 'w' ORDER BY id"),
            query("q9", "SELECT * FROM item WHERE n < $max ORDER BY id", Map.of("max", 30)))) {
      third.add(register(q));
    }
    assertThat(third)
        .as("round_robin over three Ready SSPs")
        .containsExactly(ssps.keySet().toArray(String[]::new));
    converge("after ssp-4 joined");

    // ---- 4. kill -9 the scheduler under writes; restart (least_queries) on the same WAL/replica
    Map<String, String> before = holders(List.copyOf(queries.keySet()));
    long seqBefore = seq();
    scheduler.kill();
    long downAt = writer.events();
    awaitTrue(
        "writes while the scheduler is down",
        () -> writer.events() >= downAt + 30,
        writer::describe);
    long restart = System.nanoTime();
    scheduler = startScheduler("least_queries", 250, 2);
    assertThat(seq()).as("seq continues from the WAL").isGreaterThanOrEqualTo(seqBefore);
    assertThat(holders(List.copyOf(queries.keySet())))
        .as("placement answered from the persisted state right after the restart")
        .isEqualTo(before);
    awaitReady(ssps.keySet());
    System.out.printf(
        "pool: all SSPs ready again %d ms after the scheduler restart%n", ms(restart));
    assertThat(holders(List.copyOf(queries.keySet()))).as("placement kept").isEqualTo(before);
    converge("after the scheduler was killed and restarted");
    for (Query q :
        List.of(
            query("q10", "SELECT * FROM item WHERE grp != 1 ORDER BY id"),
            query("q11", "SELECT * FROM item WHERE v > 10 ORDER BY v"),
            query("q12", "SELECT * FROM counter WHERE n > 0"))) {
      String expected = leastQueries();
      assertThat(register(q)).as("least_queries places " + q.id()).isEqualTo(expected);
    }
    converge("least_queries placement");

    // ---- 5. flood a stopped SSP past max_buffer_per_ssp: 409, re-bootstrap, converge
    String victim = "ssp-3";
    Child stopped = ssps.get(victim);
    List<String> victimQueries = heldBy(victim);
    assertThat(victimQueries).isNotEmpty();
    int bootstrapsBefore = count(stopped, "event=bootstrap_through_scheduler_done");
    stopped.signal("STOP");
    long stopAt = System.nanoTime();
    try {
      for (int from = 1; from <= BURST; from += 500) {
        ingestBurst(from, Math.min(BURST, from + 499));
      }
      awaitTrue(
          victim + " flagged overflowed",
          () -> stateOf(victim).equals("overflowed"),
          () -> "state " + stateOf(victim) + ", pool " + body(sched + "/ssps"));
      System.out.printf("pool: %s flagged overflowed %d ms after SIGSTOP%n", victim, ms(stopAt));
    } finally {
      stopped.signal("CONT");
    }
    awaitTrue(
        victim + " heard 409 on a heartbeat",
        () -> count(stopped, "event=scheduler_rejoin status=409") > 0,
        () -> tail(stopped, 15));
    awaitReady(Set.of(victim));
    assertThat(stopped.process.isAlive()).as(victim + " survived the re-bootstrap").isTrue();
    assertThat(count(stopped, "event=bootstrap_through_scheduler_done"))
        .as(victim + " bootstrapped again")
        .isGreaterThan(bootstrapsBefore);
    assertThat(body(sched + "/metrics")).contains("spooky_scheduler_ssp_overflows_total 1\n");
    // Its queries were moved when it was flagged (a move that ran after its re-registration may
    // have placed one back on it). Those living elsewhere are not served by it any more.
    awaitTrue(
        victim + "'s queries placed again",
        () -> victimQueries.stream().allMatch(q -> holder(q) != null),
        () -> "holders " + holders(victimQueries));
    List<String> elsewhere = victimQueries.stream().filter(q -> !victim.equals(holder(q))).toList();
    assertThat(elsewhere).as("queries moved off the overflowed SSP").isNotEmpty();
    for (String q : elsewhere) {
      assertThat(status(urlOf(victim) + "/views/" + q))
          .as(q + " lives on " + holder(q) + ", not also on " + victim)
          .isEqualTo(404);
    }
    for (Query q :
        List.of(
            query("q13", "SELECT * FROM burst WHERE i > 2450 ORDER BY i"),
            query("q14", "SELECT * FROM item WHERE grp = 0 ORDER BY id"))) {
      assertThat(leastQueries()).as("the emptied SSP has the fewest queries").isEqualTo(victim);
      assertThat(register(q)).as("least_queries places " + q.id()).isEqualTo(victim);
    }
    converge("after the flood");

    // ---- 6. graceful restart with least_load
    scheduler.stop();
    scheduler = startScheduler("least_load", 1_000, 3);
    awaitReady(ssps.keySet());
    leastLoad(3);
    writer.stop();
    converge("final");
  }

  // ------------------------------------------------------------------ placement strategies

  /** The SSP {@code least_queries} must pick now: fewest queries, ties to the smallest id. */
  private String leastQueries() {
    String best = null;
    int fewest = Integer.MAX_VALUE;
    for (JsonNode s : readyPool().values()) {
      if (s.get("queries").asInt() < fewest) {
        fewest = s.get("queries").asInt();
        best = s.get("ssp_id").asText();
      }
    }
    return best;
  }

  /**
   * {@code least_load} picks by the cpu and memory of each SSP's last heartbeat, which change with
   * every heartbeat. A placement is checked only when the pool read just before and just after it
   * shows the same figures for every SSP (no heartbeat in between), so the expected SSP is known.
   */
  private void leastLoad(int checks) {
    int validated = 0;
    int attempts = 0;
    while (validated < checks) {
      attempts++;
      assertThat(attempts)
          .as("placements tried to see %d without a heartbeat in between", checks)
          .isLessThanOrEqualTo(100);
      Map<String, JsonNode> before = readyPool();
      Query q =
          query(
              "ll" + attempts,
              "SELECT * FROM item WHERE n > $min ORDER BY id",
              Map.of("min", attempts));
      String placed = register(q);
      Map<String, JsonNode> after = readyPool();
      if (!loads(before).equals(loads(after))) {
        unregister(q);
        continue;
      }
      String expected = null;
      double lowest = Double.MAX_VALUE;
      for (JsonNode s : before.values()) {
        double load = s.get("cpu").asDouble() + s.get("memory").asDouble();
        if (load < lowest) {
          lowest = load;
          expected = s.get("ssp_id").asText();
        }
      }
      assertThat(placed).as("least_load with loads " + loads(before)).isEqualTo(expected);
      validated++;
    }
    System.out.printf("pool: least_load checked %d times in %d placements%n", checks, attempts);
  }

  private static Map<String, List<Double>> loads(Map<String, JsonNode> pool) {
    Map<String, List<Double>> m = new TreeMap<>();
    pool.forEach(
        (id, s) -> m.put(id, List.of(s.get("cpu").asDouble(), s.get("memory").asDouble())));
    return m;
  }

  /** Ready SSPs of {@code GET /ssps}, by id. */
  private Map<String, JsonNode> readyPool() {
    Map<String, JsonNode> m = new TreeMap<>();
    for (JsonNode s : pool()) {
      if (s.get("state").asText().equals("ready")) {
        m.put(s.get("ssp_id").asText(), s);
      }
    }
    return m;
  }

  // ------------------------------------------------------------------ convergence

  /**
   * Pauses the writer and waits until the scheduler's seq equals the events made (one per write,
   * one per ingested event: no loss, no duplicate), every Ready SSP acknowledged all of them, and
   * every registered view has the Merkle root of SurrealDB's result, at the SSP the scheduler
   * names.
   */
  private void converge(String phase) {
    writer.pause();
    long started = System.nanoTime();
    try {
      long expected = 31 + writer.events() + ingested;
      awaitSeq(phase + ": one WAL event per change", expected);
      awaitTrue(
          phase + ": every Ready SSP acknowledged seq " + expected,
          () -> {
            List<JsonNode> pool = pool();
            return !pool.isEmpty()
                && pool.stream()
                    .allMatch(
                        s ->
                            s.get("state").asText().equals("ready")
                                && s.get("acked_seq").asLong() == expected);
          },
          () -> "pool " + body(sched + "/ssps"));
      for (Query q : queries.values()) {
        awaitTrue(
            phase + ": " + q.id() + " placed",
            () -> holder(q.id()) != null,
            () -> body(sched + "/query/" + q.id()));
        String at = holder(q.id());
        awaitView(urlOf(at), q, phase + " on " + at);
      }
      JsonNode counter = view(urlOf(holder("q3")), "q3");
      assertThat(counter.get("rows").get(0).get("n").asLong())
          .as(phase + ": the counter view after %d increments", writer.increments())
          .isEqualTo(writer.increments());
    } finally {
      writer.resume();
    }
    System.out.printf(
        "pool: %s converged in %d ms (%d writes, %d ingested)%n",
        phase, ms(started), writer.events(), ingested);
  }

  /** Waits until the view {@code q} at {@code sspUrl} has the root of SurrealDB's result. */
  private void awaitView(String sspUrl, Query q, String what) {
    List<Value> rows = expectedRows(q);
    String root = root(rows);
    JsonNode[] last = new JsonNode[1];
    awaitTrue(
        what + ": " + q.id() + " has SurrealDB's root",
        () -> {
          last[0] = view(sspUrl, q.id());
          return last[0] != null && last[0].get("hash").asText().equals(root);
        },
        () ->
            "expected root "
                + root
                + " of "
                + rows.size()
                + " rows, view "
                + (last[0] == null
                    ? "unavailable"
                    : "hash " + last[0].get("hash").asText() + ", rows " + last[0].get("rows")));
  }

  private List<Value> expectedRows(Query q) {
    if (q.surql().contains("FROM burst")) {
      List<Value> rows = new ArrayList<>();
      for (int i = 2451; i <= BURST; i++) {
        rows.add(Value.object(Map.of("id", RecordId.of("burst", i), "i", Value.of(i))));
      }
      return rows;
    }
    return ((ArrayValue) surreal.queryValue(q.surql(), q.vars())).items();
  }

  /** The root of a Merkle tree built independently from rows: (id, content digest of the row). */
  private static String root(List<Value> rows) {
    MerkleTree t = new MerkleTree();
    for (Value r : rows) {
      t.put((RecordId) ((ObjectValue) r).get("id"), ContentDigest.of(r));
    }
    return t.root().hex();
  }

  private JsonNode view(String sspUrl, String id) {
    return sspUrl == null ? null : getJson(sspUrl + "/views/" + id);
  }

  // ------------------------------------------------------------------ scheduler API

  private Query query(String id, String surql) {
    return query(id, surql, Map.of());
  }

  private Query query(String id, String surql, Map<String, Object> vars) {
    return new Query(id, surql, vars);
  }

  /** Registers {@code q} through the scheduler; returns the SSP it was placed on. */
  private String register(Query q) {
    String body =
        "{\"query_id\":"
            + quote(q.id())
            + ",\"surql\":"
            + quote(q.surql())
            + ",\"params\":"
            + q.paramsJson()
            + ",\"client_id\":\"pool-test\"}";
    Reply r = post(sched + "/query/register", body);
    assertThat(r.status()).as("register " + q.id() + ": " + r.body()).isEqualTo(200);
    JsonNode placed = parse(r.body());
    assertThat(placed.has("initial")).as(r.body()).isTrue();
    queries.put(q.id(), q);
    return placed.get("ssp_id").asText();
  }

  private void unregister(Query q) {
    Reply r = post(sched + "/query/unregister", "{\"query_id\":" + quote(q.id()) + "}");
    assertThat(r.status()).as("unregister " + q.id() + ": " + r.body()).isEqualTo(200);
    queries.remove(q.id());
  }

  private void ingestBurst(int from, int to) {
    StringBuilder b = new StringBuilder("{\"events\":[");
    for (int i = from; i <= to; i++) {
      b.append(i == from ? "" : ",")
          .append("{\"op\":\"CREATE\",\"id\":\"burst:")
          .append(i)
          .append("\",\"after\":{\"i\":")
          .append(i)
          .append("}}");
    }
    Reply r = post(sched + "/ingest", b.append("]}").toString());
    assertThat(r.status()).as("ingest: " + r.body()).isEqualTo(200);
    ingested += to - from + 1;
  }

  /** The SSP a query lives on per {@code GET /query/{id}}, or null (pending, unknown, down). */
  private String holder(String queryId) {
    JsonNode n = getJson(sched + "/query/" + queryId);
    return n == null ? null : n.get("ssp_id").asText();
  }

  private Map<String, String> holders(List<String> ids) {
    Map<String, String> m = new TreeMap<>();
    for (String id : ids) {
      m.put(id, String.valueOf(holder(id)));
    }
    return m;
  }

  private List<String> heldBy(String sspId) {
    List<String> ids = new ArrayList<>();
    for (String q : queries.keySet()) {
      if (sspId.equals(holder(q))) {
        ids.add(q);
      }
    }
    return ids;
  }

  /** The scheduler's seq ({@code GET /health}), or -1 when it does not answer. */
  private long seq() {
    JsonNode h = getJson(sched + "/health");
    return h == null ? -1 : h.get("seq").asLong();
  }

  private void awaitSeq(String what, long expected) {
    awaitTrue(
        what + ": scheduler seq " + expected,
        () -> seq() == expected,
        () -> "seq " + seq() + " (health " + body(sched + "/health") + ")");
  }

  private List<JsonNode> pool() {
    JsonNode a = getJson(sched + "/ssps");
    List<JsonNode> l = new ArrayList<>();
    if (a != null) {
      a.forEach(l::add);
    }
    return l;
  }

  private String stateOf(String sspId) {
    for (JsonNode s : pool()) {
      if (s.get("ssp_id").asText().equals(sspId)) {
        return s.get("state").asText();
      }
    }
    return "absent";
  }

  private String urlOf(String sspId) {
    for (JsonNode s : pool()) {
      if (s.get("ssp_id").asText().equals(sspId)) {
        return s.get("url").asText();
      }
    }
    return null;
  }

  private void awaitReady(Set<String> ids) {
    awaitTrue(
        ids + " ready",
        () -> ids.stream().allMatch(id -> stateOf(id).equals("ready")),
        () -> "pool " + body(sched + "/ssps"));
  }

  // ------------------------------------------------------------------ processes

  private Child startScheduler(String loadBalance, int heartbeatMs, int run) throws IOException {
    Map<String, String> env = new TreeMap<>();
    env.put("SPOOKY_SCHEDULER_HOST", "127.0.0.1");
    env.put("SPOOKY_SCHEDULER_INGEST_PORT", Integer.toString(schedPort));
    env.put("SPOOKY_SCHEDULER_DB_URL", db.rpcUrl().toString());
    env.put("SPOOKY_SCHEDULER_DB_NS", db.namespace());
    env.put("SPOOKY_SCHEDULER_DB_DB", db.database());
    env.put("SPOOKY_SCHEDULER_DB_USER", db.username());
    env.put("SPOOKY_SCHEDULER_DB_PASS", db.password());
    env.put("SPOOKY_SCHEDULER_TABLES", "item,counter");
    env.put("SPOOKY_SCHEDULER_REPLICA_DB_PATH", dir.resolve("replica").toString());
    env.put("SPOOKY_SCHEDULER_WAL_PATH", dir.resolve("wal").toString());
    env.put("SPOOKY_SCHEDULER_LOAD_BALANCE", loadBalance);
    env.put("SPOOKY_SCHEDULER_HEARTBEAT_INTERVAL_MS", Integer.toString(heartbeatMs));
    env.put("SPOOKY_SCHEDULER_STALE_AFTER_MS", Long.toString(STALE_MS));
    env.put("SPOOKY_SCHEDULER_SSP_POLL_INTERVAL_MS", "100");
    env.put("SPOOKY_SCHEDULER_MAX_BUFFER_PER_SSP", Integer.toString(MAX_BUFFER));
    env.put("SPOOKY_SCHEDULER_SECRET", SECRET);
    Child c = start("scheduler-" + run, "scheduler", env);
    awaitTrue("scheduler run " + run + " listening", () -> seq() >= 0, () -> tail(c, 20));
    return c;
  }

  private Child startSsp(String id) throws IOException {
    Map<String, String> env = new TreeMap<>();
    env.put("SURREALDB_ADDR", db.rpcUrl().toString());
    env.put("SURREALDB_USER", db.username());
    env.put("SURREALDB_PASS", db.password());
    env.put("SURREALDB_NS", db.namespace());
    env.put("SURREALDB_DB", db.database());
    env.put("LISTEN_ADDR", "127.0.0.1:0");
    env.put("SCHEDULER_URL", sched);
    env.put("SSP_ID", id);
    env.put("SPOOKY_SECRET", SECRET);
    env.put("SSP_TABLES", "item,counter");
    env.put("SSP_PAGE_SIZE", "16");
    return start(id, "ssp", env);
  }

  private Child start(String name, String command, Map<String, String> env) throws IOException {
    Path work = Files.createDirectories(dir.resolve("run-" + name));
    Path log = dir.resolve(name + ".log");
    ProcessBuilder pb =
        new ProcessBuilder(
                Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "-Xmx256m",
                "-XX:+UseSerialGC",
                "-XX:TieredStopAtLevel=1",
                "-cp",
                System.getProperty("java.class.path"),
                Main.class.getName(),
                command)
            .directory(work.toFile())
            .redirectErrorStream(true)
            .redirectOutput(log.toFile());
    pb.environment().keySet().removeIf(k -> k.startsWith("SPOOKY_") || k.startsWith("SSP_"));
    pb.environment().remove("SCHEDULER_URL");
    pb.environment().remove("LISTEN_ADDR");
    pb.environment().putAll(env);
    Child c = new Child(name, pb.start(), log);
    children.add(c);
    return c;
  }

  /** A child JVM and the file its stdout and stderr go to. */
  private record Child(String name, Process process, Path log) {
    void kill() {
      process.destroyForcibly();
      try {
        process.waitFor(30, TimeUnit.SECONDS);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
      }
    }

    /** SIGTERM, waiting for the shutdown hooks; SIGKILL if they do not finish. */
    void stop() throws InterruptedException {
      process.destroy();
      if (!process.waitFor(30, TimeUnit.SECONDS)) {
        kill();
      }
    }

    void signal(String signal) throws IOException, InterruptedException {
      Process p =
          new ProcessBuilder("kill", "-" + signal, Long.toString(process.pid()))
              .redirectErrorStream(true)
              .start();
      assertThat(p.waitFor()).as("kill -" + signal + " " + name).isZero();
    }

    String output() {
      try {
        return new String(Files.readAllBytes(log), StandardCharsets.UTF_8);
      } catch (IOException e) {
        return "";
      }
    }
  }

  private static int count(Child c, String needle) {
    String out = c.output();
    int n = 0;
    for (int i = out.indexOf(needle); i >= 0; i = out.indexOf(needle, i + 1)) {
      n++;
    }
    return n;
  }

  private static String tail(Child c, int lines) {
    List<String> all = c.output().lines().toList();
    return "\n--- "
        + c.name()
        + " (last "
        + lines
        + " lines) ---\n"
        + String.join("\n", all.subList(Math.max(0, all.size() - lines), all.size()));
  }

  private void printTails() {
    for (Child c : children) {
      System.err.println(tail(c, 60) + (c.process().isAlive() ? "" : "\n(exited)"));
    }
    System.err.println("--- scheduler /ssps: " + body(sched + "/ssps"));
    if (writer != null) {
      System.err.println("--- writer: " + writer.describe());
    }
  }

  // ------------------------------------------------------------------ the writer

  /**
   * Writes to SurrealDB continuously on its own connection, one record per statement, each write
   * changing the record (so each is exactly one change event): upserts of {@code item:1..60},
   * deletes of existing items, and increments of {@code counter:c}. {@link #pause} returns once no
   * statement is in flight.
   */
  private static final class Writer {
    private final SurrealClient client;
    private final Set<Integer> existing;
    private final Random random;
    private final Object lock = new Object();
    private final AtomicLong events = new AtomicLong();
    private final AtomicLong increments = new AtomicLong();
    private final Thread thread;
    private volatile boolean paused;
    private volatile boolean stopped;
    private volatile Throwable error;
    private long version;

    Writer(SurrealClient client, Set<Integer> existing, Random random) {
      this.client = client;
      this.existing = existing;
      this.random = random;
      this.thread = Thread.ofPlatform().name("pool-test-writer").daemon().unstarted(this::run);
    }

    void start() {
      thread.start();
    }

    long events() {
      assertThat(error).as("the writer failed").isNull();
      return events.get();
    }

    long increments() {
      return increments.get();
    }

    String describe() {
      return "writes " + events.get() + ", increments " + increments.get() + ", error " + error;
    }

    private void run() {
      while (!stopped) {
        synchronized (lock) {
          while (paused && !stopped) {
            try {
              lock.wait();
            } catch (InterruptedException e) {
              return;
            }
          }
          if (stopped) {
            return;
          }
          try {
            step();
          } catch (RuntimeException e) {
            error = e;
            return;
          }
        }
        try {
          Thread.sleep(15);
        } catch (InterruptedException e) {
          return;
        }
      }
    }

    private void step() {
      int k = 1 + random.nextInt(60);
      int op = random.nextInt(10);
      if (op < 2 && existing.contains(k)) {
        client.queryValue("DELETE $id", Map.of("id", RecordId.of("item", k)));
        existing.remove(k);
      } else if (op < 4) {
        client.queryValue("UPDATE counter:c SET n += 1", Map.of());
        increments.incrementAndGet();
      } else {
        version++;
        int n = random.nextInt(100);
        client.queryValue(
            "UPSERT $id SET n = $n, grp = $g, v = $v, label = $l",
            Map.of(
                "id",
                RecordId.of("item", k),
                "n",
                n,
                "g",
                random.nextInt(3),
                "v",
                version,
                "l",
                "w" + version));
        existing.add(k);
      }
      events.incrementAndGet();
    }

    void pause() {
      paused = true;
      synchronized (lock) {
        assertThat(error).as("the writer failed").isNull();
      }
    }

    void resume() {
      synchronized (lock) {
        paused = false;
        lock.notifyAll();
      }
    }

    void stop() {
      stopped = true;
      resume();
      try {
        thread.join(10_000);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
      }
      client.close();
    }
  }

  // ------------------------------------------------------------------ plumbing

  private SurrealClient connect() {
    return SurrealClient.connect(
        SurrealConfig.builder(db.rpcUrl())
            .credentials(Credentials.root(db.username(), db.password()))
            .namespace(db.namespace())
            .database(db.database())
            .build());
  }

  private record Reply(int status, String body) {}

  private Reply post(String url, String body) {
    return send(
        HttpRequest.newBuilder(URI.create(url))
            .header("Content-Type", "application/json")
            .POST(HttpRequest.BodyPublishers.ofString(body)));
  }

  private Reply send(HttpRequest.Builder b) {
    try {
      HttpResponse<String> r =
          http.send(
              b.header("Authorization", "Bearer " + SECRET).timeout(Duration.ofSeconds(20)).build(),
              HttpResponse.BodyHandlers.ofString());
      return new Reply(r.statusCode(), r.body());
    } catch (IOException e) {
      return new Reply(-1, e.toString());
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException(e);
    }
  }

  /** {@code GET url} as JSON, or null when it is not a 200 (or nobody answers). */
  private JsonNode getJson(String url) {
    Reply r = send(HttpRequest.newBuilder(URI.create(url)).timeout(Duration.ofSeconds(5)).GET());
    return r.status() == 200 ? parse(r.body()) : null;
  }

  private int status(String url) {
    return send(HttpRequest.newBuilder(URI.create(url)).GET()).status();
  }

  private String body(String url) {
    Reply r = send(HttpRequest.newBuilder(URI.create(url)).GET());
    return r.status() + " " + r.body();
  }

  private static JsonNode parse(String s) {
    try {
      return JSON.readTree(s);
    } catch (IOException e) {
      throw new IllegalStateException("not JSON: " + s, e);
    }
  }

  private static String quote(String s) {
    try {
      return JSON.writeValueAsString(s);
    } catch (IOException e) {
      throw new IllegalStateException(e);
    }
  }

  private static int freePort() throws IOException {
    try (ServerSocket s = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
      return s.getLocalPort();
    }
  }

  private static long ms(long sinceNanos) {
    return TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - sinceNanos);
  }

  /** Polls until {@code condition} holds; the bound only turns a hang into a failure. */
  private static void awaitTrue(String what, BooleanSupplier condition, Supplier<String> detail) {
    long deadline = System.nanoTime() + WAIT.toNanos();
    while (!condition.getAsBoolean()) {
      if (System.nanoTime() > deadline) {
        throw new AssertionError(
            "never happened within " + WAIT + ": " + what + "; " + detail.get());
      }
      try {
        Thread.sleep(50);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        throw new AssertionError("interrupted waiting for " + what, e);
      }
    }
  }
}
