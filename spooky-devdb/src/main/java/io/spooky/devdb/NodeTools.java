package io.spooky.devdb;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/** Node.js and npm as the dev SurrealDB needs them: the executables and {@code npm ci}. */
final class NodeTools {
  private static final Logger log = LoggerFactory.getLogger(NodeTools.class);
  private static final long NPM_CI_TIMEOUT_MINUTES = 10;

  private NodeTools() {}

  static String node() {
    return "node";
  }

  static String missingNodeMessage() {
    return "Node.js 20.6+ is needed for the dev SurrealDB but 'node' is not on PATH;"
        + " install it (for example: apt-get install nodejs npm)";
  }

  /**
   * Runs {@code npm ci} in {@code devdb} unless its dependencies are installed (npm writes {@code
   * node_modules/.package-lock.json} last, so its presence means a complete install). Output goes
   * to {@code log}, or to this JVM's stderr when {@code log} is null.
   */
  static void ensureDependencies(Path devdb, Path logFile) {
    if (Files.isRegularFile(devdb.resolve("node_modules").resolve(".package-lock.json"))) {
      return;
    }
    log.info("event=devdb_npm_ci dir={}", devdb);
    ProcessBuilder pb =
        new ProcessBuilder(List.of("npm", "ci", "--no-audit", "--no-fund", "--loglevel=error"))
            .directory(devdb.toFile())
            .redirectInput(ProcessBuilder.Redirect.PIPE);
    if (logFile == null) {
      pb.redirectOutput(ProcessBuilder.Redirect.INHERIT)
          .redirectError(ProcessBuilder.Redirect.INHERIT);
    } else {
      pb.redirectOutput(ProcessBuilder.Redirect.appendTo(logFile.toFile()))
          .redirectError(ProcessBuilder.Redirect.appendTo(logFile.toFile()));
    }
    Process npm;
    try {
      npm = pb.start();
    } catch (IOException e) {
      throw new DevDbException(
          "npm is needed to install the dev SurrealDB's dependencies but is not on PATH;"
              + " install Node.js with npm, or run 'npm ci' in "
              + devdb,
          e);
    }
    try {
      npm.getOutputStream().close();
      if (!npm.waitFor(NPM_CI_TIMEOUT_MINUTES, TimeUnit.MINUTES)) {
        npm.destroyForcibly();
        throw new DevDbException(
            "npm ci in " + devdb + " did not finish within " + NPM_CI_TIMEOUT_MINUTES + " minutes");
      }
    } catch (InterruptedException e) {
      npm.destroyForcibly();
      Thread.currentThread().interrupt();
      throw new DevDbException("interrupted while running npm ci in " + devdb, e);
    } catch (IOException e) {
      throw new DevDbException("npm ci in " + devdb + " failed: " + e.getMessage(), e);
    }
    if (npm.exitValue() != 0) {
      throw new DevDbException(
          "npm ci in "
              + devdb
              + " failed with exit code "
              + npm.exitValue()
              + DevDbProcess.logHint(logFile));
    }
  }
}
