package io.spooky.ivm.bench;

import io.spooky.core.value.ObjectValue;
import io.spooky.core.value.RecordId;
import io.spooky.core.value.Value;
import io.spooky.ivm.Change;
import io.spooky.ivm.ViewDelta;
import io.spooky.ivm.ViewRegistry;
import java.lang.management.ManagementFactory;
import java.lang.management.ThreadMXBean;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Random;

/**
 * The standard IVM load generator: table {@code product {category, price, name}} with {@code
 * records} rows over {@code categories} categories, {@code views} views {@code SELECT * FROM
 * product WHERE category = $c ORDER BY price DESC LIMIT 10} spread over the categories, then {@code
 * changes} single-record UPDATEs that change the price and, one time in ten, the category. With
 * {@code --selective}, the views are instead {@code V} distinct selective ones, {@code SELECT *
 * FROM product WHERE category = $c AND price >= $lo AND price < $hi ORDER BY price DESC LIMIT 10}
 * whose ranges tile each category's prices, so that a change concerns about two views whatever
 * {@code V} is: the per-change cost then shows what routing costs as {@code V} grows. {@code
 * --limit N} sets the views' {@code LIMIT} (default 10; 0 = none). Each change is one {@link
 * ViewRegistry#apply} call, timed on its own after an unmeasured warm-up of the same length (capped
 * at 20,000) so that the figures describe the JIT-compiled engine.
 *
 * <p>Prints one JSON line: {@code
 * {"views":V,"selective":S,"records":N,"changes":C,"load_ms":…,"register_ms":…,
 * "p50_us":…,"p99_us":…,"mean_us":…,"changes_per_s":…,"cpu_us":…,"deltas_per_change":…,
 * "heap_mb":…,"register_loaded":…}}; {@code register_loaded} says whether the views were registered
 * on the loaded table (so {@code register_ms} includes evaluating its records); {@code
 * deltas_per_change} is the mean number of views whose result a measured change altered (the output
 * work, as opposed to routing). Latencies are wall-clock per {@code apply} call; {@code cpu_us} is
 * the measuring thread's CPU time per change (it includes generating the change), which stays
 * meaningful on a machine shared with other load, where wall-clock figures absorb preemptions.
 *
 * <pre>{@code
 * java -cp … io.spooky.ivm.bench.IvmWorkload --records 10000 --categories 20 --views 1000 \
 *     --changes 20000 --seed 1
 * }</pre>
 */
public final class IvmWorkload {
  /** The workload's parameters. */
  public record Options(
      int records,
      int categories,
      int views,
      int changes,
      long seed,
      boolean selective,
      int limit,
      boolean registerLoaded) {
    /**
     * Parses {@code --records --categories --views --changes --seed --limit} and the flags {@code
     * --selective} and {@code --register-loaded}; defaults 10000/20/100/20000/1, not selective,
     * {@code LIMIT 10}. {@code --limit 0} drops the views' {@code LIMIT}. Selective views are
     * registered on the empty table and then loaded, unless {@code --register-loaded} registers
     * them on the loaded table (what an SSP restart does); standard views always register on the
     * loaded table.
     */
    public static Options parse(String... args) {
      int records = 10_000;
      int categories = 20;
      int views = 100;
      int changes = 20_000;
      long seed = 1;
      boolean selective = false;
      int limit = 10;
      boolean registerLoaded = false;
      for (int i = 0; i < args.length; i += 2) {
        if (args[i].equals("--selective")) {
          selective = true;
          i--;
          continue;
        }
        if (args[i].equals("--register-loaded")) {
          registerLoaded = true;
          i--;
          continue;
        }
        if (i + 1 == args.length) {
          throw new IllegalArgumentException("option " + args[i] + " needs a value");
        }
        String v = args[i + 1];
        switch (args[i]) {
          case "--records" -> records = Integer.parseInt(v);
          case "--categories" -> categories = Integer.parseInt(v);
          case "--views" -> views = Integer.parseInt(v);
          case "--changes" -> changes = Integer.parseInt(v);
          case "--seed" -> seed = Long.parseLong(v);
          case "--limit" -> limit = Integer.parseInt(v);
          default -> throw new IllegalArgumentException("unknown option " + args[i]);
        }
      }
      if (records < 1 || categories < 1 || views < 0 || changes < 1 || limit < 0) {
        throw new IllegalArgumentException(
            "--records, --categories and --changes must be positive, --views and --limit not"
                + " negative");
      }
      return new Options(
          records, categories, views, changes, seed, selective, limit, registerLoaded);
    }
  }

  /** The measured figures. */
  public record Result(
      Options options,
      long loadMs,
      long registerMs,
      double p50Us,
      double p99Us,
      double meanUs,
      double changesPerS,
      double cpuUs,
      double deltasPerChange,
      long heapMb) {
    /** The one-line JSON form. */
    public String toJson() {
      return String.format(
          Locale.ROOT,
          "{\"views\":%d,\"selective\":%b,\"records\":%d,\"changes\":%d,\"load_ms\":%d,\"register_ms\":%d,"
              + "\"p50_us\":%.2f,\"p99_us\":%.2f,\"mean_us\":%.2f,\"changes_per_s\":%.0f,"
              + "\"cpu_us\":%.2f,\"deltas_per_change\":%.2f,\"heap_mb\":%d,\"register_loaded\":%b}",
          options.views(),
          options.selective(),
          options.records(),
          options.changes(),
          loadMs,
          registerMs,
          p50Us,
          p99Us,
          meanUs,
          changesPerS,
          cpuUs,
          deltasPerChange,
          heapMb,
          !options.selective() || options.registerLoaded());
    }
  }

  /** Prices are drawn from [0, MAX_PRICE). */
  private static final int MAX_PRICE = 100_000;

  private IvmWorkload() {}

  public static void main(String[] args) {
    System.out.println(run(Options.parse(args)).toJson());
  }

  /** Runs the workload and returns its figures. */
  public static Result run(Options o) {
    Random r = new Random(o.seed());
    ViewRegistry reg = new ViewRegistry();
    ObjectValue[] rows = new ObjectValue[o.records()];
    List<Change> load = new ArrayList<>(o.records());
    for (int i = 0; i < o.records(); i++) {
      RecordId id = RecordId.of("product", i);
      rows[i] =
          (ObjectValue)
              Value.object(
                  Map.of(
                      "id", id,
                      "category", category(r.nextInt(o.categories())),
                      "price", Value.of(r.nextInt(MAX_PRICE)),
                      "name", Value.of("product " + i)));
      load.add(Change.create(id, rows[i]));
    }
    long loadMs;
    long registerMs;
    if (o.selective() && !o.registerLoaded()) {
      // The selective views are registered on the empty table, and the load is routed to them
      // like any other change.
      long t0 = System.nanoTime();
      register(reg, o);
      registerMs = (System.nanoTime() - t0) / 1_000_000;
      t0 = System.nanoTime();
      reg.apply(load);
      loadMs = (System.nanoTime() - t0) / 1_000_000;
    } else {
      long t0 = System.nanoTime();
      reg.apply(load);
      loadMs = (System.nanoTime() - t0) / 1_000_000;
      t0 = System.nanoTime();
      register(reg, o);
      registerMs = (System.nanoTime() - t0) / 1_000_000;
    }

    changes(reg, rows, r, o, Math.min(o.changes(), 20_000), null);
    long[] nanos = new long[o.changes()];
    ThreadMXBean threads = ManagementFactory.getThreadMXBean();
    long cpu0 = threads.getCurrentThreadCpuTime();
    long start = System.nanoTime();
    long deltas = changes(reg, rows, r, o, o.changes(), nanos);
    long total = System.nanoTime() - start;
    long cpu = threads.getCurrentThreadCpuTime() - cpu0;

    Arrays.sort(nanos);
    double mean = Arrays.stream(nanos).average().orElse(0) / 1_000.0;
    Runtime rt = Runtime.getRuntime();
    System.gc();
    long heapMb = (rt.totalMemory() - rt.freeMemory()) / (1024 * 1024);
    return new Result(
        o,
        loadMs,
        registerMs,
        percentile(nanos, 0.50) / 1_000.0,
        percentile(nanos, 0.99) / 1_000.0,
        mean,
        o.changes() / (total / 1e9),
        cpu / 1_000.0 / o.changes(),
        (double) deltas / o.changes(),
        heapMb);
  }

  private static void register(ViewRegistry reg, Options o) {
    String limit = o.limit() == 0 ? "" : " LIMIT " + o.limit();
    if (o.selective()) {
      String surql =
          "SELECT * FROM product WHERE category = $c AND price >= $lo AND price < $hi"
              + " ORDER BY price DESC"
              + limit;
      // Views per category, each over its own slice of the category's prices [0, MAX_PRICE).
      int perCategory = Math.max(1, (o.views() + o.categories() - 1) / o.categories());
      int width = Math.max(1, MAX_PRICE / perCategory);
      for (int v = 0; v < o.views(); v++) {
        int lo = (v / o.categories()) * width;
        reg.register(
            "view-" + v,
            surql,
            Map.of(
                "c", category(v % o.categories()), "lo", Value.of(lo), "hi", Value.of(lo + width)));
      }
    } else {
      String surql = "SELECT * FROM product WHERE category = $c ORDER BY price DESC" + limit;
      for (int v = 0; v < o.views(); v++) {
        reg.register("view-" + v, surql, Map.of("c", category(v % o.categories())));
      }
    }
  }

  /** Applies {@code n} changes one at a time; returns how many view deltas they produced. */
  private static long changes(
      ViewRegistry reg, ObjectValue[] rows, Random r, Options o, int n, long[] nanos) {
    long deltas = 0;
    for (int i = 0; i < n; i++) {
      int k = r.nextInt(rows.length);
      ObjectValue before = rows[k];
      ObjectValue after = before.with("price", Value.of(r.nextInt(MAX_PRICE)));
      if (r.nextInt(10) == 0) {
        after = after.with("category", category(r.nextInt(o.categories())));
      }
      rows[k] = after;
      Change c = Change.update((RecordId) before.get("id"), before, after);
      long t = System.nanoTime();
      List<ViewDelta> out = reg.apply(List.of(c));
      if (nanos != null) {
        nanos[i] = System.nanoTime() - t;
      }
      deltas += out.size();
    }
    return deltas;
  }

  private static Value category(int c) {
    return Value.of("category-" + c);
  }

  private static long percentile(long[] sorted, double p) {
    if (sorted.length == 0) {
      return 0;
    }
    return sorted[Math.min(sorted.length - 1, (int) Math.ceil(p * sorted.length) - 1)];
  }
}
