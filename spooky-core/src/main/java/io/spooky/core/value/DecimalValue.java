package io.spooky.core.value;

import java.math.BigDecimal;
import java.util.Objects;

/**
 * An arbitrary-precision decimal, SurrealDB's {@code decimal}. Java equality ignores trailing zeros
 * ({@code 1.50dec} equals {@code 1.5dec}) because SurrealDB treats them as the same number.
 */
public record DecimalValue(BigDecimal value) implements Value {
  public DecimalValue {
    Objects.requireNonNull(value, "value");
  }

  @Override
  public boolean equals(Object o) {
    return o instanceof DecimalValue d && value.compareTo(d.value) == 0;
  }

  @Override
  public int hashCode() {
    return value.signum() == 0 ? 0 : value.stripTrailingZeros().hashCode();
  }

  @Override
  public String toString() {
    return value.toPlainString() + "dec";
  }
}
