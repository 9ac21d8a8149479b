package io.spooky.ssp;

import io.spooky.service.ConfigException;
import io.spooky.service.ConfigSource;
import io.spooky.ssp.jobs.JobConfig;
import java.net.URI;
import java.time.Duration;
import java.util.Arrays;
import java.util.HashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

/**
 * Settings of one SSP, read from {@link ConfigSource} (environment over {@code spooky.yml}).
 *
 * <table>
 *   <caption>keys</caption>
 *   <tr><th>yml key</th><th>environment</th><th>default</th></tr>
 *   <tr><td>surrealdb.addr</td><td>SURREALDB_ADDR</td><td>ws://127.0.0.1:8000</td></tr>
 *   <tr><td>surrealdb.user / .pass</td><td>SURREALDB_USER / _PASS</td><td>root / root</td></tr>
 *   <tr><td>surrealdb.ns / .db</td><td>SURREALDB_NS / _DB</td><td>spooky / spooky</td></tr>
 *   <tr><td>listen_addr</td><td>LISTEN_ADDR</td><td>0.0.0.0:8667</td></tr>
 *   <tr><td>spooky.secret</td><td>SPOOKY_SECRET</td><td>(none: no auth)</td></tr>
 *   <tr><td>ssp.tables</td><td>SSP_TABLES</td><td>(all tables found at start)</td></tr>
 *   <tr><td>ssp.default_ttl</td><td>SSP_DEFAULT_TTL</td><td>10m</td></tr>
 *   <tr><td>ssp.max_request_bytes</td><td>SSP_MAX_REQUEST_BYTES</td><td>1048576</td></tr>
 *   <tr><td>ssp.page_size</td><td>SSP_PAGE_SIZE</td><td>1000</td></tr>
 *   <tr><td>ssp.stream_queue</td><td>SSP_STREAM_QUEUE</td><td>256</td></tr>
 *   <tr><td>ssp.settle</td><td>SSP_SETTLE</td><td>250ms</td></tr>
 *   <tr><td>spooky.backend_url</td><td>SPOOKY_BACKEND_URL</td><td>(none: jobs off)</td></tr>
 *   <tr><td>ssp.id, spooky.jobs.*</td><td>SSP_ID, SPOOKY_JOBS_*</td><td>see {@link
 *       JobConfig#fromEnvironment}</td></tr>
 * </table>
 *
 * @param surrealRpc WebSocket RPC URL ({@code /rpc} appended when the address has no path)
 * @param tables tables to load and follow; empty means every non-{@code _spooky_} table of the
 *     database at start-up
 * @param streamQueue deltas queued per WebSocket client before it is resynced by snapshot
 * @param settle how old a transaction must be before the change capture delivers it
 * @param jobs the {@code _spooky_job} runner's settings, empty when no backend URL is configured
 */
public record SspConfig(
    URI surrealRpc,
    String user,
    String pass,
    String namespace,
    String database,
    String listenAddr,
    Optional<String> secret,
    Set<String> tables,
    Duration defaultTtl,
    long maxRequestBytes,
    int pageSize,
    int streamQueue,
    Duration settle,
    Optional<JobConfig> jobs) {

  /** yml keys of the job runner; each reads as its environment name ({@link JobConfig}). */
  private static final List<String> JOB_KEYS =
      List.of(
          "spooky.backend_url",
          "ssp.id",
          "spooky.jobs.poll_interval_ms",
          "spooky.jobs.request_timeout_ms",
          "spooky.jobs.concurrency",
          "spooky.jobs.backoff_base_ms",
          "spooky.jobs.backoff_max_ms",
          "spooky.jobs.max_attempts",
          "spooky.jobs.lease_ms",
          "spooky.jobs.prefer_other_ssp",
          "spooky.jobs.live");

  public SspConfig {
    tables = Set.copyOf(tables);
  }

  /** Reads every key; {@link ConfigException} names the key at fault. */
  public static SspConfig from(ConfigSource c) {
    String addr = c.string("surrealdb.addr", "ws://127.0.0.1:8000");
    URI rpc;
    try {
      rpc = URI.create(addr);
    } catch (IllegalArgumentException e) {
      throw new ConfigException("surrealdb.addr", "not a URL: '" + addr + "'");
    }
    if (rpc.getScheme() == null
        || !(rpc.getScheme().equals("ws") || rpc.getScheme().equals("wss"))) {
      throw new ConfigException("surrealdb.addr", "must be ws:// or wss://, got '" + addr + "'");
    }
    if (rpc.getPath() == null || rpc.getPath().isEmpty() || rpc.getPath().equals("/")) {
      rpc = URI.create(addr.replaceAll("/$", "") + "/rpc");
    }
    Set<String> tables = new LinkedHashSet<>();
    Arrays.stream(c.string("ssp.tables", "").split(","))
        .map(String::trim)
        .filter(s -> !s.isEmpty())
        .forEach(tables::add);
    int pageSize = c.integer("ssp.page_size", 1000);
    int streamQueue = c.integer("ssp.stream_queue", 256);
    int maxBytes = c.integer("ssp.max_request_bytes", 1 << 20);
    if (pageSize <= 0) {
      throw new ConfigException("ssp.page_size", "must be positive");
    }
    if (streamQueue <= 0) {
      throw new ConfigException("ssp.stream_queue", "must be positive");
    }
    if (maxBytes <= 0) {
      throw new ConfigException("ssp.max_request_bytes", "must be positive");
    }
    Map<String, String> jobEnv = new HashMap<>();
    for (String key : JOB_KEYS) {
      c.string(key).ifPresent(v -> jobEnv.put(ConfigSource.envName(key), v));
    }
    Optional<JobConfig> jobs;
    try {
      jobs = JobConfig.fromEnvironment(jobEnv);
    } catch (IllegalArgumentException e) {
      throw new ConfigException("spooky.jobs", e.getMessage());
    }
    return new SspConfig(
        rpc,
        c.string("surrealdb.user", "root"),
        c.string("surrealdb.pass", "root"),
        c.string("surrealdb.ns", "spooky"),
        c.string("surrealdb.db", "spooky"),
        c.string("listen_addr", "0.0.0.0:8667"),
        c.string("spooky.secret").filter(s -> !s.isEmpty()),
        tables,
        c.duration("ssp.default_ttl", Duration.ofMinutes(10)),
        maxBytes,
        pageSize,
        streamQueue,
        c.duration("ssp.settle", Duration.ofMillis(250)),
        jobs);
  }
}
