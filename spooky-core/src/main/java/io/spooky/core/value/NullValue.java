package io.spooky.core.value;

/** SurrealDB's {@code NULL}: a field that exists and holds no value. A singleton. */
public record NullValue() implements Value {
  static final NullValue INSTANCE = new NullValue();

  @Override
  public String toString() {
    return "NULL";
  }
}
