package io.spooky.cli;

import io.spooky.ssp.SspMain;
import java.io.PrintStream;

/**
 * {@code spooky ssp}: runs the sidecar until SIGINT/SIGTERM. It takes no flags: every setting comes
 * from the environment or {@code spooky.yml} ({@link io.spooky.ssp.SspConfig}).
 */
final class SspCommand extends FlaglessCommand {
  static final String USAGE =
      """
      Usage: spooky ssp

        Configured by the environment (winning) or spooky.yml ($SPOOKY_CONFIG or ./spooky.yml):
          SURREALDB_ADDR  surrealdb.addr   ws://127.0.0.1:8000
          SURREALDB_USER  surrealdb.user   root      SURREALDB_PASS  surrealdb.pass  root
          SURREALDB_NS    surrealdb.ns     spooky    SURREALDB_DB    surrealdb.db    spooky
          LISTEN_ADDR     listen_addr      0.0.0.0:8667
          SPOOKY_SECRET   spooky.secret    (unset: no authentication)
          SSP_TABLES      ssp.tables       (unset: every table found at start)
      """;

  SspCommand() {
    super("ssp", USAGE);
  }

  @Override
  int start(PrintStream out, PrintStream err) throws InterruptedException {
    return SspMain.run();
  }
}
