package io.spooky.sonar.collection;

import com.fasterxml.jackson.databind.JsonNode;

/**
 * One write of a {@link Collection#putAll} batch: a new version of {@code (type, id)} with {@code
 * value}, or a tombstone when {@code deleted}. A null id on a put asks for a fresh random id.
 */
public record PutRequest(String type, String id, JsonNode value, boolean deleted) {
  public static PutRequest put(String type, String id, JsonNode value) {
    return new PutRequest(type, id, value, false);
  }

  public static PutRequest delete(String type, String id) {
    return new PutRequest(type, id, null, true);
  }
}
