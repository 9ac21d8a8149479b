package io.spooky.sonar.collection;

import com.fasterxml.jackson.databind.JsonNode;

/**
 * What a caller says about a file it stores with {@link Collection#putFile}: a file name and a
 * media type (either may be null) and free-form JSON {@code metadata} (an object, or null). The
 * length and SHA-256 hash are computed while the bytes are written, never taken from the caller.
 */
public record FileMeta(String filename, String contentType, JsonNode metadata) {
  /** Media type used when the caller gives none. */
  public static final String DEFAULT_CONTENT_TYPE = "application/octet-stream";
}
