package io.spooky.ssp;

import io.spooky.service.ConfigException;
import io.spooky.service.ConfigSource;
import io.spooky.ssp.scheduler.SchedulerLinkConfig;
import java.util.Optional;
import java.util.concurrent.CountDownLatch;

/**
 * Process entry point of the SSP ({@code ./spooky ssp}, or {@code java -cp ...
 * io.spooky.ssp.SspMain}): reads the configuration (environment over {@code spooky.yml}), starts
 * the server and runs until SIGINT/SIGTERM. Exit code 2 for configuration errors, 1 when it cannot
 * start.
 */
public final class SspMain {
  private SspMain() {}

  public static void main(String[] args) throws InterruptedException {
    System.exit(run());
  }

  /** Runs until the JVM is asked to stop; returns the exit code on start-up failure. */
  public static int run() throws InterruptedException {
    SspConfig config;
    Optional<SchedulerLinkConfig> scheduler;
    try {
      ConfigSource source = ConfigSource.load();
      config = SspConfig.from(source);
      scheduler = SchedulerLinkConfig.from(source, config.secret());
    } catch (ConfigException e) {
      System.err.println("spooky ssp: configuration error: " + e.getMessage());
      return 2;
    }
    SspServer server;
    try {
      server = SspServer.start(config, scheduler);
    } catch (RuntimeException e) {
      System.err.println("spooky ssp: cannot start: " + e.getMessage());
      return 1;
    }
    System.err.println("spooky ssp: listening on port " + server.port());
    CountDownLatch done = new CountDownLatch(1);
    Runtime.getRuntime()
        .addShutdownHook(
            new Thread(
                () -> {
                  server.close();
                  done.countDown();
                }));
    done.await();
    return 0;
  }
}
