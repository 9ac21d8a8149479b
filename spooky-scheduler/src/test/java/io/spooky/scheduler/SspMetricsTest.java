package io.spooky.scheduler;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The per-SSP series of {@code GET /metrics}: the exposition is parsed as Prometheus would
 * (families, HELP/TYPE once each, escaped label values) and the values are checked to follow the
 * SSPs through their lifecycle.
 */
class SspMetricsTest {
  @TempDir Path dir;
  private final List<AutoCloseable> closeables = new ArrayList<>();

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

  private Scheduler start(int maxBuffer) throws Exception {
    return closing(
        Scheduler.start(
            SchedulerConfig.defaults()
                .withHost("127.0.0.1")
                .withPort(0)
                .withPaths(dir.resolve("replica"), dir.resolve("wal"))
                .withTimings(Duration.ofSeconds(5), Duration.ofMinutes(5), Duration.ofMillis(20))
                .withMaxBufferPerSsp(maxBuffer)));
  }

  /** One parsed exposition: family name → type, and every sample by name and labels. */
  record Exposition(
      Map<String, String> types, Map<String, Map<Map<String, String>, Double>> samples) {
    /** The value of {@code name} with exactly {@code labels}, or null when absent. */
    Double value(String name, String... labels) {
      Map<String, String> l = new TreeMap<>();
      for (int i = 0; i < labels.length; i += 2) {
        l.put(labels[i], labels[i + 1]);
      }
      return samples.getOrDefault(name, Map.of()).get(l);
    }

    /** Every sample of a family. */
    Map<Map<String, String>, Double> family(String name) {
      return samples.getOrDefault(name, Map.of());
    }
  }

  /**
   * Parses the text exposition format strictly: each family's HELP and TYPE appear once, before its
   * samples, and sample lines are {@code name[{label="value",...}] value}.
   */
  static Exposition parse(String text) {
    Map<String, String> types = new LinkedHashMap<>();
    Map<String, Integer> helps = new HashMap<>();
    Map<String, Map<Map<String, String>, Double>> samples = new LinkedHashMap<>();
    for (String line : text.split("\n")) {
      if (line.isEmpty()) {
        continue;
      }
      if (line.startsWith("# HELP ")) {
        String name = line.substring(7).split(" ", 2)[0];
        assertThat(helps.merge(name, 1, Integer::sum)).as("HELP once: " + name).isEqualTo(1);
        assertThat(samples).as("HELP before samples: " + name).doesNotContainKey(name);
        continue;
      }
      if (line.startsWith("# TYPE ")) {
        String[] p = line.substring(7).split(" ");
        assertThat(types.put(p[0], p[1])).as("TYPE once: " + p[0]).isNull();
        assertThat(helps).as("HELP before TYPE: " + p[0]).containsKey(p[0]);
        continue;
      }
      assertThat(line).doesNotStartWith("#");
      int i = 0;
      while (i < line.length() && line.charAt(i) != '{' && line.charAt(i) != ' ') {
        i++;
      }
      String name = line.substring(0, i);
      Map<String, String> labels = new TreeMap<>();
      if (line.charAt(i) == '{') {
        i++;
        while (line.charAt(i) != '}') {
          int eq = line.indexOf('=', i);
          String label = line.substring(i, eq);
          assertThat(line.charAt(eq + 1)).isEqualTo('"');
          StringBuilder v = new StringBuilder();
          int j = eq + 2;
          for (; line.charAt(j) != '"'; j++) {
            char c = line.charAt(j);
            if (c == '\\') {
              char n = line.charAt(++j);
              v.append(n == 'n' ? '\n' : n);
              assertThat(n).as("escape in " + line).isIn('n', '\\', '"');
            } else {
              v.append(c);
            }
          }
          assertThat(labels.put(label, v.toString())).as("label once").isNull();
          i = j + 1;
          if (line.charAt(i) == ',') {
            i++;
          }
        }
        i++;
      }
      assertThat(line.charAt(i)).isEqualTo(' ');
      String family = name.replaceAll("_(bucket|sum|count)$", "");
      assertThat(types)
          .as("TYPE before samples of " + name)
          .containsAnyOf(
              Map.entry(name, types.getOrDefault(name, "")),
              Map.entry(family, types.getOrDefault(family, "")));
      double value = Double.parseDouble(line.substring(i + 1).replace("+Inf", "Infinity"));
      assertThat(samples.computeIfAbsent(name, k -> new LinkedHashMap<>()).put(labels, value))
          .as("one sample per label set: " + line)
          .isNull();
    }
    return new Exposition(types, samples);
  }

  private static Exposition scrape(Http http) throws Exception {
    Http.Response r = http.get("/metrics");
    assertThat(r.status()).isEqualTo(200);
    return parse(r.body());
  }

  private static void register(Http http, String id, TestSsp ssp) throws Exception {
    assertThat(
            http.post(
                    "/ssp/register",
                    "{\"ssp_id\":" + Scheduler.jsonString(id) + ",\"url\":\"" + ssp.url() + "\"}")
                .status())
        .isEqualTo(202);
  }

  private static double stateIs(Exposition e, String id, String state) {
    return e.value("spooky_scheduler_ssp_state", "ssp_id", id, "state", state);
  }

  @Test
  void perSspSeriesFollowTheLifecycle() throws Exception {
    Scheduler s = start(10_000);
    Http http = closing(new Http(s.port()));
    Exposition empty = scrape(http);
    assertThat(empty.types())
        .containsEntry("spooky_scheduler_ssp_state", "gauge")
        .containsEntry("spooky_scheduler_ssp_lag_events", "gauge")
        .containsEntry("spooky_scheduler_ssp_events_sent_total", "counter")
        .containsEntry("spooky_scheduler_ssp_send_failures_total", "counter")
        .containsEntry("spooky_scheduler_ssp_rebootstraps_total", "counter");
    assertThat(empty.family("spooky_scheduler_ssp_state")).isEmpty();
    assertThat(empty.value("spooky_scheduler_max_buffer_per_ssp")).isEqualTo(10_000);
    for (Map.Entry<String, String> t : empty.types().entrySet()) {
      assertThat(t.getKey()).startsWith("spooky_scheduler_");
      assertThat(t.getKey().endsWith("_total"))
          .as(t.getKey())
          .isEqualTo(t.getValue().equals("counter"));
    }

    TestSsp a = closing(new TestSsp("a"));
    String weird = "we\"ird\\id\nx";
    TestSsp b = closing(new TestSsp(weird));
    register(http, "a", a);
    register(http, weird, b);
    assertThat(http.post("/ingest", SchedulerLifecycleTest.events(1, 10)).status()).isEqualTo(200);

    Exposition boot = scrape(http);
    assertThat(stateIs(boot, "a", "bootstrapping")).isEqualTo(1);
    assertThat(stateIs(boot, "a", "ready")).isZero();
    assertThat(stateIs(boot, weird, "bootstrapping")).isEqualTo(1);
    assertThat(boot.value("spooky_scheduler_ssp_lag_events", "ssp_id", "a")).isEqualTo(10);
    assertThat(boot.value("spooky_scheduler_ssp_events_sent_total", "ssp_id", "a")).isZero();
    assertThat(boot.value("spooky_scheduler_ssp_heartbeat_age_seconds", "ssp_id", "a"))
        .isGreaterThanOrEqualTo(0);
    assertThat(boot.value("spooky_scheduler_ssp_bootstrap_seconds", "ssp_id", "a")).isNull();

    a.health("ok");
    Http.await("a ready", () -> a.seqs.size() == 10 && readyIn(http, "a"));
    assertThat(
            http.post("/ssp/heartbeat", "{\"ssp_id\":\"a\",\"views\":3,\"cpu\":12.5,\"memory\":40}")
                .status())
        .isEqualTo(200);
    assertThat(
            http.post("/query/register", "{\"query_id\":\"q1\",\"surql\":\"SELECT * FROM user\"}")
                .status())
        .isEqualTo(200);
    Exposition ready = scrape(http);
    assertThat(stateIs(ready, "a", "ready")).isEqualTo(1);
    assertThat(stateIs(ready, "a", "bootstrapping")).isZero();
    assertThat(ready.value("spooky_scheduler_ssp_events_sent_total", "ssp_id", "a")).isEqualTo(10);
    assertThat(ready.value("spooky_scheduler_ssp_lag_events", "ssp_id", "a")).isZero();
    assertThat(ready.value("spooky_scheduler_ssp_acked_seq", "ssp_id", "a")).isEqualTo(10);
    assertThat(ready.value("spooky_scheduler_ssp_queries", "ssp_id", "a")).isEqualTo(1);
    assertThat(ready.value("spooky_scheduler_ssp_queries", "ssp_id", weird)).isZero();
    assertThat(ready.value("spooky_scheduler_ssp_views", "ssp_id", "a")).isEqualTo(3);
    assertThat(ready.value("spooky_scheduler_ssp_cpu_percent", "ssp_id", "a")).isEqualTo(12.5);
    assertThat(ready.value("spooky_scheduler_ssp_memory_percent", "ssp_id", "a")).isEqualTo(40);
    assertThat(ready.value("spooky_scheduler_ssp_bootstrap_seconds", "ssp_id", "a")).isNotNull();
    assertThat(ready.value("spooky_scheduler_ssp_lag_events", "ssp_id", weird)).isEqualTo(10);

    // Failing deliveries are counted and retried; the lag grows until the SSP accepts again.
    a.ingestStatus(500);
    assertThat(http.post("/ingest", SchedulerLifecycleTest.events(11, 15)).status()).isEqualTo(200);
    Http.await(
        "a failure counted",
        () -> value(http, "spooky_scheduler_ssp_send_failures_total", "a") >= 2);
    assertThat(scrape(http).value("spooky_scheduler_ssp_lag_events", "ssp_id", "a")).isEqualTo(5);
    a.ingestStatus(200);
    Http.await(
        "a caught up", () -> value(http, "spooky_scheduler_ssp_events_sent_total", "a") == 15);
    assertThat(scrape(http).value("spooky_scheduler_ssp_lag_events", "ssp_id", "a")).isZero();

    // A re-registration counts as a re-bootstrap; counters carry on, gauges restart.
    a.health("bootstrapping");
    register(http, "a", a);
    Exposition again = scrape(http);
    assertThat(again.value("spooky_scheduler_ssp_rebootstraps_total", "ssp_id", "a")).isEqualTo(1);
    assertThat(again.value("spooky_scheduler_ssp_rebootstraps_total", "ssp_id", weird)).isZero();
    assertThat(again.value("spooky_scheduler_ssp_events_sent_total", "ssp_id", "a")).isEqualTo(15);
    assertThat(stateIs(again, "a", "bootstrapping")).isEqualTo(1);
    assertThat(again.value("spooky_scheduler_ssp_bootstrap_seconds", "ssp_id", "a")).isNull();
  }

  @Test
  void overflowIsCountedAndTheRegistrationAfterThe409IsAReBootstrap() throws Exception {
    Scheduler s = start(5);
    Http http = closing(new Http(s.port()));
    TestSsp a = closing(new TestSsp("a"));
    register(http, "a", a);
    assertThat(http.post("/ingest", SchedulerLifecycleTest.events(1, 10)).status()).isEqualTo(200);
    Http.await(
        "overflowed",
        () -> {
          try {
            return stateIs(scrape(http), "a", "overflowed") == 1;
          } catch (Exception e) {
            throw new RuntimeException(e);
          }
        });
    assertThat(scrape(http).value("spooky_scheduler_ssp_buffer_overflows_total", "ssp_id", "a"))
        .isEqualTo(1);
    assertThat(
            http.post("/ssp/heartbeat", "{\"ssp_id\":\"a\",\"views\":0,\"cpu\":0,\"memory\":0}")
                .status())
        .isEqualTo(409);
    Exposition gone = scrape(http);
    assertThat(gone.family("spooky_scheduler_ssp_state")).isEmpty();
    assertThat(gone.value("spooky_scheduler_ssp_buffer_overflows_total", "ssp_id", "a"))
        .isEqualTo(1);
    register(http, "a", a);
    Exposition back = scrape(http);
    assertThat(back.value("spooky_scheduler_ssp_rebootstraps_total", "ssp_id", "a")).isEqualTo(1);
    assertThat(stateIs(back, "a", "bootstrapping")).isEqualTo(1);
  }

  @Test
  void countersOfAnIdOutOfThePoolAreDroppedAfterTheKeepPeriod() {
    SspMetrics m = new SspMetrics();
    io.spooky.service.Metrics registry = new io.spooky.service.Metrics();
    m.register(registry, List::of);
    m.registered("x").sent.add(7);
    m.registered("x");
    m.registered("y");
    long keep = 1_000;
    m.sweep(java.util.Set.of("y"), 10_000, keep);
    m.sweep(java.util.Set.of("y"), 10_000 + keep, keep);
    Exposition kept = parse(registry.exposition());
    assertThat(kept.value("spooky_scheduler_ssp_events_sent_total", "ssp_id", "x")).isEqualTo(7);
    assertThat(kept.value("spooky_scheduler_ssp_rebootstraps_total", "ssp_id", "x")).isEqualTo(1);
    m.sweep(java.util.Set.of("y"), 10_000 + keep + 1, keep);
    Exposition dropped = parse(registry.exposition());
    assertThat(dropped.family("spooky_scheduler_ssp_events_sent_total"))
        .containsOnlyKeys(Map.of("ssp_id", "y"));
    // Back in the pool before the period ends: kept, and the absence is forgotten.
    m.sweep(java.util.Set.of(), 20_000, keep);
    m.sweep(java.util.Set.of("y"), 20_000 + keep, keep);
    m.sweep(java.util.Set.of(), 20_000 + keep + 2, keep);
    assertThat(
            parse(registry.exposition())
                .value("spooky_scheduler_ssp_events_sent_total", "ssp_id", "y"))
        .isZero();
    m.registered("x");
    assertThat(
            parse(registry.exposition())
                .value("spooky_scheduler_ssp_rebootstraps_total", "ssp_id", "x"))
        .isZero();
  }

  private static boolean readyIn(Http http, String id) {
    try {
      return stateIs(scrape(http), id, "ready") == 1;
    } catch (Exception e) {
      throw new RuntimeException(e);
    }
  }

  private static double value(Http http, String name, String id) {
    try {
      Double v = scrape(http).value(name, "ssp_id", id);
      return v == null ? -1 : v;
    } catch (Exception e) {
      throw new RuntimeException(e);
    }
  }
}
