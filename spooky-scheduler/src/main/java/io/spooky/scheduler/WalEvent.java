package io.spooky.scheduler;

import com.fasterxml.jackson.core.JsonGenerator;
import io.spooky.core.digest.ContentDigest;
import io.spooky.core.encoding.CanonicalEncoding;
import io.spooky.core.json.SurrealJson;
import io.spooky.core.value.IntValue;
import io.spooky.core.value.NoneValue;
import io.spooky.core.value.ObjectValue;
import io.spooky.core.value.RecordId;
import io.spooky.core.value.StringValue;
import io.spooky.core.value.Value;
import java.io.IOException;
import java.util.Map;
import java.util.Objects;
import java.util.TreeMap;

/**
 * One change event as the scheduler stores it in its WAL, before it has a seq (the WAL position is
 * the seq).
 *
 * <p>WAL payload: the {@link CanonicalEncoding} of an object {@code {table, op, id, before, after,
 * version, vs?, cursor?}}, so SurrealDB types (record ids, datetimes, decimals) survive. {@code
 * cursor} is present on the last event of each change-capture batch and holds the capture cursor
 * after that batch ({@code CaptureCursor.encode()}): the WAL is where the capture resumes from.
 *
 * @param op {@code CREATE}, {@code UPDATE} or {@code DELETE}
 * @param before the record before the change, NONE when unknown or for CREATE
 * @param after the record after the change (its {@code id} field is {@code id}), NONE for DELETE
 * @param version hex content digest of {@code after}; empty for DELETE
 * @param vs the SurrealDB versionstamp of a captured change; 0 for events posted to /ingest
 * @param cursor capture cursor after this event's batch, or null
 */
record WalEvent(
    String table,
    Op op,
    RecordId id,
    Value before,
    Value after,
    String version,
    long vs,
    String cursor) {

  /** The kind of change. */
  enum Op {
    CREATE,
    UPDATE,
    DELETE
  }

  WalEvent {
    Objects.requireNonNull(table, "table");
    Objects.requireNonNull(op, "op");
    Objects.requireNonNull(id, "id");
    before = before == null ? Value.NONE : before;
    after = after == null ? Value.NONE : after;
    if (op != Op.DELETE && !(after instanceof ObjectValue)) {
      throw new IllegalArgumentException(op + " of " + id + " needs an 'after' object");
    }
    if (version == null) {
      version = after instanceof ObjectValue o ? ContentDigest.of(o).hex() : "";
    }
  }

  /** Identity of a captured change: the record and the versionstamp of its transaction. */
  record CapturedChange(RecordId id, long vs) {}

  /** A copy carrying {@code cursor}. */
  WalEvent withCursor(String c) {
    return new WalEvent(table, op, id, before, after, version, vs, c);
  }

  byte[] encode() {
    TreeMap<String, Value> m = new TreeMap<>();
    m.put("table", new StringValue(table));
    m.put("op", new StringValue(op.name()));
    m.put("id", id);
    m.put("before", before);
    m.put("after", after);
    m.put("version", new StringValue(version));
    if (vs != 0) {
      m.put("vs", new IntValue(vs));
    }
    if (cursor != null) {
      m.put("cursor", new StringValue(cursor));
    }
    return CanonicalEncoding.encode(new ObjectValue(m));
  }

  static WalEvent decode(byte[] payload) {
    ObjectValue o = (ObjectValue) CanonicalEncoding.decode(payload);
    return new WalEvent(
        text(o, "table"),
        Op.valueOf(text(o, "op")),
        (RecordId) o.get("id"),
        o.get("before"),
        o.get("after"),
        text(o, "version"),
        o.get("vs") instanceof IntValue v ? v.value() : 0,
        o.get("cursor") instanceof StringValue s ? s.value() : null);
  }

  private static String text(ObjectValue o, String field) {
    return ((StringValue) o.get(field)).value();
  }

  /**
   * Writes the event as SSPs receive it: {@code {seq, table, op, id, before, after, version}},
   * values in SurrealDB's JSON rendering (record ids as {@code "table:key"}).
   */
  void writeJson(long seq, JsonGenerator g) throws IOException {
    g.writeStartObject();
    g.writeNumberField("seq", seq);
    g.writeStringField("table", table);
    g.writeStringField("op", op.name());
    g.writeFieldName("id");
    SurrealJson.write(id, g);
    g.writeFieldName("before");
    SurrealJson.write(before instanceof NoneValue ? Value.NULL : before, g);
    g.writeFieldName("after");
    SurrealJson.write(after instanceof NoneValue ? Value.NULL : after, g);
    g.writeStringField("version", version);
    g.writeEndObject();
  }

  /**
   * Reads an event sent by an outside producer: {@code {table?, op, id, before?, after?}} where
   * {@code id} is {@code "table:key"} (an integer key when it is all digits) and {@code after}'s
   * own {@code id} is replaced by the parsed record id.
   *
   * @throws IllegalArgumentException naming what is missing or malformed
   */
  static WalEvent fromJson(Value json) {
    if (!(json instanceof ObjectValue o)) {
      throw new IllegalArgumentException("an event must be a JSON object");
    }
    if (!(o.get("op") instanceof StringValue op)) {
      throw new IllegalArgumentException("event field 'op' (CREATE|UPDATE|DELETE) is required");
    }
    Op kind;
    try {
      kind = Op.valueOf(op.value().toUpperCase(java.util.Locale.ROOT));
    } catch (IllegalArgumentException e) {
      throw new IllegalArgumentException(
          "event op must be CREATE, UPDATE or DELETE: " + op.value());
    }
    if (!(o.get("id") instanceof StringValue idText)) {
      throw new IllegalArgumentException("event field 'id' (\"table:key\") is required");
    }
    RecordId id = parseRecordId(idText.value());
    if (o.get("table") instanceof StringValue t && !t.value().equals(id.table())) {
      throw new IllegalArgumentException(
          "event table '" + t.value() + "' differs from the table of id " + idText.value());
    }
    Value after = withId(o.get("after"), id);
    Value before = withId(o.get("before"), id);
    String version = o.get("version") instanceof StringValue v ? v.value() : null;
    return new WalEvent(id.table(), kind, id, before, after, version, 0, null);
  }

  private static Value withId(Value v, RecordId id) {
    return v instanceof ObjectValue obj ? obj.with("id", id) : Value.NONE;
  }

  /** {@code table:key}; a key of digits is an integer; {@code ⟨...⟩} or backticks are stripped. */
  static RecordId parseRecordId(String text) {
    int colon = text.indexOf(':');
    if (colon <= 0 || colon == text.length() - 1) {
      throw new IllegalArgumentException("record id must look like table:key: " + text);
    }
    String table = text.substring(0, colon);
    String key = text.substring(colon + 1);
    if ((key.startsWith("⟨") && key.endsWith("⟩")) || (key.startsWith("`") && key.endsWith("`"))) {
      return new RecordId(table, new StringValue(key.substring(1, key.length() - 1)));
    }
    if (key.matches("-?[0-9]{1,18}")) {
      return new RecordId(table, new IntValue(Long.parseLong(key)));
    }
    return new RecordId(table, new StringValue(key));
  }

  /** An event for tests and tools. */
  static WalEvent upsert(RecordId id, Map<String, Value> fields) {
    TreeMap<String, Value> m = new TreeMap<>(fields);
    m.put("id", id);
    return new WalEvent(id.table(), Op.UPDATE, id, Value.NONE, new ObjectValue(m), null, 0, null);
  }
}
