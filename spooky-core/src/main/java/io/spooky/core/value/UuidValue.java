package io.spooky.core.value;

import java.util.Objects;
import java.util.UUID;

/** A UUID, SurrealDB's {@code uuid}. */
public record UuidValue(UUID value) implements Value {
  public UuidValue {
    Objects.requireNonNull(value, "value");
  }

  @Override
  public String toString() {
    return "u'" + value + "'";
  }
}
