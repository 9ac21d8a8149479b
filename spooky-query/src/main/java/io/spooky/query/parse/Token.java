package io.spooky.query.parse;

import io.spooky.core.value.Value;

/**
 * One lexical token. {@code value} is set for literal kinds; {@code text} is the identifier (with
 * quotes removed) or the operator spelling. {@code quoted} marks identifiers written in backticks
 * or {@code ⟨⟩}, which are never keywords. {@code spaceBefore} records whether whitespace or a
 * comment preceded the token, which distinguishes {@code count(} from {@code count (}.
 */
record Token(
    Kind kind,
    String text,
    Value value,
    int line,
    int column,
    int offset,
    boolean quoted,
    boolean spaceBefore) {

  enum Kind {
    IDENT,
    NUMBER,
    STRING,
    LITERAL,
    RECORD_STRING,
    PARAM,
    LPAREN,
    RPAREN,
    LBRACKET,
    RBRACKET,
    LBRACE,
    RBRACE,
    COMMA,
    DOT,
    COLON,
    DCOLON,
    SEMI,
    STAR,
    PLUS,
    MINUS,
    SLASH,
    EQ,
    EQEQ,
    NE,
    LT,
    LE,
    GT,
    GE,
    ANDAND,
    OROR,
    BANG,
    /** An operator or symbol SurrealQL has but live views do not support, such as {@code ?=}. */
    OTHER,
    EOF
  }

  boolean isKeyword(String kw) {
    return kind == Kind.IDENT && !quoted && text.equalsIgnoreCase(kw);
  }

  String describe() {
    return switch (kind) {
      case EOF -> "end of input";
      case STRING -> "string literal";
      default -> "`" + text + "`";
    };
  }
}
