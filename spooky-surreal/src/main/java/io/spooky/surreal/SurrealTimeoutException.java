package io.spooky.surreal;

import java.time.Duration;

/**
 * No answer arrived within the request timeout. The request may still have been executed by the
 * server; a late answer is discarded.
 */
public final class SurrealTimeoutException extends SurrealException {
  public SurrealTimeoutException(String method, Duration timeout) {
    super(method + " got no answer within " + timeout);
  }
}
