package io.spooky.scheduler;

import io.spooky.service.ConfigException;
import io.spooky.service.ConfigSource;
import java.net.URI;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Arrays;
import java.util.Map;
import java.util.Set;
import java.util.stream.Collectors;

/**
 * Everything a {@link Scheduler} needs, built from environment variables by {@link #fromEnv} or
 * programmatically with the {@code with*} methods. Immutable.
 *
 * @param host address the HTTP server binds (default {@code 0.0.0.0})
 * @param port HTTP port, {@code SPOOKY_SCHEDULER_INGEST_PORT} (default 9667; 0 picks a free one)
 * @param dbUrl SurrealDB RPC endpoint for change capture, {@code SPOOKY_SCHEDULER_DB_URL}; null
 *     means no capture (events arrive only through {@code POST /ingest})
 * @param dbNamespace namespace used for capture ({@code SPOOKY_SCHEDULER_DB_NS}, default {@code
 *     spooky})
 * @param dbDatabase database used for capture ({@code SPOOKY_SCHEDULER_DB_DB}, default {@code
 *     spooky})
 * @param dbUser root user for capture ({@code SPOOKY_SCHEDULER_DB_USER}, default {@code root})
 * @param dbPass root password for capture ({@code SPOOKY_SCHEDULER_DB_PASS}, default {@code root})
 * @param tables watched tables ({@code SPOOKY_SCHEDULER_TABLES}, comma separated); empty means
 *     every table of the database
 * @param replicaPath RocksDB directory of the snapshot replica ({@code
 *     SPOOKY_SCHEDULER_REPLICA_DB_PATH}, default {@code ./data/replica})
 * @param walPath directory of WAL segments ({@code SPOOKY_SCHEDULER_WAL_PATH}, default {@code
 *     ./data/event_wal.log})
 * @param loadBalance query placement ({@code SPOOKY_SCHEDULER_LOAD_BALANCE}, default round_robin)
 * @param heartbeatInterval interval SSPs are told to heartbeat at ({@code
 *     SPOOKY_SCHEDULER_HEARTBEAT_INTERVAL_MS}, default 5 s)
 * @param staleAfter an SSP without a heartbeat for this long leaves the pool ({@code
 *     SPOOKY_SCHEDULER_STALE_AFTER_MS}, default 15 s)
 * @param pollInterval health poll of a bootstrapping SSP ({@code
 *     SPOOKY_SCHEDULER_SSP_POLL_INTERVAL_MS}, default 3 s)
 * @param maxBufferPerSsp events an SSP that is not taking deliveries (Bootstrapping, or its last
 *     delivery failed) may lag behind the WAL before it must re-bootstrap ({@code
 *     SPOOKY_SCHEDULER_MAX_BUFFER_PER_SSP}, default 10,000)
 * @param ingestBatch most events in one {@code POST /ingest} to an SSP (default 500)
 * @param viewRegisterTimeout how long {@code POST /view/register} on an SSP may take ({@code
 *     SPOOKY_SCHEDULER_VIEW_REGISTER_TIMEOUT_MS}, default 60 s); a query whose registration times
 *     out stays assigned to that SSP, because the SSP may still be materializing it
 * @param secret shared secret every request must carry as {@code Authorization: Bearer}, and that
 *     the scheduler sends to SSPs ({@code SPOOKY_SCHEDULER_SECRET}, else the shared {@code
 *     SPOOKY_SECRET} that SSPs read too); null means open
 */
public record SchedulerConfig(
    String host,
    int port,
    URI dbUrl,
    String dbNamespace,
    String dbDatabase,
    String dbUser,
    String dbPass,
    Set<String> tables,
    Path replicaPath,
    Path walPath,
    LoadBalance loadBalance,
    Duration heartbeatInterval,
    Duration staleAfter,
    Duration pollInterval,
    int maxBufferPerSsp,
    int ingestBatch,
    Duration viewRegisterTimeout,
    String secret) {

  public SchedulerConfig {
    tables = Set.copyOf(tables);
    if (port < 0 || port > 65535) {
      throw new IllegalArgumentException("port out of range: " + port);
    }
    if (viewRegisterTimeout.isNegative() || viewRegisterTimeout.isZero()) {
      throw new IllegalArgumentException("view register timeout must be positive");
    }
    if (maxBufferPerSsp <= 0 || ingestBatch <= 0) {
      throw new IllegalArgumentException("max_buffer_per_ssp and ingest batch must be positive");
    }
    if (secret != null && secret.isBlank()) {
      secret = null;
    }
  }

  /** The documented defaults. */
  public static SchedulerConfig defaults() {
    return new SchedulerConfig(
        "0.0.0.0",
        9667,
        null,
        "spooky",
        "spooky",
        "root",
        "root",
        Set.of(),
        Path.of("./data/replica"),
        Path.of("./data/event_wal.log"),
        LoadBalance.ROUND_ROBIN,
        Duration.ofSeconds(5),
        Duration.ofSeconds(15),
        Duration.ofSeconds(3),
        10_000,
        500,
        Duration.ofSeconds(60),
        null);
  }

  /**
   * The defaults overridden by the {@code SPOOKY_SCHEDULER_*} variables of {@code env}.
   *
   * @throws ConfigException naming the setting whose value is malformed
   */
  public static SchedulerConfig fromEnv(Map<String, String> env) {
    return from(ConfigSource.of(Map.of(), env));
  }

  /**
   * The defaults overridden by {@code source}. Each setting {@code name} is read from the
   * environment as {@code SPOOKY_SCHEDULER_<NAME>} and from {@code spooky.yml} as {@code
   * scheduler.<name>} (the environment wins); {@code load_balance} may also be a top-level key of
   * the file, as in the Spooky document.
   *
   * @throws ConfigException naming the setting whose value is malformed
   */
  public static SchedulerConfig from(ConfigSource source) {
    SchedulerConfig d = defaults();
    Setting s = new Setting(source);
    String tables = s.text("tables", null);
    String lb = s.text("load_balance", source.string("load_balance", null));
    LoadBalance loadBalance;
    try {
      loadBalance = lb == null ? d.loadBalance : LoadBalance.parse(lb);
    } catch (IllegalArgumentException e) {
      throw new ConfigException("SPOOKY_SCHEDULER_LOAD_BALANCE", e.getMessage());
    }
    return new SchedulerConfig(
        s.text("host", d.host),
        s.integer("ingest_port", d.port),
        dbUrl(s.text("db_url", null)),
        s.text("db_ns", d.dbNamespace),
        s.text("db_db", d.dbDatabase),
        s.text("db_user", d.dbUser),
        s.text("db_pass", d.dbPass),
        tables == null
            ? d.tables
            : Arrays.stream(tables.split(","))
                .map(String::trim)
                .filter(t -> !t.isEmpty())
                .collect(Collectors.toSet()),
        Path.of(s.text("replica_db_path", d.replicaPath.toString())),
        Path.of(s.text("wal_path", d.walPath.toString())),
        loadBalance,
        Duration.ofMillis(s.integer("heartbeat_interval_ms", (int) d.heartbeatInterval.toMillis())),
        Duration.ofMillis(s.integer("stale_after_ms", (int) d.staleAfter.toMillis())),
        Duration.ofMillis(s.integer("ssp_poll_interval_ms", (int) d.pollInterval.toMillis())),
        s.integer("max_buffer_per_ssp", d.maxBufferPerSsp),
        s.integer("ingest_batch", d.ingestBatch),
        Duration.ofMillis(
            s.integer("view_register_timeout_ms", (int) d.viewRegisterTimeout.toMillis())),
        secret(source, s));
  }

  /**
   * The scheduler's own secret ({@code SPOOKY_SCHEDULER_SECRET}, then {@code scheduler.secret} in
   * {@code spooky.yml}) if set and not blank, else the secret shared with the SSPs ({@code
   * SPOOKY_SECRET}, then {@code spooky.secret}), else null. One {@code SPOOKY_SECRET} (or one
   * {@code spooky.secret} in a shared file) therefore configures both sides.
   */
  private static String secret(ConfigSource source, Setting s) {
    String own = s.text("secret", null);
    if (own != null && !own.isBlank()) {
      return own;
    }
    return source.string("spooky.secret").filter(v -> !v.isBlank()).orElse(null);
  }

  /** Looks a setting up under its environment name first, then under {@code scheduler.}. */
  private record Setting(ConfigSource source) {
    String text(String name, String fallback) {
      return source
          .string("spooky_scheduler." + name)
          .or(() -> source.string("scheduler." + name))
          .orElse(fallback);
    }

    int integer(String name, int fallback) {
      String key =
          source.string("spooky_scheduler." + name).isPresent()
              ? "spooky_scheduler." + name
              : "scheduler." + name;
      return source.integer(key, fallback);
    }
  }

  /** {@code surrealdb:8000/rpc} and {@code ws://host:port/rpc} are both accepted. */
  static URI dbUrl(String text) {
    if (text == null || text.isBlank()) {
      return null;
    }
    String t = text.trim();
    return URI.create(t.contains("://") ? t : "ws://" + t);
  }

  public SchedulerConfig withPort(int p) {
    return edit(d -> d.port = p);
  }

  public SchedulerConfig withHost(String h) {
    return edit(d -> d.host = h);
  }

  public SchedulerConfig withPaths(Path replica, Path wal) {
    return edit(
        d -> {
          d.replicaPath = replica;
          d.walPath = wal;
        });
  }

  public SchedulerConfig withLoadBalance(LoadBalance lb) {
    return edit(d -> d.loadBalance = lb);
  }

  public SchedulerConfig withTimings(Duration heartbeat, Duration stale, Duration poll) {
    return edit(
        d -> {
          d.heartbeatInterval = heartbeat;
          d.staleAfter = stale;
          d.pollInterval = poll;
        });
  }

  public SchedulerConfig withMaxBufferPerSsp(int max) {
    return edit(d -> d.maxBufferPerSsp = max);
  }

  public SchedulerConfig withSecret(String s) {
    return edit(d -> d.secret = s);
  }

  public SchedulerConfig withCapture(
      URI url, String ns, String db, String user, String pass, Set<String> watched) {
    return edit(
        d -> {
          d.dbUrl = url;
          d.dbNamespace = ns;
          d.dbDatabase = db;
          d.dbUser = user;
          d.dbPass = pass;
          d.tables = watched;
        });
  }

  public SchedulerConfig withViewRegisterTimeout(Duration t) {
    return edit(d -> d.viewRegisterTimeout = t);
  }

  /** A copy with {@code change} applied to a mutable draft of this config (validated again). */
  private SchedulerConfig edit(java.util.function.Consumer<Draft> change) {
    Draft d = new Draft(this);
    change.accept(d);
    return d.build();
  }

  /**
   * The components of a {@link SchedulerConfig} as mutable fields, for the {@code with*} copies.
   */
  private static final class Draft {
    String host;
    int port;
    URI dbUrl;
    String dbNamespace;
    String dbDatabase;
    String dbUser;
    String dbPass;
    Set<String> tables;
    Path replicaPath;
    Path walPath;
    LoadBalance loadBalance;
    Duration heartbeatInterval;
    Duration staleAfter;
    Duration pollInterval;
    int maxBufferPerSsp;
    int ingestBatch;
    Duration viewRegisterTimeout;
    String secret;

    Draft(SchedulerConfig c) {
      host = c.host;
      port = c.port;
      dbUrl = c.dbUrl;
      dbNamespace = c.dbNamespace;
      dbDatabase = c.dbDatabase;
      dbUser = c.dbUser;
      dbPass = c.dbPass;
      tables = c.tables;
      replicaPath = c.replicaPath;
      walPath = c.walPath;
      loadBalance = c.loadBalance;
      heartbeatInterval = c.heartbeatInterval;
      staleAfter = c.staleAfter;
      pollInterval = c.pollInterval;
      maxBufferPerSsp = c.maxBufferPerSsp;
      ingestBatch = c.ingestBatch;
      viewRegisterTimeout = c.viewRegisterTimeout;
      secret = c.secret;
    }

    SchedulerConfig build() {
      return new SchedulerConfig(
          host,
          port,
          dbUrl,
          dbNamespace,
          dbDatabase,
          dbUser,
          dbPass,
          tables,
          replicaPath,
          walPath,
          loadBalance,
          heartbeatInterval,
          staleAfter,
          pollInterval,
          maxBufferPerSsp,
          ingestBatch,
          viewRegisterTimeout,
          secret);
    }
  }
}
