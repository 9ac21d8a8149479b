package io.spooky.core.value;

/** A boolean. Prefer {@link Value#TRUE} and {@link Value#FALSE}. */
public record BoolValue(boolean value) implements Value {
  @Override
  public String toString() {
    return Boolean.toString(value);
  }
}
