package io.spooky.sonar.search;

import java.util.List;

/**
 * A parsed search query: a tree of the JSON query nodes that {@link SearchRequest#fromJson} reads.
 * Field names are {@code title} and {@code body} (analyzed text, English stemming), {@code id} and
 * {@code type} (exact keywords), {@code lseq} and {@code seq} (numbers, for ranges), or the name of
 * a field declared with {@code index.search.mode = facet} (exact keyword). Immutable.
 */
public sealed interface SearchQuery {
  /** Lucene classic query parser syntax over {@code title} and {@code body}. */
  record Text(String query) implements SearchQuery {}

  /** Every indexed record. */
  record All() implements SearchQuery {}

  /** One term; on text fields {@code value} goes through the field's analyzer first. */
  record Term(String field, String value) implements SearchQuery {}

  /** Consecutive terms (up to {@code slop} positions apart). */
  record Phrase(String field, List<String> terms, int slop) implements SearchQuery {
    public Phrase {
      terms = List.copyOf(terms);
    }
  }

  /** Terms within {@code distance} (0 to 2) edits of {@code value}. */
  record Fuzzy(String field, String value, int distance) implements SearchQuery {}

  /** Terms matching a Lucene regular expression. */
  record Regex(String field, String pattern) implements SearchQuery {}

  /**
   * Terms (or numbers, on {@code lseq}/{@code seq}) between two bounds; a null bound is open.
   * Strings compare by their UTF-8 bytes.
   */
  record Range(String field, String lower, boolean includeLower, String upper, boolean includeUpper)
      implements SearchQuery {}

  /** Boolean combination; a query with only {@code mustNot} clauses matches all other records. */
  record Bool(List<SearchQuery> must, List<SearchQuery> should, List<SearchQuery> mustNot)
      implements SearchQuery {
    public Bool {
      must = List.copyOf(must);
      should = List.copyOf(should);
      mustNot = List.copyOf(mustNot);
    }
  }
}
