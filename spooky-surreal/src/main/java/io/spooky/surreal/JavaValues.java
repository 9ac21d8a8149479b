package io.spooky.surreal;

import io.spooky.core.value.BytesValue;
import io.spooky.core.value.Value;
import java.math.BigDecimal;
import java.math.BigInteger;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;
import java.util.UUID;

/**
 * Converts plain Java objects to {@link Value}s for the client's convenience overloads: {@code
 * null} → NULL, {@code Optional.empty()} → NONE, booleans, integral numbers → int, {@code float}
 * and {@code double} → float, {@link BigDecimal}/{@link BigInteger} → decimal, {@link CharSequence}
 * → string, {@link Instant} → datetime, {@link Duration} → duration, {@link UUID} → uuid, {@code
 * byte[]} → bytes, collections and arrays → array, maps with string keys → object. Values pass
 * through unchanged. Anything else is an {@link IllegalArgumentException}.
 */
public final class JavaValues {
  private JavaValues() {}

  public static Value toValue(Object o) {
    return switch (o) {
      case null -> Value.NULL;
      case Value v -> v;
      case Optional<?> opt -> opt.isEmpty() ? Value.NONE : toValue(opt.get());
      case Boolean b -> Value.of(b);
      case Byte n -> Value.of(n.longValue());
      case Short n -> Value.of(n.longValue());
      case Integer n -> Value.of(n.longValue());
      case Long n -> Value.of(n.longValue());
      case Float f -> Value.of(f.doubleValue());
      case Double d -> Value.of(d.doubleValue());
      case BigDecimal d -> Value.of(d);
      case BigInteger i -> Value.of(new BigDecimal(i));
      case CharSequence s -> Value.of(s.toString());
      case Instant t -> Value.of(t);
      case Duration d -> Value.of(d);
      case UUID u -> Value.of(u);
      case byte[] b -> new BytesValue(b);
      case Object[] arr -> Value.array(convert(List.of(arr)));
      case Collection<?> c -> Value.array(convert(c));
      case Map<?, ?> m -> {
        TreeMap<String, Value> fields = new TreeMap<>();
        for (Map.Entry<?, ?> e : m.entrySet()) {
          if (!(e.getKey() instanceof String k)) {
            throw new IllegalArgumentException("object keys are strings, not " + e.getKey());
          }
          fields.put(k, toValue(e.getValue()));
        }
        yield Value.object(fields);
      }
      default ->
          throw new IllegalArgumentException("no SurrealDB value for a " + o.getClass().getName());
    };
  }

  /** Converts a map of query variables. */
  public static Map<String, Value> toVariables(Map<String, ?> vars) {
    TreeMap<String, Value> out = new TreeMap<>();
    vars.forEach((k, v) -> out.put(k, toValue(v)));
    return out;
  }

  private static List<Value> convert(Collection<?> items) {
    List<Value> out = new ArrayList<>(items.size());
    for (Object item : items) {
      out.add(toValue(item));
    }
    return out;
  }
}
