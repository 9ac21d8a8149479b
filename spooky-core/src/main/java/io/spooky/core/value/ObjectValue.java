package io.spooky.core.value;

import java.util.Collections;
import java.util.Map;
import java.util.SortedMap;
import java.util.TreeMap;

/**
 * A map from field names to values, SurrealDB's {@code object}. Keys are kept in SurrealDB's order,
 * Unicode code point order (the byte order of their UTF-8 encodings, see {@link
 * Values#compareStrings}), as SurrealDB stores objects in a B-tree map; iteration over {@link
 * #fields()} follows that order whatever map the object was built from. Immutable.
 */
public record ObjectValue(SortedMap<String, Value> fields) implements Value {
  public static final ObjectValue EMPTY = new ObjectValue(new TreeMap<>());

  public ObjectValue(SortedMap<String, Value> fields) {
    TreeMap<String, Value> copy = new TreeMap<>(Values.stringOrder());
    copy.putAll(fields);
    this.fields = Collections.unmodifiableSortedMap(copy);
  }

  public static ObjectValue of(Map<String, ? extends Value> fields) {
    return new ObjectValue(new TreeMap<>(fields));
  }

  /** The field's value, or {@link Value#NONE} when the field is absent. */
  public Value get(String field) {
    Value v = fields.get(field);
    return v == null ? Value.NONE : v;
  }

  /** A copy with {@code field} set to {@code value} (removed when the value is NONE). */
  public ObjectValue with(String field, Value value) {
    TreeMap<String, Value> copy = new TreeMap<>(fields);
    if (value instanceof NoneValue) {
      copy.remove(field);
    } else {
      copy.put(field, value);
    }
    return new ObjectValue(copy);
  }

  @Override
  public String toString() {
    return fields.toString();
  }
}
