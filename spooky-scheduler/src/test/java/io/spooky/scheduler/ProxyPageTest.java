package io.spooky.scheduler;

import static org.assertj.core.api.Assertions.assertThat;

import io.spooky.core.value.ArrayValue;
import io.spooky.core.value.IntValue;
import io.spooky.core.value.ObjectValue;
import io.spooky.core.value.RecordId;
import io.spooky.core.value.StringValue;
import io.spooky.core.value.Value;
import io.spooky.log.LogEntry;
import io.spooky.query.eval.QueryEvaluator;
import io.spooky.query.parse.SurqlParser;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.UUID;
import java.util.stream.LongStream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Paging {@code /proxy/query} by id and by {@code START/LIMIT} through the replica's range scans:
 * the pages of a 20,000-record table hold every record exactly once, and for tables mixing every
 * key kind each page equals the same statement evaluated over a full scan.
 */
class ProxyPageTest {
  @TempDir Path dir;

  @Test
  void pagesOfALargeTableHoldEveryRecordOnce() throws Exception {
    try (Scheduler s =
            Scheduler.start(
                SchedulerConfig.defaults()
                    .withHost("127.0.0.1")
                    .withPort(0)
                    .withPaths(dir.resolve("replica"), dir.resolve("wal"))
                    .withTimings(
                        Duration.ofSeconds(5), Duration.ofMinutes(5), Duration.ofMillis(50)));
        Http http = new Http(s.port())) {
      int n = 20_000;
      for (int from = 1; from <= n; from += 2_000) {
        assertThat(http.post("/ingest", SchedulerLifecycleTest.events(from, from + 1_999)).status())
            .isEqualTo(200);
      }
      Http.await("replica caught up", () -> s.replicaSeq() == n);

      List<Long> byId = new ArrayList<>();
      String after = null;
      while (true) {
        String q =
            after == null
                ? "SELECT * FROM user ORDER BY id LIMIT 1000"
                : "SELECT * FROM user WHERE id > " + after + " ORDER BY id LIMIT 1000";
        List<Value> page = rows(http, q, "{}");
        for (Value v : page) {
          byId.add(((IntValue) ((ObjectValue) v).get("n")).value());
        }
        if (page.size() < 1000) {
          break;
        }
        after = ((StringValue) ((ObjectValue) page.getLast()).get("id")).value();
      }
      assertThat(byId).containsExactlyElementsOf(LongStream.rangeClosed(1, n).boxed().toList());

      List<Long> byStart = new ArrayList<>();
      for (int start = 0; ; start += 1000) {
        List<Value> page =
            rows(http, "SELECT VALUE n FROM user START " + start + " LIMIT 1000", "{}");
        page.forEach(v -> byStart.add(((IntValue) v).value()));
        if (page.size() < 1000) {
          break;
        }
      }
      assertThat(byStart).containsExactlyElementsOf(LongStream.rangeClosed(1, n).boxed().toList());
    }
  }

  private static List<Value> rows(Http http, String query, String vars) throws Exception {
    Http.Response r =
        http.post(
            "/proxy/query",
            "{\"query\":" + Scheduler.jsonString(query) + ",\"vars\":" + vars + "}");
    assertThat(r.status()).as(r.body()).isEqualTo(200);
    return ((ArrayValue) ((ObjectValue) r.json()).get("result")).items();
  }

  @Test
  void pagesOverEveryKeyKindEqualAFullScan() throws Exception {
    long seed = new Random().nextLong();
    Random random = new Random(seed);
    List<RecordId> ids = new ArrayList<>();
    for (int i = 0; i < 60; i++) {
      Value key =
          switch (random.nextInt(5)) {
            case 0 -> Value.of(random.nextLong() >> random.nextInt(64));
            case 1 -> Value.of(randomString(random));
            case 2 -> Value.of(new UUID(random.nextLong(), random.nextLong()));
            case 3 -> new ArrayValue(List.of(Value.of(random.nextInt(300) - 150)));
            default -> Value.object(Map.of("k", Value.of(random.nextInt(300) - 150)));
          };
      ids.add(new RecordId("t", key));
    }
    ids.add(RecordId.of("a", 1));
    ids.add(RecordId.of("u", 1));
    try (Replica r = Replica.open(dir.resolve("mixed"))) {
      List<LogEntry> entries = new ArrayList<>();
      for (RecordId id : ids) {
        entries.add(
            new LogEntry(
                entries.size() + 1, WalEvent.upsert(id, Map.of("x", Value.of(1))).encode()));
      }
      r.apply(entries);
      try (Replica.View view = r.view()) {
        for (int size = 1; size <= 7; size++) {
          String why = "seed " + seed + " page size " + size;
          List<Value> all = run("SELECT VALUE id FROM t", Map.of(), view, false);
          List<Value> paged = new ArrayList<>();
          Value after = null;
          while (true) {
            Map<String, Value> params = after == null ? Map.of() : Map.of("after", after);
            String q =
                after == null
                    ? "SELECT VALUE id FROM t ORDER BY id LIMIT " + size
                    : "SELECT VALUE id FROM t WHERE id > $after ORDER BY id LIMIT " + size;
            List<Value> page = run(q, params, view, true);
            assertThat(page).as(why).isEqualTo(run(q, params, view, false));
            paged.addAll(page);
            if (page.size() < size) {
              break;
            }
            after = page.getLast();
          }
          assertThat(paged).as(why).isEqualTo(all);
          for (int start = 0; start <= all.size(); start += size) {
            String q = "SELECT * FROM t START " + start + " LIMIT " + size;
            assertThat(run(q, Map.of(), view, true))
                .as(why)
                .isEqualTo(run(q, Map.of(), view, false));
          }
        }
      }
    }
  }

  private static List<Value> run(
      String query, Map<String, Value> params, Replica.View view, boolean paged) {
    var select = SurqlParser.parse(query);
    return QueryEvaluator.evaluate(
        select, params, paged ? ProxyPage.of(select, params, view) : view);
  }

  private static String randomString(Random random) {
    StringBuilder b = new StringBuilder();
    int len = random.nextInt(4);
    for (int i = 0; i < len; i++) {
      b.appendCodePoint(random.nextBoolean() ? 'a' + random.nextInt(3) : 0xe9 + random.nextInt(3));
    }
    return b.toString();
  }
}
