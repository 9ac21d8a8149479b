package io.spooky.cli;

import io.spooky.scheduler.Scheduler;
import io.spooky.scheduler.SchedulerConfig;
import io.spooky.service.ConfigException;
import io.spooky.service.ConfigSource;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.file.Path;
import java.util.Map;

/**
 * {@code spooky scheduler}: runs the Scheduler (WAL, snapshot replica, SSP pool) configured from
 * {@code spooky.yml} and {@code SPOOKY_SCHEDULER_*} variables until SIGINT or SIGTERM, when it
 * closes cleanly (WAL flushed, replica closed).
 */
final class SchedulerCommand extends FlaglessCommand {
  static final String USAGE =
      """
      Usage: spooky scheduler

      Configured by environment (or scheduler.<name> in spooky.yml; the environment wins):
        SPOOKY_SCHEDULER_INGEST_PORT          HTTP port (9667)
        SPOOKY_SCHEDULER_HOST                 bind address (0.0.0.0)
        SPOOKY_SCHEDULER_DB_URL               SurrealDB RPC for change capture, e.g.
                                              surrealdb:8000/rpc (unset: POST /ingest only)
        SPOOKY_SCHEDULER_DB_NS / _DB_DB       namespace and database (spooky / spooky)
        SPOOKY_SCHEDULER_DB_USER / _DB_PASS   root credentials (root / root)
        SPOOKY_SCHEDULER_TABLES               watched tables, comma separated (all)
        SPOOKY_SCHEDULER_REPLICA_DB_PATH      RocksDB replica (./data/replica)
        SPOOKY_SCHEDULER_WAL_PATH             WAL segment directory (./data/event_wal.log)
        SPOOKY_SCHEDULER_LOAD_BALANCE         round_robin | least_queries | least_load
        SPOOKY_SCHEDULER_HEARTBEAT_INTERVAL_MS, _STALE_AFTER_MS, _SSP_POLL_INTERVAL_MS
                                              5000, 15000, 3000
        SPOOKY_SCHEDULER_MAX_BUFFER_PER_SSP   10000
        SPOOKY_SCHEDULER_SECRET               shared bearer secret; unset or blank: SPOOKY_SECRET
                                              (spooky.secret), the one the SSPs read; neither: open
      """;

  private final Map<String, String> env;
  private final Path workDir;

  SchedulerCommand(Map<String, String> env, Path workDir) {
    super("scheduler", USAGE);
    this.env = env;
    this.workDir = workDir;
  }

  @Override
  int start(PrintStream out, PrintStream err) throws InterruptedException {
    SchedulerConfig config;
    try {
      config = SchedulerConfig.from(ConfigSource.load(env, workDir));
    } catch (ConfigException | IllegalArgumentException e) {
      err.println("spooky scheduler: " + e.getMessage());
      return 2;
    }
    Scheduler scheduler;
    try {
      scheduler = Scheduler.start(config);
    } catch (IOException | RuntimeException e) {
      err.println("spooky scheduler: cannot start: " + e.getMessage());
      return 1;
    }
    Thread hook = new Thread(scheduler::close, "spooky-scheduler-shutdown");
    Runtime.getRuntime().addShutdownHook(hook);
    out.println(
        "scheduler listening on http://"
            + config.host()
            + ":"
            + scheduler.port()
            + " seq="
            + scheduler.lastSeq()
            + " wal="
            + config.walPath()
            + " replica="
            + config.replicaPath());
    out.flush();
    scheduler.awaitTermination();
    return 0;
  }
}
