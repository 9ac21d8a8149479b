package io.spooky.query.eval;

import io.spooky.core.value.DatetimeValue;
import io.spooky.core.value.DecimalValue;
import io.spooky.core.value.DurationValue;
import io.spooky.core.value.FloatValue;
import io.spooky.core.value.IntValue;
import io.spooky.core.value.StringValue;
import io.spooky.core.value.Value;
import io.spooky.query.ast.BinaryOp;
import io.spooky.query.ast.SurqlPrinter;
import java.math.BigDecimal;
import java.math.MathContext;

/**
 * SurrealDB 3's {@code + - * /} and negation. Numbers widen int → float → decimal (int with decimal
 * and float with decimal give decimal); int overflow is an error; int division truncates toward
 * zero and int division by zero is NaN; strings concatenate with {@code +}; durations add and
 * subtract, and shift datetimes. Anything else fails as SurrealDB does ("Cannot perform addition
 * with 'NONE' and '1'").
 */
final class Arithmetic {
  private Arithmetic() {}

  static Value apply(BinaryOp op, Value l, Value r) {
    if (isNumber(l) && isNumber(r)) {
      return numeric(op, l, r);
    }
    switch (op) {
      case ADD -> {
        if (l instanceof StringValue a && r instanceof StringValue b) {
          return new StringValue(a.value() + b.value());
        }
        if (l instanceof DurationValue a && r instanceof DurationValue b) {
          return new DurationValue(a.value().plus(b.value()));
        }
        if (l instanceof DatetimeValue a && r instanceof DurationValue b) {
          return new DatetimeValue(a.value().plus(b.value()));
        }
      }
      case SUB -> {
        if (l instanceof DurationValue a && r instanceof DurationValue b) {
          if (a.value().compareTo(b.value()) < 0) {
            throw fail(op, l, r);
          }
          return new DurationValue(a.value().minus(b.value()));
        }
        if (l instanceof DatetimeValue a && r instanceof DurationValue b) {
          return new DatetimeValue(a.value().minus(b.value()));
        }
      }
      default -> {}
    }
    throw fail(op, l, r);
  }

  static boolean isNumber(Value v) {
    return v instanceof IntValue || v instanceof FloatValue || v instanceof DecimalValue;
  }

  private static QueryEvaluationException fail(BinaryOp op, Value l, Value r) {
    String verb =
        switch (op) {
          case ADD -> "addition";
          case SUB -> "subtraction";
          case MUL -> "multiplication";
          default -> "division";
        };
    return new QueryEvaluationException(
        "Cannot perform "
            + verb
            + " with '"
            + SurqlPrinter.literal(l)
            + "' and '"
            + SurqlPrinter.literal(r)
            + "'");
  }

  static Value numeric(BinaryOp op, Value l, Value r) {
    if (l instanceof IntValue a && r instanceof IntValue b) {
      long x = a.value();
      long y = b.value();
      try {
        return switch (op) {
          case ADD -> new IntValue(Math.addExact(x, y));
          case SUB -> new IntValue(Math.subtractExact(x, y));
          case MUL -> new IntValue(Math.multiplyExact(x, y));
          default -> {
            if (y == 0) {
              yield new FloatValue(Double.NaN);
            }
            if (x == Long.MIN_VALUE && y == -1) {
              throw fail(op, l, r);
            }
            yield new IntValue(x / y);
          }
        };
      } catch (ArithmeticException e) {
        throw fail(op, l, r);
      }
    }
    if (l instanceof DecimalValue || r instanceof DecimalValue) {
      BigDecimal x = decimal(l);
      BigDecimal y = decimal(r);
      return switch (op) {
        case ADD -> new DecimalValue(x.add(y));
        case SUB -> new DecimalValue(x.subtract(y));
        case MUL -> new DecimalValue(x.multiply(y));
        default -> {
          if (y.signum() == 0) {
            yield new FloatValue(Double.NaN);
          }
          yield new DecimalValue(x.divide(y, MathContext.DECIMAL128));
        }
      };
    }
    double x = toDouble(l);
    double y = toDouble(r);
    return new FloatValue(
        switch (op) {
          case ADD -> x + y;
          case SUB -> x - y;
          case MUL -> x * y;
          default -> x / y;
        });
  }

  static double toDouble(Value v) {
    return switch (v) {
      case IntValue i -> i.value();
      case FloatValue f -> f.value();
      case DecimalValue d -> d.value().doubleValue();
      default -> throw new IllegalArgumentException("not a number: " + v);
    };
  }

  static BigDecimal decimal(Value v) {
    return switch (v) {
      case IntValue i -> BigDecimal.valueOf(i.value());
      case FloatValue f -> new BigDecimal(Double.toString(f.value()));
      case DecimalValue d -> d.value();
      default -> throw new IllegalArgumentException("not a number: " + v);
    };
  }

  static Value negate(Value v) {
    return switch (v) {
      case IntValue i when i.value() != Long.MIN_VALUE -> new IntValue(-i.value());
      case FloatValue f -> new FloatValue(-f.value());
      case DecimalValue d -> new DecimalValue(d.value().negate());
      default ->
          throw new QueryEvaluationException(
              "Cannot negate the value '" + SurqlPrinter.literal(v) + "'");
    };
  }
}
