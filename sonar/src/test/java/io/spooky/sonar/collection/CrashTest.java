package io.spooky.sonar.collection;

import static io.spooky.sonar.collection.Json.json;
import static org.assertj.core.api.Assertions.assertThat;

import io.spooky.sonar.record.RecordVersion;
import io.spooky.sonar.view.ViewStatus;
import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Kills a child JVM with SIGKILL in the middle of a bulk put and checks that no acknowledged record
 * is lost, that log and views agree, and that views resume from their persisted cursors.
 */
class CrashTest {
  @TempDir Path dir;

  @Test
  void killDuringBulkPutLosesNoAcknowledgedRecord() throws Exception {
    String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
    String cp =
        System.getProperty("surefire.test.class.path", System.getProperty("java.class.path"));
    Process child =
        new ProcessBuilder(java, "-cp", cp, BulkPutChild.class.getName(), dir.toString(), "200")
            .redirectError(dir.resolve("child.log").toFile())
            .start();
    Set<String> acked = new HashSet<>();
    boolean synced = false;
    try (BufferedReader r =
        new BufferedReader(new InputStreamReader(child.getInputStream(), StandardCharsets.UTF_8))) {
      String line;
      while ((line = r.readLine()) != null) {
        if (line.equals("synced")) {
          synced = true;
        } else if (line.startsWith("ack ")) {
          acked.add(line.substring(4));
        }
        if (synced && acked.size() >= 3000) {
          child.destroyForcibly();
          break;
        }
      }
    } finally {
      child.destroyForcibly();
      assertThat(child.waitFor(60, TimeUnit.SECONDS)).isTrue();
    }
    assertThat(synced).as("child log: %s", dir.resolve("child.log")).isTrue();
    assertThat(acked).hasSizeGreaterThanOrEqualTo(3000);

    try (Sonar sonar = Sonar.open(dir, new SonarOptions(List.of(), false))) {
      Collection c = sonar.openCollection("crash");
      long head = c.indexer().head();
      Map<String, Long> cursors = new HashMap<>();
      for (ViewStatus s : c.status()) {
        assertThat(s.indexed()).as(s.name()).isPositive().isLessThanOrEqualTo(head);
        cursors.put(s.name(), s.indexed());
      }

      // The log holds every acknowledged record.
      Set<String> inLog = new TreeSet<>();
      Subscription all = c.subscription("check");
      for (Subscription.Batch b = all.pull(5000); !b.records().isEmpty(); b = all.pull(5000)) {
        for (RecordVersion v : b.records()) {
          if (v.type().endsWith("/article@1")) {
            inLog.add(v.id());
          }
        }
        all.ack(b.cursor());
      }
      assertThat(inLog).containsAll(acked);

      // Views resume from their cursors (they were not reset) and agree with the log.
      for (ViewStatus s : c.status()) {
        assertThat(cursors.get(s.name())).isEqualTo(s.indexed());
        c.resume(s.name());
      }
      c.sync();
      for (ViewStatus s : c.status()) {
        assertThat(s.indexed()).as(s.name()).isEqualTo(head);
      }
      Set<String> inRecords = ids(c.query(new Query.Records("article", null, false)));
      assertThat(inRecords).isEqualTo(inLog);
      Set<String> byIndex = new TreeSet<>();
      for (int t = 0; t < 7; t++) {
        byIndex.addAll(ids(c.query(Query.Indexes.eq("article#title", json("'t" + t + "'")))));
      }
      assertThat(byIndex).isEqualTo(inLog);
      assertThat(ids(c.query(new Query.History(null, null, false, Integer.MAX_VALUE, false))))
          .isEqualTo(inLog);
      List<RecordVersion> before = c.query(new Query.Records("article", null, false));
      c.rebuild("records");
      assertThat(c.query(new Query.Records("article", null, false)))
          .containsExactlyInAnyOrderElementsOf(before);
    }
  }

  private static Set<String> ids(List<RecordVersion> vs) {
    Set<String> out = new TreeSet<>();
    for (RecordVersion v : vs) {
      if (v.type().endsWith("/article@1")) {
        out.add(v.id());
      }
    }
    return out;
  }
}
