package io.spooky.ssp.jobs;

import java.time.Duration;

/**
 * What one attempt at a backend call came to. {@link Success} for a 2xx response; {@link Retry} for
 * what may work later (5xx, 408, 429, other non-2xx statuses, timeouts, connection failures);
 * {@link Permanent} for a 4xx the backend will answer the same way again.
 */
sealed interface BackendOutcome {

  /** The backend accepted the job; {@code body} is already truncated for storage. */
  record Success(int status, String body) implements BackendOutcome {}

  /**
   * The attempt failed in a way worth repeating.
   *
   * @param status the HTTP status, or 0 when no response arrived
   * @param retryAfter the server's {@code Retry-After} in seconds form, or null
   */
  record Retry(int status, String error, Duration retryAfter) implements BackendOutcome {}

  /** The backend rejected the job for good. */
  record Permanent(int status, String error) implements BackendOutcome {}
}
