package io.spooky.ivm.plan;

import io.spooky.core.digest.ContentDigest;
import io.spooky.core.value.ObjectValue;
import io.spooky.core.value.RecordId;
import io.spooky.core.value.Value;
import io.spooky.query.ast.BinaryOp;
import io.spooky.query.ast.Expr;
import io.spooky.query.ast.Grouping;
import io.spooky.query.ast.OrderKey;
import io.spooky.query.ast.PathPart;
import io.spooky.query.ast.Projection;
import io.spooky.query.ast.SelectStatement;
import io.spooky.query.ast.Source;
import io.spooky.query.eval.EvalContext;
import io.spooky.query.eval.ExprEvaluator;
import io.spooky.query.eval.QueryEvaluator;
import io.spooky.query.eval.Snapshot;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;
import java.util.function.UnaryOperator;

/**
 * Compiles a parsed {@code SELECT} into a {@link ViewPlan}: WHERE and SELECT become a {@link
 * RowEvaluator} over the query module's {@link ExprEvaluator} (so per-row semantics are the
 * one-shot evaluator's), ORDER BY becomes sort keys read from the projected row, GROUP BY becomes a
 * {@link GroupPlan}, and the WHERE's top-level AND conjuncts comparing a field with a constant
 * become routing {@link Conjunct}s.
 *
 * <p>{@code FROM} a list of record ids compiles to a plan over those records ({@link
 * ViewPlan#records}). Rejected with {@link UnsupportedViewException}: a list naming one record
 * twice (SurrealDB returns it twice; a view holds each record once), {@code *} in a grouped SELECT,
 * aggregates outside GROUP BY, and nested aliases under GROUP BY that are not plain field paths.
 */
public final class PlanCompiler {
  private static final Snapshot NO_LINKS =
      new Snapshot() {
        @Override
        public Iterable<ObjectValue> scan(String table) {
          return List.of();
        }

        @Override
        public Optional<ObjectValue> get(RecordId id) {
          return Optional.empty();
        }
      };

  private PlanCompiler() {}

  /** Compiles {@code s} with its parameters bound to {@code params}. */
  public static ViewPlan compile(SelectStatement s, Map<String, Value> params) {
    String table;
    List<RecordId> records = null;
    switch (s.from()) {
      case Source.Table t -> table = t.name();
      case Source.Records r -> {
        if (new java.util.HashSet<>(r.ids()).size() != r.ids().size()) {
          throw new UnsupportedViewException(
              "a live view holds each record once, but FROM lists a record id twice: " + s.from());
        }
        records = r.ids();
        table = records.get(0).table();
      }
    }
    Map<String, Value> bound = Map.copyOf(params);
    String paramsDigest = ContentDigest.of(ObjectValue.of(new TreeMap<>(bound))).hex();
    String shareKey = s + " " + paramsDigest;
    SelectStatement unordered =
        new SelectStatement(
            s.projections(), s.value(), s.from(), s.where(), List.of(), null, null, s.group());
    String sourceKey = unordered + " " + paramsDigest;
    List<SortKey> order = new ArrayList<>();
    for (OrderKey k : s.order()) {
      List<PathPart> parts = k.path().parts();
      order.add(
          new SortKey(
              row -> ExprEvaluator.path(row, parts, NO_LINKS),
              k.descending(),
              s.grouped() ? null : recordPath(s, k)));
    }
    long start = s.start() == null ? 0 : s.start();
    long limit = s.limit() == null ? -1 : s.limit();
    List<Conjunct> conjuncts = new ArrayList<>();
    if (s.where() != null) {
      conjuncts(s.where(), bound, conjuncts);
    }
    if (s.grouped()) {
      return new ViewPlan(
          table,
          groupInputs(s, bound),
          UnaryOperator.identity(),
          order,
          start,
          limit,
          groupPlan(s),
          conjuncts,
          shareKey,
          sourceKey,
          records);
    }
    for (Projection p : s.projections()) {
      if (p instanceof Projection.Field f && containsAggregate(f.expr())) {
        throw new UnsupportedViewException(
            "aggregate functions need GROUP BY or GROUP ALL in a live view: " + f);
      }
    }
    Expr where = s.where();
    UnaryOperator<Value> output = UnaryOperator.identity();
    if (s.value()) {
      List<PathPart> at = ((Projection.Field) s.projections().get(0)).outputPath().parts();
      output = row -> ExprEvaluator.path(row, at, NO_LINKS);
    }
    // SELECT * returns the stored record unchanged; skip rebuilding it.
    boolean star = s.projections().size() == 1 && s.projections().get(0) instanceof Projection.All;
    return new ViewPlan(
        table,
        (id, record, reads) -> {
          EvalContext ctx = new EvalContext(record, bound, new ReadsSnapshot(reads));
          if (where != null && !ExprEvaluator.test(where, ctx)) {
            return null;
          }
          return star ? record : QueryEvaluator.project(s, (ObjectValue) record, ctx);
        },
        output,
        order,
        start,
        limit,
        null,
        conjuncts,
        shareKey,
        sourceKey,
        records);
  }

  /**
   * The source-record path SurrealDB sorts key {@code k} by, when it differs from reading the row:
   * the path of a multi-part field-path projection producing {@code k} (see {@link SortKey}).
   */
  private static List<PathPart> recordPath(SelectStatement s, OrderKey k) {
    Projection.Field producer = null;
    for (Projection p : s.projections()) {
      if (p instanceof Projection.Field f && f.outputPath().equals(k.path())) {
        producer = f;
      }
    }
    if (producer != null && producer.expr() instanceof Expr.FieldPath fp && fp.parts().size() > 1) {
      return fp.parts();
    }
    return null;
  }

  private static RowEvaluator groupInputs(SelectStatement s, Map<String, Value> bound) {
    Expr where = s.where();
    List<Expr> inputs = new ArrayList<>();
    for (Projection p : s.projections()) {
      Projection.Field f = (Projection.Field) p;
      if (f.expr() instanceof Expr.FunctionCall call && call.isAggregate()) {
        inputs.add(call.args().isEmpty() ? null : call.args().get(0));
      } else {
        inputs.add(f.expr());
      }
    }
    List<List<PathPart>> keys = new ArrayList<>();
    if (s.group() instanceof Grouping.By by) {
      for (Expr.FieldPath k : by.keys()) {
        keys.add(k.parts());
      }
    }
    List<Projection> projections = s.projections();
    return (id, record, reads) -> {
      EvalContext ctx = new EvalContext(record, bound, new ReadsSnapshot(reads));
      if (where != null && !ExprEvaluator.test(where, ctx)) {
        return null;
      }
      List<Value> out = new ArrayList<>(inputs.size() + keys.size());
      TreeMap<String, Value> object = new TreeMap<>();
      for (int i = 0; i < inputs.size(); i++) {
        Expr e = inputs.get(i);
        Value v = e == null ? Value.NULL : ExprEvaluator.eval(e, ctx);
        out.add(v);
        Projection.Field f = (Projection.Field) projections.get(i);
        if (!(f.expr() instanceof Expr.FunctionCall call && call.isAggregate())) {
          object = with(object, names(f.outputPath()), 0, v);
        }
      }
      ObjectValue row = new ObjectValue(object);
      for (List<PathPart> k : keys) {
        out.add(ExprEvaluator.path(row, k, ctx.snapshot()));
      }
      return Value.array(out);
    };
  }

  private static TreeMap<String, Value> with(
      TreeMap<String, Value> obj, List<String> path, int at, Value v) {
    if (at == path.size() - 1) {
      obj.put(path.get(at), v);
      return obj;
    }
    TreeMap<String, Value> child =
        obj.get(path.get(at)) instanceof ObjectValue o
            ? new TreeMap<>(o.fields())
            : new TreeMap<>();
    obj.put(path.get(at), new ObjectValue(with(child, path, at + 1, v)));
    return obj;
  }

  private static GroupPlan groupPlan(SelectStatement s) {
    List<List<String>> keys = new ArrayList<>();
    if (s.group() instanceof Grouping.By by) {
      for (Expr.FieldPath k : by.keys()) {
        keys.add(names(k));
      }
    }
    List<GroupPlan.Item> items = new ArrayList<>();
    for (Projection p : s.projections()) {
      if (!(p instanceof Projection.Field f)) {
        throw new UnsupportedViewException("SELECT * cannot be grouped");
      }
      if (s.value()) {
        throw new UnsupportedViewException("SELECT VALUE cannot be grouped in a live view");
      }
      List<String> path = names(f.outputPath());
      GroupPlan.Kind kind;
      int keyIndex = -1;
      if (f.expr() instanceof Expr.FunctionCall call && call.isAggregate()) {
        kind =
            switch (call.name()) {
              case "count" ->
                  call.args().isEmpty() ? GroupPlan.Kind.COUNT : GroupPlan.Kind.COUNT_TRUTHY;
              case "math::sum" -> GroupPlan.Kind.SUM;
              case "math::min" -> GroupPlan.Kind.MIN;
              case "math::max" -> GroupPlan.Kind.MAX;
              case "math::mean" -> GroupPlan.Kind.MEAN;
              default -> throw new UnsupportedViewException("unsupported aggregate " + call.name());
            };
      } else if (containsAggregate(f.expr())) {
        throw new UnsupportedViewException(
            "an aggregate inside an expression is not maintained incrementally: " + f);
      } else {
        keyIndex = keys.indexOf(path);
        kind = keyIndex >= 0 ? GroupPlan.Kind.KEY : GroupPlan.Kind.COLLECT;
      }
      items.add(new GroupPlan.Item(kind, path, keyIndex));
    }
    return new GroupPlan(items, keys.size(), Aggregates::fold);
  }

  private static List<String> names(Expr.FieldPath path) {
    List<String> out = new ArrayList<>();
    for (PathPart part : path.parts()) {
      if (!(part instanceof PathPart.Field f)) {
        throw new UnsupportedViewException("an output path is field names only: " + path);
      }
      out.add(f.name());
    }
    return out;
  }

  private static boolean containsAggregate(Expr e) {
    return switch (e) {
      case Expr.FunctionCall f ->
          f.isAggregate() || f.args().stream().anyMatch(PlanCompiler::containsAggregate);
      case Expr.Binary b -> containsAggregate(b.left()) || containsAggregate(b.right());
      case Expr.Unary u -> containsAggregate(u.operand());
      case Expr.Access a -> containsAggregate(a.base());
      case Expr.ArrayExpr a -> a.items().stream().anyMatch(PlanCompiler::containsAggregate);
      case Expr.ObjectExpr o -> o.entries().stream().anyMatch(en -> containsAggregate(en.value()));
      default -> false;
    };
  }

  /** Collects {@code field op constant} conjuncts of the top-level AND. */
  private static void conjuncts(Expr e, Map<String, Value> params, List<Conjunct> out) {
    if (!(e instanceof Expr.Binary b)) {
      return;
    }
    if (b.op() == BinaryOp.AND) {
      conjuncts(b.left(), params, out);
      conjuncts(b.right(), params, out);
      return;
    }
    Conjunct.Op op =
        switch (b.op()) {
          case EQ, EXACT_EQ -> Conjunct.Op.EQ;
          case GT -> Conjunct.Op.GT;
          case GE -> Conjunct.Op.GE;
          case LT -> Conjunct.Op.LT;
          case LE -> Conjunct.Op.LE;
          default -> null;
        };
    if (op == null) {
      return;
    }
    String field = topField(b.left());
    Value constant = constant(b.right(), params);
    if (field == null || constant == null) {
      field = topField(b.right());
      constant = constant(b.left(), params);
      op = flip(op);
    }
    if (field != null && constant != null) {
      out.add(new Conjunct(field, op, constant));
    }
  }

  private static Conjunct.Op flip(Conjunct.Op op) {
    return switch (op) {
      case EQ -> Conjunct.Op.EQ;
      case GT -> Conjunct.Op.LT;
      case GE -> Conjunct.Op.LE;
      case LT -> Conjunct.Op.GT;
      case LE -> Conjunct.Op.GE;
    };
  }

  private static String topField(Expr e) {
    return e instanceof Expr.FieldPath p && p.parts().size() == 1 ? p.head() : null;
  }

  private static Value constant(Expr e, Map<String, Value> params) {
    return switch (e) {
      case Expr.Literal l -> l.value();
      case Expr.Param p when !p.name().equals("parent") ->
          params.getOrDefault(p.name(), Value.NONE);
      default -> null;
    };
  }
}
