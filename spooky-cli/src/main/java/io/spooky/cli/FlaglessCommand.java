package io.spooky.cli;

import java.io.PrintStream;
import java.util.List;

/**
 * A subcommand configured only by the environment and {@code spooky.yml}: its command line is
 * empty, or {@code --help}/{@code -h} to print its usage (exit 0). Any other argument is rejected
 * with the usage on {@code err} (exit 2) before {@link #start} runs.
 */
abstract class FlaglessCommand implements Command {
  private final String name;
  private final String usage;

  /** {@code name} is the subcommand as typed after {@code spooky}, used in error messages. */
  FlaglessCommand(String name, String usage) {
    this.name = name;
    this.usage = usage;
  }

  @Override
  public final int run(List<String> args, PrintStream out, PrintStream err)
      throws InterruptedException {
    if (args.contains("--help") || args.contains("-h")) {
      out.print(usage);
      return 0;
    }
    if (!args.isEmpty()) {
      err.println("spooky " + name + ": unexpected argument '" + args.getFirst() + "'");
      err.print(usage);
      return 2;
    }
    return start(out, err);
  }

  /** Runs the command with an empty command line; returns the exit code as {@link Command#run}. */
  abstract int start(PrintStream out, PrintStream err) throws InterruptedException;
}
