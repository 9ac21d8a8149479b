package io.spooky.log;

import java.util.Random;

/**
 * Runs a randomized test body with a seed that is reported on any failure and can be fixed with
 * {@code -Dspooky.log.seed=<seed>} to reproduce it.
 */
final class Seeded {
  private Seeded() {}

  @FunctionalInterface
  interface Body {
    void run(long seed) throws Exception;
  }

  static void run(Body body) {
    String fixed = System.getProperty("spooky.log.seed");
    long seed = fixed != null ? Long.parseLong(fixed) : new Random().nextLong();
    try {
      body.run(seed);
    } catch (Throwable t) {
      throw new AssertionError(
          "failed with seed " + seed + " (reproduce with -Dspooky.log.seed=" + seed + ")", t);
    }
  }
}
