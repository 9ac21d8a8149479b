package io.spooky.core.value;

import java.util.Objects;

/**
 * A record id, SurrealDB's {@code record} ("thing"): a table name and a key. The key is an {@link
 * IntValue}, {@link StringValue}, {@link UuidValue}, {@link ArrayValue} or {@link ObjectValue}, as
 * SurrealDB allows.
 */
public record RecordId(String table, Value key) implements Value {
  public RecordId {
    Objects.requireNonNull(table, "table");
    Objects.requireNonNull(key, "key");
    if (!(key instanceof IntValue
        || key instanceof StringValue
        || key instanceof UuidValue
        || key instanceof ArrayValue
        || key instanceof ObjectValue)) {
      throw new IllegalArgumentException(
          "a record key is an int, string, uuid, array or object, not " + key.typeName());
    }
  }

  public static RecordId of(String table, String key) {
    return new RecordId(table, new StringValue(key));
  }

  public static RecordId of(String table, long key) {
    return new RecordId(table, new IntValue(key));
  }

  @Override
  public String toString() {
    return table + ":" + key;
  }
}
