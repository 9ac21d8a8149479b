package io.spooky.sonar.search;

import io.spooky.sonar.collection.InvalidQueryException;
import java.util.Set;
import org.apache.lucene.analysis.Analyzer;
import org.apache.lucene.document.LongPoint;
import org.apache.lucene.index.Term;
import org.apache.lucene.queryparser.classic.MultiFieldQueryParser;
import org.apache.lucene.queryparser.classic.ParseException;
import org.apache.lucene.search.BooleanClause.Occur;
import org.apache.lucene.search.BooleanQuery;
import org.apache.lucene.search.FuzzyQuery;
import org.apache.lucene.search.IndexSearcher;
import org.apache.lucene.search.MatchAllDocsQuery;
import org.apache.lucene.search.MatchNoDocsQuery;
import org.apache.lucene.search.Query;
import org.apache.lucene.search.RegexpQuery;
import org.apache.lucene.search.TermQuery;
import org.apache.lucene.search.TermRangeQuery;
import org.apache.lucene.util.QueryBuilder;

/**
 * Turns a {@link SearchQuery} into a Lucene query over the fields {@link SearchDocuments} writes.
 * Every failure a caller can fix is an {@link InvalidQueryException}. One instance per search (the
 * classic query parser is not thread-safe).
 */
final class QueryTranslator {
  private final Analyzer analyzer;
  private final Set<String> facetFields;

  QueryTranslator(Analyzer analyzer, Set<String> facetFields) {
    this.analyzer = analyzer;
    this.facetFields = facetFields;
  }

  Query translate(SearchQuery q) {
    try {
      return switch (q) {
        case SearchQuery.Text t -> text(t.query());
        case SearchQuery.All a -> new MatchAllDocsQuery();
        case SearchQuery.Term t -> term(t);
        case SearchQuery.Phrase p -> phrase(p);
        case SearchQuery.Fuzzy f -> fuzzy(f);
        case SearchQuery.Regex r ->
            new RegexpQuery(new Term(keyword(r.field(), "regex"), r.pattern()));
        case SearchQuery.Range r -> range(r);
        case SearchQuery.Bool b -> bool(b);
      };
    } catch (IllegalArgumentException e) {
      // Lucene rejects malformed regular expressions and similar input this way.
      throw new InvalidQueryException("invalid query: " + e.getMessage());
    } catch (IndexSearcher.TooManyClauses e) {
      throw new InvalidQueryException("query expands to too many clauses");
    }
  }

  private Query text(String s) {
    if (s.isBlank()) {
      throw new InvalidQueryException("the query string is empty");
    }
    MultiFieldQueryParser p =
        new MultiFieldQueryParser(
            new String[] {SearchDocuments.TITLE, SearchDocuments.BODY}, analyzer);
    try {
      return p.parse(s);
    } catch (ParseException e) {
      String m = e.getMessage();
      int nl = m == null ? -1 : m.indexOf('\n');
      throw new InvalidQueryException(
          "invalid query string '" + s + "': " + (nl < 0 ? m : m.substring(0, nl)));
    }
  }

  private Query term(SearchQuery.Term t) {
    if (isText(t.field())) {
      Query q = new QueryBuilder(analyzer).createBooleanQuery(t.field(), t.value(), Occur.MUST);
      return q == null ? new MatchNoDocsQuery("only stop words") : q;
    }
    if (isNumeric(t.field())) {
      long v = number(t.field(), t.value());
      return LongPoint.newExactQuery(t.field(), v);
    }
    return new TermQuery(new Term(keyword(t.field(), "term"), t.value()));
  }

  private Query phrase(SearchQuery.Phrase p) {
    if (!isText(p.field())) {
      throw new InvalidQueryException(
          "phrase queries apply to title or body, not '" + p.field() + "'");
    }
    Query q =
        new QueryBuilder(analyzer)
            .createPhraseQuery(p.field(), String.join(" ", p.terms()), p.slop());
    return q == null ? new MatchNoDocsQuery("only stop words") : q;
  }

  private Query fuzzy(SearchQuery.Fuzzy f) {
    String field = keyword(f.field(), "fuzzy");
    String v = isText(field) ? analyzer.normalize(field, f.value()).utf8ToString() : f.value();
    return new FuzzyQuery(new Term(field, v), f.distance());
  }

  private Query range(SearchQuery.Range r) {
    if (isNumeric(r.field())) {
      long lo = Long.MIN_VALUE;
      long hi = Long.MAX_VALUE;
      if (r.lower() != null) {
        lo = number(r.field(), r.lower());
        if (!r.includeLower()) {
          if (lo == Long.MAX_VALUE) {
            return new MatchNoDocsQuery("empty range");
          }
          lo++;
        }
      }
      if (r.upper() != null) {
        hi = number(r.field(), r.upper());
        if (!r.includeUpper()) {
          if (hi == Long.MIN_VALUE) {
            return new MatchNoDocsQuery("empty range");
          }
          hi--;
        }
      }
      return LongPoint.newRangeQuery(r.field(), lo, hi);
    }
    return TermRangeQuery.newStringRange(
        keyword(r.field(), "range"), r.lower(), r.upper(), r.includeLower(), r.includeUpper());
  }

  private Query bool(SearchQuery.Bool b) {
    BooleanQuery.Builder out = new BooleanQuery.Builder();
    for (SearchQuery q : b.must()) {
      out.add(translate(q), Occur.MUST);
    }
    for (SearchQuery q : b.should()) {
      out.add(translate(q), Occur.SHOULD);
    }
    for (SearchQuery q : b.mustNot()) {
      out.add(translate(q), Occur.MUST_NOT);
    }
    if (b.must().isEmpty() && b.should().isEmpty()) {
      out.add(new MatchAllDocsQuery(), Occur.MUST);
    }
    return out.build();
  }

  private static boolean isText(String field) {
    return field.equals(SearchDocuments.TITLE) || field.equals(SearchDocuments.BODY);
  }

  private static boolean isNumeric(String field) {
    return field.equals(SearchDocuments.LSEQ) || field.equals(SearchDocuments.SEQ);
  }

  private static long number(String field, String v) {
    try {
      return Long.parseLong(v);
    } catch (NumberFormatException e) {
      throw new InvalidQueryException(field + " takes an integer, got '" + v + "'");
    }
  }

  /** The Lucene field for a non-numeric field name; facet fields live under a prefix. */
  private String keyword(String field, String kind) {
    if (isText(field) || field.equals(SearchDocuments.ID) || field.equals(SearchDocuments.TYPE)) {
      return field;
    }
    if (isNumeric(field)) {
      throw new InvalidQueryException(kind + " queries do not apply to the number field " + field);
    }
    if (facetFields.contains(field)) {
      return SearchDocuments.FACET_PREFIX + field;
    }
    throw new InvalidQueryException(
        "unknown search field '"
            + field
            + "' (title, body, id, type, lseq, seq or a facet field: "
            + facetFields
            + ")");
  }
}
