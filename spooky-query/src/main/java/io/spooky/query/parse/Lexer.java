package io.spooky.query.parse;

import io.spooky.core.value.DatetimeValue;
import io.spooky.core.value.DurationValue;
import io.spooky.core.value.IntValue;
import io.spooky.core.value.RecordId;
import io.spooky.core.value.StringValue;
import io.spooky.core.value.UuidValue;
import io.spooky.core.value.Value;
import io.spooky.query.parse.Token.Kind;
import java.math.BigInteger;
import java.time.Duration;
import java.time.LocalDate;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.time.format.DateTimeParseException;
import java.util.UUID;

/**
 * A lazy SurrealQL lexer: it produces one token per {@link #next()} call and never reads ahead, so
 * the parser can switch it into record-key mode ({@link #recordKey}) right after a {@code :}.
 *
 * <p>Numbers are returned as {@link Kind#NUMBER} with their raw text (the parser folds a leading
 * minus before converting, so {@code -9223372036854775808} is representable); durations, datetimes
 * and uuids are returned as {@link Kind#LITERAL} with their value. Every malformed input raises
 * {@link SurqlParseException} at the offending character.
 */
final class Lexer {
  private final String src;
  private int pos;
  private int line = 1;
  private int lineStart;

  Lexer(String src) {
    this.src = src;
  }

  private SurqlParseException error(String reason, int offset) {
    // Recompute line/column for offset (which is never past the current position).
    int l = 1;
    int ls = 0;
    for (int i = 0; i < offset && i < src.length(); i++) {
      if (src.charAt(i) == '\n') {
        l++;
        ls = i + 1;
      }
    }
    return new SurqlParseException(reason, l, offset - ls + 1);
  }

  private char peek(int ahead) {
    int i = pos + ahead;
    return i < src.length() ? src.charAt(i) : '\0';
  }

  private boolean atEnd(int ahead) {
    return pos + ahead >= src.length();
  }

  private void advance() {
    if (src.charAt(pos) == '\n') {
      line++;
      lineStart = pos + 1;
    }
    pos++;
  }

  /** Skips whitespace and comments; returns true when anything was skipped. */
  private boolean skipTrivia() {
    int start = pos;
    while (!atEnd(0)) {
      char c = peek(0);
      if (Character.isWhitespace(c)) {
        advance();
      } else if (c == '#' || (c == '-' && peek(1) == '-') || (c == '/' && peek(1) == '/')) {
        while (!atEnd(0) && peek(0) != '\n') {
          advance();
        }
      } else if (c == '/' && peek(1) == '*') {
        int open = pos;
        advance();
        advance();
        while (!(peek(0) == '*' && peek(1) == '/')) {
          if (atEnd(0)) {
            throw error("unterminated comment", open);
          }
          advance();
        }
        advance();
        advance();
      } else {
        break;
      }
    }
    return pos > start;
  }

  static boolean isIdentStart(char c) {
    return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || c == '_';
  }

  static boolean isIdentPart(char c) {
    return isIdentStart(c) || (c >= '0' && c <= '9');
  }

  private static boolean isDigit(char c) {
    return c >= '0' && c <= '9';
  }

  private Token token(
      Kind kind, String text, Value value, int start, int l, int col, boolean q, boolean sp) {
    return new Token(kind, text, value, l, col, start, q, sp);
  }

  Token next() {
    boolean space = skipTrivia();
    int start = pos;
    int l = line;
    int col = pos - lineStart + 1;
    if (atEnd(0)) {
      return token(Kind.EOF, "", null, start, l, col, false, space);
    }
    char c = peek(0);
    if ((c == 'd' || c == 'u' || c == 'r' || c == 's') && (peek(1) == '\'' || peek(1) == '"')) {
      advance();
      String body = readString(pos);
      return prefixed(c, body, start, l, col, space);
    }
    if (isIdentStart(c)) {
      while (!atEnd(0) && isIdentPart(peek(0))) {
        advance();
      }
      return token(Kind.IDENT, src.substring(start, pos), null, start, l, col, false, space);
    }
    if (isDigit(c) || (c == '.' && isDigit(peek(1)))) {
      return number(start, l, col, space);
    }
    switch (c) {
      case '\'', '"' -> {
        String s = readString(start);
        return token(Kind.STRING, s, new StringValue(s), start, l, col, false, space);
      }
      case '`' -> {
        String s = readDelimited(start, '`');
        return token(Kind.IDENT, s, null, start, l, col, true, space);
      }
      case '⟨' -> {
        String s = readDelimited(start, '⟩');
        return token(Kind.IDENT, s, null, start, l, col, true, space);
      }
      case '$' -> {
        advance();
        int nameStart = pos;
        while (!atEnd(0) && isIdentPart(peek(0))) {
          advance();
        }
        if (pos == nameStart) {
          throw error("expected a parameter name after `$`", start);
        }
        return token(Kind.PARAM, src.substring(nameStart, pos), null, start, l, col, false, space);
      }
      default -> {}
    }
    Kind kind;
    int len = 1;
    switch (c) {
      case '(' -> kind = Kind.LPAREN;
      case ')' -> kind = Kind.RPAREN;
      case '[' -> kind = Kind.LBRACKET;
      case ']' -> kind = Kind.RBRACKET;
      case '{' -> kind = Kind.LBRACE;
      case '}' -> kind = Kind.RBRACE;
      case ',' -> kind = Kind.COMMA;
      case ';' -> kind = Kind.SEMI;
      case '.' -> {
        kind = peek(1) == '.' ? Kind.OTHER : Kind.DOT;
        len = peek(1) == '.' ? 2 : 1;
      }
      case ':' -> {
        kind = peek(1) == ':' ? Kind.DCOLON : Kind.COLON;
        len = peek(1) == ':' ? 2 : 1;
      }
      case '*' -> {
        kind = peek(1) == '*' || peek(1) == '=' || peek(1) == '~' ? Kind.OTHER : Kind.STAR;
        len = kind == Kind.OTHER ? 2 : 1;
      }
      case '+' -> {
        kind = peek(1) == '=' || peek(1) == '?' ? Kind.OTHER : Kind.PLUS;
        len = kind == Kind.OTHER ? 2 : 1;
      }
      case '-' -> {
        kind = peek(1) == '>' || peek(1) == '=' ? Kind.OTHER : Kind.MINUS;
        len = kind == Kind.OTHER ? 2 : 1;
      }
      case '/' -> kind = Kind.SLASH;
      case '=' -> {
        kind = peek(1) == '=' ? Kind.EQEQ : Kind.EQ;
        len = peek(1) == '=' ? 2 : 1;
      }
      case '!' -> {
        if (peek(1) == '=') {
          kind = Kind.NE;
          len = 2;
        } else if (peek(1) == '~') {
          kind = Kind.OTHER;
          len = 2;
        } else {
          kind = Kind.BANG;
        }
      }
      case '<' -> {
        if (peek(1) == '=') {
          kind = Kind.LE;
          len = 2;
        } else if (peek(1) == '-' || peek(1) == '|') {
          kind = Kind.OTHER;
          len = 2;
        } else {
          kind = Kind.LT;
        }
      }
      case '>' -> {
        kind = peek(1) == '=' ? Kind.GE : Kind.GT;
        len = peek(1) == '=' ? 2 : 1;
      }
      case '&' -> {
        kind = peek(1) == '&' ? Kind.ANDAND : Kind.OTHER;
        len = peek(1) == '&' ? 2 : 1;
      }
      case '|' -> {
        kind = peek(1) == '|' ? Kind.OROR : Kind.OTHER;
        len = peek(1) == '|' || peek(1) == '>' ? 2 : 1;
      }
      case '?' -> {
        kind = Kind.OTHER;
        len = peek(1) == '=' || peek(1) == '?' || peek(1) == ':' || peek(1) == '~' ? 2 : 1;
      }
      case '@',
          '~',
          '%',
          '^',
          '∋',
          '∌',
          '⊇',
          '⊃',
          '⊅',
          '∈',
          '∉',
          '⊆',
          '⊂',
          '⊄',
          '×',
          '÷',
          '≤',
          '≥' ->
          kind = Kind.OTHER;
      default -> throw error("unexpected character `" + printable(c) + "`", start);
    }
    for (int i = 0; i < len; i++) {
      advance();
    }
    return token(kind, src.substring(start, pos), null, start, l, col, false, space);
  }

  private static String printable(char c) {
    return Character.isISOControl(c) ? String.format("\\u%04x", (int) c) : String.valueOf(c);
  }

  private Token prefixed(char prefix, String body, int start, int l, int col, boolean space) {
    try {
      return switch (prefix) {
        case 'd' ->
            token(
                Kind.LITERAL,
                src.substring(start, pos),
                datetime(body),
                start,
                l,
                col,
                false,
                space);
        case 'u' ->
            token(
                Kind.LITERAL,
                src.substring(start, pos),
                new UuidValue(uuid(body)),
                start,
                l,
                col,
                false,
                space);
        case 'r' -> token(Kind.RECORD_STRING, body, null, start, l, col, false, space);
        default -> token(Kind.STRING, body, new StringValue(body), start, l, col, false, space);
      };
    } catch (IllegalArgumentException | DateTimeParseException e) {
      throw error(
          "invalid " + (prefix == 'd' ? "datetime" : "uuid") + " literal `" + body + "`", start);
    }
  }

  static DatetimeValue datetime(String body) {
    try {
      return new DatetimeValue(OffsetDateTime.parse(body).toInstant());
    } catch (DateTimeParseException e) {
      return new DatetimeValue(LocalDate.parse(body).atStartOfDay().toInstant(ZoneOffset.UTC));
    }
  }

  static UUID uuid(String body) {
    if (!body.matches(
        "[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12}")) {
      throw new IllegalArgumentException("not a uuid: " + body);
    }
    return UUID.fromString(body);
  }

  /** Reads a quoted string starting at the quote at {@code pos}; returns its unescaped body. */
  private String readString(int start) {
    char quote = peek(0);
    advance();
    StringBuilder b = new StringBuilder();
    while (true) {
      if (atEnd(0)) {
        throw error("unterminated string", start);
      }
      char c = peek(0);
      if (c == quote) {
        advance();
        return b.toString();
      }
      if (c == '\\') {
        int escAt = pos;
        advance();
        if (atEnd(0)) {
          throw error("unterminated string", start);
        }
        char e = peek(0);
        advance();
        switch (e) {
          case '\\', '\'', '"', '/', '`', '⟩' -> b.append(e);
          case 'n' -> b.append('\n');
          case 'r' -> b.append('\r');
          case 't' -> b.append('\t');
          case 'b' -> b.append('\b');
          case 'f' -> b.append('\f');
          case '0' -> b.append('\0');
          case 'u' -> {
            int hexStart = pos;
            for (int i = 0; i < 4; i++) {
              if (atEnd(0) || Character.digit(peek(0), 16) < 0) {
                throw error("invalid unicode escape", escAt);
              }
              advance();
            }
            b.append((char) Integer.parseInt(src.substring(hexStart, pos), 16));
          }
          default -> throw error("invalid escape `\\" + printable(e) + "`", escAt);
        }
      } else {
        b.append(c);
        advance();
      }
    }
  }

  /** Reads {@code `...`} or {@code ⟨...⟩} (backslash escapes the closing delimiter). */
  private String readDelimited(int start, char close) {
    advance();
    StringBuilder b = new StringBuilder();
    while (true) {
      if (atEnd(0)) {
        throw error(
            "unterminated " + (close == '`' ? "backtick identifier" : "⟨⟩ identifier"), start);
      }
      char c = peek(0);
      if (c == close) {
        advance();
        return b.toString();
      }
      if (c == '\\' && (peek(1) == close || peek(1) == '\\')) {
        advance();
        c = peek(0);
      }
      b.append(c);
      advance();
    }
  }

  private Token number(int start, int l, int col, boolean space) {
    while (isDigit(peek(0))) {
      advance();
    }
    boolean integral = true;
    if (peek(0) == '.' && isDigit(peek(1))) {
      integral = false;
      advance();
      while (isDigit(peek(0))) {
        advance();
      }
    }
    if ((peek(0) == 'e' || peek(0) == 'E')
        && (isDigit(peek(1)) || ((peek(1) == '+' || peek(1) == '-') && isDigit(peek(2))))) {
      integral = false;
      advance();
      advance();
      while (isDigit(peek(0))) {
        advance();
      }
    }
    if (integral
        && (isIdentStart(peek(0)) || peek(0) == 'µ')
        && !src.startsWith("dec", pos)
        && peek(0) != 'f') {
      return duration(start, l, col, space);
    }
    if (src.startsWith("dec", pos)) {
      pos += 3;
    } else if (peek(0) == 'f') {
      advance();
    }
    if (isIdentPart(peek(0))) {
      throw error("invalid number `" + src.substring(start, pos + 1) + "`", start);
    }
    return token(Kind.NUMBER, src.substring(start, pos), null, start, l, col, false, space);
  }

  private static final String[] UNITS = {"ns", "us", "µs", "ms", "s", "m", "h", "d", "w", "y"};
  private static final long[] UNIT_NANOS = {
    1L,
    1_000L,
    1_000L,
    1_000_000L,
    1_000_000_000L,
    60_000_000_000L,
    3_600_000_000_000L,
    86_400_000_000_000L,
    7 * 86_400_000_000_000L,
    365 * 86_400_000_000_000L
  };

  private Token duration(int start, int l, int col, boolean space) {
    pos = start;
    BigInteger total = BigInteger.ZERO;
    while (isDigit(peek(0))) {
      int numStart = pos;
      while (isDigit(peek(0))) {
        advance();
      }
      BigInteger n = new BigInteger(src.substring(numStart, pos));
      int unit = -1;
      for (int i = 0; i < UNITS.length; i++) {
        if (src.startsWith(UNITS[i], pos)
            && (unit < 0 || UNITS[i].length() > UNITS[unit].length())) {
          unit = i;
        }
      }
      if (unit < 0) {
        throw error("invalid duration or number `" + word(start) + "`", start);
      }
      pos += UNITS[unit].length();
      total = total.add(n.multiply(BigInteger.valueOf(UNIT_NANOS[unit])));
    }
    if (isIdentPart(peek(0)) || peek(0) == 'µ') {
      throw error("invalid duration or number `" + word(start) + "`", start);
    }
    BigInteger[] secs = total.divideAndRemainder(BigInteger.valueOf(1_000_000_000L));
    if (secs[0].bitLength() > 63) {
      throw error("duration out of range `" + src.substring(start, pos) + "`", start);
    }
    Duration d = Duration.ofSeconds(secs[0].longValue(), secs[1].longValue());
    return token(
        Kind.LITERAL, src.substring(start, pos), new DurationValue(d), start, l, col, false, space);
  }

  private String word(int start) {
    int end = start;
    while (end < src.length() && (isIdentPart(src.charAt(end)) || src.charAt(end) == 'µ')) {
      end++;
    }
    return src.substring(start, end);
  }

  /**
   * Lexes a record key right after {@code table:} (no whitespace allowed, as in SurrealQL): an
   * integer, an identifier-like word ({@code tobie}, {@code 123abc}), {@code ⟨...⟩}, a backquoted
   * key, or a uuid {@code u"..."}.
   */
  Value recordKey(String table) {
    int start = pos;
    char c = peek(0);
    if (c == '⟨' || c == '`') {
      return new StringValue(readDelimited(start, c == '⟨' ? '⟩' : '`'));
    }
    if (c == 'u' && (peek(1) == '"' || peek(1) == '\'')) {
      advance();
      String body = readString(pos);
      try {
        return new UuidValue(uuid(body));
      } catch (IllegalArgumentException e) {
        throw error("invalid uuid literal `" + body + "`", start);
      }
    }
    if (c == '[' || c == '{') {
      throw error("unsupported: array and object record keys", start);
    }
    boolean negative = c == '-' && isDigit(peek(1));
    if (negative) {
      advance();
    }
    int wordStart = pos;
    while (!atEnd(0) && isIdentPart(peek(0))) {
      advance();
    }
    String word = src.substring(wordStart, pos);
    if (word.isEmpty()) {
      throw error("expected a record key after `" + table + ":`", start);
    }
    if (word.chars().allMatch(ch -> ch >= '0' && ch <= '9')) {
      BigInteger n = new BigInteger(word);
      if (negative) {
        n = n.negate();
      }
      if (n.bitLength() > 63) {
        throw error("record key out of range `" + src.substring(start, pos) + "`", start);
      }
      return new IntValue(n.longValue());
    }
    if (negative) {
      throw error("invalid record key `" + src.substring(start, pos) + "`", start);
    }
    return new StringValue(word);
  }

  /** Parses {@code r"table:key"}. */
  static RecordId recordString(String body) {
    Lexer inner = new Lexer(body);
    Token t = inner.next();
    if (t.kind() != Kind.IDENT || t.spaceBefore() || inner.peek(0) != ':' || inner.peek(1) == ':') {
      throw new IllegalArgumentException("not a record id: " + body);
    }
    inner.advance();
    Value key = inner.recordKey(t.text());
    if (!inner.atEnd(0)) {
      throw new IllegalArgumentException("not a record id: " + body);
    }
    return new RecordId(t.text(), key);
  }

  /** True when the next character (with no whitespace skipped) is {@code c}. */
  boolean immediately(char c) {
    return peek(0) == c;
  }

  /** True when the input continues (with no whitespace skipped) with {@code s}. */
  boolean immediately(String s) {
    return src.startsWith(s, pos);
  }

  /** Consumes one character known to be there. */
  void skipChar() {
    advance();
  }
}
