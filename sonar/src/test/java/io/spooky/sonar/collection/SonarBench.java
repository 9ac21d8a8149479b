package io.spooky.sonar.collection;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.spooky.sonar.record.RecordVersion;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Random;

/**
 * Load generator for docs/BENCHMARKS.md ("Sonar core"): bulk put rate with kv, records, indexes and
 * history indexing, single put latency, and query latencies. Not a test; run by hand:
 *
 * <pre>
 * java -cp ... io.spooky.sonar.collection.SonarBench [records] [batch]
 * </pre>
 *
 * It prints one line per figure on stdout (a CLI).
 */
public final class SonarBench {
  private SonarBench() {}

  public static void main(String[] args) throws Exception {
    int total = args.length > 0 ? Integer.parseInt(args[0]) : 100_000;
    int batch = args.length > 1 ? Integer.parseInt(args[1]) : 1000;
    ObjectMapper json = new ObjectMapper();
    Path dir = Files.createTempDirectory("sonar-bench");
    Random rnd = new Random(42);
    try (Sonar sonar = Sonar.open(dir)) {
      Collection c = sonar.openCollection("bench");
      c.putType(
          json.readTree(
              """
              {"name": "article", "fields": {
                "title": {"type": "string", "index": {"basic": true}},
                "score": {"type": "integer", "index": {"basic": true}},
                "body": {"type": "string"}}}"""));
      c.putType(
          json.readTree("{\"name\": \"small\", \"fields\": {\"n\": {\"type\": \"integer\"}}}"));

      var os =
          (com.sun.management.OperatingSystemMXBean)
              java.lang.management.ManagementFactory.getOperatingSystemMXBean();
      long cpu0 = os.getProcessCpuTime();
      long t0 = System.nanoTime();
      for (int done = 0; done < total; done += batch) {
        List<PutRequest> puts = new ArrayList<>(batch);
        for (int i = 0; i < batch; i++) {
          int n = done + i;
          puts.add(
              PutRequest.put(
                  "article",
                  "r" + n,
                  json.createObjectNode()
                      .put("title", "title " + (n % 1000))
                      .put("score", rnd.nextInt(1_000_000))
                      .put("body", "lorem ipsum dolor sit amet " + n)));
        }
        c.putAll(puts);
      }
      long t1 = System.nanoTime();
      c.sync();
      long t2 = System.nanoTime();
      long cpu = os.getProcessCpuTime() - cpu0;
      System.out.printf(
          "bulk put: %d records in batches of %d: durable in %.2f s (%.0f records/s); "
              + "with all views caught up %.2f s (%.0f records/s); "
              + "process CPU %.2f s (%.0f records per CPU-second)%n",
          total,
          batch,
          (t1 - t0) / 1e9,
          total / ((t1 - t0) / 1e9),
          (t2 - t0) / 1e9,
          total / ((t2 - t0) / 1e9),
          cpu / 1e9,
          total / (cpu / 1e9));

      int singles = 300;
      long[] lat = new long[singles];
      for (int i = 0; i < singles; i++) {
        JsonNode v = json.createObjectNode().put("n", i);
        long s = System.nanoTime();
        c.put("small", "s" + i, v);
        lat[i] = System.nanoTime() - s;
      }
      report("single put (synced)", lat);

      int writers = 8;
      int each = 100;
      List<Thread> threads = new ArrayList<>();
      long c0 = System.nanoTime();
      for (int w = 0; w < writers; w++) {
        int me = w;
        threads.add(
            Thread.ofPlatform()
                .start(
                    () -> {
                      for (int i = 0; i < each; i++) {
                        c.put("small", "w" + me + "-" + i, json.createObjectNode().put("n", i));
                      }
                    }));
      }
      for (Thread t : threads) {
        t.join();
      }
      long c1 = System.nanoTime();
      System.out.printf(
          "concurrent single puts: %d threads x %d puts in %.2f s (%.0f puts/s, group commit)%n",
          writers, each, (c1 - c0) / 1e9, writers * each / ((c1 - c0) / 1e9));

      c.sync();
      int q = 2000;
      long[] byType = new long[q];
      long[] byTypeId = new long[q];
      long[] byIndexEq = new long[q];
      long[] byIndexRange = new long[q];
      int hits = 0;
      for (int i = 0; i < q; i++) {
        long s = System.nanoTime();
        hits += c.query(new Query.Records("small", null, false)).size();
        byType[i] = System.nanoTime() - s;
        s = System.nanoTime();
        hits += c.query(new Query.Records("article", "r" + rnd.nextInt(total), false)).size();
        byTypeId[i] = System.nanoTime() - s;
        s = System.nanoTime();
        List<RecordVersion> eq =
            c.query(
                new Query.Indexes(
                    "article#title",
                    json.getNodeFactory().textNode("title " + rnd.nextInt(1000)),
                    null,
                    null,
                    null,
                    null,
                    Integer.MAX_VALUE,
                    0,
                    false,
                    false));
        hits += eq.size();
        byIndexEq[i] = System.nanoTime() - s;
        s = System.nanoTime();
        hits +=
            c.query(
                    new Query.Indexes(
                        "article#score",
                        null,
                        null,
                        json.getNodeFactory().numberNode(rnd.nextInt(1_000_000)),
                        null,
                        null,
                        10,
                        0,
                        false,
                        false))
                .size();
        byIndexRange[i] = System.nanoTime() - s;
      }
      report("query records by type (" + (singles + writers * each) + " results)", byType);
      report("query records by type+id (1 result)", byTypeId);
      report("query index equality (" + (total / 1000) + " results)", byIndexEq);
      report("query index range gte, limit 10", byIndexRange);
      System.out.println("(" + hits + " results read)");
    } finally {
      try (var walk = Files.walk(dir)) {
        walk.sorted(java.util.Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
      }
    }
  }

  private static void report(String what, long[] nanos) {
    long[] s = nanos.clone();
    Arrays.sort(s);
    System.out.printf(
        "%s: p50 %.3f ms, p99 %.3f ms, mean %.3f ms (n=%d)%n",
        what,
        s[s.length / 2] / 1e6,
        s[(int) (s.length * 0.99)] / 1e6,
        Arrays.stream(s).average().orElse(0) / 1e6,
        s.length);
  }
}
