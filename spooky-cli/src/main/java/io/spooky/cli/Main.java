package io.spooky.cli;

import java.io.PrintStream;
import java.util.List;
import java.util.Map;

/**
 * Entry point of the {@code spooky} command. Dispatches the first argument to a subcommand; each
 * subcommand builds its own object graph from a typed configuration. Exit codes: 0 success, 1 the
 * command failed, 2 the command line was wrong.
 */
public final class Main {
  private Main() {}

  public static void main(String[] args) throws InterruptedException {
    System.exit(run(List.of(args), System.out, System.err));
  }

  /** The subcommands by name; {@code devdb} reaches here only when the launcher is bypassed. */
  static Map<String, Command> commands() {
    Command dev = new DevCommand(true);
    Command devdb = new DevCommand(false);
    Command version =
        (args, out, err) -> {
          out.println("spooky " + version());
          return 0;
        };
    Command sonar =
        (args, out, err) ->
            new io.spooky.sonar.cli.SonarCommand(System.getenv()).run(args, out, err);
    Command scheduler = new SchedulerCommand(System.getenv(), java.nio.file.Path.of("."));
    return Map.of(
        "dev",
        dev,
        "devdb",
        devdb,
        "sonar",
        sonar,
        "scheduler",
        scheduler,
        "ssp",
        new SspCommand(),
        "version",
        version,
        "--version",
        version);
  }

  static int run(List<String> args, PrintStream out, PrintStream err) throws InterruptedException {
    if (args.isEmpty() || args.getFirst().equals("--help") || args.getFirst().equals("help")) {
      out.print(usage());
      return 0;
    }
    String name = args.getFirst();
    Command command = commands().get(name);
    if (command == null) {
      err.println("spooky: unknown command '" + name + "'. Run 'spooky --help'.");
      return 2;
    }
    return command.run(args.subList(1, args.size()), out, err);
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
          dev        start everything on embedded defaults (dev SurrealDB, ...) and print how to
                     connect  [--bind 127.0.0.1:8000] [--storage memory|PATH] [--user root --pass root]
          devdb      start the dev SurrealDB alone (same flags)
          sonar      Sonar content database: start the server [--bind 127.0.0.1:9191] [--data DIR]
                     [--disable-authentication]; or collection|db|search as a client
                     ('spooky sonar help')
          scheduler  run the Scheduler (WAL, snapshot replica, SSP pool); see 'spooky scheduler --help'
          ssp        start the sidecar (SSP); configured by SURREALDB_ADDR, LISTEN_ADDR, ... or
                     spooky.yml (see README, "Sidecar (SSP)")
          test       run every test of every module (launcher only)
          version    print the version
        """;
  }
}
