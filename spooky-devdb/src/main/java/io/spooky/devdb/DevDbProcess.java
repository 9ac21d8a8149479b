package io.spooky.devdb;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.UncheckedIOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A running dev SurrealDB: {@code node devdb/server.mjs} as a child process of this JVM.
 *
 * <pre>{@code
 * try (DevDbProcess db = DevDbProcess.builder().start()) {   // 127.0.0.1, free port, memory
 *   URI rpc = db.rpcUrl();                                    // ws://127.0.0.1:PORT/rpc
 *   ...
 * }                                                           // SIGTERM, then kill after 5 s
 * }</pre>
 *
 * <p>{@link Builder#start()} returns once the server has printed the port it listens on and answers
 * {@code GET /health}. The child never outlives the JVM: a shutdown hook stops it if {@link
 * #close()} was not called. Its stderr goes to a log file ({@link #logFile()}) unless the builder
 * asks to inherit it, so it can never fill a pipe and block the server.
 *
 * <p>The repository (the directory holding {@code devdb/server.mjs}) is found from, in order: the
 * builder, the system property {@code spooky.home}, the environment variable {@code SPOOKY_HOME},
 * then the working directory and its parents. When {@code devdb/node_modules} is missing, {@code
 * npm ci} installs it first. Thread-safe; {@link #close()} is idempotent.
 */
public final class DevDbProcess implements AutoCloseable {
  private static final Logger log = LoggerFactory.getLogger(DevDbProcess.class);
  private static final Pattern LISTENING =
      Pattern.compile(
          "^devdb listening on (ws://(.+):(\\d+)/rpc) \\(storage=(.*), surrealdb (\\S+)\\)$");
  private static final Duration STOP_GRACE = Duration.ofSeconds(5);

  private final Process process;
  private final URI rpcUrl;
  private final URI httpUrl;
  private final int port;
  private final String version;
  private final String username;
  private final String password;
  private final Optional<Path> logFile;
  private final Thread shutdownHook;
  private final Object lock = new Object();
  private boolean closed;

  private DevDbProcess(
      Process process,
      String host,
      int port,
      String version,
      String username,
      String password,
      Optional<Path> logFile) {
    this.process = process;
    this.port = port;
    this.rpcUrl = URI.create("ws://" + host + ":" + port + "/rpc");
    this.httpUrl = URI.create("http://" + host + ":" + port);
    this.version = version;
    this.username = username;
    this.password = password;
    this.logFile = logFile;
    this.shutdownHook = new Thread(this::stop, "devdb-shutdown-" + port);
    Runtime.getRuntime().addShutdownHook(shutdownHook);
  }

  /** A builder with the defaults: 127.0.0.1, a free port, in-memory storage, root/root. */
  public static Builder builder() {
    return new Builder();
  }

  /** The WebSocket RPC endpoint, {@code ws://HOST:PORT/rpc}. */
  public URI rpcUrl() {
    return rpcUrl;
  }

  /** The HTTP base URL ({@code /health}, {@code /version}). */
  public URI httpUrl() {
    return httpUrl;
  }

  /** The port the server listens on (the one chosen when the builder asked for port 0). */
  public int port() {
    return port;
  }

  /** The SurrealDB version the engine embeds, for example {@code 3.0.2}. */
  public String version() {
    return version;
  }

  /** The root user defined at start-up. */
  public String username() {
    return username;
  }

  /** The root user's password. */
  public String password() {
    return password;
  }

  /** The file receiving the server's stderr, when it is not inherited. */
  public Optional<Path> logFile() {
    return logFile;
  }

  /** The child's process id. */
  public long pid() {
    return process.pid();
  }

  /** Whether the child is still running. */
  public boolean isAlive() {
    return process.isAlive();
  }

  /**
   * Blocks until the child exits by itself or is stopped, and returns its exit code (0 after a
   * clean stop).
   */
  public int waitFor() throws InterruptedException {
    return process.waitFor();
  }

  /** Stops the child: SIGTERM, then a forced kill if it has not exited after 5 seconds. */
  @Override
  public void close() {
    stop();
    try {
      Runtime.getRuntime().removeShutdownHook(shutdownHook);
    } catch (IllegalStateException alreadyShuttingDown) {
      // The hook is running or about to; it finds the process stopped.
    }
  }

  private void stop() {
    synchronized (lock) {
      if (closed) {
        return;
      }
      closed = true;
    }
    if (!process.isAlive()) {
      return;
    }
    process.destroy();
    try {
      if (!process.waitFor(STOP_GRACE.toMillis(), TimeUnit.MILLISECONDS)) {
        log.warn("event=devdb_kill pid={} reason=no_exit_after_sigterm", process.pid());
        process.destroyForcibly();
        process.waitFor(STOP_GRACE.toMillis(), TimeUnit.MILLISECONDS);
      }
    } catch (InterruptedException e) {
      process.destroyForcibly();
      Thread.currentThread().interrupt();
    }
    log.info(
        "event=devdb_stopped port={} exit={}", port, process.isAlive() ? "?" : process.exitValue());
  }

  @Override
  public String toString() {
    return "DevDbProcess[" + rpcUrl + ", pid=" + process.pid() + "]";
  }

  /**
   * Configures and starts a {@link DevDbProcess}. Not thread-safe; each {@link #start()} starts a
   * new server.
   */
  public static final class Builder {
    private Path home;
    private String host = "127.0.0.1";
    private int port = 0;
    private String storage = "memory";
    private String username = "root";
    private String password = "root";
    private Path logFile;
    private boolean inheritStderr;
    private Duration startupTimeout = Duration.ofSeconds(60);

    private Builder() {}

    /** The repository root (the directory holding {@code devdb/server.mjs}). */
    public Builder home(Path home) {
      this.home = Objects.requireNonNull(home, "home");
      return this;
    }

    /** The address to listen on; port 0 (the default) picks a free port. */
    public Builder bind(String host, int port) {
      if (port < 0 || port > 65535) {
        throw new IllegalArgumentException("port must be in [0, 65535], got " + port);
      }
      this.host = Objects.requireNonNull(host, "host");
      this.port = port;
      return this;
    }

    /**
     * {@code memory} (the default) or a directory to keep the data in (SurrealKV; prefix {@code
     * rocksdb:} for RocksDB).
     */
    public Builder storage(String storage) {
      this.storage = Objects.requireNonNull(storage, "storage");
      return this;
    }

    /** The root user defined at start-up (default root/root). */
    public Builder credentials(String username, String password) {
      this.username = Objects.requireNonNull(username, "username");
      this.password = Objects.requireNonNull(password, "password");
      return this;
    }

    /**
     * Where the server's stderr goes. Default: {@code target/devdb-PORT.log} under the working
     * directory when it has a {@code target} directory, else a file in the temporary directory.
     */
    public Builder logFile(Path logFile) {
      this.logFile = Objects.requireNonNull(logFile, "logFile");
      return this;
    }

    /** Lets the server's stderr through to this JVM's stderr instead of a log file (for CLIs). */
    public Builder inheritStderr() {
      this.inheritStderr = true;
      return this;
    }

    /** How long to wait for the server to listen and be healthy, {@code npm ci} excluded. */
    public Builder startupTimeout(Duration startupTimeout) {
      this.startupTimeout = Objects.requireNonNull(startupTimeout, "startupTimeout");
      return this;
    }

    /**
     * Starts the server and returns once it is healthy.
     *
     * @throws DevDbException when Node.js or the repository is missing, the dependencies cannot be
     *     installed, the address is taken, or the server does not become healthy in time
     */
    public DevDbProcess start() {
      Path root = home != null ? home : Repository.locate();
      Path devdb = root.resolve("devdb");
      Path server = devdb.resolve("server.mjs");
      if (!Files.isRegularFile(server)) {
        throw new DevDbException(
            "no dev SurrealDB at " + server + " (is " + root + " the repository?)");
      }
      Path stderrLog = inheritStderr ? null : (logFile != null ? logFile : defaultLogFile());
      NodeTools.ensureDependencies(devdb, stderrLog);

      List<String> command = new ArrayList<>();
      command.add(NodeTools.node());
      command.add(server.toString());
      command.add("--bind");
      command.add((host.contains(":") ? "[" + host + "]" : host) + ":" + port);
      command.add("--storage");
      command.add(storage);
      command.add("--user");
      command.add(username);
      command.add("--pass");
      command.add(password);
      ProcessBuilder pb = new ProcessBuilder(command).directory(devdb.toFile());
      pb.redirectInput(ProcessBuilder.Redirect.PIPE);
      if (stderrLog == null) {
        pb.redirectError(ProcessBuilder.Redirect.INHERIT);
      } else {
        pb.redirectError(ProcessBuilder.Redirect.appendTo(stderrLog.toFile()));
      }
      Process process;
      try {
        process = pb.start();
      } catch (IOException e) {
        throw new DevDbException(NodeTools.missingNodeMessage(), e);
      }
      try {
        process.getOutputStream().close();
        Matcher listening = awaitListening(process, stderrLog);
        String boundHost = listening.group(2);
        int boundPort = Integer.parseInt(listening.group(3));
        DevDbProcess db =
            new DevDbProcess(
                process,
                boundHost,
                boundPort,
                listening.group(5),
                username,
                password,
                Optional.ofNullable(stderrLog));
        try {
          awaitHealthy(db);
        } catch (RuntimeException e) {
          db.close();
          throw e;
        }
        log.info(
            "event=devdb_started url={} pid={} storage={} surrealdb={} log={}",
            db.rpcUrl,
            process.pid(),
            storage,
            db.version,
            stderrLog == null ? "stderr" : stderrLog);
        return db;
      } catch (IOException | RuntimeException e) {
        process.destroyForcibly();
        if (e instanceof DevDbException d) {
          throw d;
        }
        throw new DevDbException("dev SurrealDB failed to start: " + e.getMessage(), e);
      }
    }

    private Matcher awaitListening(Process process, Path stderrLog) {
      CompletableFuture<Matcher> found = new CompletableFuture<>();
      // Keeps draining stdout after the port is known, so the child never blocks on a full pipe.
      Thread.ofPlatform()
          .daemon()
          .name("devdb-stdout")
          .start(
              () -> {
                try (BufferedReader in =
                    new BufferedReader(
                        new InputStreamReader(process.getInputStream(), StandardCharsets.UTF_8))) {
                  String line;
                  while ((line = in.readLine()) != null) {
                    Matcher m = LISTENING.matcher(line);
                    if (!found.isDone() && m.matches()) {
                      found.complete(m);
                    }
                  }
                } catch (IOException e) {
                  found.completeExceptionally(e);
                }
                found.completeExceptionally(new IOException("stdout closed"));
              });
      try {
        return found.get(startupTimeout.toMillis(), TimeUnit.MILLISECONDS);
      } catch (ExecutionException e) {
        throw new DevDbException(exitMessage(process, stderrLog), e.getCause());
      } catch (TimeoutException e) {
        throw new DevDbException(
            "dev SurrealDB did not report its port within " + startupTimeout + logHint(stderrLog),
            e);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        throw new DevDbException("interrupted while starting the dev SurrealDB", e);
      }
    }

    private String exitMessage(Process process, Path log) {
      try {
        process.waitFor(STOP_GRACE.toMillis(), TimeUnit.MILLISECONDS);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
      }
      String reason = log == null ? "" : lastLines(log, 5);
      return "dev SurrealDB exited before listening"
          + (process.isAlive() ? "" : " (exit code " + process.exitValue() + ")")
          + (reason.isEmpty() ? logHint(log) : ": " + reason);
    }

    private void awaitHealthy(DevDbProcess db) {
      HttpClient client =
          HttpClient.newBuilder()
              .version(HttpClient.Version.HTTP_1_1)
              .connectTimeout(Duration.ofSeconds(2))
              .build();
      HttpRequest request =
          HttpRequest.newBuilder(db.httpUrl.resolve("/health"))
              .timeout(Duration.ofSeconds(2))
              .build();
      long deadline = System.nanoTime() + startupTimeout.toNanos();
      Exception last = null;
      while (System.nanoTime() < deadline && db.isAlive()) {
        try {
          HttpResponse<Void> response =
              client.send(request, HttpResponse.BodyHandlers.discarding());
          if (response.statusCode() == 200) {
            return;
          }
          last = new IOException("GET /health answered " + response.statusCode());
        } catch (IOException e) {
          last = e;
        } catch (InterruptedException e) {
          Thread.currentThread().interrupt();
          throw new DevDbException("interrupted while waiting for the dev SurrealDB", e);
        }
        try {
          Thread.sleep(50);
        } catch (InterruptedException e) {
          Thread.currentThread().interrupt();
          throw new DevDbException("interrupted while waiting for the dev SurrealDB", e);
        }
      }
      throw new DevDbException(
          "dev SurrealDB at " + db.httpUrl + " is not healthy" + logHint(db.logFile.orElse(null)),
          last);
    }

    private Path defaultLogFile() {
      Path target = Path.of(System.getProperty("user.dir")).resolve("target");
      try {
        if (Files.isDirectory(target)) {
          return Files.createTempFile(target, "devdb-", ".log");
        }
        return Files.createTempFile("devdb-", ".log");
      } catch (IOException e) {
        throw new UncheckedIOException("cannot create a log file for the dev SurrealDB", e);
      }
    }
  }

  static String logHint(Path log) {
    return log == null ? "" : " (see " + log + ")";
  }

  static String lastLines(Path file, int count) {
    try {
      List<String> lines = Files.readAllLines(file, StandardCharsets.UTF_8);
      return String.join(" | ", lines.subList(Math.max(0, lines.size() - count), lines.size()))
          .strip();
    } catch (IOException e) {
      return "";
    }
  }
}
