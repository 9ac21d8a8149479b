package io.spooky.core.value;

import java.util.Arrays;
import java.util.HexFormat;

/** A byte string, SurrealDB's {@code bytes}. The array is copied in and never exposed mutably. */
public record BytesValue(byte[] value) implements Value {
  public BytesValue {
    value = value.clone();
  }

  /** A copy of the bytes. */
  @Override
  public byte[] value() {
    return value.clone();
  }

  /** The length in bytes, without copying. */
  public int length() {
    return value.length;
  }

  /** The bytes themselves, for read-only use inside this package; never mutate or leak them. */
  byte[] bytes() {
    return value;
  }

  /** The byte at {@code i}, without copying. */
  public byte at(int i) {
    return value[i];
  }

  @Override
  public boolean equals(Object o) {
    return o instanceof BytesValue b && Arrays.equals(value, b.value);
  }

  @Override
  public int hashCode() {
    return Arrays.hashCode(value);
  }

  @Override
  public String toString() {
    return "b\"" + HexFormat.of().formatHex(value) + "\"";
  }
}
