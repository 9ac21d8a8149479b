package io.spooky.query.ast;

import io.spooky.core.value.ArrayValue;
import io.spooky.core.value.BoolValue;
import io.spooky.core.value.DatetimeValue;
import io.spooky.core.value.DecimalValue;
import io.spooky.core.value.DurationValue;
import io.spooky.core.value.FloatValue;
import io.spooky.core.value.IntValue;
import io.spooky.core.value.NoneValue;
import io.spooky.core.value.NullValue;
import io.spooky.core.value.ObjectValue;
import io.spooky.core.value.RecordId;
import io.spooky.core.value.StringValue;
import io.spooky.core.value.UuidValue;
import io.spooky.core.value.Value;
import java.time.Duration;
import java.util.Map;
import java.util.stream.Collectors;

/**
 * Renders syntax trees back to SurrealQL, the way SurrealDB renders them.
 *
 * <p>The text matters in one place: an unaliased projection that is not a field path is written to
 * the output object under its SurrealQL text ({@code SELECT age + 1 FROM t} gives {@code {"age +
 * 1": ...}}), so this printer follows SurrealDB's spelling: single-quoted strings, {@code ⟨⟩}
 * around record keys that are not plain identifiers, spaces around binary operators, {@code [1, 2]}
 * and {@code { a: 1 }}. Parsing the printed text yields an equal tree.
 */
public final class SurqlPrinter {

  private SurqlPrinter() {}

  /** SurrealQL text of a statement, without parentheses or a trailing semicolon. */
  public static String print(SelectStatement s) {
    StringBuilder b = new StringBuilder("SELECT ");
    if (s.value()) {
      b.append("VALUE ");
    }
    b.append(s.projections().stream().map(SurqlPrinter::print).collect(Collectors.joining(", ")));
    b.append(" FROM ");
    switch (s.from()) {
      case Source.Table t -> b.append(ident(t.name()));
      case Source.Records r ->
          b.append(r.ids().stream().map(SurqlPrinter::recordId).collect(Collectors.joining(", ")));
    }
    if (s.where() != null) {
      b.append(" WHERE ").append(print(s.where()));
    }
    switch (s.group()) {
      case null -> {}
      case Grouping.All a -> b.append(" GROUP ALL");
      case Grouping.By by ->
          b.append(" GROUP BY ")
              .append(
                  by.keys().stream().map(SurqlPrinter::print).collect(Collectors.joining(", ")));
    }
    if (!s.order().isEmpty()) {
      b.append(" ORDER BY ")
          .append(
              s.order().stream()
                  .map(k -> print(k.path()) + (k.descending() ? " DESC" : " ASC"))
                  .collect(Collectors.joining(", ")));
    }
    if (s.limit() != null) {
      b.append(" LIMIT ").append(s.limit());
    }
    if (s.start() != null) {
      b.append(" START ").append(s.start());
    }
    return b.toString();
  }

  /** SurrealQL text of one projection. */
  public static String print(Projection p) {
    return switch (p) {
      case Projection.All a -> "*";
      case Projection.Field f ->
          f.alias() == null ? print(f.expr()) : print(f.expr()) + " AS " + print(f.alias());
    };
  }

  /** SurrealQL text of an expression. */
  public static String print(Expr e) {
    return switch (e) {
      case Expr.Literal l -> literal(l.value());
      case Expr.Param p -> "$" + p.name();
      case Expr.FieldPath p -> path(p.parts(), true);
      case Expr.Access a -> print(a.base()) + path(a.parts(), false);
      case Expr.Binary bin ->
          operand(bin.left(), precedence(bin.op()) - 1)
              + " "
              + bin.op().symbol()
              + " "
              + operand(bin.right(), precedence(bin.op()));
      case Expr.Unary u -> unary(u);
      case Expr.FunctionCall f ->
          f.name()
              + "("
              + f.args().stream().map(SurqlPrinter::print).collect(Collectors.joining(", "))
              + ")";
      case Expr.Subquery s -> "(" + print(s.select()) + ")";
      case Expr.ArrayExpr a ->
          "[" + a.items().stream().map(SurqlPrinter::print).collect(Collectors.joining(", ")) + "]";
      case Expr.ObjectExpr o ->
          o.entries().isEmpty()
              ? "{}"
              : "{ "
                  + o.entries().stream()
                      .map(en -> key(en.key()) + ": " + print(en.value()))
                      .collect(Collectors.joining(", "))
                  + " }";
    };
  }

  /**
   * A unary expression. A minus before an operand that itself prints with a leading minus gets a
   * space, because {@code --} starts a SurrealQL line comment.
   */
  private static String unary(Expr.Unary u) {
    String operand = operand(u.operand(), 100);
    if (u.op() == UnaryOp.NOT) {
      return "!" + operand;
    }
    return operand.startsWith("-") ? "- " + operand : "-" + operand;
  }

  /** Binding strength of an operator; larger binds tighter. Mirrors the parser's precedence. */
  static int precedence(BinaryOp op) {
    return switch (op) {
      case OR -> 1;
      case AND -> 2;
      case EQ, EXACT_EQ, NE -> 3;
      case ADD, SUB -> 5;
      case MUL, DIV -> 6;
      default -> 4;
    };
  }

  /**
   * Prints {@code e}, parenthesized when it is a binary expression binding no tighter than {@code
   * min}.
   */
  private static String operand(Expr e, int min) {
    if (e instanceof Expr.Binary b && precedence(b.op()) <= min) {
      return "(" + print(e) + ")";
    }
    if (e instanceof Expr.Literal l
        && min == 100
        && l.value() instanceof io.spooky.core.value.IntValue) {
      return "(" + print(e) + ")";
    }
    return print(e);
  }

  private static String path(java.util.List<PathPart> parts, boolean leading) {
    StringBuilder b = new StringBuilder();
    boolean first = leading;
    for (PathPart part : parts) {
      switch (part) {
        case PathPart.Field f -> {
          if (!first) {
            b.append('.');
          }
          b.append(ident(f.name()));
        }
        case PathPart.Index i -> b.append('[').append(i.index()).append(']');
      }
      first = false;
    }
    return b.toString();
  }

  /** SurrealQL text of a constant value. */
  public static String literal(Value v) {
    return switch (v) {
      case NoneValue n -> "NONE";
      case NullValue n -> "NULL";
      case BoolValue b -> Boolean.toString(b.value());
      case IntValue i -> Long.toString(i.value());
      case FloatValue f -> floatText(f.value());
      case DecimalValue d -> d.value().toPlainString() + "dec";
      case StringValue s -> quote(s.value());
      case DatetimeValue d -> "d'" + d.value() + "'";
      case DurationValue d -> duration(d.value());
      case UuidValue u -> "u'" + u.value() + "'";
      case RecordId r -> recordId(r);
      case ArrayValue a ->
          "["
              + a.items().stream().map(SurqlPrinter::literal).collect(Collectors.joining(", "))
              + "]";
      case ObjectValue o ->
          o.fields().isEmpty()
              ? "{}"
              : "{ "
                  + o.fields().entrySet().stream()
                      .map(
                          (Map.Entry<String, Value> en) ->
                              key(en.getKey()) + ": " + literal(en.getValue()))
                      .collect(Collectors.joining(", "))
                  + " }";
      default -> v.toString();
    };
  }

  private static String floatText(double d) {
    if (Double.isNaN(d)) {
      return "NaN";
    }
    if (Double.isInfinite(d)) {
      return d > 0 ? "Infinity" : "-Infinity";
    }
    if (d == Math.rint(d) && Math.abs(d) < 1e15) {
      return ((long) d) + "f";
    }
    return Double.toString(d) + "f";
  }

  /** {@code table:key}, with {@code ⟨⟩} around keys that are not plain identifiers or integers. */
  public static String recordId(RecordId r) {
    String key =
        switch (r.key()) {
          case IntValue i -> Long.toString(i.value());
          case StringValue s -> isPlainKey(s.value()) ? s.value() : bracket(s.value());
          default -> literal(r.key());
        };
    return ident(r.table()) + ":" + key;
  }

  private static boolean isPlainKey(String s) {
    if (s.isEmpty()) {
      return false;
    }
    boolean allDigits = true;
    for (int i = 0; i < s.length(); i++) {
      char c = s.charAt(i);
      if (!(Character.isLetterOrDigit(c) && c < 128) && c != '_') {
        return false;
      }
      allDigits &= c >= '0' && c <= '9';
    }
    return !allDigits;
  }

  private static String bracket(String s) {
    return "⟨" + s.replace("\\", "\\\\").replace("⟩", "\\⟩") + "⟩";
  }

  /** An identifier, backquoted when it is not plain. */
  public static String ident(String s) {
    if (isPlainKey(s) && !Character.isDigit(s.charAt(0))) {
      return s;
    }
    return "`" + s.replace("\\", "\\\\").replace("`", "\\`") + "`";
  }

  /** An object key, quoted unless it is a plain key that cannot lex as a number ({@code 1eb}). */
  private static String key(String s) {
    return isPlainKey(s) && !Character.isDigit(s.charAt(0)) ? s : quote(s);
  }

  /** A single-quoted string literal with SurrealQL escapes. */
  public static String quote(String s) {
    StringBuilder b = new StringBuilder("'");
    for (int i = 0; i < s.length(); i++) {
      char c = s.charAt(i);
      switch (c) {
        case '\'' -> b.append("\\'");
        case '\\' -> b.append("\\\\");
        case '\n' -> b.append("\\n");
        case '\r' -> b.append("\\r");
        case '\t' -> b.append("\\t");
        default -> b.append(c);
      }
    }
    return b.append('\'').toString();
  }

  /** A duration in SurrealQL units, largest first ({@code 1h30m}); zero is {@code 0ns}. */
  public static String duration(Duration d) {
    if (d.isZero()) {
      return "0ns";
    }
    long secs = d.getSeconds();
    long nanos = d.getNano();
    StringBuilder b = new StringBuilder();
    long[] unitSecs = {365L * 86400, 7L * 86400, 86400, 3600, 60, 1};
    String[] units = {"y", "w", "d", "h", "m", "s"};
    for (int i = 0; i < units.length; i++) {
      long n = secs / unitSecs[i];
      if (n > 0) {
        b.append(n).append(units[i]);
        secs -= n * unitSecs[i];
      }
    }
    long ms = nanos / 1_000_000;
    long us = (nanos / 1_000) % 1_000;
    long ns = nanos % 1_000;
    if (ms > 0) {
      b.append(ms).append("ms");
    }
    if (us > 0) {
      b.append(us).append("µs");
    }
    if (ns > 0) {
      b.append(ns).append("ns");
    }
    return b.toString();
  }
}
