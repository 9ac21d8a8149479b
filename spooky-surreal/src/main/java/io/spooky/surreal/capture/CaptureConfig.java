package io.spooky.surreal.capture;

import java.time.Duration;
import java.util.Objects;
import java.util.Set;
import java.util.regex.Pattern;

/**
 * What a {@link ChangeCapture} watches and how.
 *
 * @param tables the tables to watch; empty means every table of the database, discovered with
 *     {@code INFO FOR DB} every {@code discoveryInterval}
 * @param retention change feed retention set on tables that have no change feed yet (SurrealQL
 *     duration, e.g. {@code 7d}); a table that already has a feed keeps its retention
 * @param batchLimit the {@code LIMIT} of each {@code SHOW CHANGES} (transactions of the whole
 *     database per read; SurrealDB 3.0 returns at most 1000 whatever the limit)
 * @param pollInterval longest wait between reads when no live wake-up arrives
 * @param settle how old (by the server's clock) a transaction must be before it is delivered, so
 *     that a transaction that committed later with an earlier versionstamp is never skipped; must
 *     exceed the longest write transaction. Zero disables the wait.
 * @param liveWakeup whether to subscribe a LIVE query per table to read as soon as something
 *     changes
 * @param retryDelay wait before retrying after a failed read or a consumer that threw
 * @param discoveryInterval how often to look for new tables when watching all
 */
public record CaptureConfig(
    Set<String> tables,
    String retention,
    int batchLimit,
    Duration pollInterval,
    Duration settle,
    boolean liveWakeup,
    Duration retryDelay,
    Duration discoveryInterval) {

  private static final Pattern DURATION = Pattern.compile("([0-9]+(ns|us|µs|ms|s|m|h|d|w|y))+");

  public CaptureConfig {
    tables = Set.copyOf(tables);
    Objects.requireNonNull(retention, "retention");
    if (!DURATION.matcher(retention).matches()) {
      throw new IllegalArgumentException(
          "retention is a SurrealQL duration, got '" + retention + "'");
    }
    if (batchLimit <= 0) {
      throw new IllegalArgumentException("batchLimit is positive");
    }
    Objects.requireNonNull(pollInterval, "pollInterval");
    Objects.requireNonNull(settle, "settle");
    Objects.requireNonNull(retryDelay, "retryDelay");
    Objects.requireNonNull(discoveryInterval, "discoveryInterval");
  }

  /**
   * Watches {@code tables} with the defaults: 7d retention, 1000 per read, 1 s poll, 250 ms settle,
   * live wake-up.
   */
  public static CaptureConfig of(Set<String> tables) {
    return new CaptureConfig(
        tables,
        "7d",
        1000,
        Duration.ofSeconds(1),
        Duration.ofMillis(250),
        true,
        Duration.ofMillis(200),
        Duration.ofSeconds(5));
  }

  /** Watches every table of the database, with the defaults of {@link #of}. */
  public static CaptureConfig allTables() {
    return of(Set.of());
  }

  public boolean watchAll() {
    return tables.isEmpty();
  }

  public CaptureConfig withSettle(Duration d) {
    return new CaptureConfig(
        tables, retention, batchLimit, pollInterval, d, liveWakeup, retryDelay, discoveryInterval);
  }

  public CaptureConfig withBatchLimit(int n) {
    return new CaptureConfig(
        tables, retention, n, pollInterval, settle, liveWakeup, retryDelay, discoveryInterval);
  }

  public CaptureConfig withPollInterval(Duration d) {
    return new CaptureConfig(
        tables, retention, batchLimit, d, settle, liveWakeup, retryDelay, discoveryInterval);
  }

  public CaptureConfig withLiveWakeup(boolean on) {
    return new CaptureConfig(
        tables, retention, batchLimit, pollInterval, settle, on, retryDelay, discoveryInterval);
  }
}
