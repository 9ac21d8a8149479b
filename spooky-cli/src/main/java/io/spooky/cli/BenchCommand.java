package io.spooky.cli;

import io.spooky.ivm.bench.IvmWorkload;
import java.io.PrintStream;
import java.util.List;

/**
 * {@code spooky bench ivm [options]}: runs the live query engine's standard workload ({@link
 * IvmWorkload}) in this JVM and prints its one JSON line of figures to stdout.
 */
final class BenchCommand implements Command {
  static final String USAGE =
      """
      Usage: spooky bench ivm [--records N] [--categories N] [--views N] [--changes N] [--seed N]
                              [--selective] [--limit N] [--register-loaded]

        --records     products loaded before the views are registered (default 10000)
        --categories  distinct categories (default 20)
        --views       live views registered (default 100)
        --changes     single-record updates measured, after as many unmeasured (default 20000)
        --seed        random seed (default 1)
        --selective   distinct views "category = $c AND price >= $lo AND price < $hi" over narrow
                      price ranges, instead of top-10 views shared by category
        --limit       the views' LIMIT (default 10; 0 = no LIMIT)
        --register-loaded  register selective views on the loaded table, as an SSP restart does
                      (default: on the empty table, then load)

      Prints {"views":…,"selective":…,"records":…,"changes":…,"load_ms":…,"register_ms":…,
      "p50_us":…,"p99_us":…,"mean_us":…,"changes_per_s":…,"cpu_us":…,"deltas_per_change":…,
      "heap_mb":…,"register_loaded":…}  (deltas_per_change: views whose result a change altered,
      on average; register_loaded: register_ms includes evaluating the loaded records)
      """;

  @Override
  public int run(List<String> args, PrintStream out, PrintStream err) {
    if (args.isEmpty() || !args.getFirst().equals("ivm")) {
      err.print(USAGE);
      return 2;
    }
    IvmWorkload.Options options;
    try {
      options = IvmWorkload.Options.parse(args.subList(1, args.size()).toArray(String[]::new));
    } catch (IllegalArgumentException e) {
      err.println("spooky bench: " + e.getMessage());
      err.print(USAGE);
      return 2;
    }
    out.println(IvmWorkload.run(options).toJson());
    return 0;
  }
}
