package io.spooky.core.value;

import java.util.List;

/** An ordered list of values, SurrealDB's {@code array}. Immutable. */
public record ArrayValue(List<Value> items) implements Value {
  public ArrayValue {
    items = List.copyOf(items);
  }

  public int size() {
    return items.size();
  }

  public Value get(int i) {
    return items.get(i);
  }

  @Override
  public String toString() {
    return items.toString();
  }
}
