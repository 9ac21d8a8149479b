package io.spooky.core.value;

/** An IEEE 754 double, SurrealDB's {@code float}. */
public record FloatValue(double value) implements Value {
  @Override
  public String toString() {
    return Double.toString(value) + "f";
  }
}
