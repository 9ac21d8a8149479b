package io.spooky.scheduler;

import java.nio.file.Path;

/**
 * A scheduler in a child JVM for {@link CrashRecoveryTest}: prints {@code PORT <n>} on stdout once
 * it listens, then runs until killed.
 */
public final class CrashChild {
  private CrashChild() {}

  public static void main(String[] args) throws Exception {
    SchedulerConfig config =
        SchedulerConfig.defaults()
            .withHost("127.0.0.1")
            .withPort(0)
            .withPaths(Path.of(args[0]), Path.of(args[1]));
    Scheduler s = Scheduler.start(config);
    System.out.println("PORT " + s.port());
    System.out.flush();
    s.awaitTermination();
  }
}
