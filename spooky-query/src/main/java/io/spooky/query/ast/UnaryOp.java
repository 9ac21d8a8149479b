package io.spooky.query.ast;

/** Prefix operators: {@code !}/{@code NOT} (truthiness negation) and {@code -} (negation). */
public enum UnaryOp {
  NOT,
  NEG
}
