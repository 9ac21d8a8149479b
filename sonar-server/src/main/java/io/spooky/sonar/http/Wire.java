package io.spooky.sonar.http;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.spooky.sonar.collection.Collection;
import io.spooky.sonar.collection.Query;
import io.spooky.sonar.feed.FeedKey;
import io.spooky.sonar.record.RecordVersion;
import io.spooky.sonar.schema.FieldSpec;
import io.spooky.sonar.schema.TypeSpec;
import io.spooky.sonar.view.ViewStatus;
import java.util.List;
import java.util.Locale;
import java.util.function.ToLongFunction;

/** The JSON shapes of the HTTP API (Sonar 0.6 compatible), in both directions. */
final class Wire {
  private static final JsonNodeFactory F = JsonNodeFactory.instance;

  private Wire() {}

  /** {@code {id, type, value, links, deleted, timestamp, key, seq, lseq}}. */
  static ObjectNode record(RecordVersion v) {
    ObjectNode o = F.objectNode();
    o.put("id", v.id()).put("type", v.type());
    o.set("value", v.record().value() == null ? F.nullNode() : v.record().value());
    ArrayNode links = o.putArray("links");
    v.record().links().forEach(links::add);
    o.put("deleted", v.record().deleted()).put("timestamp", v.record().timestamp());
    o.put("key", v.key().hex()).put("seq", v.seq()).put("lseq", v.lseq());
    return o;
  }

  static ArrayNode records(List<RecordVersion> vs) {
    ArrayNode a = F.arrayNode();
    vs.forEach(v -> a.add(record(v)));
    return a;
  }

  /** The collection status of {@code GET /:ws/collection/:c}. */
  static ObjectNode status(Collection c, ToLongFunction<FeedKey> length) {
    ObjectNode o = F.objectNode();
    o.put("name", c.name()).put("key", c.rootKey().hex()).put("rootKey", c.rootKey().hex());
    o.put("localKey", c.localKey().hex()).put("id", c.rootKey().hex());
    o.put("length", c.indexer().head());
    ArrayNode feeds = o.putArray("feeds");
    for (FeedKey k : c.feeds()) {
      ObjectNode f = feeds.addObject().put("key", k.hex()).put("length", length.applyAsLong(k));
      f.put("writable", k.equals(c.localKey())).put("root", k.equals(c.rootKey()));
    }
    ObjectNode kappa = o.putObject("kappa");
    for (ViewStatus s : c.status()) {
      ObjectNode v = kappa.putObject(s.name());
      v.put("state", s.state().name().toLowerCase(Locale.ROOT));
      v.put("indexed", s.indexed()).put("total", s.total());
      if (s.error() != null) {
        v.put("error", s.error());
      }
    }
    ObjectNode schema = o.putObject("schema");
    schema.put("defaultNamespace", c.schema().defaultNamespace());
    ObjectNode types = schema.putObject("types");
    for (TypeSpec t : c.schema().types()) {
      types.set(t.address(), jsonSchema(c, t));
    }
    return o;
  }

  /** A type as JSON Schema (draft 2020-12), with the Sonar definition under {@code sonar}. */
  static ObjectNode jsonSchema(Collection c, TypeSpec t) {
    ObjectNode o = F.objectNode();
    o.put("$id", t.address()).put("type", "object");
    o.put("namespace", t.namespace()).put("name", t.name()).put("version", t.version());
    if (t.title() != null) {
      o.put("title", t.title());
    }
    if (t.description() != null) {
      o.put("description", t.description());
    }
    ObjectNode props = o.putObject("properties");
    for (FieldSpec f : c.schema().fields(t).values()) {
      ObjectNode p = kind(f.type());
      if (f.multiple()) {
        ObjectNode arr = F.objectNode().put("type", "array");
        arr.set("items", p);
        p = arr;
      }
      if (f.title() != null) {
        p.put("title", f.title());
      }
      if (f.description() != null) {
        p.put("description", f.description());
      }
      props.set(f.name(), p);
    }
    o.set("sonar", t.toJson());
    return o;
  }

  private static ObjectNode kind(FieldSpec.FieldType t) {
    return switch (t) {
      case RELATION -> F.objectNode().put("type", "string").put("format", "sonar-relation");
      case ANY -> F.objectNode();
      default -> F.objectNode().put("type", t.jsonName());
    };
  }

  /**
   * A query from its name and JSON arguments: {@code records {type?, id?}}, {@code indexes {index,
   * value? | gt?/gte?/lt?/lte?, limit?, offset?, reverse?}}, {@code history {from?, to?, reverse?,
   * limit?}}.
   */
  static Query query(String name, JsonNode args, boolean sync) {
    JsonNode a = args == null || args.isNull() ? F.objectNode() : args;
    if (!a.isObject()) {
      throw new ApiException(400, "query arguments are a JSON object");
    }
    return switch (name) {
      case "records" -> new Query.Records(text(a, "type"), text(a, "id"), sync);
      case "indexes" -> {
        String field = text(a, "index");
        if (field == null) {
          throw new ApiException(400, "an indexes query needs 'index' (a field address)");
        }
        yield new Query.Indexes(
            field,
            a.get("value"),
            a.get("gt"),
            a.get("gte"),
            a.get("lt"),
            a.get("lte"),
            a.path("limit").asInt(Integer.MAX_VALUE),
            a.path("offset").asInt(0),
            a.path("reverse").asBoolean(false),
            sync);
      }
      case "history" ->
          new Query.History(
              a.hasNonNull("from") ? a.get("from").asLong() : null,
              a.hasNonNull("to") ? a.get("to").asLong() : null,
              a.path("reverse").asBoolean(false),
              a.path("limit").asInt(Integer.MAX_VALUE),
              sync);
      default -> throw new ApiException(404, "unknown query: " + name);
    };
  }

  private static String text(JsonNode a, String field) {
    JsonNode n = a.get(field);
    return n == null || n.isNull() ? null : n.asText();
  }
}
