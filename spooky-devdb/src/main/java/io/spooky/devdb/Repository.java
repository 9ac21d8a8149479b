package io.spooky.devdb;

import java.nio.file.Files;
import java.nio.file.Path;

/**
 * Finds the repository root: the directory that holds {@code devdb/server.mjs}. Order: system
 * property {@code spooky.home}, environment variable {@code SPOOKY_HOME}, then the working
 * directory and each of its parents (tests run in a module directory, one level below the root).
 */
final class Repository {
  static final String HOME_PROPERTY = "spooky.home";
  static final String HOME_ENV = "SPOOKY_HOME";

  private Repository() {}

  static Path locate() {
    String property = System.getProperty(HOME_PROPERTY);
    if (property != null && !property.isBlank()) {
      return requireServer(Path.of(property), "system property " + HOME_PROPERTY);
    }
    String env = System.getenv(HOME_ENV);
    if (env != null && !env.isBlank()) {
      return requireServer(Path.of(env), "environment variable " + HOME_ENV);
    }
    Path start = Path.of(System.getProperty("user.dir")).toAbsolutePath();
    for (Path dir = start; dir != null; dir = dir.getParent()) {
      if (hasServer(dir)) {
        return dir;
      }
    }
    throw new DevDbException(
        "cannot find devdb/server.mjs in "
            + start
            + " or any parent; set -D"
            + HOME_PROPERTY
            + "=<repository> or "
            + HOME_ENV);
  }

  private static Path requireServer(Path dir, String source) {
    Path root = dir.toAbsolutePath().normalize();
    if (!hasServer(root)) {
      throw new DevDbException(source + " points to " + root + ", which has no devdb/server.mjs");
    }
    return root;
  }

  private static boolean hasServer(Path dir) {
    return Files.isRegularFile(dir.resolve("devdb").resolve("server.mjs"));
  }
}
