package io.spooky.core.value;

import java.time.Instant;
import java.util.Objects;

/** A point in time in UTC with nanosecond precision, SurrealDB's {@code datetime}. */
public record DatetimeValue(Instant value) implements Value {
  public DatetimeValue {
    Objects.requireNonNull(value, "value");
  }

  @Override
  public String toString() {
    return "d'" + value + "'";
  }
}
