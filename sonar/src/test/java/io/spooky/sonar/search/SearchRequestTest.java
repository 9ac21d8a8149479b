package io.spooky.sonar.search;

import static io.spooky.sonar.search.SearchViewTest.json;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.spooky.sonar.collection.InvalidQueryException;
import java.util.List;
import org.junit.jupiter.api.Test;

class SearchRequestTest {
  @Test
  void parsesEveryQueryShape() {
    SearchRequest r =
        SearchRequest.fromJson(
            json(
                "{'query': {'bool': {"
                    + "'must': [{'term': {'body': 'hello'}}, 'title:x'],"
                    + "'should': [{'phrase': {'body': ['a', 'b']}},"
                    + "  {'phrase': {'title': {'terms': ['c'], 'slop': 2}}},"
                    + "  {'fuzzy': {'body': 'helo'}}, {'fuzzy': {'body': {'value': 'x', 'distance': 1}}}],"
                    + "'must_not': [{'regex': {'id': 'a.*'}}, {'range': {'lseq': {'gt': 3, 'lte': 9}}},"
                    + "  {'all': {}}]}},"
                    + "'limit': 7, 'facets': ['tags']}"));
    assertThat(r.limit()).isEqualTo(7);
    assertThat(r.facets()).containsExactly("tags");
    assertThat(r.query())
        .isEqualTo(
            new SearchQuery.Bool(
                List.of(new SearchQuery.Term("body", "hello"), new SearchQuery.Text("title:x")),
                List.of(
                    new SearchQuery.Phrase("body", List.of("a", "b"), 0),
                    new SearchQuery.Phrase("title", List.of("c"), 2),
                    new SearchQuery.Fuzzy("body", "helo", 2),
                    new SearchQuery.Fuzzy("body", "x", 1)),
                List.of(
                    new SearchQuery.Regex("id", "a.*"),
                    new SearchQuery.Range("lseq", "3", false, "9", true),
                    new SearchQuery.All())));
  }

  @Test
  void defaultsAndQueryStrings() {
    SearchRequest r = SearchRequest.fromJson(json("{'query': 'hello world'}"));
    assertThat(r).isEqualTo(SearchRequest.of("hello world"));
    assertThat(r.limit()).isEqualTo(SearchRequest.DEFAULT_LIMIT);
    assertThat(r.facets()).isEmpty();
  }

  @Test
  void malformedRequestsNameTheProblem() {
    assertThatThrownBy(
            () ->
                SearchRequest.fromJson(
                    json("{'query': {'fuzzy': {'body': {'value': 'x', 'distance': 3}}}}")))
        .isInstanceOf(InvalidQueryException.class)
        .hasMessageContaining("distance");
    assertThatThrownBy(
            () ->
                SearchRequest.fromJson(
                    json("{'query': {'range': {'id': {'gte': 'a', 'gt': 'b'}}}}")))
        .isInstanceOf(InvalidQueryException.class)
        .hasMessageContaining("lower bound");
    assertThatThrownBy(
            () -> SearchRequest.fromJson(json("{'query': {'bool': {'must': {'all': {}}}}}")))
        .isInstanceOf(InvalidQueryException.class)
        .hasMessageContaining("must be an array");
    assertThatThrownBy(() -> SearchRequest.fromJson(json("{'query': {'term': {}}}")))
        .isInstanceOf(InvalidQueryException.class)
        .hasMessageContaining("exactly one field");
    assertThatThrownBy(() -> SearchRequest.fromJson(json("{'query': 'x', 'limit': 10001}")))
        .isInstanceOf(InvalidQueryException.class)
        .hasMessageContaining("limit");
    assertThatThrownBy(() -> SearchRequest.fromJson(json("[1]")))
        .isInstanceOf(InvalidQueryException.class);
  }
}
