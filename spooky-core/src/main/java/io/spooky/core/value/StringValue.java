package io.spooky.core.value;

import java.util.Objects;

/** A UTF-8 string, SurrealDB's {@code string} ("strand"). */
public record StringValue(String value) implements Value {
  public StringValue {
    Objects.requireNonNull(value, "value");
  }

  @Override
  public String toString() {
    return value;
  }
}
