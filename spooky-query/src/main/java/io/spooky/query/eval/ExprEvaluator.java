package io.spooky.query.eval;

import io.spooky.core.value.ArrayValue;
import io.spooky.core.value.ObjectValue;
import io.spooky.core.value.RecordId;
import io.spooky.core.value.Value;
import io.spooky.core.value.Values;
import io.spooky.query.ast.Expr;
import io.spooky.query.ast.PathPart;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * Evaluates one expression against one document, with SurrealDB 3's semantics. This is the piece
 * the incremental engine reuses to filter and project single records.
 *
 * <pre>{@code
 * EvalContext ctx = new EvalContext(record, params, snapshot);
 * if (ExprEvaluator.test(select.where(), ctx)) { ... }
 * }</pre>
 *
 * <ul>
 *   <li>Field paths read the current document; a step applied to a record id first fetches the
 *       record from the snapshot (NONE when it does not exist); a field step applied to an array
 *       maps the rest of the path over its items; any other mismatch gives NONE.
 *   <li>{@code AND}/{@code OR} return an operand, as SurrealDB does ({@code 0 OR 'x'} is {@code
 *       'x'}); {@code WHERE} keeps a row when the result is truthy ({@link Value#isTruthy}).
 *   <li>{@code = == !=} use {@link Values#equal}; {@code < <= > >=} use {@link Values#compare}, so
 *       values of different types compare by type rank ({@code NONE < 2} is true).
 *   <li>Aggregate calls are not evaluated here: {@link QueryEvaluator} folds them per group.
 * </ul>
 *
 * <p>Failures SurrealDB reports at run time (wrong argument types, arithmetic on non-numbers,
 * overflow) throw {@link QueryEvaluationException}. Stateless and thread-safe.
 */
public final class ExprEvaluator {
  private ExprEvaluator() {}

  /** The value of {@code e} in {@code ctx}. */
  public static Value eval(Expr e, EvalContext ctx) {
    return switch (e) {
      case Expr.Literal l -> l.value();
      case Expr.Param p -> ctx.param(p.name());
      case Expr.FieldPath p -> path(ctx.document(), p.parts(), ctx.snapshot());
      case Expr.Access a -> path(eval(a.base(), ctx), a.parts(), ctx.snapshot());
      case Expr.Binary b -> binary(b, ctx);
      case Expr.Unary u ->
          switch (u.op()) {
            case NOT -> Value.of(!eval(u.operand(), ctx).isTruthy());
            case NEG -> Arithmetic.negate(eval(u.operand(), ctx));
          };
      case Expr.FunctionCall f -> {
        if (f.isAggregate()) {
          throw new IllegalArgumentException(
              "aggregate " + f.name() + "() is folded per group by QueryEvaluator, not evaluated");
        }
        List<Value> args = new ArrayList<>(f.args().size());
        for (Expr a : f.args()) {
          args.add(eval(a, ctx));
        }
        yield Builtins.call(f.name(), args);
      }
      case Expr.Subquery s -> Value.array(QueryEvaluator.run(s.select(), ctx.forSubquery()));
      case Expr.ArrayExpr a -> {
        List<Value> items = new ArrayList<>(a.items().size());
        for (Expr x : a.items()) {
          items.add(eval(x, ctx));
        }
        yield new ArrayValue(items);
      }
      case Expr.ObjectExpr o -> {
        Map<String, Value> fields = new LinkedHashMap<>();
        for (Expr.ObjectExpr.Entry en : o.entries()) {
          fields.put(en.key(), eval(en.value(), ctx));
        }
        yield new ObjectValue(new TreeMap<>(fields));
      }
    };
  }

  /** True when {@code e} is truthy in {@code ctx}: the {@code WHERE} test. */
  public static boolean test(Expr e, EvalContext ctx) {
    return eval(e, ctx).isTruthy();
  }

  /**
   * Follows {@code parts} from {@code v}, resolving record links through {@code snapshot}. Exposed
   * for engines that keep documents of their own.
   */
  public static Value path(Value v, List<PathPart> parts, Snapshot snapshot) {
    return walk(v, parts, snapshot);
  }

  /**
   * Follows {@code parts} from {@code v} without resolving record links: a step applied to a record
   * id gives NONE. SurrealDB 3 reads {@code ORDER BY} keys this way (see {@link
   * QueryEvaluator#orderKey}).
   */
  public static Value pick(Value v, List<PathPart> parts) {
    return walk(v, parts, null);
  }

  private static Value walk(Value v, List<PathPart> parts, Snapshot snapshot) {
    Value cur = v;
    for (int i = 0; i < parts.size(); i++) {
      PathPart part = parts.get(i);
      if (cur instanceof RecordId id) {
        cur =
            snapshot == null ? Value.NONE : snapshot.get(id).<Value>map(o -> o).orElse(Value.NONE);
      }
      switch (part) {
        case PathPart.Field f -> {
          switch (cur) {
            case ObjectValue o -> cur = o.get(f.name());
            case ArrayValue a -> {
              List<PathPart> rest = parts.subList(i, parts.size());
              List<Value> out = new ArrayList<>(a.size());
              for (Value item : a.items()) {
                out.add(walk(item, rest, snapshot));
              }
              return new ArrayValue(out);
            }
            default -> {
              return Value.NONE;
            }
          }
        }
        case PathPart.Index idx -> {
          if (cur instanceof ArrayValue a && idx.index() < a.size()) {
            cur = a.get((int) idx.index());
          } else {
            return Value.NONE;
          }
        }
      }
    }
    return cur;
  }

  private static Value binary(Expr.Binary b, EvalContext ctx) {
    Value l = eval(b.left(), ctx);
    switch (b.op()) {
      case AND -> {
        return l.isTruthy() ? eval(b.right(), ctx) : l;
      }
      case OR -> {
        return l.isTruthy() ? l : eval(b.right(), ctx);
      }
      default -> {}
    }
    Value r = eval(b.right(), ctx);
    return switch (b.op()) {
      case EQ, EXACT_EQ -> Value.of(Values.equal(l, r));
      case NE -> Value.of(!Values.equal(l, r));
      case LT -> Value.of(Values.compare(l, r) < 0);
      case LE -> Value.of(Values.compare(l, r) <= 0);
      case GT -> Value.of(Values.compare(l, r) > 0);
      case GE -> Value.of(Values.compare(l, r) >= 0);
      case CONTAINS -> Value.of(Containment.contains(l, r));
      case CONTAINS_NOT -> Value.of(!Containment.contains(l, r));
      case CONTAINS_ALL -> Value.of(Containment.containsAll(l, r));
      case CONTAINS_ANY -> Value.of(Containment.containsAny(l, r));
      case CONTAINS_NONE -> Value.of(Containment.containsNone(l, r));
      case INSIDE -> Value.of(Containment.contains(r, l));
      case NOT_INSIDE -> Value.of(!Containment.contains(r, l));
      case ALL_INSIDE -> Value.of(Containment.containsAll(r, l));
      case ANY_INSIDE -> Value.of(Containment.containsAny(r, l));
      case NONE_INSIDE -> Value.of(Containment.containsNone(r, l));
      case ADD, SUB, MUL, DIV -> Arithmetic.apply(b.op(), l, r);
      case AND, OR -> throw new AssertionError("handled above");
    };
  }
}
