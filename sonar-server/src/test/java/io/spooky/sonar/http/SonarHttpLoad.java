package io.spooky.sonar.http;

import com.fasterxml.jackson.databind.ObjectMapper;
import io.spooky.sonar.cli.SonarClient;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;

/**
 * Load generator for docs/BENCHMARKS.md ("Sonar server"): HTTP put throughput against a server on
 * loopback (authentication off, search view on), single puts from concurrent clients and NDJSON
 * batches. Not a test; run by hand:
 *
 * <pre>
 * java -cp ... io.spooky.sonar.http.SonarHttpLoad [records] [clients] [batch]
 * </pre>
 *
 * Prints one line per figure on stdout (a CLI).
 */
public final class SonarHttpLoad {
  private SonarHttpLoad() {}

  public static void main(String[] args) throws Exception {
    int total = args.length > 0 ? Integer.parseInt(args[0]) : 5000;
    int clients = args.length > 1 ? Integer.parseInt(args[1]) : 8;
    int batch = args.length > 2 ? Integer.parseInt(args[2]) : 500;
    ObjectMapper json = new ObjectMapper();
    Path dir = Files.createTempDirectory("sonar-http-load");
    try (SonarServer server =
        SonarServer.start(new SonarServer.Config("127.0.0.1", 0, dir, false, null))) {
      SonarClient c = new SonarClient(server.baseUri().toString(), "default", null);
      c.post("/collection", json.readTree("{\"name\": \"load\"}"));
      c.post(
          "/collection/load/schema",
          json.readTree(
              "{\"name\": \"doc\", \"fields\": {\"title\": {\"type\": \"string\","
                  + " \"index\": {\"basic\": true, \"search\": {\"mode\": \"fulltext\"}}},"
                  + " \"n\": {\"type\": \"integer\"}}}"));

      // Warm-up: JIT, connection pool.
      for (int i = 0; i < 200; i++) {
        c.post("/collection/load", doc(json, "w" + i, i));
      }

      ExecutorService pool = Executors.newVirtualThreadPerTaskExecutor();
      long t0 = System.nanoTime();
      List<Future<?>> fs = new ArrayList<>();
      int per = total / clients;
      for (int k = 0; k < clients; k++) {
        int client = k;
        fs.add(
            pool.submit(
                () -> {
                  for (int i = 0; i < per; i++) {
                    c.post("/collection/load", doc(json, "s" + client + "-" + i, i));
                  }
                  return null;
                }));
      }
      for (Future<?> f : fs) {
        f.get();
      }
      double single = per * clients / ((System.nanoTime() - t0) / 1e9);
      System.out.printf(
          "single puts: %d records, %d clients: %.0f records/s%n", per * clients, clients, single);

      t0 = System.nanoTime();
      int sent = 0;
      while (sent < total) {
        StringBuilder b = new StringBuilder();
        for (int i = 0; i < batch && sent < total; i++, sent++) {
          b.append(json.writeValueAsString(doc(json, "b" + sent, sent))).append('\n');
        }
        c.send(
            "POST",
            "/collection/load?batch=1",
            b.toString().getBytes(StandardCharsets.UTF_8),
            "application/x-ndjson");
      }
      double batched = total / ((System.nanoTime() - t0) / 1e9);
      System.out.printf(
          "NDJSON batches of %d: %d records, 1 client: %.0f records/s%n", batch, total, batched);
      pool.shutdown();
    }
  }

  private static com.fasterxml.jackson.databind.JsonNode doc(ObjectMapper json, String id, int n) {
    var r = json.createObjectNode().put("type", "doc").put("id", id);
    r.putObject("value").put("title", "document number " + n).put("n", n);
    return r;
  }
}
