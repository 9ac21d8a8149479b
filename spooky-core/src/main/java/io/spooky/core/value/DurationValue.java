package io.spooky.core.value;

import java.time.Duration;
import java.util.Objects;

/** A non-negative length of time with nanosecond precision, SurrealDB's {@code duration}. */
public record DurationValue(Duration value) implements Value {
  public DurationValue {
    Objects.requireNonNull(value, "value");
    if (value.isNegative()) {
      throw new IllegalArgumentException("SurrealDB durations are never negative: " + value);
    }
  }

  /** The SurrealDB literal, e.g. {@code 1h30m}; see {@link Durations}. */
  @Override
  public String toString() {
    return Durations.format(value);
  }
}
