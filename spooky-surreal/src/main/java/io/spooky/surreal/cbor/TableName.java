package io.spooky.surreal.cbor;

import java.util.Objects;

/**
 * A table name as an RPC parameter, sent under SurrealDB's tag 7 so the server reads it as a table
 * rather than a string. Only {@link Cbor#encodeRequest} accepts it; it is not a stored value.
 */
public record TableName(String name) {
  public TableName {
    Objects.requireNonNull(name, "name");
  }
}
