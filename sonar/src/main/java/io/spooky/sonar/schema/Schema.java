package io.spooky.sonar.schema;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.spooky.sonar.record.MalformedAddressException;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * The types of a collection: the built-in {@value #TYPE} and {@value #FEED} plus every type defined
 * by an indexed {@code sonar/type} record, each remembered with the {@code lseq} that defined it.
 *
 * <p>Addresses resolve as documented in {@link TypeAddress}: a missing namespace is the
 * collection's default namespace, a missing version the highest version defined. A type address is
 * immutable: the first definition of {@code ns/name@version} in log order wins, so every node and
 * every rebuild resolves it the same way. The {@code ...At(lseq)} methods see only types defined
 * before a log position, which is what views use to stay deterministic across rebuilds.
 *
 * <p>Instances are immutable; {@link #with} returns a new schema.
 */
public final class Schema {
  /** The type of type-definition records. */
  public static final String TYPE = "sonar/type@1";

  /** The type of records that add a feed to a collection. */
  public static final String FEED = "sonar/feed@1";

  /** The type of records that describe a file whose bytes are in a blob feed. */
  public static final String FILE = "sonar/file@1";

  private record Entry(TypeSpec spec, long definedAt) {}

  private final String defaultNamespace;
  private final Map<String, TreeMap<Integer, Entry>> types;
  // Parsed addresses; the cache only memoizes a pure function, so sharing it is safe.
  private final Map<String, TypeAddress> parsed = new java.util.concurrent.ConcurrentHashMap<>();

  private Schema(String defaultNamespace, Map<String, TreeMap<Integer, Entry>> types) {
    this.defaultNamespace = defaultNamespace;
    this.types = types;
  }

  /**
   * The built-in types every collection has: {@code sonar/type}, {@code sonar/feed}, {@code
   * sonar/file}.
   */
  private static final List<String> BUILTIN_TYPES =
      List.of(
          """
                      {"namespace": "sonar", "name": "type", "version": 1,
                       "title": "Type", "fields": {
                        "namespace": {"type": "string"}, "name": {"type": "string"},
                        "version": {"type": "integer"}, "title": {"type": "string"},
                        "description": {"type": "string"}, "refines": {"type": "string"},
                        "fields": {"type": "object"}}}""",
          """
                      {"namespace": "sonar", "name": "feed", "version": 1,
                       "title": "Feed", "fields": {
                        "key": {"type": "string", "index": {"basic": true}},
                        "type": {"type": "string"}, "alias": {"type": "string"},
                        "description": {"type": "string"}}}""",
          """
                      {"namespace": "sonar", "name": "file", "version": 1,
                       "title": "File", "fields": {
                        "filename": {"type": "string"}, "contentType": {"type": "string"},
                        "contentLength": {"type": "integer"},
                        "contentHash": {"type": "string", "index": {"basic": true}},
                        "blob": {"type": "object"}, "metadata": {"type": "object"}}}""");

  /** The schema of a collection with no defined types yet. */
  public static Schema builtin(String defaultNamespace) {
    ObjectMapper m = new ObjectMapper();
    Schema s = new Schema(defaultNamespace, Map.of());
    try {
      for (String spec : BUILTIN_TYPES) {
        s = s.with(TypeSpec.fromJson(m.readTree(spec), "sonar"), 0);
      }
    } catch (java.io.IOException e) {
      throw new IllegalStateException("built-in type definitions do not parse", e);
    }
    return s;
  }

  public String defaultNamespace() {
    return defaultNamespace;
  }

  /**
   * This schema plus {@code spec} defined at {@code lseq}; unchanged if the address is already
   * defined.
   */
  public Schema with(TypeSpec spec, long lseq) {
    String path = spec.namespace() + "/" + spec.name();
    TreeMap<Integer, Entry> versions = types.get(path);
    if (versions != null && versions.containsKey(spec.version())) {
      return this;
    }
    Map<String, TreeMap<Integer, Entry>> copy = new HashMap<>(types);
    TreeMap<Integer, Entry> v = versions == null ? new TreeMap<>() : new TreeMap<>(versions);
    v.put(spec.version(), new Entry(spec, lseq));
    copy.put(path, v);
    return new Schema(defaultNamespace, copy);
  }

  /** Every defined type, built-ins included. */
  public List<TypeSpec> types() {
    List<TypeSpec> out = new ArrayList<>();
    for (TreeMap<Integer, Entry> v : types.values()) {
      for (Entry e : v.values()) {
        out.add(e.spec());
      }
    }
    return out;
  }

  /** Resolves a type address to its definition; throws {@link UnknownTypeException}. */
  public TypeSpec resolve(String address) {
    TypeSpec t = resolveAt(address, Long.MAX_VALUE);
    if (t == null) {
      throw new UnknownTypeException("unknown type '" + address + "'");
    }
    return t;
  }

  /** Resolves among the types defined before {@code lseq}; null if none matches. */
  public TypeSpec resolveAt(String address, long lseq) {
    TypeAddress a = parsed.get(address);
    if (a == null) {
      a = TypeAddress.parse(address);
      if (parsed.size() < 10_000) {
        parsed.put(address, a);
      }
    }
    return resolveAt(a, lseq);
  }

  private TypeSpec resolveAt(TypeAddress a, long lseq) {
    String ns = a.namespace() == null ? defaultNamespace : a.namespace();
    TreeMap<Integer, Entry> versions = types.get(ns + "/" + a.name());
    if (versions == null) {
      return null;
    }
    if (a.version() >= 0) {
      Entry e = versions.get(a.version());
      return e != null && e.definedAt() < lseq ? e.spec() : null;
    }
    for (Entry e : versions.descendingMap().values()) {
      if (e.definedAt() < lseq) {
        return e.spec();
      }
    }
    return null;
  }

  /** Resolves a field address {@code [ns/]name[@version]#field} to the type and field. */
  public FieldRef field(String fieldAddress) {
    TypeAddress a = TypeAddress.parse(fieldAddress);
    if (a.field() == null) {
      throw new MalformedAddressException(
          "a field address is [namespace/]name[@version]#field: '" + fieldAddress + "'");
    }
    TypeSpec t =
        resolveAt(new TypeAddress(a.namespace(), a.name(), a.version(), null), Long.MAX_VALUE);
    if (t == null) {
      throw new UnknownTypeException("unknown type in field address '" + fieldAddress + "'");
    }
    FieldSpec f = fields(t).get(a.field());
    if (f == null) {
      throw new UnknownTypeException("type " + t.address() + " has no field '" + a.field() + "'");
    }
    return new FieldRef(t, f);
  }

  /** A resolved field: its type and its definition. */
  public record FieldRef(TypeSpec type, FieldSpec field) {
    /** {@code ns/name@version#field}. */
    public String address() {
      return type.address() + "#" + field.name();
    }
  }

  /** Effective fields of a type, inherited ones included. */
  public Map<String, FieldSpec> fields(TypeSpec t) {
    return fieldsAt(t, Long.MAX_VALUE);
  }

  /** Effective fields using only types defined before {@code lseq}. */
  public Map<String, FieldSpec> fieldsAt(TypeSpec t, long lseq) {
    List<TypeSpec> chain = new ArrayList<>();
    TypeSpec cur = t;
    while (cur != null && chain.size() < 32 && !chain.contains(cur)) {
      chain.add(cur);
      cur = cur.refines() == null ? null : resolveAt(TypeAddress.parse(cur.refines()), lseq);
    }
    Map<String, FieldSpec> out = new LinkedHashMap<>();
    for (int i = chain.size() - 1; i >= 0; i--) {
      out.putAll(chain.get(i).fields());
    }
    return out;
  }

  /**
   * Checks a record value against its type: an object whose properties are declared fields of the
   * right JSON kind ({@code null} counts as absent). Throws {@link InvalidValueException}.
   */
  public void validate(TypeSpec t, JsonNode value) {
    if (value == null || !value.isObject()) {
      throw new InvalidValueException("a value of type " + t.address() + " must be a JSON object");
    }
    Map<String, FieldSpec> fields = fields(t);
    for (Iterator<Map.Entry<String, JsonNode>> it = value.fields(); it.hasNext(); ) {
      Map.Entry<String, JsonNode> e = it.next();
      FieldSpec f = fields.get(e.getKey());
      if (f == null) {
        throw new InvalidValueException(
            "type " + t.address() + " has no field '" + e.getKey() + "'");
      }
      JsonNode v = e.getValue();
      if (v.isNull()) {
        continue;
      }
      if (f.multiple()) {
        if (!v.isArray()) {
          throw new InvalidValueException(
              "field '" + f.name() + "' of " + t.address() + " must be an array (multiple)");
        }
        int i = 0;
        for (JsonNode item : v) {
          check(t, f, item, f.name() + "[" + i++ + "]");
        }
      } else {
        check(t, f, v, f.name());
      }
    }
  }

  private static void check(TypeSpec t, FieldSpec f, JsonNode v, String path) {
    boolean ok =
        switch (f.type()) {
          case STRING, RELATION -> v.isTextual();
          case NUMBER -> v.isNumber();
          case INTEGER ->
              v.isIntegralNumber() || (v.isNumber() && v.asDouble() == Math.rint(v.asDouble()));
          case BOOLEAN -> v.isBoolean();
          case OBJECT -> v.isObject();
          case ARRAY -> v.isArray();
          case ANY -> true;
        };
    if (!ok) {
      throw new InvalidValueException(
          "field '"
              + path
              + "' of "
              + t.address()
              + " must be "
              + f.type().jsonName()
              + ", got "
              + v.getNodeType().name().toLowerCase(java.util.Locale.ROOT));
    }
  }
}
