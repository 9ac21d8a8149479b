package io.spooky.cli;

import java.io.PrintStream;
import java.util.List;

/**
 * One subcommand of {@code spooky}. {@link #run} returns the process exit code: 0 success, 1 the
 * command failed, 2 the command line was wrong.
 */
interface Command {
  /** The arguments after the subcommand's name. */
  int run(List<String> args, PrintStream out, PrintStream err) throws InterruptedException;
}
