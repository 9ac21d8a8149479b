package io.spooky.query.eval;

import io.spooky.core.value.ArrayValue;
import io.spooky.core.value.DecimalValue;
import io.spooky.core.value.FloatValue;
import io.spooky.core.value.IntValue;
import io.spooky.core.value.StringValue;
import io.spooky.core.value.Value;
import io.spooky.query.ast.SurqlPrinter;
import java.util.List;
import java.util.Locale;

/**
 * The scalar built-in functions. Arguments are type-checked as SurrealDB checks them: a wrong type
 * (NONE included) fails the query with SurrealDB's message.
 */
final class Builtins {
  private Builtins() {}

  static Value call(String name, List<Value> args) {
    return switch (name) {
      case "string::lowercase" -> new StringValue(string(name, args, 0).toLowerCase(Locale.ROOT));
      case "string::uppercase" -> new StringValue(string(name, args, 0).toUpperCase(Locale.ROOT));
      case "string::len" -> {
        String s = string(name, args, 0);
        yield new IntValue(s.codePointCount(0, s.length()));
      }
      case "string::contains" -> Value.of(string(name, args, 0).contains(string(name, args, 1)));
      case "string::starts_with" ->
          Value.of(string(name, args, 0).startsWith(string(name, args, 1)));
      case "string::ends_with" -> Value.of(string(name, args, 0).endsWith(string(name, args, 1)));
      case "array::len" -> {
        if (args.get(0) instanceof ArrayValue a) {
          yield new IntValue(a.size());
        }
        throw wrongType(name, 0, "array", args.get(0));
      }
      case "math::abs" ->
          switch (args.get(0)) {
            case IntValue i when i.value() != Long.MIN_VALUE -> new IntValue(Math.abs(i.value()));
            case FloatValue f -> new FloatValue(Math.abs(f.value()));
            case DecimalValue d -> new DecimalValue(d.value().abs());
            case IntValue i ->
                throw new QueryEvaluationException("Failed to compute: math::abs() overflowed");
            default -> throw wrongType(name, 0, "number", args.get(0));
          };
      default -> throw new IllegalStateException("not a scalar function: " + name);
    };
  }

  private static String string(String fn, List<Value> args, int i) {
    if (args.get(i) instanceof StringValue s) {
      return s.value();
    }
    throw wrongType(fn, i, "string", args.get(i));
  }

  static QueryEvaluationException wrongType(String fn, int i, String expected, Value found) {
    return new QueryEvaluationException(
        "Incorrect arguments for function "
            + fn
            + "(). Argument "
            + (i + 1)
            + " was the wrong type. Expected `"
            + expected
            + "` but found `"
            + SurqlPrinter.literal(found)
            + "`");
  }
}
