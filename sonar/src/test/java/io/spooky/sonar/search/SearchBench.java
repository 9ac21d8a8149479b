package io.spooky.sonar.search;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.spooky.sonar.collection.Collection;
import io.spooky.sonar.collection.PutRequest;
import io.spooky.sonar.collection.Sonar;
import io.spooky.sonar.collection.SonarOptions;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Random;

/**
 * Load generator for docs/BENCHMARKS.md ("Sonar search"): bulk indexing rate, put-to-searchable
 * latency and query throughput of the search view. Not a test; run by hand:
 *
 * <pre>
 * java -cp ... io.spooky.sonar.search.SearchBench [records] [batch]
 * </pre>
 *
 * It prints one line per figure on stdout (a CLI).
 */
public final class SearchBench {
  private SearchBench() {}

  public static void main(String[] args) throws Exception {
    int total = args.length > 0 ? Integer.parseInt(args[0]) : 50_000;
    int batch = args.length > 1 ? Integer.parseInt(args[1]) : 1000;
    ObjectMapper json = new ObjectMapper();
    Path dir = Files.createTempDirectory("sonar-search-bench");
    Random rnd = new Random(42);
    String[] vocab = new String[5000];
    for (int i = 0; i < vocab.length; i++) {
      vocab[i] = word(rnd);
    }
    try (Sonar sonar = Sonar.open(dir, new SonarOptions(List.of(SearchView.factory()), true))) {
      Collection c = sonar.openCollection("bench");
      c.putType(
          json.readTree(
              """
              {"name": "doc", "fields": {
                "title": {"type": "string", "index": {"search": {"mode": "fulltext"}}},
                "body": {"type": "string", "index": {"search": {"mode": "fulltext"}}},
                "tag": {"type": "string", "index": {"search": {"mode": "facet"}}}}}"""));
      SearchView view = c.view(SearchView.NAME, SearchView.class);

      long t0 = System.nanoTime();
      for (int done = 0; done < total; done += batch) {
        List<PutRequest> puts = new ArrayList<>(batch);
        for (int i = 0; i < batch; i++) {
          puts.add(PutRequest.put("doc", "d" + (done + i), doc(json, rnd, vocab)));
        }
        c.putAll(puts);
      }
      c.sync();
      view.refresh();
      double bulk = (System.nanoTime() - t0) / 1e9;
      System.out.printf(
          "bulk put + all views (search included) caught up: %d docs in %.1f s = %.0f docs/s%n",
          total, bulk, total / bulk);

      var os =
          (com.sun.management.OperatingSystemMXBean)
              java.lang.management.ManagementFactory.getOperatingSystemMXBean();
      long cpu1 = os.getProcessCpuTime();
      long t1 = System.nanoTime();
      c.rebuild(SearchView.NAME);
      view.refresh();
      double rebuild = (System.nanoTime() - t1) / 1e9;
      double cpu = (os.getProcessCpuTime() - cpu1) / 1e9;
      System.out.printf(
          "search view rebuild from the log: %d docs in %.1f s = %.0f docs/s; process CPU %.1f s ="
              + " %.0f docs per CPU-second%n",
          total, rebuild, total / rebuild, cpu, total / cpu);

      int singles = 300;
      long[] lat = new long[singles];
      for (int i = 0; i < singles; i++) {
        String marker = "zq" + Integer.toString(i, 36) + "x";
        ObjectNode v = doc(json, rnd, vocab);
        v.put("title", marker);
        long s = System.nanoTime();
        c.put("doc", "single" + i, v);
        SearchRequest q = SearchRequest.of(marker);
        while (view.search(q).total() == 0) {
          Thread.sleep(0, 200_000);
        }
        lat[i] = System.nanoTime() - s;
      }
      Arrays.sort(lat);
      System.out.printf(
          "put -> searchable (synced put, 50 ms refresh timer): p50 %.1f ms, p99 %.1f ms, max %.1f"
              + " ms%n",
          lat[singles / 2] / 1e6, lat[singles * 99 / 100] / 1e6, lat[singles - 1] / 1e6);

      queries("warm-up (not reported)", view, rnd, vocab, true);
      queries("one-term query string, limit 10", view, rnd, vocab, false);
      queries("two-term query string, limit 10, facet counts", view, rnd, vocab, true);
    }
  }

  private static void queries(String label, SearchView view, Random rnd, String[] vocab, boolean f)
      throws Exception {
    ObjectMapper json = new ObjectMapper();
    int rounds = 3000;
    long hits = 0;
    long s = System.nanoTime();
    for (int i = 0; i < rounds; i++) {
      String q = vocab[rnd.nextInt(vocab.length)];
      SearchRequest r;
      if (f) {
        ObjectNode n = json.createObjectNode();
        n.put("query", q + " " + vocab[rnd.nextInt(vocab.length)]);
        n.put("limit", 10);
        n.putArray("facets").add("tag");
        r = SearchRequest.fromJson(n);
      } else {
        r = new SearchRequest(new SearchQuery.Text(q), 10, List.of());
      }
      hits += view.search(r).total();
    }
    double secs = (System.nanoTime() - s) / 1e9;
    System.out.printf(
        "%s: %.0f queries/s (%.2f ms each, %.0f matches per query on average)%n",
        label, rounds / secs, secs * 1000 / rounds, (double) hits / rounds);
  }

  private static ObjectNode doc(ObjectMapper json, Random rnd, String[] vocab) {
    StringBuilder title = new StringBuilder();
    for (int i = 0; i < 4; i++) {
      title.append(i == 0 ? "" : " ").append(vocab[rnd.nextInt(vocab.length)]);
    }
    StringBuilder body = new StringBuilder();
    for (int i = 0; i < 40; i++) {
      body.append(i == 0 ? "" : " ").append(vocab[rnd.nextInt(vocab.length)]);
    }
    return json.createObjectNode()
        .put("title", title.toString())
        .put("body", body.toString())
        .put("tag", "tag" + rnd.nextInt(20));
  }

  private static String word(Random rnd) {
    char[] c = new char[4 + rnd.nextInt(5)];
    for (int i = 0; i < c.length; i++) {
      c[i] = (char) ('a' + rnd.nextInt(26));
    }
    return new String(c);
  }
}
