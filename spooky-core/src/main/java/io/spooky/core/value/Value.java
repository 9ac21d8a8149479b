package io.spooky.core.value;

import java.math.BigDecimal;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.UUID;

/**
 * A SurrealDB value: the closed set of types a record can hold, as immutable Java objects.
 *
 * <p>The variants mirror SurrealDB's own type system: {@link NoneValue} (an absent field), {@link
 * NullValue}, {@link BoolValue}, the three numbers {@link IntValue} (64-bit), {@link FloatValue}
 * and {@link DecimalValue}, {@link StringValue}, {@link DatetimeValue} (nanosecond precision),
 * {@link DurationValue}, {@link UuidValue}, {@link RecordId} ({@code table:id}), {@link
 * ArrayValue}, {@link ObjectValue} (keys kept sorted, as SurrealDB does), {@link BytesValue} and
 * {@link GeometryValue} (carried through intact).
 *
 * <p>Java's {@code equals} on values is structural and type-strict ({@code 1 != 1.0f}). SurrealDB's
 * comparison rules, under which {@code 1 = 1.0}, are in {@link Values#compare} and {@link
 * Values#equal}; sorting and filtering must use those.
 *
 * <pre>{@code
 * Value user = Value.object(Map.of("name", Value.of("Tobie"), "age", Value.of(37)));
 * RecordId id = RecordId.of("user", "tobie");
 * }</pre>
 */
public sealed interface Value
    permits NoneValue,
        NullValue,
        BoolValue,
        IntValue,
        FloatValue,
        DecimalValue,
        StringValue,
        DatetimeValue,
        DurationValue,
        UuidValue,
        RecordId,
        ArrayValue,
        ObjectValue,
        BytesValue,
        GeometryValue {

  /** The value of a field that does not exist. */
  NoneValue NONE = NoneValue.INSTANCE;

  /** SurrealDB's {@code NULL}: a field that exists and holds nothing. */
  NullValue NULL = NullValue.INSTANCE;

  BoolValue TRUE = new BoolValue(true);
  BoolValue FALSE = new BoolValue(false);

  static BoolValue of(boolean b) {
    return b ? TRUE : FALSE;
  }

  static IntValue of(long n) {
    return new IntValue(n);
  }

  static FloatValue of(double d) {
    return new FloatValue(d);
  }

  static DecimalValue of(BigDecimal d) {
    return new DecimalValue(d);
  }

  static StringValue of(String s) {
    return new StringValue(s);
  }

  static DatetimeValue of(Instant t) {
    return new DatetimeValue(t);
  }

  static DurationValue of(java.time.Duration d) {
    return new DurationValue(d);
  }

  static UuidValue of(UUID u) {
    return new UuidValue(u);
  }

  static ArrayValue array(List<? extends Value> items) {
    return new ArrayValue(List.<Value>copyOf(items));
  }

  static ArrayValue array(Value... items) {
    return new ArrayValue(List.of(items));
  }

  static ObjectValue object(Map<String, ? extends Value> fields) {
    return ObjectValue.of(fields);
  }

  /** True for {@link NoneValue} and {@link NullValue}: SurrealDB's "nullish" values. */
  default boolean isNullish() {
    return this instanceof NoneValue || this instanceof NullValue;
  }

  /**
   * SurrealDB's truthiness, as used by {@code WHERE}: false, 0, "", [], {}, NONE and NULL are
   * falsy.
   */
  default boolean isTruthy() {
    return switch (this) {
      case NoneValue n -> false;
      case NullValue n -> false;
      case BoolValue b -> b.value();
      case IntValue i -> i.value() != 0;
      case FloatValue f -> f.value() != 0.0 && !Double.isNaN(f.value());
      case DecimalValue d -> d.value().signum() != 0;
      case StringValue s -> !s.value().isEmpty();
      case ArrayValue a -> !a.items().isEmpty();
      case ObjectValue o -> !o.fields().isEmpty();
      case DurationValue d -> !d.value().isZero();
      default -> true;
    };
  }

  /** SurrealDB's name for this value's type, as {@code type::of}-style messages show it. */
  default String typeName() {
    return switch (this) {
      case NoneValue n -> "none";
      case NullValue n -> "null";
      case BoolValue b -> "bool";
      case IntValue i -> "int";
      case FloatValue f -> "float";
      case DecimalValue d -> "decimal";
      case StringValue s -> "string";
      case DatetimeValue d -> "datetime";
      case DurationValue d -> "duration";
      case UuidValue u -> "uuid";
      case RecordId r -> "record";
      case ArrayValue a -> "array";
      case ObjectValue o -> "object";
      case BytesValue b -> "bytes";
      case GeometryValue g -> "geometry";
    };
  }
}
