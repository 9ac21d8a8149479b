package io.spooky.ssp;

import io.spooky.core.value.ArrayValue;
import io.spooky.core.value.IntValue;
import io.spooky.core.value.NoneValue;
import io.spooky.core.value.NullValue;
import io.spooky.core.value.ObjectValue;
import io.spooky.core.value.RecordId;
import io.spooky.core.value.StringValue;
import io.spooky.core.value.Value;
import io.spooky.ivm.Change;
import io.spooky.service.ProblemException;
import java.util.ArrayList;
import java.util.List;
import java.util.TreeMap;

/**
 * Validation of {@code POST /ingest} bodies: one event or an array of {@code {seq?, table, op:
 * CREATE|UPDATE|DELETE, id, before?, after?, version?}}. Every event is checked before any is
 * applied, so a malformed event rejects the whole request (400) and changes nothing. {@code after}
 * gets {@code id} set to the record id; {@code version} is ignored because the engine computes
 * versions from content.
 */
final class IngestEvents {
  private IngestEvents() {}

  /**
   * A scheduler event: its WAL seq and the change, or a null change for events of {@code _spooky_*}
   * tables, which an SSP does not follow but whose seq it must still pass.
   */
  record Sequenced(long seq, Change change) {}

  /**
   * Parses the scheduler's {@code POST /ingest} body {@code {"events": [...]}} (docs/PROTOCOL.md
   * 9.3); every event needs an integer {@code seq}, and seqs must increase.
   */
  static List<Sequenced> parseScheduled(Value body) {
    if (!(body instanceof ObjectValue o) || !(o.get("events") instanceof ArrayValue events)) {
      throw ProblemException.badRequest("the body must be {\"events\": [...]}");
    }
    List<Sequenced> out = new ArrayList<>(events.size());
    long previous = Long.MIN_VALUE;
    for (int i = 0; i < events.size(); i++) {
      Value v = events.items().get(i);
      if (!(v instanceof ObjectValue e) || !(e.get("seq") instanceof IntValue seq)) {
        throw ProblemException.badRequest("event " + i + ": 'seq' must be an integer");
      }
      if (seq.value() <= previous) {
        throw ProblemException.badRequest("event " + i + ": seqs must increase");
      }
      previous = seq.value();
      boolean internal =
          e.get("table") instanceof StringValue t && t.value().startsWith("_spooky_");
      out.add(new Sequenced(seq.value(), internal ? null : parseOne(v, i)));
    }
    return out;
  }

  static List<Change> parse(Value body) {
    List<Value> items =
        body instanceof ArrayValue a
            ? a.items()
            : body instanceof ObjectValue ? List.of(body) : null;
    if (items == null) {
      throw ProblemException.badRequest("the body must be an event object or an array of them");
    }
    List<Change> out = new ArrayList<>(items.size());
    for (int i = 0; i < items.size(); i++) {
      out.add(parseOne(items.get(i), i));
    }
    return out;
  }

  private static Change parseOne(Value v, int index) {
    String at = "event " + index + ": ";
    if (!(v instanceof ObjectValue o)) {
      throw ProblemException.badRequest(at + "must be an object");
    }
    if (!(o.get("table") instanceof StringValue table) || !RecordIds.isTableName(table.value())) {
      throw ProblemException.badRequest(at + "'table' must be a table name");
    }
    if (table.value().startsWith("_spooky_")) {
      throw ProblemException.badRequest(at + "'_spooky_*' tables cannot be ingested");
    }
    if (!(o.get("id") instanceof StringValue idText)) {
      throw ProblemException.badRequest(at + "'id' must be a record id string (table:key)");
    }
    RecordId id;
    try {
      id = RecordIds.parse(idText.value());
    } catch (IllegalArgumentException e) {
      throw ProblemException.badRequest(at + e.getMessage());
    }
    if (!id.table().equals(table.value())) {
      throw ProblemException.badRequest(
          at + "'id' " + idText.value() + " is not in table " + table.value());
    }
    if (!(o.get("op") instanceof StringValue op)) {
      throw ProblemException.badRequest(at + "'op' must be CREATE, UPDATE or DELETE");
    }
    Value seq = o.get("seq");
    if (!(seq instanceof NoneValue || seq instanceof NullValue || seq instanceof IntValue)) {
      throw ProblemException.badRequest(at + "'seq' must be an integer");
    }
    Value before = record(o.get("before"), id, at + "'before'");
    Value after = record(o.get("after"), id, at + "'after'");
    return switch (op.value()) {
      case "CREATE", "UPDATE" -> {
        if (after == Value.NONE) {
          throw ProblemException.badRequest(at + "'after' is required for " + op.value());
        }
        yield new Change(table.value(), id, before, after);
      }
      case "DELETE" -> new Change(table.value(), id, before, Value.NONE);
      default -> throw ProblemException.badRequest(at + "'op' must be CREATE, UPDATE or DELETE");
    };
  }

  private static Value record(Value v, RecordId id, String what) {
    if (v instanceof NoneValue || v instanceof NullValue) {
      return Value.NONE;
    }
    if (!(v instanceof ObjectValue o)) {
      throw ProblemException.badRequest(what + " must be an object");
    }
    TreeMap<String, Value> f = new TreeMap<>(o.fields());
    f.put("id", id);
    return new ObjectValue(f);
  }
}
