package io.spooky.cli;

import java.io.PrintStream;
import java.util.Arrays;
import java.util.List;

/**
 * Entry point of the {@code spooky} command. Dispatches the first argument to a subcommand; each
 * subcommand builds its own object graph from a typed configuration. Exit codes: 0 success, 1 the
 * command failed, 2 the command line was wrong.
 */
public final class Main {
  private Main() {}

  public static void main(String[] args) {
    System.exit(run(List.of(args), System.out, System.err));
  }

  static int run(List<String> args, PrintStream out, PrintStream err) {
    if (args.isEmpty() || args.getFirst().equals("--help") || args.getFirst().equals("help")) {
      out.print(usage());
      return 0;
    }
    String command = args.getFirst();
    List<String> rest = args.subList(1, args.size());
    return switch (command) {
      case "version", "--version" -> {
        out.println("spooky " + version());
        yield 0;
      }
      default -> {
        err.println("spooky: unknown command '" + command + "'. Run 'spooky --help'.");
        err.println("arguments: " + Arrays.toString(rest.toArray()));
        yield 2;
      }
    };
  }

  static String version() {
    String v = Main.class.getPackage().getImplementationVersion();
    return v == null ? "dev" : v;
  }

  static String usage() {
    return """
        spooky — real-time sync engine for SurrealDB and a content database with search

        Usage: spooky <command> [options]

        Commands:
          dev        start everything on embedded defaults (dev SurrealDB, ...)
          devdb      start the dev SurrealDB  [--bind 127.0.0.1:8000] [--storage memory|PATH]
          test       run every test of every module (launcher only)
          version    print the version
        """;
  }
}
