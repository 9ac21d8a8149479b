package io.spooky.ssp.jobs;

import static org.assertj.core.api.Assertions.assertThat;

import io.spooky.core.value.ArrayValue;
import io.spooky.core.value.ObjectValue;
import io.spooky.core.value.RecordId;
import io.spooky.core.value.StringValue;
import io.spooky.core.value.Value;
import io.spooky.devdb.DevSurreal;
import io.spooky.devdb.DevSurrealEndpoint;
import io.spooky.surreal.Credentials;
import io.spooky.surreal.SurrealClient;
import io.spooky.surreal.SurrealConfig;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Random;
import java.util.Set;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInfo;

/**
 * The runner against the real dev SurrealDB and a real HTTP backend. Each test has its own database
 * so runners of one test never see another's jobs.
 */
@DevSurreal
class JobRunnerTest {
  private static final TestBackend.Response OK = new TestBackend.Response(200, "ok");

  private final DevSurrealEndpoint db;
  private final List<AutoCloseable> open = new ArrayList<>();
  private TestBackend backend;
  private SurrealClient surreal;
  private String database;

  JobRunnerTest(DevSurrealEndpoint db) {
    this.db = db;
  }

  @BeforeEach
  void setUp(TestInfo info) {
    database = db.database() + "_" + info.getTestMethod().orElseThrow().getName();
    backend = new TestBackend();
    surreal = connect();
  }

  @AfterEach
  void tearDown() throws Exception {
    for (AutoCloseable c : open.reversed()) {
      c.close();
    }
    surreal.close();
    backend.close();
  }

  @Test
  void successStoresTheResponseAndSendsTheJobId() {
    backend.on("/echo", (nth, body) -> new TestBackend.Response(201, "got " + body));
    JobRunner runner = start("ssp-a", config());
    surreal.query("CREATE _spooky_job:s1 SET path = '/echo', payload = {to: 'ada', n: 1}");

    ObjectValue row = awaitFinished("s1");

    assertThat(row.get("status")).isEqualTo(Value.of("done"));
    assertThat(row.get("attempts")).isEqualTo(Value.of(1));
    assertThat(row.get("response_status")).isEqualTo(Value.of(201));
    assertThat(row.get("response_body")).isEqualTo(Value.of("got {\"n\":1,\"to\":\"ada\"}"));
    assertThat(row.get("errors")).isEqualTo(Value.array());
    assertThat(row.get("claimed_by")).isEqualTo(Value.of("ssp-a"));
    assertThat(row.get("tried_by")).isEqualTo(Value.array(Value.of("ssp-a")));
    assertThat(row.get("max_attempts")).isEqualTo(Value.of(4));
    assertThat(row.get("lease_until")).isEqualTo(Value.NONE);
    assertThat(backend.hits())
        .singleElement()
        .satisfies(
            h -> {
              assertThat(h.jobId()).isEqualTo("_spooky_job:s1");
              assertThat(h.path()).isEqualTo("/api/echo");
              assertThat(h.attempt()).isEqualTo("1");
            });
    awaitCount(runner::jobsDone, 1);
    assertThat(runner.jobsFailed()).isZero();
  }

  @Test
  void retriesWithBackoffUntilTheBackendRecovers() {
    backend.on("/flaky", (nth, body) -> nth <= 2 ? new TestBackend.Response(500, "boom") : OK);
    JobRunner runner = start("ssp-a", config());
    surreal.query("CREATE _spooky_job:f1 SET path = '/flaky', payload = {}");

    ObjectValue row = awaitFinished("f1");

    assertThat(row.get("status")).isEqualTo(Value.of("done"));
    assertThat(row.get("attempts")).isEqualTo(Value.of(3));
    List<Value> errors = ((ArrayValue) row.get("errors")).items();
    assertThat(errors).hasSize(2);
    assertThat(errors)
        .allSatisfy(
            e -> {
              assertThat(field(e, "status")).isEqualTo(Value.of(500));
              assertThat(((StringValue) field(e, "error")).value()).contains("HTTP 500", "boom");
              assertThat(field(e, "ssp")).isEqualTo(Value.of("ssp-a"));
            });
    assertThat(errors.stream().map(e -> field(e, "attempt")))
        .containsExactly(Value.of(1), Value.of(2));
    assertThat(backend.hits(("_spooky_job:f1"))).isEqualTo(3);
    assertThat(backend.hits().stream().map(TestBackend.Hit::attempt))
        .containsExactly("1", "2", "3");
    awaitCount(runner::jobsRetried, 2);
    awaitCount(runner::jobsDone, 1);
  }

  @Test
  void failsAfterMaxAttemptsKeepingTheLastErrors() {
    backend.on("/down", (nth, body) -> new TestBackend.Response(503, "down " + nth));
    JobRunner runner = start("ssp-a", config().withMaxErrorsKept(2));
    surreal.query("CREATE _spooky_job:d1 SET path = '/down', max_attempts = 3");

    ObjectValue row = awaitFinished("d1");

    assertThat(row.get("status")).isEqualTo(Value.of("failed"));
    assertThat(row.get("attempts")).isEqualTo(Value.of(3));
    assertThat(row.get("finished_at")).isNotEqualTo(Value.NONE);
    List<Value> errors = ((ArrayValue) row.get("errors")).items();
    assertThat(errors.stream().map(e -> field(e, "attempt")))
        .as("only the last maxErrorsKept errors remain")
        .containsExactly(Value.of(2), Value.of(3));
    assertThat(((StringValue) field(errors.get(1), "error")).value()).contains("down 3");
    assertThat(backend.hits("_spooky_job:d1")).isEqualTo(3);
    awaitCount(runner::jobsFailed, 1);
    awaitCount(runner::jobsRetried, 2);
  }

  @Test
  void aClientErrorFailsWithoutRetry() {
    backend.on("/bad", (nth, body) -> new TestBackend.Response(422, "invalid"));
    backend.on("/busy", (nth, body) -> nth == 1 ? new TestBackend.Response(429, "") : OK);
    JobRunner runner = start("ssp-a", config());
    surreal.query(
        "CREATE _spooky_job:b1 SET path = '/bad'; CREATE _spooky_job:b2 SET path = '/busy'");

    ObjectValue bad = awaitFinished("b1");
    ObjectValue busy = awaitFinished("b2");

    assertThat(bad.get("status")).isEqualTo(Value.of("failed"));
    assertThat(bad.get("attempts")).isEqualTo(Value.of(1));
    assertThat(field(((ArrayValue) bad.get("errors")).get(0), "status")).isEqualTo(Value.of(422));
    assertThat(backend.hits("_spooky_job:b1")).isEqualTo(1);
    assertThat(busy.get("status")).as("429 is retried").isEqualTo(Value.of("done"));
    assertThat(busy.get("attempts")).isEqualTo(Value.of(2));
    awaitCount(runner::jobsFailed, 1);
  }

  @Test
  void aPathThatIsNoUrlFailsAtOnce() {
    JobRunner runner = start("ssp-a", config());
    surreal.query("CREATE _spooky_job:p1 SET path = '/with space'");

    ObjectValue row = awaitFinished("p1");

    assertThat(row.get("status")).isEqualTo(Value.of("failed"));
    assertThat(row.get("attempts")).isEqualTo(Value.of(1));
    assertThat(((StringValue) field(((ArrayValue) row.get("errors")).get(0), "error")).value())
        .startsWith("invalid path");
    assertThat(backend.hits()).isEmpty();
    awaitCount(runner::jobsFailed, 1);
  }

  @Test
  void anUnreachableBackendIsRetriedUntilMaxAttempts() {
    TestBackend gone = new TestBackend();
    java.net.URI url = gone.url();
    gone.close();
    JobRunner runner =
        start(
            "ssp-a",
            JobConfig.defaults(url)
                .withPollInterval(Duration.ofMillis(100))
                .withTimeouts(Duration.ofMillis(700), Duration.ofSeconds(5))
                .withBackoff(Duration.ofMillis(20), Duration.ofMillis(100))
                .withDefaultMaxAttempts(2));
    surreal.query("CREATE _spooky_job:u1 SET path = '/x'");

    ObjectValue row = awaitFinished("u1");

    assertThat(row.get("status")).isEqualTo(Value.of("failed"));
    assertThat(row.get("attempts")).isEqualTo(Value.of(2));
    assertThat(((ArrayValue) row.get("errors")).items())
        .allSatisfy(
            e -> assertThat(((StringValue) field(e, "error")).value()).contains("request failed"));
    awaitCount(runner::jobsRetried, 1);
    awaitCount(runner::jobsFailed, 1);
  }

  @Test
  void theLiveQueryWakesTheRunnerBetweenPolls() throws InterruptedException {
    backend.on("/ok", (nth, body) -> OK);
    // Polls once at start, then not for an hour: only the live query can bring the job in.
    JobRunner runner = start("ssp-a", config().withPollInterval(Duration.ofHours(1)));
    assertThat(runner.awaitLiveSubscribed(Duration.ofSeconds(30))).isTrue();
    surreal.query("CREATE _spooky_job:l1 SET path = '/ok'");

    assertThat(awaitFinished("l1").get("status")).isEqualTo(Value.of("done"));
  }

  @Test
  void aTimedOutAttemptIsRetried() {
    backend.on(
        "/slow",
        (nth, body) -> {
          if (nth == 1) {
            Thread.sleep(3_000);
          }
          return OK;
        });
    start("ssp-a", config());
    surreal.query("CREATE _spooky_job:t1 SET path = '/slow'");

    ObjectValue row = awaitFinished("t1");

    assertThat(row.get("status")).isEqualTo(Value.of("done"));
    assertThat(row.get("attempts")).isEqualTo(Value.of(2));
    Value error = ((ArrayValue) row.get("errors")).get(0);
    assertThat(((StringValue) field(error, "error")).value()).contains("timeout");
    assertThat(field(error, "status")).isEqualTo(Value.NONE);
  }

  @Test
  void aJobLeftRunningByACrashedSspIsRetried() {
    backend.on("/ok", (nth, body) -> OK);
    surreal.query(JobTable.DEFINE);
    surreal.query(
        "CREATE _spooky_job:c1 SET path = '/ok', status = 'running', attempts = 1,"
            + " max_attempts = 5, claimed_by = 'ssp-dead', claim = rand::uuid(),"
            + " tried_by = ['ssp-dead'], lease_until = time::now() - 1s");
    JobRunner runner = start("ssp-a", config());

    ObjectValue row = awaitFinished("c1");

    assertThat(row.get("status")).isEqualTo(Value.of("done"));
    assertThat(row.get("attempts")).isEqualTo(Value.of(2));
    assertThat(row.get("tried_by")).isEqualTo(Value.array(Value.of("ssp-dead"), Value.of("ssp-a")));
    Value error = ((ArrayValue) row.get("errors")).get(0);
    assertThat(field(error, "ssp")).isEqualTo(Value.of("ssp-dead"));
    assertThat(((StringValue) field(error, "error")).value()).contains("lease expired");
    assertThat(runner.leasesExpired()).isEqualTo(1);
    assertThat(backend.hits("_spooky_job:c1")).isEqualTo(1);
  }

  @Test
  void aRunnerStoppedMidRequestLeavesTheJobToTheNextOne() throws Exception {
    java.util.concurrent.CountDownLatch entered = new java.util.concurrent.CountDownLatch(1);
    backend.on(
        "/hang",
        (nth, body) -> {
          if (nth == 1) {
            entered.countDown();
            Thread.sleep(10_000);
          }
          return OK;
        });
    // A short lease and a request that never answers in time: the first runner's JVM "dies" by
    // losing its database connection before it can record anything.
    JobConfig cfg = config().withTimeouts(Duration.ofSeconds(1), Duration.ofMillis(1500));
    SurrealClient doomed = connect();
    JobRunner first = JobRunner.start(doomed, cfg.withSspId("ssp-first"), new Random(1));
    surreal.query("CREATE _spooky_job:k1 SET path = '/hang'");
    entered.await();
    doomed.close();
    first.close();
    assertThat(row("k1").get("status")).isEqualTo(Value.of("running"));

    start("ssp-second", cfg);
    ObjectValue row = awaitFinished("k1");

    assertThat(row.get("status")).isEqualTo(Value.of("done"));
    assertThat(row.get("claimed_by")).isEqualTo(Value.of("ssp-second"));
    assertThat(backend.hits("_spooky_job:k1")).isEqualTo(2);
  }

  @Test
  void twoRunnersNeverExecuteOneJobTwice() {
    backend.on(
        "/work",
        (nth, body) -> {
          Thread.sleep(20);
          return OK;
        });
    JobConfig cfg = config().withConcurrency(4);
    JobRunner a = start("ssp-a", cfg);
    JobRunner b = start("ssp-b", cfg);
    int jobs = 60;
    StringBuilder create = new StringBuilder();
    for (int i = 0; i < jobs; i++) {
      create.append("CREATE _spooky_job:w").append(i).append(" SET path = '/work';");
    }
    surreal.query(create.toString());

    for (int i = 0; i < jobs; i++) {
      assertThat(awaitFinished("w" + i).get("status")).isEqualTo(Value.of("done"));
    }

    assertThat(backend.hitsPerJob()).hasSize(jobs);
    assertThat(backend.hitsPerJob().values()).allMatch(n -> n == 1);
    assertThat(backend.overlaps()).isZero();
    assertThat(a.jobsDone() + b.jobsDone()).isEqualTo(jobs);
    assertThat(List.of(a.jobsDone(), b.jobsDone()))
        .as("both runners competed for the jobs")
        .allMatch(n -> n > 0);
  }

  @Test
  void aFailedJobIsRetriedOnAnotherSspWhenOneIsAvailable() {
    backend.on("/once", (nth, body) -> nth == 1 ? new TestBackend.Response(500, "") : OK);
    JobConfig cfg = config().withPollInterval(Duration.ofMillis(300));
    start("ssp-a", cfg);
    start("ssp-b", cfg);
    surreal.query("CREATE _spooky_job:o1 SET path = '/once'");

    ObjectValue row = awaitFinished("o1");

    assertThat(row.get("status")).isEqualTo(Value.of("done"));
    Set<Value> tried = new HashSet<>(((ArrayValue) row.get("tried_by")).items());
    assertThat(tried).as("the retry ran on the other SSP").hasSize(2);
  }

  // ------------------------------------------------------------ helpers

  /** Fast retries and polls so tests finish quickly; none of them asserts a duration. */
  private JobConfig config() {
    return JobConfig.defaults(backend.url())
        .withPollInterval(Duration.ofMillis(100))
        .withTimeouts(Duration.ofMillis(700), Duration.ofSeconds(5))
        .withBackoff(Duration.ofMillis(20), Duration.ofMillis(100))
        .withDefaultMaxAttempts(4);
  }

  private JobRunner start(String sspId, JobConfig cfg) {
    SurrealClient client = connect();
    long seed = new Random().nextLong();
    JobRunner runner = JobRunner.start(client, cfg.withSspId(sspId), new Random(seed));
    open.add(client);
    open.add(runner);
    return runner;
  }

  private SurrealClient connect() {
    return SurrealClient.connect(
        SurrealConfig.builder(db.rpcUrl())
            .credentials(Credentials.root(db.username(), db.password()))
            .namespace(db.namespace())
            .database(database)
            .requestTimeout(Duration.ofSeconds(20))
            .reconnectDelay(Duration.ofMillis(20), Duration.ofMillis(500))
            .build());
  }

  private ObjectValue row(String key) {
    return (ObjectValue) surreal.select(RecordId.of("_spooky_job", key));
  }

  /** Waits (generously: the machine is shared) until the job is done or failed. */
  /**
   * Waits until a runner counter reaches {@code expected}: the runner counts an outcome just after
   * recording it in the job row, so a test that saw the row may read the counter a moment early.
   */
  private static void awaitCount(java.util.function.LongSupplier counter, long expected) {
    long deadline = System.nanoTime() + Duration.ofSeconds(30).toNanos();
    while (counter.getAsLong() != expected && System.nanoTime() < deadline) {
      try {
        Thread.sleep(5);
      } catch (InterruptedException e) {
        throw new AssertionError(e);
      }
    }
    assertThat(counter.getAsLong()).isEqualTo(expected);
  }

  private ObjectValue awaitFinished(String key) {
    long deadline = System.nanoTime() + Duration.ofSeconds(60).toNanos();
    while (true) {
      Value v = surreal.select(RecordId.of("_spooky_job", key));
      if (v instanceof ObjectValue row
          && row.get("status") instanceof StringValue s
          && (s.value().equals("done") || s.value().equals("failed"))) {
        return row;
      }
      if (System.nanoTime() > deadline) {
        throw new AssertionError("job " + key + " did not finish; row: " + v);
      }
      try {
        Thread.sleep(20);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        throw new AssertionError(e);
      }
    }
  }

  private static Value field(Value object, String name) {
    return ((ObjectValue) object).get(name);
  }
}
