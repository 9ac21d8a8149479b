package io.spooky.core.value;

/** SurrealDB's {@code NONE}: the value of a field that does not exist. A singleton. */
public record NoneValue() implements Value {
  static final NoneValue INSTANCE = new NoneValue();

  @Override
  public String toString() {
    return "NONE";
  }
}
