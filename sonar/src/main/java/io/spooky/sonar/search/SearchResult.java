package io.spooky.sonar.search;

import java.util.List;
import java.util.Map;

/**
 * The answer to a {@link SearchRequest}: at most {@code limit} hits by descending score, the total
 * number of matching records ({@code total}, exact), and for each requested facet field its values
 * by descending count (ties by value).
 */
public record SearchResult(List<SearchHit> hits, long total, Map<String, List<FacetCount>> facets) {
  public SearchResult {
    hits = List.copyOf(hits);
    facets = Map.copyOf(facets);
  }
}
