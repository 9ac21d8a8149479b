package io.spooky.query.parse;

import io.spooky.core.value.DecimalValue;
import io.spooky.core.value.FloatValue;
import io.spooky.core.value.IntValue;
import io.spooky.core.value.RecordId;
import io.spooky.core.value.Value;
import io.spooky.query.ast.BinaryOp;
import io.spooky.query.ast.Expr;
import io.spooky.query.ast.Functions;
import io.spooky.query.ast.Grouping;
import io.spooky.query.ast.OrderKey;
import io.spooky.query.ast.PathPart;
import io.spooky.query.ast.Projection;
import io.spooky.query.ast.SelectStatement;
import io.spooky.query.ast.Source;
import io.spooky.query.ast.UnaryOp;
import io.spooky.query.parse.Token.Kind;
import java.math.BigDecimal;
import java.math.BigInteger;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.IdentityHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;

/**
 * Parses the SurrealQL {@code SELECT} subset of live views into a validated {@link
 * SelectStatement}.
 *
 * <pre>{@code
 * SelectStatement s = SurqlParser.parse("SELECT name FROM user WHERE age > 18 ORDER BY name");
 * }</pre>
 *
 * <p>Contract: {@link #parse} either returns a tree that the evaluators accept or throws {@link
 * SurqlParseException} naming the line and column; it throws nothing else, whatever the input.
 * Nothing is silently ignored: every SurrealQL construct outside the subset ({@code FETCH}, {@code
 * SPLIT}, {@code OMIT}, graph traversal, {@code time::now()}, ...) is an error at its position.
 * Semantic checks follow SurrealDB 3: an {@code ORDER BY} or {@code GROUP BY} path must be
 * projected; aggregates need {@code GROUP}. Stateless and thread-safe.
 *
 * <p>Operator precedence, loosest first (all left-associative): {@code OR ||}; {@code AND &&};
 * {@code = == != IS [NOT]}; {@code < <= > >= CONTAINS* INSIDE NOTINSIDE IN NOT IN ALLINSIDE
 * ANYINSIDE NONEINSIDE}; {@code + -}; {@code * /}; prefix {@code ! NOT -}.
 */
public final class SurqlParser {

  private static final Set<String> UNSUPPORTED_CLAUSES =
      Set.of(
          "OMIT",
          "ONLY",
          "WITH",
          "SPLIT",
          "FETCH",
          "VERSION",
          "TIMEOUT",
          "PARALLEL",
          "TEMPFILES",
          "EXPLAIN",
          "COLLATE",
          "NUMERIC");

  private final Lexer lexer;
  private Token cur;
  private Token ahead;

  /** The aggregate calls of the select being parsed, with their positions. */
  private Scope scope;

  private static final class Scope {
    final Map<Expr.FunctionCall, Token> aggregates = new IdentityHashMap<>();
    final Set<Expr.FunctionCall> topLevel =
        java.util.Collections.newSetFromMap(new IdentityHashMap<>());
  }

  private SurqlParser(String src) {
    this.lexer = new Lexer(src);
    this.cur = lexer.next();
  }

  /**
   * Parses one {@code SELECT} statement, optionally followed by {@code ;}.
   *
   * @throws SurqlParseException when the text is not in the supported subset
   */
  public static SelectStatement parse(String surql) {
    SurqlParser p = new SurqlParser(surql);
    SelectStatement s = p.select();
    if (p.cur.kind() == Kind.SEMI) {
      p.advance();
    }
    if (p.cur.kind() != Kind.EOF) {
      throw p.unexpected("only one statement is allowed; expected end of input");
    }
    return s;
  }

  // ---------------------------------------------------------------- tokens

  private void advance() {
    if (ahead != null) {
      cur = ahead;
      ahead = null;
    } else {
      cur = lexer.next();
    }
  }

  private Token peek() {
    if (ahead == null) {
      ahead = lexer.next();
    }
    return ahead;
  }

  private SurqlParseException errorAt(Token t, String reason) {
    return new SurqlParseException(reason, t.line(), t.column());
  }

  private SurqlParseException unexpected(String expected) {
    if (cur.kind() == Kind.IDENT
        && !cur.quoted()
        && UNSUPPORTED_CLAUSES.contains(cur.text().toUpperCase(Locale.ROOT))) {
      return errorAt(cur, "unsupported: " + cur.text().toUpperCase(Locale.ROOT));
    }
    if (cur.kind() == Kind.OTHER) {
      return errorAt(cur, "unsupported: operator `" + cur.text() + "`");
    }
    return errorAt(cur, "unexpected " + cur.describe() + ", " + expected);
  }

  private boolean keyword(String kw) {
    return cur.isKeyword(kw);
  }

  private Token expectKeyword(String kw) {
    if (!keyword(kw)) {
      throw unexpected("expected " + kw);
    }
    Token t = cur;
    advance();
    return t;
  }

  private Token expect(Kind kind, String what) {
    if (cur.kind() != kind) {
      throw unexpected("expected " + what);
    }
    Token t = cur;
    advance();
    return t;
  }

  // ---------------------------------------------------------------- statement

  private SelectStatement select() {
    Scope outer = scope;
    scope = new Scope();
    try {
      return selectBody();
    } finally {
      scope = outer;
    }
  }

  private SelectStatement selectBody() {
    expectKeyword("SELECT");
    boolean value = false;
    if (keyword("VALUE")) {
      value = true;
      advance();
    }
    List<Projection> projections = new ArrayList<>();
    List<Token> projectionTokens = new ArrayList<>();
    do {
      if (!projections.isEmpty()) {
        advance();
      }
      projectionTokens.add(cur);
      if (cur.kind() == Kind.STAR) {
        if (value) {
          throw errorAt(cur, "unsupported: SELECT VALUE *");
        }
        advance();
        projections.add(new Projection.All());
        continue;
      }
      Expr e = expr(0);
      if (e instanceof Expr.FunctionCall f && f.isAggregate()) {
        scope.topLevel.add(f);
      }
      Expr.FieldPath alias = null;
      if (keyword("AS")) {
        if (value) {
          throw errorAt(cur, "SELECT VALUE takes no alias");
        }
        advance();
        alias = aliasPath();
      }
      projections.add(new Projection.Field(e, alias));
    } while (cur.kind() == Kind.COMMA && !value);
    if (value && cur.kind() == Kind.COMMA) {
      throw errorAt(cur, "SELECT VALUE takes exactly one expression");
    }
    if (keyword("OMIT")) {
      throw errorAt(cur, "unsupported: OMIT");
    }
    expectKeyword("FROM");
    Source from = source();
    Expr where = null;
    if (keyword("WHERE")) {
      advance();
      where = expr(0);
    }
    Grouping group = null;
    List<Token> groupTokens = new ArrayList<>();
    if (keyword("GROUP")) {
      advance();
      if (keyword("ALL")) {
        advance();
        group = new Grouping.All();
      } else {
        if (keyword("BY")) {
          advance();
        }
        List<Expr.FieldPath> keys = new ArrayList<>();
        do {
          if (!keys.isEmpty()) {
            advance();
          }
          groupTokens.add(cur);
          keys.add(plainPath("a field to group by"));
        } while (cur.kind() == Kind.COMMA);
        group = new Grouping.By(keys);
      }
    }
    List<OrderKey> order = new ArrayList<>();
    List<Token> orderTokens = new ArrayList<>();
    if (keyword("ORDER")) {
      advance();
      if (keyword("BY")) {
        advance();
      }
      do {
        if (!order.isEmpty()) {
          advance();
        }
        if (keyword("RAND") && peek().kind() == Kind.LPAREN) {
          throw errorAt(
              cur,
              "unsupported: ORDER BY RAND() (a view's content must be a function of the data only)");
        }
        orderTokens.add(cur);
        Expr.FieldPath path = plainPath("a field to order by");
        boolean desc = false;
        if (keyword("COLLATE") || keyword("NUMERIC")) {
          throw errorAt(cur, "unsupported: ORDER BY ... " + cur.text().toUpperCase(Locale.ROOT));
        }
        if (keyword("ASC")) {
          advance();
        } else if (keyword("DESC")) {
          desc = true;
          advance();
        }
        order.add(new OrderKey(path, desc));
      } while (cur.kind() == Kind.COMMA);
    }
    // SurrealDB accepts LIMIT and START in either order, each at most once.
    Long limit = null;
    Long start = null;
    while (keyword("LIMIT") || keyword("START")) {
      Token clause = cur;
      boolean isLimit = keyword("LIMIT");
      if (isLimit ? limit != null : start != null) {
        throw errorAt(clause, "duplicate " + clause.text().toUpperCase(Locale.ROOT));
      }
      advance();
      if (keyword(isLimit ? "BY" : "AT")) {
        advance();
      }
      if (isLimit) {
        limit = count("LIMIT");
      } else {
        start = count("START");
      }
    }
    if (cur.kind() != Kind.EOF && cur.kind() != Kind.SEMI && cur.kind() != Kind.RPAREN) {
      throw unexpected("expected end of statement");
    }
    SelectStatement s =
        new SelectStatement(projections, value, from, where, order, limit, start, group);
    validate(s, projectionTokens, groupTokens, orderTokens);
    return s;
  }

  private long count(String clause) {
    if (cur.kind() == Kind.NUMBER && cur.text().chars().allMatch(Character::isDigit)) {
      Token t = cur;
      advance();
      try {
        return Long.parseLong(t.text());
      } catch (NumberFormatException e) {
        throw errorAt(t, clause + " value out of range");
      }
    }
    if (cur.kind() == Kind.PARAM) {
      throw errorAt(
          cur, "unsupported: " + clause + " with a parameter (live views need a constant)");
    }
    throw unexpected("expected a non-negative integer after " + clause);
  }

  private Source source() {
    if (keyword("ONLY")) {
      throw errorAt(cur, "unsupported: FROM ONLY");
    }
    if (cur.kind() == Kind.PARAM) {
      throw errorAt(cur, "unsupported: FROM a parameter");
    }
    if (cur.kind() == Kind.LPAREN) {
      throw errorAt(cur, "unsupported: FROM a subquery");
    }
    List<RecordId> ids = new ArrayList<>();
    String table = null;
    Token first = cur;
    do {
      if (ids.size() + (table == null ? 0 : 1) > 0) {
        advance();
      }
      Token t = cur;
      if (t.kind() == Kind.RECORD_STRING) {
        ids.add(recordString(t));
        advance();
      } else if (t.kind() == Kind.IDENT) {
        if (ahead == null && lexer.immediately(':') && !lexer.immediately("::")) {
          lexer.skipChar();
          ids.add(new RecordId(t.text(), lexer.recordKey(t.text())));
          advance();
        } else {
          if (table != null || !ids.isEmpty()) {
            throw errorAt(t, "unsupported: FROM several tables or tables mixed with record ids");
          }
          table = t.text();
          advance();
        }
      } else {
        throw unexpected("expected a table name or record id after FROM");
      }
      if (table != null && !ids.isEmpty()) {
        throw errorAt(first, "unsupported: FROM a table mixed with record ids");
      }
    } while (cur.kind() == Kind.COMMA);
    if (cur.kind() == Kind.COLON) {
      throw errorAt(cur, "a record id is written without spaces around `:`");
    }
    return table != null ? new Source.Table(table) : new Source.Records(ids);
  }

  private RecordId recordString(Token t) {
    try {
      return Lexer.recordString(t.text());
    } catch (IllegalArgumentException | SurqlParseException e) {
      throw errorAt(t, "invalid record id literal `" + t.text() + "`");
    }
  }

  private Expr.FieldPath aliasPath() {
    return plainPath("an alias");
  }

  /** {@code a.b.c} of plain names: aliases, ORDER BY and GROUP BY keys. */
  private Expr.FieldPath plainPath(String what) {
    if (cur.kind() != Kind.IDENT) {
      throw unexpected("expected " + what);
    }
    List<PathPart> parts = new ArrayList<>();
    parts.add(new PathPart.Field(cur.text()));
    advance();
    while (cur.kind() == Kind.DOT) {
      advance();
      if (cur.kind() != Kind.IDENT) {
        throw unexpected("expected a field name after `.`");
      }
      parts.add(new PathPart.Field(cur.text()));
      advance();
    }
    if (cur.kind() == Kind.LBRACKET || cur.kind() == Kind.LPAREN || cur.kind() == Kind.DCOLON) {
      throw errorAt(cur, "unsupported: only field paths are allowed in " + what.replace("a ", ""));
    }
    return new Expr.FieldPath(parts);
  }

  // ---------------------------------------------------------------- semantic checks

  private void validate(
      SelectStatement s,
      List<Token> projectionTokens,
      List<Token> groupTokens,
      List<Token> orderTokens) {
    for (Map.Entry<Expr.FunctionCall, Token> agg : scope.aggregates.entrySet()) {
      Token at = agg.getValue();
      String name = agg.getKey().name() + "()";
      if (!s.grouped()) {
        throw errorAt(at, "aggregate function " + name + " needs GROUP BY or GROUP ALL");
      }
      if (!scope.topLevel.contains(agg.getKey())) {
        throw errorAt(
            at,
            "unsupported: aggregate function "
                + name
                + " must be a whole projection of a grouped SELECT");
      }
    }
    boolean all = s.projections().stream().anyMatch(p -> p instanceof Projection.All);
    Set<Expr.FieldPath> produced = new HashSet<>();
    for (Projection p : s.projections()) {
      if (p instanceof Projection.Field f) {
        produced.add(f.outputPath());
      }
    }
    if (s.group() instanceof Grouping.By by) {
      for (int i = 0; i < by.keys().size(); i++) {
        if (!all && !produced.contains(by.keys().get(i))) {
          throw errorAt(
              groupTokens.get(i),
              "GROUP BY "
                  + by.keys().get(i)
                  + " must also be in the SELECT list (as SurrealDB requires)");
        }
      }
    }
    if (s.grouped() && s.value()) {
      throw errorAt(projectionTokens.get(0), "unsupported: SELECT VALUE with GROUP");
    }
    for (int i = 0; i < s.projections().size(); i++) {
      if (s.projections().get(i) instanceof Projection.Field f
          && f.alias() == null
          && f.expr() instanceof Expr.FieldPath p
          && p.parts().stream().anyMatch(x -> !(x instanceof PathPart.Field))) {
        throw errorAt(
            projectionTokens.get(i), "unsupported: a projected path with an index needs an alias");
      }
    }
    if (all) {
      for (int i = 0; i < s.projections().size(); i++) {
        if (s.projections().get(i) instanceof Projection.Field f && f.alias() != null) {
          if (f.alias().parts().size() > 1) {
            throw errorAt(
                projectionTokens.get(i),
                "unsupported: a dotted alias next to * (SurrealDB 3 writes it as one flat key there)");
          }
          if (f.expr() instanceof Expr.FieldPath p
              && p.parts().size() == 1
              && !p.equals(f.alias())) {
            throw errorAt(
                projectionTokens.get(i),
                "unsupported: renaming a field next to * (SurrealDB 3 drops or keeps the original"
                    + " field depending on the FROM clause); select the field without *");
          }
        }
      }
    }
    if (s.grouped() && all) {
      throw errorAt(projectionTokens.get(0), "unsupported: SELECT * with GROUP");
    }
    for (int i = 0; i < s.order().size(); i++) {
      Expr.FieldPath path = s.order().get(i).path();
      if (!all && !produced.contains(path)) {
        throw errorAt(
            orderTokens.get(i),
            "ORDER BY " + path + " must also be in the SELECT list (as SurrealDB requires)");
      }
    }
  }

  // ---------------------------------------------------------------- expressions

  private static int precedence(BinaryOp op) {
    return switch (op) {
      case OR -> 1;
      case AND -> 2;
      case EQ, EXACT_EQ, NE -> 3;
      case LT,
          LE,
          GT,
          GE,
          CONTAINS,
          CONTAINS_NOT,
          CONTAINS_ALL,
          CONTAINS_ANY,
          CONTAINS_NONE,
          INSIDE,
          NOT_INSIDE,
          ALL_INSIDE,
          ANY_INSIDE,
          NONE_INSIDE ->
          4;
      case ADD, SUB -> 5;
      case MUL, DIV -> 6;
    };
  }

  /** The binary operator at {@code cur}, or null; does not consume. */
  private BinaryOp binaryOp() {
    return switch (cur.kind()) {
      case OROR -> BinaryOp.OR;
      case ANDAND -> BinaryOp.AND;
      case EQ -> BinaryOp.EQ;
      case EQEQ -> BinaryOp.EXACT_EQ;
      case NE -> BinaryOp.NE;
      case LT -> BinaryOp.LT;
      case LE -> BinaryOp.LE;
      case GT -> BinaryOp.GT;
      case GE -> BinaryOp.GE;
      case PLUS -> BinaryOp.ADD;
      case MINUS -> BinaryOp.SUB;
      case STAR -> BinaryOp.MUL;
      case SLASH -> BinaryOp.DIV;
      case IDENT -> {
        if (cur.quoted()) {
          yield null;
        }
        yield switch (cur.text().toUpperCase(Locale.ROOT)) {
          case "OR" -> BinaryOp.OR;
          case "AND" -> BinaryOp.AND;
          case "IS" -> BinaryOp.EQ; // refined to NE for IS NOT when consumed
          case "CONTAINS" -> BinaryOp.CONTAINS;
          case "CONTAINSNOT" -> BinaryOp.CONTAINS_NOT;
          case "CONTAINSALL" -> BinaryOp.CONTAINS_ALL;
          case "CONTAINSANY" -> BinaryOp.CONTAINS_ANY;
          case "CONTAINSNONE" -> BinaryOp.CONTAINS_NONE;
          case "INSIDE", "IN" -> BinaryOp.INSIDE;
          case "NOTINSIDE" -> BinaryOp.NOT_INSIDE;
          case "NOT" -> BinaryOp.NOT_INSIDE; // NOT IN, checked when consumed
          case "ALLINSIDE" -> BinaryOp.ALL_INSIDE;
          case "ANYINSIDE" -> BinaryOp.ANY_INSIDE;
          case "NONEINSIDE" -> BinaryOp.NONE_INSIDE;
          default -> null;
        };
      }
      default -> null;
    };
  }

  private static final Set<String> UNSUPPORTED_OPERATORS =
      Set.of("OUTSIDE", "INTERSECTS", "MATCHES");

  /** Nesting bound: deeper input is rejected instead of exhausting the stack. */
  private static final int MAX_DEPTH = 200;

  private int depth;

  private void enter() {
    if (++depth > MAX_DEPTH) {
      throw errorAt(cur, "query nested too deeply (more than " + MAX_DEPTH + " levels)");
    }
  }

  private Expr expr(int minPrec) {
    enter();
    try {
      return exprBody(minPrec);
    } finally {
      depth--;
    }
  }

  private Expr exprBody(int minPrec) {
    Expr left = unary();
    while (true) {
      if (cur.kind() == Kind.OTHER) {
        throw errorAt(cur, "unsupported: operator `" + cur.text() + "`");
      }
      if (cur.kind() == Kind.IDENT
          && !cur.quoted()
          && UNSUPPORTED_OPERATORS.contains(cur.text().toUpperCase(Locale.ROOT))) {
        throw errorAt(cur, "unsupported: operator " + cur.text().toUpperCase(Locale.ROOT));
      }
      BinaryOp op = binaryOp();
      if (op == null || precedence(op) <= minPrec) {
        return left;
      }
      Token opToken = cur;
      advance();
      if (opToken.isKeyword("IS")) {
        if (keyword("NOT")) {
          advance();
          op = BinaryOp.NE;
        }
      } else if (opToken.isKeyword("NOT")) {
        if (!keyword("IN")) {
          throw errorAt(opToken, "unexpected NOT; did you mean NOT IN?");
        }
        advance();
      }
      Expr right = expr(precedence(op));
      left = new Expr.Binary(op, left, right);
    }
  }

  private Expr unary() {
    enter();
    try {
      return unaryBody();
    } finally {
      depth--;
    }
  }

  private Expr unaryBody() {
    if (cur.kind() == Kind.BANG) {
      advance();
      return new Expr.Unary(UnaryOp.NOT, unary());
    }
    if (keyword("NOT")) {
      // SurrealDB 3 has no prefix NOT keyword, only the function-like NOT(expr).
      if (peek().kind() != Kind.LPAREN) {
        throw errorAt(cur, "NOT must be followed by a parenthesized expression; use `!` to negate");
      }
      advance();
      return new Expr.Unary(UnaryOp.NOT, primary());
    }
    if (cur.kind() == Kind.MINUS) {
      advance();
      if (cur.kind() == Kind.NUMBER && !cur.spaceBefore()) {
        Token n = cur;
        advance();
        return postfix(new Expr.Literal(number(n, true)));
      }
      return new Expr.Unary(UnaryOp.NEG, unary());
    }
    return primary();
  }

  private Value number(Token t, boolean negative) {
    String text = t.text();
    try {
      if (text.endsWith("dec")) {
        BigDecimal d = new BigDecimal(text.substring(0, text.length() - 3));
        return new DecimalValue(negative ? d.negate() : d);
      }
      if (text.endsWith("f") || text.contains(".") || text.contains("e") || text.contains("E")) {
        String body = text.endsWith("f") ? text.substring(0, text.length() - 1) : text;
        double d = Double.parseDouble(body);
        if (Double.isInfinite(d)) {
          throw errorAt(t, "number out of range `" + text + "`");
        }
        return new FloatValue(negative ? -d : d);
      }
      BigInteger n = new BigInteger(text);
      if (negative) {
        n = n.negate();
      }
      if (n.bitLength() > 63) {
        throw errorAt(t, "integer out of range `" + (negative ? "-" : "") + text + "`");
      }
      return new IntValue(n.longValue());
    } catch (NumberFormatException e) {
      throw errorAt(t, "invalid number `" + text + "`");
    }
  }

  private Expr primary() {
    Token t = cur;
    switch (t.kind()) {
      case NUMBER -> {
        advance();
        return postfix(new Expr.Literal(number(t, false)));
      }
      case STRING, LITERAL -> {
        advance();
        return new Expr.Literal(t.value());
      }
      case RECORD_STRING -> {
        advance();
        return postfix(new Expr.Literal(recordString(t)));
      }
      case PARAM -> {
        advance();
        return postfix(new Expr.Param(t.text()));
      }
      case LPAREN -> {
        advance();
        Expr inner;
        if (keyword("SELECT")) {
          inner = new Expr.Subquery(select());
        } else {
          inner = expr(0);
        }
        expect(Kind.RPAREN, "`)`");
        return postfix(inner);
      }
      case LBRACKET -> {
        advance();
        List<Expr> items = new ArrayList<>();
        while (cur.kind() != Kind.RBRACKET) {
          items.add(expr(0));
          if (cur.kind() == Kind.COMMA) {
            advance();
          } else if (cur.kind() != Kind.RBRACKET) {
            throw unexpected("expected `,` or `]`");
          }
        }
        advance();
        return postfix(new Expr.ArrayExpr(items));
      }
      case LBRACE -> {
        advance();
        return postfix(object());
      }
      case IDENT -> {
        return identifier();
      }
      case OTHER -> throw errorAt(t, "unsupported: operator `" + t.text() + "`");
      default -> throw unexpected("expected an expression");
    }
  }

  private Expr object() {
    List<Expr.ObjectExpr.Entry> entries = new ArrayList<>();
    Set<String> keys = new HashSet<>();
    while (cur.kind() != Kind.RBRACE) {
      Token k = cur;
      String key;
      if (k.kind() == Kind.IDENT || k.kind() == Kind.STRING) {
        key = k.text();
      } else if (k.kind() == Kind.NUMBER && k.text().chars().allMatch(Character::isDigit)) {
        key = k.text();
      } else {
        throw unexpected("expected an object key");
      }
      advance();
      expect(Kind.COLON, "`:` after an object key");
      if (!keys.add(key)) {
        throw errorAt(k, "duplicate object key `" + key + "`");
      }
      entries.add(new Expr.ObjectExpr.Entry(key, expr(0)));
      if (cur.kind() == Kind.COMMA) {
        advance();
      } else if (cur.kind() != Kind.RBRACE) {
        throw unexpected("expected `,` or `}`");
      }
    }
    advance();
    return new Expr.ObjectExpr(entries);
  }

  private Expr identifier() {
    Token t = cur;
    if (!t.quoted()) {
      switch (t.text().toUpperCase(Locale.ROOT)) {
        case "TRUE" -> {
          advance();
          return new Expr.Literal(Value.TRUE);
        }
        case "FALSE" -> {
          advance();
          return new Expr.Literal(Value.FALSE);
        }
        case "NONE" -> {
          advance();
          return new Expr.Literal(Value.NONE);
        }
        case "NULL" -> {
          advance();
          return new Expr.Literal(Value.NULL);
        }
        case "SELECT" -> throw errorAt(t, "a subquery must be in parentheses");
        default -> {}
      }
      // Record id: `table:key`, with nothing between the name and the colon.
      if (ahead == null && lexer.immediately(':') && !lexer.immediately("::")) {
        lexer.skipChar();
        Value key = lexer.recordKey(t.text());
        advance();
        return postfix(new Expr.Literal(new RecordId(t.text(), key)));
      }
      if (peek().kind() == Kind.DCOLON || peek().kind() == Kind.LPAREN) {
        return functionCall();
      }
    }
    advance();
    List<PathPart> parts = new ArrayList<>();
    parts.add(new PathPart.Field(t.text()));
    parts.addAll(pathParts());
    return new Expr.FieldPath(parts);
  }

  private Expr functionCall() {
    Token start = cur;
    StringBuilder name = new StringBuilder(cur.text().toLowerCase(Locale.ROOT));
    advance();
    while (cur.kind() == Kind.DCOLON) {
      advance();
      if (cur.kind() != Kind.IDENT || cur.quoted()) {
        throw unexpected("expected a function name after `::`");
      }
      name.append("::").append(cur.text().toLowerCase(Locale.ROOT));
      advance();
    }
    String fn = name.toString();
    if (cur.kind() != Kind.LPAREN) {
      throw unexpected("expected `(` after function name " + fn);
    }
    var refusal = Functions.refusal(fn);
    if (refusal.isPresent()) {
      throw errorAt(start, refusal.get());
    }
    if (!Functions.isSupported(fn)) {
      throw errorAt(start, "unsupported: function " + fn + "()");
    }
    advance();
    List<Expr> args = new ArrayList<>();
    while (cur.kind() != Kind.RPAREN) {
      args.add(expr(0));
      if (cur.kind() == Kind.COMMA) {
        advance();
      } else if (cur.kind() != Kind.RPAREN) {
        throw unexpected("expected `,` or `)`");
      }
    }
    advance();
    int min = Functions.minArgs(fn);
    int max = Functions.maxArgs(fn);
    if (args.size() < min || args.size() > max) {
      throw errorAt(
          start,
          fn
              + "() takes "
              + (min == max ? String.valueOf(min) : min + " to " + max)
              + " argument"
              + (max == 1 ? "" : "s")
              + ", got "
              + args.size());
    }
    Expr.FunctionCall call = new Expr.FunctionCall(fn, args);
    if (call.isAggregate()) {
      for (Expr a : args) {
        if (containsAggregate(a)) {
          throw errorAt(start, "unsupported: aggregate function inside " + fn + "()");
        }
      }
      scope.aggregates.put(call, start);
    }
    return postfix(call);
  }

  private static boolean containsAggregate(Expr e) {
    return switch (e) {
      case Expr.FunctionCall f ->
          f.isAggregate() || f.args().stream().anyMatch(SurqlParser::containsAggregate);
      case Expr.Binary b -> containsAggregate(b.left()) || containsAggregate(b.right());
      case Expr.Unary u -> containsAggregate(u.operand());
      case Expr.Access a -> containsAggregate(a.base());
      case Expr.ArrayExpr a -> a.items().stream().anyMatch(SurqlParser::containsAggregate);
      case Expr.ObjectExpr o -> o.entries().stream().anyMatch(en -> containsAggregate(en.value()));
      default -> false;
    };
  }

  /** {@code .name} and {@code [n]} steps after a primary; an {@link Expr.Access} when any. */
  private Expr postfix(Expr base) {
    List<PathPart> parts = pathParts();
    return parts.isEmpty() ? base : new Expr.Access(base, parts);
  }

  private List<PathPart> pathParts() {
    List<PathPart> parts = new ArrayList<>();
    while (true) {
      if (cur.kind() == Kind.DOT) {
        advance();
        if (cur.kind() == Kind.STAR) {
          throw errorAt(cur, "unsupported: `.*`");
        }
        if (cur.kind() == Kind.LBRACE || cur.kind() == Kind.LPAREN) {
          throw errorAt(cur, "unsupported: destructuring and method calls on paths");
        }
        if (cur.kind() != Kind.IDENT) {
          throw unexpected("expected a field name after `.`");
        }
        if (!cur.quoted() && peek().kind() == Kind.LPAREN) {
          throw errorAt(cur, "unsupported: method call `." + cur.text() + "()`");
        }
        parts.add(new PathPart.Field(cur.text()));
        advance();
      } else if (cur.kind() == Kind.LBRACKET) {
        Token open = cur;
        advance();
        if (cur.kind() == Kind.NUMBER && cur.text().chars().allMatch(Character::isDigit)) {
          Token n = cur;
          long idx;
          try {
            idx = Long.parseLong(n.text());
          } catch (NumberFormatException e) {
            throw errorAt(n, "index out of range");
          }
          advance();
          expect(Kind.RBRACKET, "`]`");
          parts.add(new PathPart.Index(idx));
        } else {
          throw errorAt(
              open, "unsupported: `[` other than a constant index (filters, `[*]`, `[$]`)");
        }
      } else if (cur.kind() == Kind.OTHER && (cur.text().equals("->") || cur.text().equals("<-"))) {
        throw errorAt(cur, "unsupported: graph traversal `" + cur.text() + "`");
      } else {
        return parts;
      }
    }
  }
}
