package io.spooky.sonar.record;

import com.fasterxml.jackson.databind.JsonNode;

/**
 * Block 0 of every feed: its {@code type} ({@value #ROOT} for a collection's root feed, {@value
 * #FEED} for a writer's record feed, {@value #BLOBS} for a blob feed of raw file chunks) and
 * free-form JSON metadata.
 */
public record FeedHeader(String type, JsonNode metadata) {
  /** Header type of a collection's root feed. */
  public static final String ROOT = "sonar.root";

  /** Header type of a record feed that is not a root feed. */
  public static final String FEED = "sonar.feed";

  /**
   * Header type of a blob feed: its other blocks are raw chunks of files, not records, and are
   * never indexed.
   */
  public static final String BLOBS = "sonar.blobs";
}
