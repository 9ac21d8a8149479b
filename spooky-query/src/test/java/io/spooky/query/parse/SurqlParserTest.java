package io.spooky.query.parse;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.spooky.core.value.DatetimeValue;
import io.spooky.core.value.DecimalValue;
import io.spooky.core.value.DurationValue;
import io.spooky.core.value.FloatValue;
import io.spooky.core.value.IntValue;
import io.spooky.core.value.RecordId;
import io.spooky.core.value.StringValue;
import io.spooky.core.value.UuidValue;
import io.spooky.core.value.Value;
import io.spooky.query.ast.BinaryOp;
import io.spooky.query.ast.Expr;
import io.spooky.query.ast.Grouping;
import io.spooky.query.ast.OrderKey;
import io.spooky.query.ast.PathPart;
import io.spooky.query.ast.Projection;
import io.spooky.query.ast.SelectStatement;
import io.spooky.query.ast.Source;
import io.spooky.query.ast.SurqlPrinter;
import io.spooky.query.ast.UnaryOp;
import java.math.BigDecimal;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.UUID;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.ValueSource;

class SurqlParserTest {

  private static Expr where(String condition) {
    return SurqlParser.parse("SELECT * FROM t WHERE " + condition).where();
  }

  private static Value literal(String text) {
    Projection.Field f =
        (Projection.Field)
            SurqlParser.parse("SELECT VALUE " + text + " FROM t").projections().get(0);
    return ((Expr.Literal) f.expr()).value();
  }

  private static Expr.FieldPath path(String... names) {
    return Expr.FieldPath.of(names);
  }

  private static Expr lit(Value v) {
    return new Expr.Literal(v);
  }

  @Test
  void selectStarFromTable() {
    SelectStatement s = SurqlParser.parse("SELECT * FROM user");
    assertThat(s)
        .isEqualTo(
            new SelectStatement(
                List.of(new Projection.All()),
                false,
                new Source.Table("user"),
                null,
                List.of(),
                null,
                null,
                null));
  }

  @Test
  void everyClauseTogether() {
    SelectStatement s =
        SurqlParser.parse(
            "select name, address.city AS city from user where age >= 18 "
                + "order by city desc, name limit 10 start 5;");
    assertThat(s.projections())
        .containsExactly(
            new Projection.Field(path("name"), null),
            new Projection.Field(path("address", "city"), path("city")));
    assertThat(s.where())
        .isEqualTo(new Expr.Binary(BinaryOp.GE, path("age"), lit(new IntValue(18))));
    assertThat(s.order())
        .containsExactly(new OrderKey(path("city"), true), new OrderKey(path("name"), false));
    assertThat(s.limit()).isEqualTo(10L);
    assertThat(s.start()).isEqualTo(5L);
    assertThat(s.value()).isFalse();
    assertThat(s.group()).isNull();
  }

  @Test
  void limitByStartAtAndEitherOrder() {
    SelectStatement a = SurqlParser.parse("SELECT * FROM t LIMIT BY 3 START AT 2");
    SelectStatement b = SurqlParser.parse("SELECT * FROM t START 2 LIMIT 3");
    assertThat(a).isEqualTo(b);
    assertThat(a.limit()).isEqualTo(3L);
    assertThat(a.start()).isEqualTo(2L);
  }

  @Test
  void selectValue() {
    SelectStatement s = SurqlParser.parse("SELECT VALUE address.city FROM user");
    assertThat(s.value()).isTrue();
    assertThat(s.projections())
        .containsExactly(new Projection.Field(path("address", "city"), null));
  }

  @Test
  void starWithAliasedField() {
    SelectStatement s = SurqlParser.parse("SELECT *, author.name AS who, name AS name FROM post");
    assertThat(s.projections())
        .containsExactly(
            new Projection.All(),
            new Projection.Field(path("author", "name"), path("who")),
            new Projection.Field(path("name"), path("name")));
  }

  @Test
  void fromRecordIds() {
    SelectStatement s =
        SurqlParser.parse(
            "SELECT * FROM user:1, user:tobie, user:⟨a b⟩, user:`x-y`, user:-5, user:123abc");
    assertThat(s.from())
        .isEqualTo(
            new Source.Records(
                List.of(
                    RecordId.of("user", 1),
                    RecordId.of("user", "tobie"),
                    RecordId.of("user", "a b"),
                    RecordId.of("user", "x-y"),
                    RecordId.of("user", -5),
                    RecordId.of("user", "123abc"))));
  }

  @Test
  void recordIdWithUuidKeyAndRecordString() {
    UUID u = UUID.fromString("0190a7f0-0000-7000-8000-000000000000");
    assertThat(literal("user:u\"0190a7f0-0000-7000-8000-000000000000\""))
        .isEqualTo(new RecordId("user", new UuidValue(u)));
    assertThat(literal("r\"user:tobie\"")).isEqualTo(RecordId.of("user", "tobie"));
    assertThat(literal("r'post:42'")).isEqualTo(RecordId.of("post", 42));
  }

  @Test
  void numbersKeepTheirType() {
    assertThat(literal("3")).isEqualTo(new IntValue(3));
    assertThat(literal("-3")).isEqualTo(new IntValue(-3));
    assertThat(literal("3.5")).isEqualTo(new FloatValue(3.5));
    assertThat(literal(".5")).isEqualTo(new FloatValue(0.5));
    assertThat(literal("-.5")).isEqualTo(new FloatValue(-0.5));
    assertThat(literal("-3.25")).isEqualTo(new FloatValue(-3.25));
    assertThat(literal("1e3")).isEqualTo(new FloatValue(1000));
    assertThat(literal("2.5e-1")).isEqualTo(new FloatValue(0.25));
    assertThat(literal("3f")).isEqualTo(new FloatValue(3));
    assertThat(literal("1.10dec")).isEqualTo(new DecimalValue(new BigDecimal("1.1")));
    assertThat(literal("9223372036854775807")).isEqualTo(new IntValue(Long.MAX_VALUE));
    assertThat(literal("-9223372036854775808")).isEqualTo(new IntValue(Long.MIN_VALUE));
  }

  @Test
  void stringsDurationsDatetimesUuids() {
    assertThat(literal("'it\\'s'")).isEqualTo(new StringValue("it's"));
    assertThat(literal("\"a\\nb\\u0041\"")).isEqualTo(new StringValue("a\nbA"));
    assertThat(literal("1h30m")).isEqualTo(new DurationValue(Duration.ofMinutes(90)));
    assertThat(literal("1d2h3m4s5ms6us7ns"))
        .isEqualTo(
            new DurationValue(
                Duration.ofDays(1)
                    .plusHours(2)
                    .plusMinutes(3)
                    .plusSeconds(4)
                    .plusNanos(5_006_007)));
    assertThat(literal("2w")).isEqualTo(new DurationValue(Duration.ofDays(14)));
    assertThat(literal("1y")).isEqualTo(new DurationValue(Duration.ofDays(365)));
    assertThat(literal("3µs")).isEqualTo(new DurationValue(Duration.ofNanos(3000)));
    assertThat(literal("d\"2024-01-01T00:00:00Z\""))
        .isEqualTo(new DatetimeValue(Instant.parse("2024-01-01T00:00:00Z")));
    assertThat(literal("d'2024-01-01T02:00:00.5+02:00'"))
        .isEqualTo(new DatetimeValue(Instant.parse("2024-01-01T00:00:00.5Z")));
    assertThat(literal("d'2024-03-04'"))
        .isEqualTo(new DatetimeValue(Instant.parse("2024-03-04T00:00:00Z")));
    assertThat(literal("u'0190a7f0-0000-7000-8000-000000000000'"))
        .isEqualTo(new UuidValue(UUID.fromString("0190a7f0-0000-7000-8000-000000000000")));
    assertThat(literal("true")).isEqualTo(Value.TRUE);
    assertThat(literal("FALSE")).isEqualTo(Value.FALSE);
    assertThat(literal("NONE")).isEqualTo(Value.NONE);
    assertThat(literal("null")).isEqualTo(Value.NULL);
  }

  @Test
  void arraysObjectsParamsAndPaths() {
    Expr e =
        SurqlParser.parse("SELECT VALUE [1, 'a', {b: $x, 'c d': tags[0]}, $parent.id] FROM t")
            .projections()
            .stream()
            .map(p -> ((Projection.Field) p).expr())
            .findFirst()
            .orElseThrow();
    assertThat(e)
        .isEqualTo(
            new Expr.ArrayExpr(
                List.of(
                    lit(new IntValue(1)),
                    lit(new StringValue("a")),
                    new Expr.ObjectExpr(
                        List.of(
                            new Expr.ObjectExpr.Entry("b", new Expr.Param("x")),
                            new Expr.ObjectExpr.Entry(
                                "c d",
                                new Expr.FieldPath(
                                    List.of(new PathPart.Field("tags"), new PathPart.Index(0)))))),
                    new Expr.Access(new Expr.Param("parent"), List.of(new PathPart.Field("id"))))));
  }

  @Test
  void backtickAndBracketIdentifiersAreFieldNames() {
    assertThat(where("`select` = 1 AND ⟨the value⟩ = 2"))
        .isEqualTo(
            new Expr.Binary(
                BinaryOp.AND,
                new Expr.Binary(BinaryOp.EQ, path("select"), lit(new IntValue(1))),
                new Expr.Binary(BinaryOp.EQ, path("the value"), lit(new IntValue(2)))));
  }

  @Test
  void precedenceAndAssociativity() {
    // OR < AND < equality < relation < + - < * /
    assertThat(where("a = 1 OR b = 2 AND c = 3"))
        .isEqualTo(
            new Expr.Binary(
                BinaryOp.OR,
                new Expr.Binary(BinaryOp.EQ, path("a"), lit(new IntValue(1))),
                new Expr.Binary(
                    BinaryOp.AND,
                    new Expr.Binary(BinaryOp.EQ, path("b"), lit(new IntValue(2))),
                    new Expr.Binary(BinaryOp.EQ, path("c"), lit(new IntValue(3))))));
    assertThat(where("a - b - c"))
        .isEqualTo(
            new Expr.Binary(
                BinaryOp.SUB, new Expr.Binary(BinaryOp.SUB, path("a"), path("b")), path("c")));
    assertThat(where("a + b * c"))
        .isEqualTo(
            new Expr.Binary(
                BinaryOp.ADD, path("a"), new Expr.Binary(BinaryOp.MUL, path("b"), path("c"))));
    assertThat(where("a < 2 = true"))
        .isEqualTo(
            new Expr.Binary(
                BinaryOp.EQ,
                new Expr.Binary(BinaryOp.LT, path("a"), lit(new IntValue(2))),
                lit(Value.TRUE)));
    assertThat(where("(a OR b) && c || d"))
        .isEqualTo(
            new Expr.Binary(
                BinaryOp.OR,
                new Expr.Binary(
                    BinaryOp.AND, new Expr.Binary(BinaryOp.OR, path("a"), path("b")), path("c")),
                path("d")));
  }

  @Test
  void negationForms() {
    assertThat(where("!a")).isEqualTo(new Expr.Unary(UnaryOp.NOT, path("a")));
    assertThat(where("NOT (a = 1)"))
        .isEqualTo(
            new Expr.Unary(
                UnaryOp.NOT, new Expr.Binary(BinaryOp.EQ, path("a"), lit(new IntValue(1)))));
    assertThat(where("-a")).isEqualTo(new Expr.Unary(UnaryOp.NEG, path("a")));
    assertThat(where("- 3")).isEqualTo(new Expr.Unary(UnaryOp.NEG, lit(new IntValue(3))));
  }

  @ParameterizedTest
  @CsvSource(
      delimiterString = "=>",
      value = {
        "a = 1=>EQ",
        "a == 1=>EXACT_EQ",
        "a != 1=>NE",
        "a IS 1=>EQ",
        "a IS NOT 1=>NE",
        "a < 1=>LT",
        "a <= 1=>LE",
        "a > 1=>GT",
        "a >= 1=>GE",
        "a AND 1=>AND",
        "a && 1=>AND",
        "a OR 1=>OR",
        "a || 1=>OR",
        "a CONTAINS 1=>CONTAINS",
        "a CONTAINSNOT 1=>CONTAINS_NOT",
        "a CONTAINSALL 1=>CONTAINS_ALL",
        "a CONTAINSANY 1=>CONTAINS_ANY",
        "a CONTAINSNONE 1=>CONTAINS_NONE",
        "a INSIDE 1=>INSIDE",
        "a IN 1=>INSIDE",
        "a NOTINSIDE 1=>NOT_INSIDE",
        "a NOT IN 1=>NOT_INSIDE",
        "a ALLINSIDE 1=>ALL_INSIDE",
        "a ANYINSIDE 1=>ANY_INSIDE",
        "a NONEINSIDE 1=>NONE_INSIDE",
        "a + 1=>ADD",
        "a - 1=>SUB",
        "a * 1=>MUL",
        "a / 1=>DIV",
        "a contains 1=>CONTAINS",
      })
  void everyBinaryOperator(String condition, BinaryOp op) {
    assertThat(where(condition)).isEqualTo(new Expr.Binary(op, path("a"), lit(new IntValue(1))));
  }

  @Test
  void noneAndNullChecks() {
    assertThat(where("x IS NONE"))
        .isEqualTo(new Expr.Binary(BinaryOp.EQ, path("x"), lit(Value.NONE)));
    assertThat(where("x IS NOT NULL"))
        .isEqualTo(new Expr.Binary(BinaryOp.NE, path("x"), lit(Value.NULL)));
    assertThat(where("x != NONE"))
        .isEqualTo(new Expr.Binary(BinaryOp.NE, path("x"), lit(Value.NONE)));
  }

  @Test
  void functions() {
    assertThat(where("string::lowercase(name) = 'a' AND STRING::LEN(name) > 1"))
        .isEqualTo(
            new Expr.Binary(
                BinaryOp.AND,
                new Expr.Binary(
                    BinaryOp.EQ,
                    new Expr.FunctionCall("string::lowercase", List.of(path("name"))),
                    lit(new StringValue("a"))),
                new Expr.Binary(
                    BinaryOp.GT,
                    new Expr.FunctionCall("string::len", List.of(path("name"))),
                    lit(new IntValue(1)))));
    for (String fn :
        List.of(
            "string::uppercase(a)",
            "string::contains(a, 'x')",
            "string::starts_with(a, 'x')",
            "string::ends_with(a, 'x')",
            "array::len(a)",
            "math::abs(a)")) {
      assertThat(where(fn)).isInstanceOf(Expr.FunctionCall.class);
    }
  }

  @Test
  void groupByWithAggregates() {
    SelectStatement s =
        SurqlParser.parse(
            "SELECT city, count() AS n, math::sum(age), math::min(age), math::max(age),"
                + " math::mean(age), count(age > 3) FROM user GROUP BY city");
    assertThat(s.group()).isEqualTo(new Grouping.By(List.of(path("city"))));
    assertThat(s.projections()).hasSize(7);
    assertThat(((Projection.Field) s.projections().get(1)).expr())
        .isEqualTo(new Expr.FunctionCall("count", List.of()));
    assertThat(SurqlParser.parse("SELECT count() FROM user GROUP ALL").group())
        .isEqualTo(new Grouping.All());
    assertThat(SurqlParser.parse("SELECT a, b FROM t GROUP a, b").group())
        .isEqualTo(new Grouping.By(List.of(path("a"), path("b"))));
  }

  @Test
  void correlatedNestedSubqueries() {
    SelectStatement s =
        SurqlParser.parse(
            "SELECT *, (SELECT text, created, (SELECT VALUE name FROM user WHERE id = $parent.author) AS who"
                + " FROM comment WHERE post = $parent.id ORDER BY created DESC LIMIT 5) AS comments"
                + " FROM post");
    Projection.Field f = (Projection.Field) s.projections().get(1);
    assertThat(f.alias()).isEqualTo(path("comments"));
    SelectStatement inner = ((Expr.Subquery) f.expr()).select();
    assertThat(inner.from()).isEqualTo(new Source.Table("comment"));
    assertThat(inner.limit()).isEqualTo(5L);
    assertThat(inner.where())
        .isEqualTo(
            new Expr.Binary(
                BinaryOp.EQ,
                path("post"),
                new Expr.Access(new Expr.Param("parent"), List.of(new PathPart.Field("id")))));
    Projection.Field who = (Projection.Field) inner.projections().get(2);
    assertThat(((Expr.Subquery) who.expr()).select().value()).isTrue();
  }

  @Test
  void recordLinksAndAccessOnRecordIds() {
    assertThat(where("author.name = 'x'"))
        .isEqualTo(new Expr.Binary(BinaryOp.EQ, path("author", "name"), lit(new StringValue("x"))));
    assertThat(where("user:1.name = 'x'"))
        .isEqualTo(
            new Expr.Binary(
                BinaryOp.EQ,
                new Expr.Access(lit(RecordId.of("user", 1)), List.of(new PathPart.Field("name"))),
                lit(new StringValue("x"))));
  }

  @Test
  void commentsAndWhitespace() {
    assertThat(
            SurqlParser.parse(
                "-- leading\nSELECT /* inline */ name # trailing\n// more\nFROM user\n;\n  "))
        .isEqualTo(SurqlParser.parse("SELECT name FROM user"));
  }

  @ParameterizedTest
  @ValueSource(
      strings = {
        "SELECT * FROM user",
        "SELECT name, address.city AS c FROM user WHERE age >= -3 AND !(x != NONE) OR t CONTAINSANY ['a', 'b'] ORDER BY c DESC, name ASC LIMIT 10 START 2",
        "SELECT VALUE name FROM user:1, user:tobie, user:⟨a b⟩",
        "SELECT *, (SELECT * FROM comment WHERE post = $parent.id ORDER BY created DESC LIMIT 5) AS comments FROM post",
        "SELECT city, count() AS n, math::mean(age) FROM user GROUP BY city ORDER BY n DESC",
        "SELECT count() FROM t GROUP ALL",
        "SELECT (a + b) * c, -(a - b), a - (b - c), { a: 1, 'b c': [1.5f, 2dec, 'x\\'y'] }, d'2024-01-01T00:00:00Z', 1h30m, u'0190a7f0-0000-7000-8000-000000000000' FROM t",
        "SELECT tags[0] AS first FROM t WHERE string::len(name) > 3 AND name NOT IN ['x']",
        // `--` starts a line comment: a minus before a negated operand must print with a space.
        "SELECT (a + b) * - -c, - -1 AS m FROM t WHERE - -x > 0",
        // An object key that starts with a digit would lex as a number: it must print quoted.
        "SELECT { a: 1, '1eb': [1.5, .5], '2': 3 } AS o FROM t",
      })
  void printedTextParsesToTheSameTree(String q) {
    SelectStatement s = SurqlParser.parse(q);
    assertThat(SurqlParser.parse(SurqlPrinter.print(s))).isEqualTo(s);
  }

  @Test
  void printsDefaultFieldNamesAsSurrealDb() {
    // Observed on SurrealDB 3.0 for the same projections.
    SelectStatement s =
        SurqlParser.parse(
            "SELECT string::lowercase(name), age + 1, [1,2], count(), $x, age * 1.5, (a + 1) * 2,"
                + " -3 + a, 1e3 + a, a IN [1], {a: 1}, tags[0] = 'x', 1h30m FROM t GROUP ALL");
    assertThat(s.projections().stream().map(p -> ((Projection.Field) p).outputPath().head()))
        .containsExactly(
            "string::lowercase",
            "age + 1",
            "[1, 2]",
            "count",
            "x",
            "age * 1.5f",
            "(a + 1) * 2",
            "-3 + a",
            "1000f + a",
            "a INSIDE [1]",
            "{ a: 1 }",
            "tags[0] = 'x'",
            "1h30m");
  }

  // ------------------------------------------------------------------ rejected input

  @ParameterizedTest
  @CsvSource(
      delimiter = '|',
      quoteCharacter = '"',
      value = {
        "SELECT name FROM user FETCH author|unsupported: FETCH|1|23",
        "SELECT name FROM user SPLIT tags|unsupported: SPLIT|1|23",
        "SELECT name FROM user TIMEOUT 1s|unsupported: TIMEOUT|1|23",
        "SELECT name FROM user PARALLEL|unsupported: PARALLEL|1|23",
        "SELECT name FROM user TEMPFILES|unsupported: TEMPFILES|1|23",
        "SELECT name FROM user EXPLAIN|unsupported: EXPLAIN|1|23",
        "SELECT name FROM user WITH NOINDEX|unsupported: WITH|1|23",
        "SELECT * OMIT password FROM user|unsupported: OMIT|1|10",
        "SELECT * FROM ONLY user:1|unsupported: FROM ONLY|1|15",
        "SELECT name FROM user ORDER BY name COLLATE|unsupported: ORDER BY ... COLLATE|1|37",
        "SELECT name FROM user ORDER BY name NUMERIC|unsupported: ORDER BY ... NUMERIC|1|37",
        "SELECT name FROM user ORDER BY RAND()|unsupported: ORDER BY RAND()|1|32",
        "SELECT name FROM user WHERE time::now() > d'2020-01-01'|time::now() is not allowed in a live view|1|29",
        "SELECT name FROM user WHERE rand() > 0.5|rand() is not allowed|1|29",
        "SELECT name FROM user WHERE rand::int() > 5|rand::int() is not allowed|1|29",
        "SELECT name FROM user WHERE type::thing('a', 1) = id|unsupported: function type::thing()|1|29",
        "SELECT count() FROM user|aggregate function count() needs GROUP BY or GROUP ALL|1|8",
        "SELECT math::sum(a) FROM user|aggregate function math::sum() needs GROUP|1|8",
        "SELECT a FROM t WHERE count() > 1 GROUP ALL|must be a whole projection|1|23",
        "SELECT count() + 1 FROM t GROUP ALL|must be a whole projection|1|8",
        "SELECT name FROM user ORDER BY age|ORDER BY age must also be in the SELECT list|1|32",
        "SELECT address FROM user ORDER BY address.city|ORDER BY address.city must also be in the SELECT list|1|35",
        "SELECT name, count() FROM user GROUP BY city|GROUP BY city must also be in the SELECT list|1|41",
        "SELECT * FROM user GROUP ALL|unsupported: SELECT * with GROUP|1|8",
        "SELECT VALUE count() FROM user GROUP ALL|unsupported: SELECT VALUE with GROUP|1|14",
        "SELECT name FROM user; SELECT 1 FROM t|only one statement is allowed|1|24",
        "SELECT name FROM user;;|only one statement is allowed|1|23",
        "SELECT name FROM a, b|unsupported: FROM several tables|1|21",
        "SELECT name FROM $t|unsupported: FROM a parameter|1|18",
        "SELECT name FROM (SELECT * FROM t)|unsupported: FROM a subquery|1|18",
        "SELECT name FROM user LIMIT $n|unsupported: LIMIT with a parameter|1|29",
        "SELECT name FROM user LIMIT -1|expected a non-negative integer after LIMIT|1|29",
        "SELECT name FROM user LIMIT 1.5|expected a non-negative integer after LIMIT|1|29",
        "SELECT name FROM user LIMIT 1 LIMIT 2|duplicate LIMIT|1|31",
        "SELECT ->likes->post FROM user|unsupported: operator `->`|1|8",
        "SELECT name FROM user WHERE a ?= 1|unsupported: operator `?=`|1|31",
        "SELECT name FROM user WHERE a ~ 'x'|unsupported: operator `~`|1|31",
        "SELECT name FROM user WHERE a @@ 'x'|unsupported: operator `@`|1|31",
        "SELECT name FROM user WHERE a OUTSIDE b|unsupported: operator OUTSIDE|1|31",
        "SELECT name FROM user WHERE tags[WHERE x = 1]|unsupported: `[` other than a constant index|1|33",
        "SELECT name FROM user WHERE tags[*] = 1|unsupported: `[` other than a constant index|1|33",
        "SELECT a.* FROM user|unsupported: `.*`|1|10",
        "SELECT name.len() FROM user|unsupported: method call `.len()`|1|13",
        "SELECT tags[0] FROM user|a projected path with an index needs an alias|1|8",
        "SELECT name FROM user WHERE NOT a|NOT must be followed by a parenthesized expression|1|29",
        "SELECT name FROM user WHERE a NOT b|did you mean NOT IN|1|31",
        "SELECT name FROM user WHERE SELECT|a subquery must be in parentheses|1|29",
        "SELECT name FROM user WHERE 'abc|unterminated string|1|29",
        "SELECT name FROM user WHERE a = 12abc|invalid duration or number `12abc`|1|33",
        "SELECT name FROM user WHERE a = 99999999999999999999|integer out of range|1|33",
        "SELECT name FROM user WHERE a = d'not a date'|invalid datetime literal|1|33",
        "SELECT name FROM user WHERE a = u'xyz'|invalid uuid literal|1|33",
        "SELECT name FROM user WHERE a = 'x\\q'|invalid escape|1|35",
        "SELECT name FROM user WHERE a = §|unexpected character `§`|1|33",
        "SELECT name FROM user WHERE /* open|unterminated comment|1|29",
        "SELECT name FROM user WHERE a = {b: 1, b: 2}|duplicate object key `b`|1|40",
        "SELECT string::len(a, b) FROM user|string::len() takes 1 argument, got 2|1|8",
        "SELECT name FROM user WHERE (a = 1|expected `)`|1|35",
        "SELECT name FROM user WHERE|expected an expression|1|28",
        "SELECT FROM user|unexpected `user`, expected FROM|1|13",
        "SELECT name user|expected FROM|1|13",
        "UPDATE user SET a = 1|expected SELECT|1|1",
        "SELECT name FROM user:[1, 2]|unsupported: array and object record keys|1|23",
        "SELECT VALUE a, b FROM t|SELECT VALUE takes exactly one expression|1|15",
        "SELECT VALUE a AS b FROM t|SELECT VALUE takes no alias|1|16",
        "SELECT *, name AS n FROM t|unsupported: renaming a field next to *|1|11",
        "SELECT *, count AS n.m FROM t|unsupported: a dotted alias next to *|1|11",
        "SELECT name FROM user WHERE a = $|expected a parameter name after `$`|1|33",
      })
  void rejectsWithPosition(String query, String message, int line, int column) {
    assertThatThrownBy(() -> SurqlParser.parse(query))
        .isInstanceOfSatisfying(
            SurqlParseException.class,
            e -> {
              assertThat(e.getMessage()).contains(message);
              assertThat(e.getMessage()).endsWith(" at " + line + ":" + column);
              assertThat(e.line()).as("line of %s", e.getMessage()).isEqualTo(line);
              assertThat(e.column()).as("column of %s", e.getMessage()).isEqualTo(column);
            });
  }

  @Test
  void reportsLineAndColumnOnLaterLines() {
    assertThatThrownBy(() -> SurqlParser.parse("SELECT name\nFROM user\n  WHERE a = 1\n  FETCH b"))
        .isInstanceOfSatisfying(
            SurqlParseException.class,
            e -> {
              assertThat(e.getMessage()).isEqualTo("unsupported: FETCH at 4:3");
              assertThat(e.reason()).isEqualTo("unsupported: FETCH");
              assertThat(e.line()).isEqualTo(4);
              assertThat(e.column()).isEqualTo(3);
            });
  }

  @Test
  void deepNestingIsAParseErrorNotAStackOverflow() {
    for (String open : List.of("(", "[", "!", "- ", "(SELECT VALUE ")) {
      String q = "SELECT VALUE " + open.repeat(50_000) + "1 FROM t";
      assertThatThrownBy(() -> SurqlParser.parse(q))
          .as(open)
          .isInstanceOf(SurqlParseException.class)
          .hasMessageContaining("nested too deeply");
    }
    assertThat(
            SurqlParser.parse("SELECT VALUE " + "(".repeat(50) + "1" + ")".repeat(50) + " FROM t"))
        .isNotNull();
  }
}
