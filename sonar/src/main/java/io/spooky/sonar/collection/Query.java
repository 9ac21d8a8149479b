package io.spooky.sonar.collection;

import com.fasterxml.jackson.databind.JsonNode;

/**
 * A query over a collection's built-in views. Every query returns record versions; with {@code
 * sync} it first brings every unpaused view up to the head of the log as of the call.
 */
public sealed interface Query {
  /** Whether to catch the views up before answering. */
  boolean sync();

  /**
   * Current versions (all non-deleted heads) by type and/or id. {@code type} may omit the namespace
   * (the collection's default) and the version (then every version of the type matches). At least
   * one of type and id is required.
   */
  record Records(String type, String id, boolean sync) implements Query {}

  /**
   * Current versions whose indexed field ({@code [ns/]name[@version]#field}, a field with {@code
   * index.basic}) equals {@code value}, or lies within the given bounds. Ordered by value (then
   * lseq), reversed on request; {@code offset} and {@code limit} apply after ordering.
   */
  record Indexes(
      String field,
      JsonNode value,
      JsonNode gt,
      JsonNode gte,
      JsonNode lt,
      JsonNode lte,
      int limit,
      int offset,
      boolean reverse,
      boolean sync)
      implements Query {
    public Indexes {
      if (value != null && (gt != null || gte != null || lt != null || lte != null)) {
        throw new InvalidQueryException("an index query has a value or bounds, not both");
      }
      if ((gt != null && gte != null) || (lt != null && lte != null)) {
        throw new InvalidQueryException("give at most one lower and one upper bound");
      }
      if (limit < 0 || offset < 0) {
        throw new InvalidQueryException("limit and offset must be >= 0");
      }
    }

    /** Equality on one value. */
    public static Indexes eq(String field, JsonNode value) {
      return new Indexes(field, value, null, null, null, null, Integer.MAX_VALUE, 0, false, true);
    }
  }

  /**
   * Every version (superseded and deleted ones too) with {@code from <= timestamp < to} (either
   * bound optional), ordered by timestamp then lseq, reversed on request.
   */
  record History(Long from, Long to, boolean reverse, int limit, boolean sync) implements Query {
    public History {
      if (limit < 0) {
        throw new InvalidQueryException("limit must be >= 0");
      }
    }
  }
}
