package io.spooky.query.eval;

import io.spooky.core.value.Value;
import java.util.HashMap;
import java.util.Map;
import java.util.Objects;

/**
 * What an expression is evaluated against: the current document (what field paths read; {@code
 * NONE} when there is none), the bound parameters ({@code $name}; inside a subquery {@code $parent}
 * is the enclosing query's current document) and the snapshot that record links and subqueries
 * read.
 *
 * @param document the current record or row
 * @param params parameter values by name without {@code $}; absent parameters read as NONE
 * @param snapshot where record links are resolved and subqueries run
 */
public record EvalContext(Value document, Map<String, Value> params, Snapshot snapshot) {
  public EvalContext {
    Objects.requireNonNull(document, "document");
    params = Map.copyOf(params);
    Objects.requireNonNull(snapshot, "snapshot");
  }

  /** The same parameters and snapshot with another current document. */
  public EvalContext withDocument(Value doc) {
    return new EvalContext(doc, params, snapshot);
  }

  /** The context of a subquery run for this context's document: {@code $parent} is bound to it. */
  public EvalContext forSubquery() {
    Map<String, Value> p = new HashMap<>(params);
    p.put("parent", document);
    return new EvalContext(Value.NONE, p, snapshot);
  }

  /** The value of {@code $name}, NONE when unbound. */
  public Value param(String name) {
    Value v = params.get(name);
    return v == null ? Value.NONE : v;
  }
}
