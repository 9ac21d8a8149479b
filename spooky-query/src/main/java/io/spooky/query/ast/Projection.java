package io.spooky.query.ast;

import java.util.Objects;

/** One entry of a {@code SELECT} list: {@code *} or an expression with an optional alias. */
public sealed interface Projection {

  /** {@code *}: every field of the record, as stored. */
  record All() implements Projection {
    @Override
    public String toString() {
      return "*";
    }
  }

  /**
   * {@code expr [AS alias]}.
   *
   * <p>Where the value lands in the output object: at {@code alias} when present; otherwise at the
   * expression's own path when it is a {@link Expr.FieldPath} ({@code address.city} becomes {@code
   * {address: {city: ...}}}); otherwise at a single key named after the expression as SurrealDB
   * names it (see {@link #outputPath()}).
   *
   * @param expr the projected expression
   * @param alias the {@code AS} path, or {@code null}
   */
  record Field(Expr expr, Expr.FieldPath alias) implements Projection {
    public Field {
      Objects.requireNonNull(expr, "expr");
    }

    /**
     * The path this projection writes in the output object, as SurrealDB derives it: the alias;
     * else the expression's path for a field path; else one key that is the function name for a
     * function call ({@code string::lowercase(name)} → {@code "string::lowercase"}, {@code count()}
     * → {@code "count"}) and the expression's SurrealQL text for anything else ({@code age + 1} →
     * {@code "age + 1"}).
     */
    public Expr.FieldPath outputPath() {
      if (alias != null) {
        return alias;
      }
      return switch (expr) {
        case Expr.FieldPath p -> p;
        case Expr.FunctionCall f -> Expr.FieldPath.of(f.name());
        case Expr.Subquery s -> Expr.FieldPath.of(SurqlPrinter.print(s.select()));
        default -> Expr.FieldPath.of(SurqlPrinter.print(expr));
      };
    }

    @Override
    public String toString() {
      return alias == null ? expr.toString() : expr + " AS " + alias;
    }
  }
}
