package io.spooky.cli;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.util.List;

/**
 * Runs {@link Main} in-process and captures what it prints. Output accumulates over every {@link
 * #run} of one instance, so a test that runs several command lines sees all of their output.
 */
final class InProcessMain {
  private final ByteArrayOutputStream out = new ByteArrayOutputStream();
  private final ByteArrayOutputStream err = new ByteArrayOutputStream();

  /** Runs {@code spooky <args>} and returns its exit code. */
  int run(String... args) throws InterruptedException {
    return Main.run(
        List.of(args),
        new PrintStream(out, true, StandardCharsets.UTF_8),
        new PrintStream(err, true, StandardCharsets.UTF_8));
  }

  /** Everything printed to standard output so far. */
  String out() {
    return out.toString(StandardCharsets.UTF_8);
  }

  /** Everything printed to standard error so far. */
  String err() {
    return err.toString(StandardCharsets.UTF_8);
  }
}
