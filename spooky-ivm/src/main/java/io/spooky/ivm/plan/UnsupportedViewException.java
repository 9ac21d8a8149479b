package io.spooky.ivm.plan;

/**
 * A parsed SELECT that the incremental engine cannot maintain (for example {@code FROM} a list of
 * record ids, or an aggregate outside {@code GROUP BY}). The message names the clause.
 */
public final class UnsupportedViewException extends RuntimeException {
  public UnsupportedViewException(String message) {
    super(message);
  }
}
