package io.spooky.query.ast;

/**
 * Binary operators, with their SurrealQL spelling. Synonyms are normalized by the parser: {@code
 * AND}/{@code &&} → {@link #AND}, {@code OR}/{@code ||} → {@link #OR}, {@code IS} → {@link #EQ},
 * {@code IS NOT} → {@link #NE}, {@code IN} → {@link #INSIDE}, {@code NOT IN} → {@link #NOT_INSIDE}.
 */
public enum BinaryOp {
  OR("OR"),
  AND("AND"),
  /** {@code =}: SurrealDB equality ({@code Values.equal}; {@code 1 = 1.0}). */
  EQ("="),
  /** {@code ==}: exact equality; the evaluator treats it as {@link #EQ}, as SurrealDB 3 does. */
  EXACT_EQ("=="),
  NE("!="),
  LT("<"),
  LE("<="),
  GT(">"),
  GE(">="),
  CONTAINS("CONTAINS"),
  CONTAINS_NOT("CONTAINSNOT"),
  CONTAINS_ALL("CONTAINSALL"),
  CONTAINS_ANY("CONTAINSANY"),
  CONTAINS_NONE("CONTAINSNONE"),
  INSIDE("INSIDE"),
  NOT_INSIDE("NOTINSIDE"),
  ALL_INSIDE("ALLINSIDE"),
  ANY_INSIDE("ANYINSIDE"),
  NONE_INSIDE("NONEINSIDE"),
  ADD("+"),
  SUB("-"),
  MUL("*"),
  DIV("/");

  private final String symbol;

  BinaryOp(String symbol) {
    this.symbol = symbol;
  }

  /** The canonical SurrealQL spelling, as {@link SurqlPrinter} writes it. */
  public String symbol() {
    return symbol;
  }

  /** True for {@code AND} and {@code OR}, which short-circuit on truthiness. */
  public boolean isLogical() {
    return this == AND || this == OR;
  }
}
