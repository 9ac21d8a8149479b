package io.spooky.sonar.schema;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.util.Collections;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;
import java.util.Set;

/**
 * A type definition, the value of a {@code sonar/type} record:
 *
 * <pre>
 * {"namespace": "ns", "name": "article", "version": 1, "title": "...", "description": "...",
 *  "refines": "ns/base@1",
 *  "fields": {"title": {"type": "string", "index": {"basic": true, "search": {"mode": "fulltext"}}},
 *             "tags": {"type": "string", "multiple": true}}}
 * </pre>
 *
 * Own fields override those inherited through {@code refines}. Immutable.
 */
public record TypeSpec(
    String namespace,
    String name,
    int version,
    String title,
    String description,
    String refines,
    Map<String, FieldSpec> fields) {
  private static final Set<String> TOP =
      Set.of("namespace", "name", "version", "title", "description", "refines", "fields");
  private static final Set<String> FIELD =
      Set.of("type", "multiple", "index", "title", "description");

  public TypeSpec {
    fields = Collections.unmodifiableMap(new LinkedHashMap<>(fields));
  }

  /** {@code namespace/name@version}, the address records of this type store. */
  public String address() {
    return namespace + "/" + name + "@" + version;
  }

  /**
   * Parses a type definition; a missing namespace is {@code defaultNamespace}, a missing version is
   * 1.
   */
  public static TypeSpec fromJson(JsonNode v, String defaultNamespace) {
    if (v == null || !v.isObject()) {
      throw new InvalidValueException("a type definition is a JSON object");
    }
    for (Iterator<String> it = v.fieldNames(); it.hasNext(); ) {
      String f = it.next();
      if (!TOP.contains(f)) {
        throw new InvalidValueException("unknown property '" + f + "' in type definition");
      }
    }
    String name = text(v, "name", null, "type definition");
    if (name == null) {
      throw new InvalidValueException("a type definition needs a name");
    }
    String ns = text(v, "namespace", defaultNamespace, "type definition");
    int version = 1;
    if (v.has("version")) {
      JsonNode ver = v.get("version");
      if (!ver.canConvertToInt() || !ver.isIntegralNumber() || ver.asInt() < 0) {
        throw new InvalidValueException("type version must be a non-negative integer: " + ver);
      }
      version = ver.asInt();
    }
    TypeAddress.parse(ns + "/" + name + "@" + version);
    String refines = text(v, "refines", null, "type definition");
    if (refines != null) {
      TypeAddress.parse(refines);
    }
    Map<String, FieldSpec> fields = new LinkedHashMap<>();
    JsonNode fs = v.get("fields");
    if (fs != null && !fs.isNull()) {
      if (!fs.isObject()) {
        throw new InvalidValueException("'fields' must be an object");
      }
      for (Iterator<Map.Entry<String, JsonNode>> it = fs.fields(); it.hasNext(); ) {
        Map.Entry<String, JsonNode> e = it.next();
        TypeAddress.parse("x#" + e.getKey());
        fields.put(e.getKey(), field(e.getKey(), e.getValue()));
      }
    }
    return new TypeSpec(
        ns,
        name,
        version,
        text(v, "title", null, "type definition"),
        text(v, "description", null, "type definition"),
        refines,
        fields);
  }

  private static FieldSpec field(String name, JsonNode f) {
    if (!f.isObject()) {
      throw new InvalidValueException("field '" + name + "' must be an object");
    }
    for (Iterator<String> it = f.fieldNames(); it.hasNext(); ) {
      String p = it.next();
      if (!FIELD.contains(p)) {
        throw new InvalidValueException("unknown property '" + p + "' in field '" + name + "'");
      }
    }
    String t = text(f, "type", null, "field '" + name + "'");
    if (t == null) {
      throw new InvalidValueException("field '" + name + "' needs a type");
    }
    FieldSpec.FieldType type;
    try {
      type = FieldSpec.FieldType.valueOf(t.toUpperCase(Locale.ROOT));
    } catch (IllegalArgumentException e) {
      throw new InvalidValueException("field '" + name + "' has unknown type '" + t + "'");
    }
    boolean multiple = bool(f, "multiple", name);
    boolean basic = false;
    String mode = null;
    JsonNode idx = f.get("index");
    if (idx != null && !idx.isNull()) {
      if (!idx.isObject()) {
        throw new InvalidValueException("index of field '" + name + "' must be an object");
      }
      basic = bool(idx, "basic", name);
      JsonNode search = idx.get("search");
      if (search != null && !search.isNull()) {
        if (search.isBoolean()) {
          mode = search.asBoolean() ? "fulltext" : null;
        } else if (search.isObject()) {
          mode = text(search, "mode", "fulltext", "field '" + name + "'");
          if (!mode.equals("fulltext") && !mode.equals("facet")) {
            throw new InvalidValueException(
                "search mode of field '" + name + "' is fulltext or facet, not '" + mode + "'");
          }
        } else {
          throw new InvalidValueException("index.search of field '" + name + "' is an object");
        }
      }
    }
    return new FieldSpec(
        name,
        type,
        multiple,
        basic,
        mode,
        text(f, "title", null, "field '" + name + "'"),
        text(f, "description", null, "field '" + name + "'"));
  }

  private static String text(JsonNode v, String p, String dflt, String where) {
    JsonNode n = v.get(p);
    if (n == null || n.isNull()) {
      return dflt;
    }
    if (!n.isTextual()) {
      throw new InvalidValueException("'" + p + "' in " + where + " must be a string");
    }
    return n.asText();
  }

  private static boolean bool(JsonNode v, String p, String field) {
    JsonNode n = v.get(p);
    if (n == null || n.isNull()) {
      return false;
    }
    if (!n.isBoolean()) {
      throw new InvalidValueException("'" + p + "' of field '" + field + "' must be a boolean");
    }
    return n.asBoolean();
  }

  /** The canonical JSON form, as stored in a {@code sonar/type} record. */
  public ObjectNode toJson() {
    JsonNodeFactory f = JsonNodeFactory.instance;
    ObjectNode o = f.objectNode();
    o.put("namespace", namespace).put("name", name).put("version", version);
    if (title != null) {
      o.put("title", title);
    }
    if (description != null) {
      o.put("description", description);
    }
    if (refines != null) {
      o.put("refines", refines);
    }
    ObjectNode fs = o.putObject("fields");
    for (FieldSpec s : fields.values()) {
      ObjectNode fo = fs.putObject(s.name());
      fo.put("type", s.type().jsonName());
      if (s.multiple()) {
        fo.put("multiple", true);
      }
      if (s.indexBasic() || s.searchMode() != null) {
        ObjectNode idx = fo.putObject("index");
        if (s.indexBasic()) {
          idx.put("basic", true);
        }
        if (s.searchMode() != null) {
          idx.putObject("search").put("mode", s.searchMode());
        }
      }
      if (s.title() != null) {
        fo.put("title", s.title());
      }
      if (s.description() != null) {
        fo.put("description", s.description());
      }
    }
    return o;
  }
}
