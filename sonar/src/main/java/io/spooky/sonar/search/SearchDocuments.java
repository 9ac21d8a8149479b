package io.spooky.sonar.search;

import com.fasterxml.jackson.databind.JsonNode;
import io.spooky.sonar.record.RecordVersion;
import io.spooky.sonar.schema.FieldSpec;
import io.spooky.sonar.schema.Schema;
import io.spooky.sonar.schema.TypeSpec;
import java.io.IOException;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.apache.lucene.document.Document;
import org.apache.lucene.document.Field;
import org.apache.lucene.document.LongPoint;
import org.apache.lucene.document.StoredField;
import org.apache.lucene.document.StringField;
import org.apache.lucene.document.TextField;
import org.apache.lucene.facet.FacetsConfig;
import org.apache.lucene.facet.sortedset.SortedSetDocValuesFacetField;

/**
 * The Lucene documents of the search index. A record document (field {@code kind = record}) is one
 * current version of a record, keyed by its block address {@code addr = key@seq}: {@code title}
 * (the {@code label} or else {@code title} field), {@code body} (every string inside the declared
 * fields), {@code id}, {@code type}, {@code lseq}, {@code seq}, and for each field with search mode
 * {@code facet} a keyword field {@code f.<name>} plus a sorted-set facet of the same name. A marker
 * document ({@code superseded = key@seq}) records that some applied version links to that address,
 * so a version that arrives after its successor is never indexed.
 */
final class SearchDocuments {
  static final String KIND = "kind";
  static final String RECORD = "record";
  static final String ADDR = "addr";
  static final String SUPERSEDED = "superseded";
  static final String ID = "id";
  static final String TYPE = "type";
  static final String LSEQ = "lseq";
  static final String SEQ = "seq";
  static final String TITLE = "title";
  static final String BODY = "body";
  static final String FACET_PREFIX = "f.";
  static final String FACET_MODE = "facet";

  private SearchDocuments() {}

  static Document marker(String address) {
    Document d = new Document();
    d.add(new StringField(SUPERSEDED, address, Field.Store.NO));
    return d;
  }

  /**
   * The document of a live version, or null when the record's type is unknown at its lseq or is a
   * built-in {@code sonar/} type.
   */
  static Document record(RecordVersion v, Schema schema, FacetsConfig facets) throws IOException {
    TypeSpec t = schema.resolveAt(v.type(), v.lseq());
    JsonNode value = v.record().value();
    if (t == null || t.namespace().equals("sonar") || value == null || !value.isObject()) {
      return null;
    }
    Map<String, FieldSpec> fields = schema.fieldsAt(t, v.lseq());
    Document d = new Document();
    d.add(new StringField(KIND, RECORD, Field.Store.NO));
    d.add(new StringField(ADDR, v.address(), Field.Store.YES));
    d.add(new StringField(ID, v.id(), Field.Store.YES));
    d.add(new StringField(TYPE, v.type(), Field.Store.YES));
    d.add(new LongPoint(LSEQ, v.lseq()));
    d.add(new StoredField(LSEQ, v.lseq()));
    d.add(new LongPoint(SEQ, v.seq()));
    d.add(new StoredField(SEQ, v.seq()));
    String title = titleOf(value, fields);
    if (title != null) {
      d.add(new TextField(TITLE, title, Field.Store.YES));
    }
    StringBuilder body = new StringBuilder();
    boolean faceted = false;
    for (Map.Entry<String, FieldSpec> e : fields.entrySet()) {
      JsonNode fv = value.get(e.getKey());
      if (fv == null || fv.isNull()) {
        continue;
      }
      List<String> strings = new ArrayList<>();
      strings(fv, strings);
      for (String s : strings) {
        if (!body.isEmpty()) {
          body.append('\n');
        }
        body.append(s);
      }
      if (FACET_MODE.equals(e.getValue().searchMode())) {
        for (String s : facetValues(fv)) {
          d.add(new StringField(FACET_PREFIX + e.getKey(), s, Field.Store.NO));
          facets.setMultiValued(e.getKey(), true);
          d.add(new SortedSetDocValuesFacetField(e.getKey(), s));
          faceted = true;
        }
      }
    }
    if (!body.isEmpty()) {
      d.add(new TextField(BODY, body.toString(), Field.Store.YES));
    }
    return faceted ? facets.build(d) : d;
  }

  private static String titleOf(JsonNode value, Map<String, FieldSpec> fields) {
    for (String name : new String[] {"label", "title"}) {
      JsonNode n = value.get(name);
      if (fields.containsKey(name) && n != null && n.isTextual()) {
        return n.asText();
      }
    }
    return null;
  }

  private static void strings(JsonNode n, List<String> out) {
    if (n.isTextual()) {
      out.add(n.asText());
    } else if (n.isContainerNode()) {
      for (JsonNode c : n) {
        strings(c, out);
      }
    }
  }

  /** Scalar values of a facet field (one, or each item of an array), as non-empty strings. */
  private static List<String> facetValues(JsonNode n) {
    List<String> out = new ArrayList<>();
    if (n.isArray()) {
      for (JsonNode c : n) {
        if (c.isValueNode() && !c.isNull() && !c.asText().isEmpty()) {
          out.add(c.asText());
        }
      }
    } else if (n.isValueNode() && !n.asText().isEmpty()) {
      out.add(n.asText());
    }
    return out;
  }
}
