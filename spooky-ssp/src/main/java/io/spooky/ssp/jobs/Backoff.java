package io.spooky.ssp.jobs;

import java.time.Duration;
import java.util.random.RandomGenerator;

/**
 * Retry delays: after the n-th failed attempt (n ≥ 1) the nominal delay is {@code min(max, base ·
 * 2^(n-1))}, and the actual delay is drawn uniformly from {@code [nominal/2, nominal]} ("equal
 * jitter"), so retries of jobs that failed together spread out but never come sooner than half the
 * nominal delay. A server's {@code Retry-After} raises the delay up to {@code max}. Not thread-safe
 * (it owns a random generator); the runner uses it under a lock.
 */
final class Backoff {
  private final long baseNanos;
  private final long maxNanos;
  private final RandomGenerator random;

  Backoff(Duration base, Duration max, RandomGenerator random) {
    this.baseNanos = base.toNanos();
    this.maxNanos = max.toNanos();
    this.random = random;
  }

  /** The nominal (un-jittered) delay after {@code failedAttempts} failures. */
  Duration nominal(int failedAttempts) {
    assert failedAttempts >= 1 : "a delay follows at least one failed attempt";
    int shift = Math.min(failedAttempts - 1, 62);
    long nanos = baseNanos > (maxNanos >> shift) ? maxNanos : baseNanos << shift;
    return Duration.ofNanos(Math.min(nanos, maxNanos));
  }

  /** The delay before the next attempt, with jitter and the server's hint (may be null). */
  Duration next(int failedAttempts, Duration retryAfter) {
    long nominal = nominal(failedAttempts).toNanos();
    long half = nominal / 2;
    long delay = half + random.nextLong(nominal - half + 1);
    if (retryAfter != null) {
      delay = Math.max(delay, Math.min(retryAfter.toNanos(), maxNanos));
    }
    return Duration.ofNanos(delay);
  }
}
