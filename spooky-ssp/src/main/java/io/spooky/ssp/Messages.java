package io.spooky.ssp;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonGenerator;
import io.spooky.core.digest.Digest;
import io.spooky.core.json.SurrealJson;
import io.spooky.core.value.RecordId;
import io.spooky.core.value.SurrealQl;
import io.spooky.core.value.Value;
import io.spooky.ivm.ViewDelta;
import java.io.IOException;
import java.io.StringWriter;
import java.io.UncheckedIOException;
import java.util.List;

/**
 * JSON documents of the SSP API. Values are rendered as SurrealDB renders them ({@link
 * SurrealJson}), record ids as {@code table:id} strings, hashes as 32 hex digits.
 */
final class Messages {
  private static final JsonFactory JSON = new JsonFactory();

  private Messages() {}

  @FunctionalInterface
  interface Body {
    void write(JsonGenerator g) throws IOException;
  }

  static String object(Body body) {
    StringWriter w = new StringWriter();
    try (JsonGenerator g = JSON.createGenerator(w)) {
      g.writeStartObject();
      body.write(g);
      g.writeEndObject();
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    return w.toString();
  }

  static void rows(JsonGenerator g, String field, List<Value> rows) throws IOException {
    g.writeArrayFieldStart(field);
    for (Value v : rows) {
      SurrealJson.write(v, g);
    }
    g.writeEndArray();
  }

  static String id(RecordId id) {
    return SurrealQl.recordId(id);
  }

  static String hash(Digest d) {
    return d.hex();
  }

  /** {@code {"type":"snapshot","id","seq","hash","rows"}} */
  static String snapshot(ViewHost.ViewMeta view, List<Value> rows) {
    return object(
        g -> {
          g.writeStringField("type", "snapshot");
          g.writeStringField("id", view.id);
          g.writeNumberField("seq", view.seq);
          g.writeStringField("hash", hash(view.root));
          rows(g, "rows", rows);
        });
  }

  /**
   * {@code {"type":"delta","id","seq","hash","added":[{index,id,version,row}],"removed":[id],
   * "updated":[...],"moved":[...]}}; applying it as PROTOCOL.md section 5 describes yields the
   * result whose root is {@code hash}.
   */
  static String delta(ViewHost.ViewMeta view, ViewDelta d) {
    return object(
        g -> {
          g.writeStringField("type", "delta");
          g.writeStringField("id", view.id);
          g.writeNumberField("seq", view.seq);
          g.writeStringField("hash", hash(d.newRoot()));
          deltaRows(g, "added", d.added());
          g.writeArrayFieldStart("removed");
          for (RecordId r : d.removed()) {
            g.writeString(id(r));
          }
          g.writeEndArray();
          deltaRows(g, "updated", d.updated());
          deltaRows(g, "moved", d.moved());
        });
  }

  private static void deltaRows(JsonGenerator g, String field, List<ViewDelta.Row> rows)
      throws IOException {
    g.writeArrayFieldStart(field);
    for (ViewDelta.Row r : rows) {
      g.writeStartObject();
      g.writeNumberField("index", r.index());
      g.writeStringField("id", id(r.id()));
      g.writeStringField("version", hash(r.version()));
      g.writeFieldName("row");
      SurrealJson.write(r.content(), g);
      g.writeEndObject();
    }
    g.writeEndArray();
  }
}
