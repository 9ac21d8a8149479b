package io.spooky.ssp.bench;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.spooky.core.value.RecordId;
import io.spooky.core.value.Value;
import io.spooky.devdb.DevDbProcess;
import io.spooky.service.ConfigSource;
import io.spooky.ssp.SspConfig;
import io.spooky.ssp.SspServer;
import io.spooky.surreal.Credentials;
import io.spooky.surreal.SurrealClient;
import io.spooky.surreal.SurrealConfig;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.net.http.WebSocket;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;

/**
 * Load generator for docs/BENCHMARKS.md: a dev SurrealDB, one in-process SSP, {@code views}
 * registered views ({@code SELECT * FROM ev WHERE k = $k}, one per key), streams open on {@code
 * streamed} of them.
 *
 * <p>Phase 1 (latency): a steady {@code rate} writes/s spread over all keys; for writes to streamed
 * views, the time from the write's acknowledgement (commit) to the delta carrying the record on the
 * stream. Phase 2 (throughput): batches of 100 records per INSERT as fast as one writer goes; the
 * rate of change events the SSP applied (its {@code ssp_events_applied_total}).
 *
 * <p>Run: {@code mvn -q -pl spooky-ssp -am test-compile -Dspotless.check.skip=true} then {@code
 * java -cp "$(cat
 * spooky-ssp/target/cp.txt):spooky-ssp/target/classes:spooky-ssp/target/test-classes"
 * io.spooky.ssp.bench.SspLoad [views] [streamed] [rate] [seconds]}.
 */
public final class SspLoad {
  private SspLoad() {}

  public static void main(String[] args) throws Exception {
    int views = args.length > 0 ? Integer.parseInt(args[0]) : 1000;
    int streamed = args.length > 1 ? Integer.parseInt(args[1]) : 20;
    int rate = args.length > 2 ? Integer.parseInt(args[2]) : 200;
    int seconds = args.length > 3 ? Integer.parseInt(args[3]) : 20;
    String settle = args.length > 4 ? args[4] : "50ms";
    ObjectMapper json = new ObjectMapper();
    HttpClient http = HttpClient.newHttpClient();
    try (DevDbProcess db = DevDbProcess.builder().bind("127.0.0.1", 0).start()) {
      SspConfig config =
          SspConfig.from(
              ConfigSource.of(
                  Map.of(
                      "surrealdb.addr", db.rpcUrl().toString(),
                      "surrealdb.user", db.username(),
                      "surrealdb.pass", db.password(),
                      "surrealdb.ns", "bench",
                      "surrealdb.db", "bench",
                      "listen_addr", "127.0.0.1:0",
                      "ssp.tables", "ev",
                      "ssp.settle", settle,
                      "ssp.stream_queue", "100000"),
                  Map.of()));
      try (SurrealClient client =
              SurrealClient.connect(
                  SurrealConfig.builder(db.rpcUrl())
                      .credentials(Credentials.root(db.username(), db.password()))
                      .namespace("bench")
                      .database("bench")
                      .build());
          SspServer ssp = SspServer.start(config)) {
        String base = "http://127.0.0.1:" + ssp.port();
        while (!get(http, base + "/health").contains("\"ok\"")) {
          Thread.sleep(50);
        }
        for (int k = 0; k < views; k++) {
          post(
              http,
              base + "/view/register",
              "{\"id\":\"v"
                  + k
                  + "\",\"surql\":\"SELECT * FROM ev WHERE k = $k\",\"params\":{\"k\":"
                  + k
                  + "}}");
        }
        Map<String, Long> acked = new ConcurrentHashMap<>();
        List<Long> latencies = Collections.synchronizedList(new ArrayList<>());
        for (int k = 0; k < streamed; k++) {
          http.newWebSocketBuilder()
              .buildAsync(
                  URI.create("ws://127.0.0.1:" + ssp.port() + "/views/v" + k + "/stream"),
                  new WebSocket.Listener() {
                    final StringBuilder buf = new StringBuilder();

                    @Override
                    public CompletionStage<?> onText(WebSocket w, CharSequence d, boolean last) {
                      long now = System.nanoTime();
                      buf.append(d);
                      if (last) {
                        try {
                          JsonNode m = json.readTree(buf.toString());
                          for (JsonNode a : m.path("added")) {
                            Long t = acked.remove(a.get("id").asText());
                            if (t != null) {
                              latencies.add(now - t);
                            }
                          }
                        } catch (Exception e) {
                          throw new IllegalStateException(e);
                        }
                        buf.setLength(0);
                      }
                      w.request(1);
                      return null;
                    }
                  })
              .join();
        }
        System.out.printf(
            "views=%d streamed=%d rate=%d/s seconds=%d settle=%s%n",
            views, streamed, rate, seconds, settle);
        AtomicLong seq = new AtomicLong();
        ScheduledExecutorService writers = Executors.newScheduledThreadPool(4);
        long periodNanos = 1_000_000_000L / rate;
        writers.scheduleAtFixedRate(
            () -> {
              long i = seq.getAndIncrement();
              int k = (int) (i % views);
              RecordId id = RecordId.of("ev", i);
              client.query("CREATE $id SET k = $k", Map.of("id", id, "k", Value.of(k)));
              if (k < streamed) {
                acked.put("ev:" + i, System.nanoTime());
              }
            },
            0,
            periodNanos,
            TimeUnit.NANOSECONDS);
        Thread.sleep(seconds * 1000L);
        writers.shutdown();
        writers.awaitTermination(10, TimeUnit.SECONDS);
        Thread.sleep(2000);
        List<Long> sorted = new ArrayList<>(latencies);
        Collections.sort(sorted);
        System.out.printf(
            "latency commit->stream delta: samples=%d p50=%.1fms p99=%.1fms max=%.1fms (writes=%d, unmatched=%d)%n",
            sorted.size(),
            pct(sorted, 0.50),
            pct(sorted, 0.99),
            sorted.isEmpty() ? 0 : sorted.getLast() / 1e6,
            seq.get(),
            acked.size());

        long before = applied(http, base);
        long start = System.nanoTime();
        long next = 1_000_000;
        long deadline = start + seconds * 1_000_000_000L / 2;
        while (System.nanoTime() < deadline) {
          List<Value> batch = new ArrayList<>();
          for (int j = 0; j < 100; j++) {
            batch.add(
                Value.object(Map.of("id", RecordId.of("ev", next++), "k", Value.of(next % views))));
          }
          client.query("INSERT INTO ev $rows", Map.of("rows", Value.array(batch)));
        }
        long written = next - 1_000_000;
        while (applied(http, base) - before < written) {
          Thread.sleep(20);
        }
        double secs = (System.nanoTime() - start) / 1e9;
        System.out.printf(
            "throughput: %d changes applied in %.1fs = %.0f changes/s%n",
            written, secs, written / secs);
      }
    }
  }

  private static double pct(List<Long> sorted, double p) {
    if (sorted.isEmpty()) {
      return 0;
    }
    return sorted.get(Math.min(sorted.size() - 1, (int) (p * sorted.size()))) / 1e6;
  }

  private static long applied(HttpClient http, String base) throws Exception {
    for (String line : get(http, base + "/metrics").split("\n")) {
      if (line.startsWith("ssp_events_applied_total ")) {
        return Long.parseLong(line.substring(line.indexOf(' ') + 1).trim());
      }
    }
    return 0;
  }

  private static String get(HttpClient http, String url) throws Exception {
    return http.send(
            HttpRequest.newBuilder(URI.create(url)).build(), HttpResponse.BodyHandlers.ofString())
        .body();
  }

  private static void post(HttpClient http, String url, String body) throws Exception {
    HttpResponse<String> r =
        http.send(
            HttpRequest.newBuilder(URI.create(url))
                .POST(HttpRequest.BodyPublishers.ofString(body))
                .build(),
            HttpResponse.BodyHandlers.ofString());
    if (r.statusCode() != 200) {
      throw new IllegalStateException(r.body());
    }
  }
}
