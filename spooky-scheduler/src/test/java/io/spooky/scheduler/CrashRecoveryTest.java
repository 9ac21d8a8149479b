package io.spooky.scheduler;

import static org.assertj.core.api.Assertions.assertThat;

import io.spooky.core.value.ArrayValue;
import io.spooky.core.value.IntValue;
import io.spooky.core.value.ObjectValue;
import io.spooky.core.value.RecordId;
import io.spooky.core.value.Value;
import io.spooky.log.EventLog;
import io.spooky.log.LogConfig;
import io.spooky.log.LogEntry;
import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Kills a scheduler JVM with SIGKILL while a producer ingests, restarts on the same WAL and
 * replica, and checks that every acknowledged event is there exactly once, in order, in both the
 * WAL and the replica, and that seqs continue densely.
 */
class CrashRecoveryTest {
  @TempDir Path dir;

  @Test
  void killDuringIngestLosesAndDuplicatesNothing() throws Exception {
    long seed = new Random().nextLong();
    Random random = new Random(seed);
    int killAfterBatches = 20 + random.nextInt(60);
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
    int port;
    try (BufferedReader out =
        new BufferedReader(new InputStreamReader(child.getInputStream(), StandardCharsets.UTF_8))) {
      String line;
      do {
        line = out.readLine();
      } while (line != null && !line.startsWith("PORT "));
      assertThat(line).as("child scheduler did not start (seed %d)", seed).isNotNull();
      port = Integer.parseInt(line.substring(5).trim());
    }

    int batch = 5;
    int acked = 0;
    int sent = 0;
    try (Http http = new Http(port)) {
      while (true) {
        if (sent == killAfterBatches) {
          // Kill from another thread while the next requests are in flight.
          Thread.ofVirtual().start(child::destroyForcibly);
        }
        int from = sent * batch + 1;
        sent++;
        try {
          Http.Response r = http.post("/ingest", SchedulerLifecycleTest.events(from, from + 4));
          assertThat(r.status()).isEqualTo(200);
          assertThat(((IntValue) ((ObjectValue) r.json()).get("first_seq")).value())
              .as("seed %d", seed)
              .isEqualTo(from);
          acked = sent;
        } catch (java.io.IOException e) {
          break;
        }
      }
    }
    child.waitFor();

    long last;
    try (Scheduler s =
        Scheduler.start(
            SchedulerConfig.defaults().withHost("127.0.0.1").withPort(0).withPaths(replica, wal))) {
      last = s.lastSeq();
      String why = "seed " + seed + " acked " + acked + " sent " + sent + " last " + last;
      assertThat(last).as(why).isBetween((long) acked * batch, (long) sent * batch);
      assertThat(s.replicaSeq()).as(why).isEqualTo(last);
      try (Http http = new Http(s.port())) {
        Http.Response r =
            http.post("/proxy/query", "{\"query\":\"SELECT VALUE n FROM user\",\"vars\":{}}");
        List<Long> ns = new ArrayList<>();
        for (Value v : ((ArrayValue) ((ObjectValue) r.json()).get("result")).items()) {
          ns.add(((IntValue) v).value());
        }
        assertThat(ns).as(why).hasSize((int) last);
        // An unacknowledged batch may survive in part (a prefix), never out of order.
        assertThat(ns)
            .as(why)
            .containsExactlyElementsOf(
                java.util.stream.LongStream.rangeClosed(1, last).boxed().toList());
        // Seqs continue densely after the restart.
        Http.Response more =
            http.post("/ingest", SchedulerLifecycleTest.events((int) last + 1, (int) last + 5));
        assertThat(((IntValue) ((ObjectValue) more.json()).get("first_seq")).value())
            .isEqualTo(last + 1);
      }
    }

    try (EventLog log = EventLog.open(wal, LogConfig.defaults())) {
      assertThat(log.lastSeq()).isEqualTo(last + 5);
      long expected = 1;
      for (var it = log.reader(1); it.hasNext(); ) {
        LogEntry e = it.next();
        assertThat(e.seq()).isEqualTo(expected);
        WalEvent ev = WalEvent.decode(e.payload());
        assertThat(ev.id()).as("seed %d", seed).isEqualTo(RecordId.of("user", expected));
        expected++;
      }
      assertThat(expected - 1).isEqualTo(last + 5);
    }
  }
}
