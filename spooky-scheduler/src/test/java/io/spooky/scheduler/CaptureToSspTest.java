package io.spooky.scheduler;

import static org.assertj.core.api.Assertions.assertThat;

import io.spooky.core.value.RecordId;
import io.spooky.core.value.StringValue;
import io.spooky.devdb.DevSurreal;
import io.spooky.devdb.DevSurrealEndpoint;
import io.spooky.log.EventLog;
import io.spooky.log.LogConfig;
import io.spooky.surreal.Credentials;
import io.spooky.surreal.SurrealClient;
import io.spooky.surreal.SurrealConfig;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.stream.LongStream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * SurrealDB change capture through the scheduler against the dev SurrealDB: changes reach the WAL,
 * the replica and a Ready SSP in order, and a restart resumes from the cursor stored with the WAL
 * without losing or repeating a change made while the scheduler was down.
 */
@DevSurreal
class CaptureToSspTest {
  @TempDir Path dir;

  @Test
  void capturedChangesFlowToSspsAndResumeAfterRestart(DevSurrealEndpoint db) throws Exception {
    SchedulerConfig config =
        SchedulerConfig.defaults()
            .withHost("127.0.0.1")
            .withPort(0)
            .withPaths(dir.resolve("replica"), dir.resolve("wal"))
            .withTimings(
                java.time.Duration.ofSeconds(5),
                java.time.Duration.ofMinutes(5),
                java.time.Duration.ofMillis(50))
            .withCapture(
                db.rpcUrl(),
                db.namespace(),
                db.database(),
                db.username(),
                db.password(),
                Set.of("item"));
    try (SurrealClient surreal =
            SurrealClient.connect(
                SurrealConfig.builder(db.rpcUrl())
                    .credentials(Credentials.root(db.username(), db.password()))
                    .namespace(db.namespace())
                    .database(db.database())
                    .build());
        TestSsp ssp = new TestSsp("ssp-c")) {
      surreal.query("DEFINE TABLE item CHANGEFEED 1h INCLUDE ORIGINAL");
      for (int i = 1; i <= 5; i++) {
        surreal.query("CREATE item:" + i + " SET n = " + i);
      }
      try (Scheduler s = Scheduler.start(config);
          Http http = new Http(s.port())) {
        Http.await("initial changes captured", () -> s.lastSeq() == 5);
        Http.await("replica caught up", () -> s.replicaSeq() == 5);
        assertThat(SchedulerLifecycleTest.count(http, "item")).isEqualTo(5);
        ssp.health("ok");
        http.post("/ssp/register", "{\"ssp_id\":\"ssp-c\",\"url\":\"" + ssp.url() + "\"}");
        surreal.query("UPDATE item:1 SET n = 10");
        surreal.query("DELETE item:2");
        Http.await("ssp got both", () -> ssp.seqs.size() == 2);
        assertThat(ssp.seqs).containsExactly(6L, 7L);
        assertThat(ssp.events.get(0).get("op")).isEqualTo(new StringValue("UPDATE"));
        assertThat(ssp.events.get(0).get("id")).isEqualTo(new StringValue("item:1"));
        assertThat(ssp.events.get(1).get("op")).isEqualTo(new StringValue("DELETE"));
      }

      // Changes made while the scheduler is down are captured once after the restart.
      for (int i = 6; i <= 8; i++) {
        surreal.query("CREATE item:" + i + " SET n = " + i);
      }
      try (Scheduler s = Scheduler.start(config);
          Http http = new Http(s.port())) {
        Http.await("restart captured the gap", () -> s.lastSeq() >= 10);
        Http.await("replica caught up", () -> s.replicaSeq() == s.lastSeq());
        assertThat(SchedulerLifecycleTest.count(http, "item")).isEqualTo(7);
      }
    }

    List<String> wal = new ArrayList<>();
    try (EventLog log = EventLog.open(dir.resolve("wal"), LogConfig.defaults())) {
      for (var it = log.reader(log.firstSeq()); it.hasNext(); ) {
        WalEvent e = WalEvent.decode(it.next().payload());
        wal.add(e.op() + " " + ((RecordId) e.id()).key());
      }
    }
    List<String> expected = new ArrayList<>();
    LongStream.rangeClosed(1, 5)
        .forEach(i -> expected.add("CREATE " + new io.spooky.core.value.IntValue(i)));
    expected.add("UPDATE 1");
    expected.add("DELETE 2");
    LongStream.rangeClosed(6, 8)
        .forEach(i -> expected.add("CREATE " + new io.spooky.core.value.IntValue(i)));
    assertThat(wal).containsExactlyElementsOf(expected);
  }
}
