package io.spooky.query.ast;

import io.spooky.core.value.Value;
import java.util.List;
import java.util.Objects;

/**
 * An expression of the supported SurrealQL subset.
 *
 * <p>Evaluation contexts: a {@link FieldPath} reads the current document (the record being filtered
 * or projected); a {@link Param} reads a bound parameter ({@code $parent} is the enclosing query's
 * current document inside a subquery); everything else is built from those. See {@code
 * io.spooky.query.eval.ExprEvaluator} for the semantics of each node.
 */
public sealed interface Expr {

  /** A constant: number, string, bool, NONE, NULL, record id, datetime, duration, uuid. */
  record Literal(Value value) implements Expr {
    public Literal {
      Objects.requireNonNull(value, "value");
    }

    @Override
    public String toString() {
      return SurqlPrinter.print(this);
    }
  }

  /** {@code $name} (stored without the {@code $}). */
  record Param(String name) implements Expr {
    public Param {
      Objects.requireNonNull(name, "name");
    }

    @Override
    public String toString() {
      return "$" + name;
    }
  }

  /**
   * A path into the current document: {@code name}, {@code address.city}, {@code tags[0]}, {@code
   * author.name} (through a record link). The first part is always a {@link PathPart.Field}.
   */
  record FieldPath(List<PathPart> parts) implements Expr {
    public FieldPath {
      parts = List.copyOf(parts);
      if (parts.isEmpty() || !(parts.get(0) instanceof PathPart.Field)) {
        throw new IllegalArgumentException("a field path starts with a field name: " + parts);
      }
    }

    /** A path of plain field names: {@code of("address", "city")} is {@code address.city}. */
    public static FieldPath of(String... names) {
      return new FieldPath(
          java.util.Arrays.stream(names).<PathPart>map(PathPart.Field::new).toList());
    }

    /** The first field name. */
    public String head() {
      return ((PathPart.Field) parts.get(0)).name();
    }

    @Override
    public String toString() {
      return SurqlPrinter.print(this);
    }
  }

  /**
   * A path applied to another expression: {@code $parent.id}, {@code user:1.name}, {@code (SELECT
   * ...).x}. {@code parts} is non-empty.
   */
  record Access(Expr base, List<PathPart> parts) implements Expr {
    public Access {
      Objects.requireNonNull(base, "base");
      parts = List.copyOf(parts);
      if (parts.isEmpty()) {
        throw new IllegalArgumentException("an access has at least one part");
      }
    }

    @Override
    public String toString() {
      return SurqlPrinter.print(this);
    }
  }

  /** {@code left op right}. */
  record Binary(BinaryOp op, Expr left, Expr right) implements Expr {
    public Binary {
      Objects.requireNonNull(op, "op");
      Objects.requireNonNull(left, "left");
      Objects.requireNonNull(right, "right");
    }

    @Override
    public String toString() {
      return SurqlPrinter.print(this);
    }
  }

  /** {@code !operand} or {@code -operand}. */
  record Unary(UnaryOp op, Expr operand) implements Expr {
    public Unary {
      Objects.requireNonNull(op, "op");
      Objects.requireNonNull(operand, "operand");
    }

    @Override
    public String toString() {
      return SurqlPrinter.print(this);
    }
  }

  /**
   * A call of a built-in function. {@code name} is lower case with its namespace ({@code
   * string::lowercase}, {@code count}); the parser only produces names listed in {@link Functions},
   * with a valid argument count.
   */
  record FunctionCall(String name, List<Expr> args) implements Expr {
    public FunctionCall {
      Objects.requireNonNull(name, "name");
      args = List.copyOf(args);
    }

    /** True for the aggregates that fold a group: count, math::sum/min/max/mean. */
    public boolean isAggregate() {
      return Functions.isAggregate(name);
    }

    @Override
    public String toString() {
      return SurqlPrinter.print(this);
    }
  }

  /**
   * {@code (SELECT ...)}: evaluated once per current document, with {@code $parent} bound to that
   * document. Its value is the array of result rows.
   */
  record Subquery(SelectStatement select) implements Expr {
    public Subquery {
      Objects.requireNonNull(select, "select");
    }

    @Override
    public String toString() {
      return "(" + select + ")";
    }
  }

  /** {@code [a, b, ...]}. */
  record ArrayExpr(List<Expr> items) implements Expr {
    public ArrayExpr {
      items = List.copyOf(items);
    }

    @Override
    public String toString() {
      return SurqlPrinter.print(this);
    }
  }

  /** {@code {key: expr, ...}}; keys are distinct, in written order. */
  record ObjectExpr(List<Entry> entries) implements Expr {
    public ObjectExpr {
      entries = List.copyOf(entries);
    }

    /** One {@code key: value} pair. */
    public record Entry(String key, Expr value) {
      public Entry {
        Objects.requireNonNull(key, "key");
        Objects.requireNonNull(value, "value");
      }
    }

    @Override
    public String toString() {
      return SurqlPrinter.print(this);
    }
  }
}
