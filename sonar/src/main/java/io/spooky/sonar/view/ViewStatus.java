package io.spooky.sonar.view;

/**
 * Progress of one view: {@code indexed} is its cursor, {@code total} the head of the log, {@code
 * error} the message of the last failure while in {@link State#ERROR}.
 */
public record ViewStatus(String name, State state, long indexed, long total, String error) {
  /** Lifecycle of a view. */
  public enum State {
    /** Caught up with the log. */
    IDLE,
    /** Applying batches. */
    RUNNING,
    /** Not processed in the background until resumed. */
    PAUSED,
    /** The last batch failed; retried on resume or reset. */
    ERROR
  }
}
