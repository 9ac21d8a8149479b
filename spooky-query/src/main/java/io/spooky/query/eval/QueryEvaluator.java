package io.spooky.query.eval;

import io.spooky.core.value.ArrayValue;
import io.spooky.core.value.DecimalValue;
import io.spooky.core.value.FloatValue;
import io.spooky.core.value.IntValue;
import io.spooky.core.value.ObjectValue;
import io.spooky.core.value.RecordId;
import io.spooky.core.value.Value;
import io.spooky.core.value.Values;
import io.spooky.query.ast.BinaryOp;
import io.spooky.query.ast.Expr;
import io.spooky.query.ast.Grouping;
import io.spooky.query.ast.OrderKey;
import io.spooky.query.ast.PathPart;
import io.spooky.query.ast.Projection;
import io.spooky.query.ast.SelectStatement;
import io.spooky.query.ast.Source;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * Runs a {@link SelectStatement} once over a {@link Snapshot} and returns exactly what SurrealDB 3
 * returns for it: the same rows, in the same order, with the same shape.
 *
 * <pre>{@code
 * List<Value> rows = QueryEvaluator.evaluate(SurqlParser.parse(surql), params, snapshot);
 * }</pre>
 *
 * <p>The pipeline, in SurrealDB's order: read the source (a table in record id order, or the listed
 * ids in written order, skipping missing ones); keep records whose {@code WHERE} is truthy; project
 * each record ({@link #project}); group when asked (groups ordered by group key, {@code GROUP ALL}
 * always yields one row, even over no records); sort by {@code ORDER BY} (stable, so ties keep
 * source order); skip {@code START}; cut at {@code LIMIT}; for {@code SELECT VALUE} unwrap each row
 * to its value.
 *
 * <p>Output objects keep projected fields whose value is NONE ({@code SELECT nope FROM t} gives
 * {@code [{nope: NONE}]}), as SurrealDB does. Stateless and thread-safe.
 */
public final class QueryEvaluator {
  private QueryEvaluator() {}

  /**
   * The result of {@code select} over {@code snapshot}.
   *
   * @param params values of {@code $name} parameters (without the {@code $})
   * @throws QueryEvaluationException where SurrealDB fails the statement at run time
   */
  public static List<Value> evaluate(
      SelectStatement select, Map<String, Value> params, Snapshot snapshot) {
    return run(select, new EvalContext(Value.NONE, params, snapshot));
  }

  /** Runs {@code select} with the parameters and snapshot of {@code ctx}. */
  static List<Value> run(SelectStatement select, EvalContext ctx) {
    List<Row> rows = new ArrayList<>();
    for (ObjectValue record : source(select.from(), ctx.snapshot())) {
      EvalContext rc = ctx.withDocument(record);
      if (select.where() != null && !ExprEvaluator.test(select.where(), rc)) {
        continue;
      }
      if (select.grouped()) {
        rows.add(projectForGroup(select, rc));
      } else {
        ObjectValue out = project(select, record, ctx);
        rows.add(new Row(out, select.value() ? valueOf(select, out) : out, null, rc));
      }
    }
    if (select.grouped()) {
      rows = group(select, rows, ctx);
    }
    if (!select.order().isEmpty()) {
      List<List<Value>> keys = new ArrayList<>(rows.size());
      for (Row r : rows) {
        keys.add(
            select.grouped()
                ? groupOrderKey(select.order(), r.object)
                : orderKey(select, (ObjectValue) r.ctx.document(), r.object));
      }
      Integer[] perm = new Integer[rows.size()];
      for (int i = 0; i < perm.length; i++) {
        perm[i] = i;
      }
      java.util.Arrays.sort(
          perm, (a, b) -> compareOrderKeys(select.order(), keys.get(a), keys.get(b)));
      List<Row> sorted = new ArrayList<>(rows.size());
      for (Integer i : perm) {
        sorted.add(rows.get(i));
      }
      rows = sorted;
    }
    long start = select.start() == null ? 0 : select.start();
    long limit = select.limit() == null ? Long.MAX_VALUE : select.limit();
    List<Value> out = new ArrayList<>();
    for (long i = start; i < rows.size() && out.size() < limit; i++) {
      out.add(rows.get((int) i).result);
    }
    return out;
  }

  /**
   * One projected row before grouping: {@code object} is the output object (for a VALUE query, an
   * object with the single projection at its output path, which ORDER BY reads); {@code result} is
   * what the query returns for it; {@code values} holds each projection's value (grouped queries).
   */
  private record Row(ObjectValue object, Value result, List<Value> values, EvalContext ctx) {}

  /** Records of the source, in SurrealDB's order. */
  static List<ObjectValue> source(Source from, Snapshot snapshot) {
    List<ObjectValue> records = new ArrayList<>();
    switch (from) {
      case Source.Table t -> {
        for (ObjectValue r : snapshot.scan(t.name())) {
          records.add(r);
        }
        records.sort((a, b) -> Values.compare(a.get("id"), b.get("id")));
      }
      case Source.Records rs -> {
        for (RecordId id : rs.ids()) {
          snapshot.get(id).ifPresent(records::add);
        }
      }
    }
    return records;
  }

  /**
   * The output object of a non-grouped {@code select} for one source record (for {@code SELECT
   * VALUE}, an object holding the value at the projection's output path). Rows are built as
   * SurrealDB builds them: {@code *} copies the record, then each projection is written at its
   * output path in order, nested paths merging into existing objects.
   */
  public static ObjectValue project(SelectStatement select, ObjectValue record, EvalContext ctx) {
    if (select.grouped()) {
      throw new IllegalArgumentException("a grouped SELECT projects groups, not records");
    }
    EvalContext rc = ctx.withDocument(record);
    TreeMap<String, Value> out = new TreeMap<>();
    for (Projection p : select.projections()) {
      switch (p) {
        case Projection.All a -> out.putAll(record.fields());
        case Projection.Field f ->
            set(out, f.outputPath().parts(), ExprEvaluator.eval(f.expr(), rc));
      }
    }
    return new ObjectValue(out);
  }

  /** For a {@code SELECT VALUE} row object, the value it returns. */
  private static Value valueOf(SelectStatement select, ObjectValue out) {
    Projection.Field f = (Projection.Field) select.projections().get(0);
    return ExprEvaluator.pick(out, f.outputPath().parts());
  }

  /** Writes {@code v} at {@code path} (plain field names) in {@code out}, merging objects. */
  static void set(TreeMap<String, Value> out, List<PathPart> path, Value v) {
    String key = ((PathPart.Field) path.get(0)).name();
    if (path.size() == 1) {
      out.put(key, v);
      return;
    }
    TreeMap<String, Value> inner =
        out.get(key) instanceof ObjectValue o ? new TreeMap<>(o.fields()) : new TreeMap<>();
    set(inner, path.subList(1, path.size()), v);
    out.put(key, new ObjectValue(inner));
  }

  // ---------------------------------------------------------------- ORDER BY

  /**
   * The {@code ORDER BY} sort key of one row of a non-grouped {@code select}, as SurrealDB 3
   * computes it: for a key naming a projection whose expression is a field path (aliased or not),
   * that path read from the source {@code record} without following record links (so {@code
   * author.name} sorts as NONE, as in SurrealDB); for a key naming any other projection, the
   * projected value in {@code row}; for a key covered only by {@code *}, the path read from the
   * record without following links. Compare keys with {@link #compareOrderKeys}; rows with equal
   * keys keep record id order.
   *
   * @param record the source record
   * @param row the record's output object ({@link #project})
   */
  public static List<Value> orderKey(SelectStatement select, ObjectValue record, ObjectValue row) {
    List<Value> key = new ArrayList<>(select.order().size());
    for (OrderKey k : select.order()) {
      Projection.Field producer = null;
      for (Projection p : select.projections()) {
        if (p instanceof Projection.Field f && f.outputPath().equals(k.path())) {
          producer = f;
        }
      }
      if (producer == null) {
        key.add(ExprEvaluator.pick(record, k.path().parts()));
      } else if (producer.expr() instanceof Expr.FieldPath fp) {
        key.add(ExprEvaluator.pick(record, fp.parts()));
      } else {
        key.add(ExprEvaluator.pick(row, k.path().parts()));
      }
    }
    return key;
  }

  private static List<Value> groupOrderKey(List<OrderKey> order, ObjectValue row) {
    List<Value> key = new ArrayList<>(order.size());
    for (OrderKey k : order) {
      key.add(ExprEvaluator.pick(row, k.path().parts()));
    }
    return key;
  }

  /**
   * Compares two sort keys of {@link #orderKey} under {@code order}: {@link Values#compare} per
   * key, descending keys reversed, most significant first.
   */
  public static int compareOrderKeys(List<OrderKey> order, List<Value> a, List<Value> b) {
    for (int i = 0; i < order.size(); i++) {
      int c = Values.compare(a.get(i), b.get(i));
      if (c != 0) {
        return order.get(i).descending() ? -c : c;
      }
    }
    return 0;
  }

  // ---------------------------------------------------------------- GROUP

  private static Row projectForGroup(SelectStatement select, EvalContext rc) {
    TreeMap<String, Value> out = new TreeMap<>();
    List<Value> values = new ArrayList<>();
    for (Projection p : select.projections()) {
      Projection.Field f = (Projection.Field) p;
      if (f.expr() instanceof Expr.FunctionCall fc && fc.isAggregate()) {
        values.add(null);
        continue;
      }
      Value v = ExprEvaluator.eval(f.expr(), rc);
      values.add(v);
      set(out, f.outputPath().parts(), v);
    }
    return new Row(new ObjectValue(out), null, values, rc);
  }

  private static List<Row> group(SelectStatement select, List<Row> rows, EvalContext ctx) {
    TreeMap<Value, List<Row>> groups = new TreeMap<>(Values.order());
    List<Expr.FieldPath> keys = select.group() instanceof Grouping.By by ? by.keys() : List.of();
    for (Row r : rows) {
      List<Value> key = new ArrayList<>(keys.size());
      for (Expr.FieldPath k : keys) {
        key.add(ExprEvaluator.path(r.object, k.parts(), ctx.snapshot()));
      }
      groups.computeIfAbsent(new ArrayValue(key), x -> new ArrayList<>()).add(r);
    }
    if (select.group() instanceof Grouping.All && groups.isEmpty()) {
      groups.put(new ArrayValue(List.of()), List.of());
    }
    List<Row> out = new ArrayList<>(groups.size());
    for (Map.Entry<Value, List<Row>> g : groups.entrySet()) {
      List<Value> key = ((ArrayValue) g.getKey()).items();
      List<Row> members = g.getValue();
      TreeMap<String, Value> obj = new TreeMap<>();
      List<Projection> projections = select.projections();
      for (int i = 0; i < projections.size(); i++) {
        Projection.Field f = (Projection.Field) projections.get(i);
        Value v;
        int keyIndex = keys.indexOf(f.outputPath());
        if (f.expr() instanceof Expr.FunctionCall fc && fc.isAggregate()) {
          v = aggregate(fc, members);
        } else if (keyIndex >= 0) {
          v = key.get(keyIndex);
        } else {
          List<Value> collected = new ArrayList<>(members.size());
          for (Row m : members) {
            collected.add(m.values.get(i));
          }
          v = new ArrayValue(collected);
        }
        set(obj, f.outputPath().parts(), v);
      }
      ObjectValue o = new ObjectValue(obj);
      out.add(new Row(o, o, null, ctx));
    }
    return out;
  }

  /**
   * Folds an aggregate over a group's rows as SurrealDB's GROUP accumulators do: {@code count()}
   * counts rows and {@code count(x)} rows where x is truthy; the math aggregates read numbers only
   * (NONE and other non-numbers are skipped). Over no numbers, {@code math::sum} is 0, {@code
   * math::min} is +inf, {@code math::max} is -inf and {@code math::mean} is NaN.
   */
  private static Value aggregate(Expr.FunctionCall fc, List<Row> members) {
    if (fc.name().equals("count")) {
      if (fc.args().isEmpty()) {
        return new IntValue(members.size());
      }
      long n = 0;
      for (Row m : members) {
        if (ExprEvaluator.test(fc.args().get(0), m.ctx)) {
          n++;
        }
      }
      return new IntValue(n);
    }
    List<Value> numbers = new ArrayList<>();
    for (Row m : members) {
      Value v = ExprEvaluator.eval(fc.args().get(0), m.ctx);
      if (Arithmetic.isNumber(v)) {
        numbers.add(v);
      }
    }
    return switch (fc.name()) {
      case "math::sum" -> sum(numbers);
      case "math::min" ->
          numbers.stream().min(Values.order()).orElse(new FloatValue(Double.POSITIVE_INFINITY));
      case "math::max" ->
          numbers.stream().max(Values.order()).orElse(new FloatValue(Double.NEGATIVE_INFINITY));
      case "math::mean" -> {
        if (numbers.isEmpty()) {
          yield new FloatValue(Double.NaN);
        }
        Value total = sum(numbers);
        yield total instanceof DecimalValue
            ? Arithmetic.numeric(
                BinaryOp.DIV, total, new DecimalValue(java.math.BigDecimal.valueOf(numbers.size())))
            : new FloatValue(Arithmetic.toDouble(total) / numbers.size());
      }
      default -> throw new IllegalStateException("not an aggregate: " + fc.name());
    };
  }

  private static Value sum(List<Value> numbers) {
    Value total = new IntValue(0);
    for (Value n : numbers) {
      total = Arithmetic.numeric(BinaryOp.ADD, total, n);
    }
    return total;
  }
}
