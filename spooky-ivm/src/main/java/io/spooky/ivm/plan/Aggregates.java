package io.spooky.ivm.plan;

import io.spooky.core.value.ArrayValue;
import io.spooky.core.value.DecimalValue;
import io.spooky.core.value.FloatValue;
import io.spooky.core.value.IntValue;
import io.spooky.core.value.Value;
import io.spooky.query.ast.BinaryOp;
import io.spooky.query.ast.Expr;
import io.spooky.query.eval.EvalContext;
import io.spooky.query.eval.ExprEvaluator;
import io.spooky.query.eval.MemorySnapshot;
import java.math.BigDecimal;
import java.util.List;
import java.util.Map;

/**
 * The one-shot folds of SurrealDB's GROUP accumulators that {@link
 * io.spooky.ivm.group.GroupOperator} recomputes from a group's members: the math aggregates read
 * numbers only; over no numbers {@code math::sum} is 0, {@code math::min} +inf, {@code math::max}
 * -inf and {@code math::mean} NaN. Arithmetic goes through the query evaluator's {@code +} and
 * {@code /} so that number promotion and overflow behave exactly as in one-shot evaluation.
 */
final class Aggregates {
  private static final EvalContext NO_DOCUMENT =
      new EvalContext(Value.NONE, Map.of(), MemorySnapshot.of(List.of()));

  private Aggregates() {}

  static Value fold(GroupPlan.Kind kind, List<Value> inputs) {
    return switch (kind) {
      case SUM -> sum(inputs);
      case MEAN -> mean(inputs);
      case MIN -> new FloatValue(Double.POSITIVE_INFINITY);
      case MAX -> new FloatValue(Double.NEGATIVE_INFINITY);
      case COLLECT -> new ArrayValue(inputs);
      case KEY, COUNT, COUNT_TRUTHY ->
          throw new IllegalArgumentException(kind + " is maintained incrementally, not folded");
    };
  }

  private static boolean isNumber(Value v) {
    return v instanceof IntValue || v instanceof FloatValue || v instanceof DecimalValue;
  }

  private static Value sum(List<Value> inputs) {
    Value total = new IntValue(0);
    for (Value v : inputs) {
      if (isNumber(v)) {
        total = apply(BinaryOp.ADD, total, v);
      }
    }
    return total;
  }

  private static Value mean(List<Value> inputs) {
    long n = inputs.stream().filter(Aggregates::isNumber).count();
    if (n == 0) {
      return new FloatValue(Double.NaN);
    }
    Value total = sum(inputs);
    return switch (total) {
      case DecimalValue d -> apply(BinaryOp.DIV, d, new DecimalValue(BigDecimal.valueOf(n)));
      case IntValue i -> new FloatValue((double) i.value() / n);
      case FloatValue f -> new FloatValue(f.value() / n);
      default -> throw new IllegalStateException("a sum of numbers is a number: " + total);
    };
  }

  private static Value apply(BinaryOp op, Value a, Value b) {
    return ExprEvaluator.eval(
        new Expr.Binary(op, new Expr.Literal(a), new Expr.Literal(b)), NO_DOCUMENT);
  }
}
