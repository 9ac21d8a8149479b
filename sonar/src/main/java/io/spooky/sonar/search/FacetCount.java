package io.spooky.sonar.search;

/** How many matching records have {@code value} in a facet field. */
public record FacetCount(String value, long count) {}
