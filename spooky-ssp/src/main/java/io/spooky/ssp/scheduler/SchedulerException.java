package io.spooky.ssp.scheduler;

/**
 * The scheduler could not be reached or answered with an unexpected status. {@link #status} is the
 * HTTP status, or 0 for network errors; the link retries either with backoff.
 */
public final class SchedulerException extends RuntimeException {
  private final int status;

  public SchedulerException(int status, String message, Throwable cause) {
    super(message, cause);
    this.status = status;
  }

  /** The HTTP status, 0 when no response arrived. */
  public int status() {
    return status;
  }
}
