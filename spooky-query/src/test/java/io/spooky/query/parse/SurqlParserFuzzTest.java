package io.spooky.query.parse;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.fail;

import io.spooky.query.ast.SelectStatement;
import io.spooky.query.ast.SurqlPrinter;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;

/**
 * Property: whatever the input, {@link SurqlParser#parse} returns a tree or throws {@link
 * SurqlParseException} with a position inside the input, and a returned tree survives printing and
 * reparsing unchanged. Inputs are mutated valid queries and random token soup. Reproduce a failure
 * with {@code -Dspooky.seed=<seed>}.
 */
class SurqlParserFuzzTest {

  private static final List<String> SEEDS =
      List.of(
          "SELECT * FROM user",
          "SELECT name, address.city AS city FROM user WHERE age >= 18 AND tags CONTAINS 'x' ORDER BY city DESC, name LIMIT 10 START 5;",
          "SELECT VALUE name FROM user:1, user:tobie, user:⟨a b⟩",
          "SELECT *, (SELECT text, created FROM comment WHERE post = $parent.id ORDER BY created DESC LIMIT 5) AS comments FROM post",
          "SELECT city, count() AS n, math::sum(age), math::mean(age) FROM user GROUP BY city ORDER BY n DESC",
          "SELECT count() FROM t GROUP ALL",
          "SELECT (a + b) * -c, !(x != NONE), { a: 1, 'b': [1.5, .5, 2dec, d'2024-01-01T00:00:00Z', 1h30m] } AS o FROM t WHERE x NOT IN [1, 2] || y IS NOT NULL",
          "SELECT string::lowercase(name) AS n FROM user WHERE string::starts_with(name, \"a\\n\") AND author.name = r'user:1'",
          "-- c\nSELECT a /* x */ FROM t # y\n WHERE u'0190a7f0-0000-7000-8000-000000000000' = id");

  private static final List<String> TOKENS =
      List.of(
          "SELECT",
          "VALUE",
          "FROM",
          "WHERE",
          "GROUP",
          "BY",
          "ALL",
          "ORDER",
          "ASC",
          "DESC",
          "LIMIT",
          "START",
          "AT",
          "AS",
          "AND",
          "OR",
          "NOT",
          "IN",
          "IS",
          "NONE",
          "NULL",
          "true",
          "CONTAINS",
          "INSIDE",
          "FETCH",
          "ONLY",
          "count",
          "math::sum",
          "string::len",
          "time::now",
          "(",
          ")",
          "[",
          "]",
          "{",
          "}",
          ",",
          ".",
          ":",
          "::",
          ";",
          "*",
          "+",
          "-",
          "/",
          "=",
          "==",
          "!=",
          "<",
          "<=",
          ">",
          ">=",
          "&&",
          "||",
          "!",
          "?=",
          "->",
          "<-",
          "$parent",
          "$",
          "a",
          "b.c",
          "user",
          "user:1",
          "user:⟨x⟩",
          "`q`",
          "'s'",
          "\"t\"",
          "'",
          "\"",
          "1",
          "-1",
          "1.5",
          ".5",
          "1e",
          "1h",
          "1x",
          "9999999999999999999999",
          "d'2024-01-01'",
          "u'x'",
          "r'user:1'",
          "⟨",
          "⟩",
          "`",
          "/*",
          "--",
          "#",
          "\n",
          " ",
          "µs",
          "§",
          "\\");

  @Test
  void parserOnlyEverThrowsParseExceptions() {
    long seed = Long.getLong("spooky.seed", System.nanoTime());
    Random rnd = new Random(seed);
    int accepted = 0;
    for (int i = 0; i < 10_000; i++) {
      String input = i % 2 == 0 ? mutate(rnd) : soup(rnd);
      try {
        SelectStatement s = SurqlParser.parse(input);
        accepted++;
        String printed = SurqlPrinter.print(s);
        SelectStatement again;
        try {
          again = SurqlParser.parse(printed);
        } catch (SurqlParseException e) {
          throw new AssertionError(
              "seed=" + seed + " printed text does not reparse: " + printed + " from " + input, e);
        }
        assertThat(again).as("seed=%d input=%s printed=%s", seed, input, printed).isEqualTo(s);
      } catch (SurqlParseException e) {
        assertThat(e.line()).as("seed=%d input=%s", seed, input).isBetween(1, lines(input));
        assertThat(e.column()).as("seed=%d input=%s", seed, input).isPositive();
      } catch (RuntimeException | StackOverflowError e) {
        fail("seed=" + seed + " input=" + input + " threw " + e, e);
      }
    }
    // The mutations keep a share of inputs valid, so the round-trip half of the property is
    // exercised.
    assertThat(accepted).as("seed=%d accepted inputs", seed).isGreaterThan(100);
  }

  private static int lines(String s) {
    return (int) s.chars().filter(c -> c == '\n').count() + 1;
  }

  private static String mutate(Random rnd) {
    StringBuilder b = new StringBuilder(SEEDS.get(rnd.nextInt(SEEDS.size())));
    int edits = rnd.nextInt(4);
    for (int e = 0; e < edits && b.length() > 0; e++) {
      int at = rnd.nextInt(b.length() + 1);
      switch (rnd.nextInt(5)) {
        case 0 -> b.deleteCharAt(Math.min(at, b.length() - 1));
        case 1 -> b.insert(at, TOKENS.get(rnd.nextInt(TOKENS.size())));
        case 2 -> b.insert(at, " " + TOKENS.get(rnd.nextInt(TOKENS.size())) + " ");
        case 3 -> b.setLength(at);
        default -> {
          if (at < b.length()) {
            b.setCharAt(at, (char) (32 + rnd.nextInt(95)));
          }
        }
      }
    }
    return b.toString();
  }

  private static String soup(Random rnd) {
    StringBuilder b = new StringBuilder(rnd.nextBoolean() ? "SELECT " : "");
    int n = rnd.nextInt(25);
    for (int i = 0; i < n; i++) {
      b.append(TOKENS.get(rnd.nextInt(TOKENS.size())));
      if (rnd.nextInt(3) > 0) {
        b.append(' ');
      }
    }
    return b.toString();
  }
}
