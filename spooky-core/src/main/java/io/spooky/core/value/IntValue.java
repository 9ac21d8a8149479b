package io.spooky.core.value;

/** A 64-bit signed integer, SurrealDB's {@code int}. */
public record IntValue(long value) implements Value {
  @Override
  public String toString() {
    return Long.toString(value);
  }
}
