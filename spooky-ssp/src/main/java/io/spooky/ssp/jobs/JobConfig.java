package io.spooky.ssp.jobs;

import java.net.URI;
import java.time.Duration;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.UUID;

/**
 * How a {@link JobRunner} executes the jobs of the {@code _spooky_job} table. Immutable; start from
 * {@link #defaults(URI)} (or {@link #fromEnvironment(Map)}) and change fields with the {@code
 * with*} methods.
 *
 * <p>Invariant checked on construction: {@code leaseTimeout > requestTimeout}, so a runner that is
 * alive always records an attempt's outcome before its lease on the job expires, and an expired
 * lease means the owner died or lost the database.
 *
 * @param backendUrl where jobs go: a job with path {@code /p} is POSTed to {@code backendUrl + /p}
 * @param sspId this runner's identity in {@code claimed_by} and {@code tried_by}; unique per SSP
 * @param pollInterval how often the table is scanned for due jobs when no live notification woke
 *     the runner earlier
 * @param requestTimeout the whole backend call (connect, send, response) of one attempt
 * @param concurrency jobs executed at once by this runner
 * @param baseBackoff delay before the first retry; doubles per failed attempt
 * @param maxBackoff cap of the retry delay
 * @param defaultMaxAttempts attempts allowed to a job that does not set {@code max_attempts}
 * @param leaseTimeout how long a claim is exclusive; a job still {@code running} after that is
 *     taken back (its owner is presumed dead)
 * @param preferOtherSsp when true, a job that failed here is left for other SSPs for {@code 3 *
 *     pollInterval} before this runner retries it itself
 * @param liveWakeup when true, a LIVE query on {@code _spooky_job} wakes the runner as soon as a
 *     job is written, instead of at the next poll
 * @param maxErrorsKept how many attempt errors a job row keeps (the most recent ones)
 * @param maxResponseChars how much of a successful response body is stored in the row
 */
public record JobConfig(
    URI backendUrl,
    String sspId,
    Duration pollInterval,
    Duration requestTimeout,
    int concurrency,
    Duration baseBackoff,
    Duration maxBackoff,
    int defaultMaxAttempts,
    Duration leaseTimeout,
    boolean preferOtherSsp,
    boolean liveWakeup,
    int maxErrorsKept,
    int maxResponseChars) {

  /** Environment variable with the backend base URL; jobs are off when it is unset. */
  public static final String BACKEND_URL = "SPOOKY_BACKEND_URL";

  public JobConfig {
    Objects.requireNonNull(backendUrl, "backendUrl");
    Objects.requireNonNull(sspId, "sspId");
    String scheme = backendUrl.getScheme();
    if (!"http".equals(scheme) && !"https".equals(scheme)) {
      throw new IllegalArgumentException("backendUrl must be http or https: " + backendUrl);
    }
    if (sspId.isBlank()) {
      throw new IllegalArgumentException("sspId must not be blank");
    }
    requirePositive(pollInterval, "pollInterval");
    requirePositive(requestTimeout, "requestTimeout");
    requirePositive(baseBackoff, "baseBackoff");
    requirePositive(maxBackoff, "maxBackoff");
    requirePositive(leaseTimeout, "leaseTimeout");
    if (concurrency < 1) {
      throw new IllegalArgumentException("concurrency must be at least 1, not " + concurrency);
    }
    if (defaultMaxAttempts < 1) {
      throw new IllegalArgumentException(
          "defaultMaxAttempts must be at least 1, not " + defaultMaxAttempts);
    }
    if (maxBackoff.compareTo(baseBackoff) < 0) {
      throw new IllegalArgumentException("maxBackoff must not be below baseBackoff");
    }
    if (leaseTimeout.compareTo(requestTimeout) <= 0) {
      throw new IllegalArgumentException(
          "leaseTimeout ("
              + leaseTimeout
              + ") must exceed requestTimeout ("
              + requestTimeout
              + "): a live runner must finish an attempt before its lease expires");
    }
    if (maxErrorsKept < 1) {
      throw new IllegalArgumentException("maxErrorsKept must be at least 1");
    }
    if (maxResponseChars < 0) {
      throw new IllegalArgumentException("maxResponseChars must not be negative");
    }
  }

  /**
   * The defaults: poll every second, 30 s request timeout, 8 concurrent jobs, backoff from 1 s
   * doubling up to 5 min, 5 attempts, 60 s lease, prefer other SSPs for retries, live wake-up on,
   * 10 errors kept, 4096 response characters kept, and a random SSP id.
   */
  public static JobConfig defaults(URI backendUrl) {
    return new JobConfig(
        backendUrl,
        "ssp-" + UUID.randomUUID(),
        Duration.ofSeconds(1),
        Duration.ofSeconds(30),
        8,
        Duration.ofSeconds(1),
        Duration.ofMinutes(5),
        5,
        Duration.ofSeconds(60),
        true,
        true,
        10,
        4096);
  }

  /**
   * Reads the configuration from environment-style keys (README "Jobs"): {@code SPOOKY_BACKEND_URL}
   * (required for jobs to run), {@code SSP_ID}, {@code SPOOKY_JOBS_POLL_INTERVAL_MS}, {@code
   * SPOOKY_JOBS_REQUEST_TIMEOUT_MS}, {@code SPOOKY_JOBS_CONCURRENCY}, {@code
   * SPOOKY_JOBS_BACKOFF_BASE_MS}, {@code SPOOKY_JOBS_BACKOFF_MAX_MS}, {@code
   * SPOOKY_JOBS_MAX_ATTEMPTS}, {@code SPOOKY_JOBS_LEASE_MS}, {@code SPOOKY_JOBS_PREFER_OTHER_SSP},
   * {@code SPOOKY_JOBS_LIVE}. Unset keys keep {@link #defaults}.
   *
   * @return empty when {@code SPOOKY_BACKEND_URL} is unset or blank (jobs disabled)
   * @throws IllegalArgumentException naming the key whose value is malformed or out of range
   */
  public static Optional<JobConfig> fromEnvironment(Map<String, String> env) {
    String url = env.get(BACKEND_URL);
    if (url == null || url.isBlank()) {
      return Optional.empty();
    }
    JobConfig c = defaults(parse(BACKEND_URL, url.strip(), URI::create));
    String id = env.get("SSP_ID");
    if (id != null && !id.isBlank()) {
      c = c.withSspId(id.strip());
    }
    c = c.withPollInterval(millis(env, "SPOOKY_JOBS_POLL_INTERVAL_MS", c.pollInterval));
    Duration request = millis(env, "SPOOKY_JOBS_REQUEST_TIMEOUT_MS", c.requestTimeout);
    Duration lease = millis(env, "SPOOKY_JOBS_LEASE_MS", c.leaseTimeout);
    if (!env.containsKey("SPOOKY_JOBS_LEASE_MS") && lease.compareTo(request) <= 0) {
      lease = request.multipliedBy(2);
    }
    c = c.withTimeouts(request, lease);
    c = c.withConcurrency(integer(env, "SPOOKY_JOBS_CONCURRENCY", c.concurrency));
    c =
        c.withBackoff(
            millis(env, "SPOOKY_JOBS_BACKOFF_BASE_MS", c.baseBackoff),
            millis(env, "SPOOKY_JOBS_BACKOFF_MAX_MS", c.maxBackoff));
    c = c.withDefaultMaxAttempts(integer(env, "SPOOKY_JOBS_MAX_ATTEMPTS", c.defaultMaxAttempts));
    c = c.withPreferOtherSsp(bool(env, "SPOOKY_JOBS_PREFER_OTHER_SSP", c.preferOtherSsp));
    return Optional.of(c.withLiveWakeup(bool(env, "SPOOKY_JOBS_LIVE", c.liveWakeup)));
  }

  public JobConfig withSspId(String id) {
    return new JobConfig(
        backendUrl,
        id,
        pollInterval,
        requestTimeout,
        concurrency,
        baseBackoff,
        maxBackoff,
        defaultMaxAttempts,
        leaseTimeout,
        preferOtherSsp,
        liveWakeup,
        maxErrorsKept,
        maxResponseChars);
  }

  public JobConfig withPollInterval(Duration d) {
    return new JobConfig(
        backendUrl,
        sspId,
        d,
        requestTimeout,
        concurrency,
        baseBackoff,
        maxBackoff,
        defaultMaxAttempts,
        leaseTimeout,
        preferOtherSsp,
        liveWakeup,
        maxErrorsKept,
        maxResponseChars);
  }

  /** Sets the request timeout and the lease together, since the lease must exceed the request. */
  public JobConfig withTimeouts(Duration request, Duration lease) {
    return new JobConfig(
        backendUrl,
        sspId,
        pollInterval,
        request,
        concurrency,
        baseBackoff,
        maxBackoff,
        defaultMaxAttempts,
        lease,
        preferOtherSsp,
        liveWakeup,
        maxErrorsKept,
        maxResponseChars);
  }

  public JobConfig withConcurrency(int n) {
    return new JobConfig(
        backendUrl,
        sspId,
        pollInterval,
        requestTimeout,
        n,
        baseBackoff,
        maxBackoff,
        defaultMaxAttempts,
        leaseTimeout,
        preferOtherSsp,
        liveWakeup,
        maxErrorsKept,
        maxResponseChars);
  }

  public JobConfig withBackoff(Duration base, Duration max) {
    return new JobConfig(
        backendUrl,
        sspId,
        pollInterval,
        requestTimeout,
        concurrency,
        base,
        max,
        defaultMaxAttempts,
        leaseTimeout,
        preferOtherSsp,
        liveWakeup,
        maxErrorsKept,
        maxResponseChars);
  }

  public JobConfig withDefaultMaxAttempts(int n) {
    return new JobConfig(
        backendUrl,
        sspId,
        pollInterval,
        requestTimeout,
        concurrency,
        baseBackoff,
        maxBackoff,
        n,
        leaseTimeout,
        preferOtherSsp,
        liveWakeup,
        maxErrorsKept,
        maxResponseChars);
  }

  public JobConfig withPreferOtherSsp(boolean prefer) {
    return new JobConfig(
        backendUrl,
        sspId,
        pollInterval,
        requestTimeout,
        concurrency,
        baseBackoff,
        maxBackoff,
        defaultMaxAttempts,
        leaseTimeout,
        prefer,
        liveWakeup,
        maxErrorsKept,
        maxResponseChars);
  }

  public JobConfig withLiveWakeup(boolean live) {
    return new JobConfig(
        backendUrl,
        sspId,
        pollInterval,
        requestTimeout,
        concurrency,
        baseBackoff,
        maxBackoff,
        defaultMaxAttempts,
        leaseTimeout,
        preferOtherSsp,
        live,
        maxErrorsKept,
        maxResponseChars);
  }

  public JobConfig withMaxErrorsKept(int n) {
    return new JobConfig(
        backendUrl,
        sspId,
        pollInterval,
        requestTimeout,
        concurrency,
        baseBackoff,
        maxBackoff,
        defaultMaxAttempts,
        leaseTimeout,
        preferOtherSsp,
        liveWakeup,
        n,
        maxResponseChars);
  }

  /** The URL a job with {@code path} is POSTed to: the base URL without trailing slash + path. */
  URI target(String path) {
    String base = backendUrl.toString();
    while (base.endsWith("/")) {
      base = base.substring(0, base.length() - 1);
    }
    return URI.create(base + path);
  }

  private static void requirePositive(Duration d, String name) {
    Objects.requireNonNull(d, name);
    if (d.isNegative() || d.isZero()) {
      throw new IllegalArgumentException(name + " must be positive, not " + d);
    }
  }

  private static Duration millis(Map<String, String> env, String key, Duration fallback) {
    String v = env.get(key);
    return v == null || v.isBlank()
        ? fallback
        : Duration.ofMillis(parse(key, v.strip(), Long::parseLong));
  }

  private static int integer(Map<String, String> env, String key, int fallback) {
    String v = env.get(key);
    return v == null || v.isBlank() ? fallback : parse(key, v.strip(), Integer::parseInt);
  }

  private static boolean bool(Map<String, String> env, String key, boolean fallback) {
    String v = env.get(key);
    if (v == null || v.isBlank()) {
      return fallback;
    }
    return switch (v.strip().toLowerCase(java.util.Locale.ROOT)) {
      case "true", "1", "yes" -> true;
      case "false", "0", "no" -> false;
      default -> throw new IllegalArgumentException(key + " must be true or false, not " + v);
    };
  }

  private static <T> T parse(String key, String v, java.util.function.Function<String, T> parser) {
    try {
      return parser.apply(v);
    } catch (IllegalArgumentException e) {
      throw new IllegalArgumentException(key + " is malformed: " + v, e);
    }
  }
}
