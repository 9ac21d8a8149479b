package io.spooky.sonar.search;

import com.fasterxml.jackson.databind.JsonNode;
import io.spooky.sonar.collection.InvalidQueryException;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Map;

/**
 * A search: a query, the maximum number of hits ({@code limit}, 1 to {@value #MAX_LIMIT}, default
 * {@value #DEFAULT_LIMIT}) and the facet fields to count over all matching records.
 *
 * <p>JSON form, read by {@link #fromJson}:
 *
 * <pre>
 * {"query": QUERY, "limit": 100, "facets": ["tags"]}
 *
 * QUERY := "classic query parser text"                      (over title and body)
 *        | {"all": {}}
 *        | {"term":   {FIELD: "text"}}
 *        | {"phrase": {FIELD: ["hello", "world"]}}           (or "hello world", or
 *                     {FIELD: {"terms": [...], "slop": 1}})
 *        | {"fuzzy":  {FIELD: "helo"}}                       (or {"value": "helo", "distance": 1})
 *        | {"regex":  {FIELD: "hel.*"}}
 *        | {"range":  {FIELD: {"gte"|"gt": v, "lte"|"lt": v}}}
 *        | {"bool":   {"must": [QUERY...], "should": [QUERY...], "must_not": [QUERY...]}}
 * </pre>
 *
 * Each query object has exactly one key, and each leaf names exactly one field (see {@link
 * SearchQuery} for field names). Anything else is an {@link InvalidQueryException} naming the
 * problem. Immutable.
 */
public record SearchRequest(SearchQuery query, int limit, List<String> facets) {
  public static final int DEFAULT_LIMIT = 100;
  public static final int MAX_LIMIT = 10_000;

  public SearchRequest {
    if (query == null) {
      throw new InvalidQueryException("a search needs a query");
    }
    if (limit < 1 || limit > MAX_LIMIT) {
      throw new InvalidQueryException("limit must be between 1 and " + MAX_LIMIT + ": " + limit);
    }
    facets = List.copyOf(facets);
  }

  /** A query parser string with the default limit and no facets. */
  public static SearchRequest of(String queryString) {
    return new SearchRequest(new SearchQuery.Text(queryString), DEFAULT_LIMIT, List.of());
  }

  /** Parses the JSON form; throws {@link InvalidQueryException}. */
  public static SearchRequest fromJson(JsonNode json) {
    if (json == null || !json.isObject()) {
      throw new InvalidQueryException("a search request is a JSON object with a 'query'");
    }
    for (Iterator<String> it = json.fieldNames(); it.hasNext(); ) {
      String k = it.next();
      if (!k.equals("query") && !k.equals("limit") && !k.equals("facets")) {
        throw new InvalidQueryException("unknown property '" + k + "' in search request");
      }
    }
    SearchQuery q = query(json.get("query"));
    int limit = DEFAULT_LIMIT;
    JsonNode l = json.get("limit");
    if (l != null && !l.isNull()) {
      if (!l.canConvertToInt() || !l.isIntegralNumber()) {
        throw new InvalidQueryException("limit must be an integer");
      }
      limit = l.intValue();
    }
    List<String> facets = new ArrayList<>();
    JsonNode f = json.get("facets");
    if (f != null && !f.isNull()) {
      if (!f.isArray()) {
        throw new InvalidQueryException("facets must be an array of field names");
      }
      for (JsonNode n : f) {
        facets.add(text(n, "facets"));
      }
    }
    return new SearchRequest(q, limit, facets);
  }

  private static SearchQuery query(JsonNode n) {
    if (n == null || n.isNull()) {
      throw new InvalidQueryException("a search needs a query");
    }
    if (n.isTextual()) {
      return new SearchQuery.Text(n.asText());
    }
    if (!n.isObject() || n.size() != 1) {
      throw new InvalidQueryException(
          "a query is a string or an object with exactly one of all, term, phrase, fuzzy, regex,"
              + " range, bool: "
              + n);
    }
    Map.Entry<String, JsonNode> e = n.fields().next();
    JsonNode body = e.getValue();
    return switch (e.getKey()) {
      case "all" -> new SearchQuery.All();
      case "term" -> {
        Map.Entry<String, JsonNode> f = field(body, "term");
        yield new SearchQuery.Term(f.getKey(), scalar(f.getValue(), "term"));
      }
      case "phrase" -> phrase(field(body, "phrase"));
      case "fuzzy" -> fuzzy(field(body, "fuzzy"));
      case "regex" -> {
        Map.Entry<String, JsonNode> f = field(body, "regex");
        yield new SearchQuery.Regex(f.getKey(), text(f.getValue(), "regex"));
      }
      case "range" -> range(field(body, "range"));
      case "bool" -> bool(body);
      default -> throw new InvalidQueryException("unknown query type '" + e.getKey() + "'");
    };
  }

  private static Map.Entry<String, JsonNode> field(JsonNode body, String kind) {
    if (body == null || !body.isObject() || body.size() != 1) {
      throw new InvalidQueryException(
          "a " + kind + " query is an object with exactly one field name: " + body);
    }
    return body.fields().next();
  }

  private static SearchQuery phrase(Map.Entry<String, JsonNode> f) {
    JsonNode v = f.getValue();
    int slop = 0;
    JsonNode terms = v;
    if (v.isObject()) {
      terms = v.get("terms");
      JsonNode s = v.get("slop");
      if (s != null) {
        if (!s.isIntegralNumber() || s.intValue() < 0) {
          throw new InvalidQueryException("phrase slop must be a non-negative integer");
        }
        slop = s.intValue();
      }
    }
    List<String> out = new ArrayList<>();
    if (terms != null && terms.isTextual()) {
      out.add(terms.asText());
    } else if (terms != null && terms.isArray()) {
      for (JsonNode t : terms) {
        out.add(text(t, "phrase"));
      }
    } else {
      throw new InvalidQueryException("a phrase is a string or an array of strings");
    }
    if (out.isEmpty()) {
      throw new InvalidQueryException("a phrase needs at least one term");
    }
    return new SearchQuery.Phrase(f.getKey(), out, slop);
  }

  private static SearchQuery fuzzy(Map.Entry<String, JsonNode> f) {
    JsonNode v = f.getValue();
    if (v.isTextual()) {
      return new SearchQuery.Fuzzy(f.getKey(), v.asText(), 2);
    }
    if (!v.isObject()) {
      throw new InvalidQueryException("a fuzzy query takes a string or {value, distance}");
    }
    int distance = 2;
    JsonNode d = v.get("distance");
    if (d != null) {
      if (!d.isIntegralNumber() || d.intValue() < 0 || d.intValue() > 2) {
        throw new InvalidQueryException("fuzzy distance must be 0, 1 or 2");
      }
      distance = d.intValue();
    }
    return new SearchQuery.Fuzzy(f.getKey(), text(v.get("value"), "fuzzy value"), distance);
  }

  private static SearchQuery range(Map.Entry<String, JsonNode> f) {
    JsonNode v = f.getValue();
    if (!v.isObject() || v.isEmpty()) {
      throw new InvalidQueryException("a range takes an object with gt/gte and/or lt/lte");
    }
    String lower = null;
    String upper = null;
    boolean incLower = false;
    boolean incUpper = false;
    for (Iterator<Map.Entry<String, JsonNode>> it = v.fields(); it.hasNext(); ) {
      Map.Entry<String, JsonNode> b = it.next();
      String val = scalar(b.getValue(), "range bound");
      switch (b.getKey()) {
        case "gt", "gte" -> {
          if (lower != null) {
            throw new InvalidQueryException("a range has at most one lower bound");
          }
          lower = val;
          incLower = b.getKey().equals("gte");
        }
        case "lt", "lte" -> {
          if (upper != null) {
            throw new InvalidQueryException("a range has at most one upper bound");
          }
          upper = val;
          incUpper = b.getKey().equals("lte");
        }
        default ->
            throw new InvalidQueryException(
                "unknown range bound '" + b.getKey() + "' (use gt, gte, lt, lte)");
      }
    }
    return new SearchQuery.Range(f.getKey(), lower, incLower, upper, incUpper);
  }

  private static SearchQuery bool(JsonNode body) {
    if (body == null || !body.isObject()) {
      throw new InvalidQueryException("a bool query is an object of must, should, must_not");
    }
    List<SearchQuery> must = new ArrayList<>();
    List<SearchQuery> should = new ArrayList<>();
    List<SearchQuery> mustNot = new ArrayList<>();
    for (Iterator<Map.Entry<String, JsonNode>> it = body.fields(); it.hasNext(); ) {
      Map.Entry<String, JsonNode> c = it.next();
      List<SearchQuery> target =
          switch (c.getKey()) {
            case "must" -> must;
            case "should" -> should;
            case "must_not" -> mustNot;
            default ->
                throw new InvalidQueryException(
                    "unknown bool clause '" + c.getKey() + "' (use must, should, must_not)");
          };
      if (!c.getValue().isArray()) {
        throw new InvalidQueryException("bool clause '" + c.getKey() + "' must be an array");
      }
      for (JsonNode q : c.getValue()) {
        target.add(query(q));
      }
    }
    if (must.isEmpty() && should.isEmpty() && mustNot.isEmpty()) {
      throw new InvalidQueryException("a bool query needs at least one clause");
    }
    return new SearchQuery.Bool(must, should, mustNot);
  }

  private static String text(JsonNode n, String what) {
    if (n == null || !n.isTextual()) {
      throw new InvalidQueryException(what + " must be a string");
    }
    return n.asText();
  }

  private static String scalar(JsonNode n, String what) {
    if (n != null && (n.isTextual() || n.isNumber() || n.isBoolean())) {
      return n.asText();
    }
    throw new InvalidQueryException(what + " must be a string, number or boolean");
  }
}
