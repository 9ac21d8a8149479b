package io.spooky.query.differential;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.spooky.core.value.ArrayValue;
import io.spooky.core.value.IntValue;
import io.spooky.core.value.ObjectValue;
import io.spooky.core.value.RecordId;
import io.spooky.core.value.Value;
import io.spooky.devdb.DevSurreal;
import io.spooky.devdb.DevSurrealEndpoint;
import io.spooky.query.eval.MemorySnapshot;
import io.spooky.query.eval.QueryEvaluator;
import io.spooky.query.parse.SurqlParseException;
import io.spooky.query.parse.SurqlParser;
import io.spooky.surreal.Credentials;
import io.spooky.surreal.SurrealClient;
import io.spooky.surreal.SurrealConfig;
import java.math.BigDecimal;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import org.junit.jupiter.api.Test;

/**
 * The one-shot evaluator against SurrealDB itself: random data (seeded; reproduce with {@code
 * -Dspooky.seed=<seed>}) is written to the dev SurrealDB, read back as the snapshot, and every
 * query of a library covering the supported subset must give exactly SurrealDB's result: same rows,
 * same order, same types (Java equality, so {@code 1} and {@code 1.0} differ).
 */
@DevSurreal
class SurrealDifferentialTest {

  /** Queries over tables user, post, comment; each is in the supported subset. */
  static final List<String> QUERIES =
      List.of(
          "SELECT * FROM user",
          "SELECT name, age FROM user WHERE age > 20",
          "SELECT name, address.city FROM user WHERE address.city = 'X' OR age < 10",
          "SELECT VALUE name FROM user WHERE tags CONTAINS 'a'",
          "SELECT name FROM user WHERE tags CONTAINSALL ['a', 'b']",
          "SELECT name FROM user WHERE tags CONTAINSANY ['b', 'c'] AND active = true",
          "SELECT name FROM user WHERE tags CONTAINSNONE ['a']",
          "SELECT name FROM user WHERE tags CONTAINSNOT 'b'",
          "SELECT name FROM user WHERE 'c' INSIDE tags",
          "SELECT name FROM user WHERE ['a', 'c'] ALLINSIDE tags || ['b'] NONEINSIDE tags",
          "SELECT name FROM user WHERE ['a', 'x'] ANYINSIDE tags",
          "SELECT name FROM user WHERE name IN ['ann', 'bob']",
          "SELECT name FROM user WHERE name NOT IN ['ann', 'bob']",
          "SELECT name, age FROM user WHERE age IS NONE",
          "SELECT name FROM user WHERE age = NULL",
          "SELECT name FROM user WHERE age IS NOT NULL AND age != NONE && !(age >= 30)",
          "SELECT name FROM user WHERE NOT(active) OR age <= 12.5",
          "SELECT id, name, age FROM user ORDER BY age DESC, name, id",
          "SELECT id, name, age FROM user ORDER BY name, age, id LIMIT 5 START 2",
          "SELECT * FROM user ORDER BY address.city DESC, age, id",
          "SELECT name AS n, address.city AS c, id FROM user ORDER BY c, n DESC, id",
          "SELECT VALUE id FROM user ORDER BY id DESC LIMIT BY 4 START AT 1",
          "SELECT title, author.name FROM post",
          "SELECT title FROM post WHERE author.age > 20",
          "SELECT id, title, author.name AS who FROM post ORDER BY who, title, id LIMIT 7",
          "SELECT title, (SELECT id, text, created FROM comment WHERE post = $parent.id ORDER BY"
              + " created DESC, id LIMIT 3) AS comments FROM post",
          "SELECT id, (SELECT VALUE title FROM post WHERE author = $parent.id ORDER BY title) AS posts"
              + " FROM user",
          "SELECT title, (SELECT text, (SELECT VALUE name FROM user WHERE id = $parent.post.author)"
              + " AS who FROM comment WHERE post = $parent.id) AS cs FROM post WHERE n > 4",
          "SELECT address.city AS city, count() AS n FROM user GROUP BY city",
          "SELECT address.city AS city, count() AS n, math::sum(age) AS s, math::min(age) AS lo,"
              + " math::max(age) AS hi, math::mean(age) AS avg FROM user GROUP BY city ORDER BY n"
              + " DESC, city",
          "SELECT count() AS n, math::sum(n) AS total, count(n > 5) AS big FROM post GROUP ALL",
          "SELECT author, count() AS c FROM post GROUP BY author",
          "SELECT active, name FROM user GROUP BY active",
          "SELECT active, address.city AS city, count() FROM user GROUP BY active, city",
          "SELECT string::lowercase(name) AS l, string::uppercase(name) AS u, string::len(name) AS"
              + " len FROM user WHERE name != NONE",
          "SELECT VALUE array::len(tags) FROM user WHERE tags != NONE",
          "SELECT name, age + 1 AS next, age - 0.5 AS prev FROM user WHERE age != NONE AND age !="
              + " NULL",
          "SELECT * FROM user:1, user:3, user:999, user:2, user:s1",
          "SELECT id, name, age * 2 AS dbl, math::abs(age - 30) AS dist FROM user WHERE age > 0"
              + " ORDER BY dist, name, id",
          "SELECT name FROM user WHERE name != NONE AND (string::starts_with(name, 'a') OR"
              + " string::ends_with(name, 'e') OR string::contains(name, 'i'))",
          "SELECT VALUE { n: name, c: address.city } FROM user WHERE active",
          "SELECT name FROM user WHERE address.city IS NOT NONE LIMIT 3",
          "SELECT *, string::len(name) AS len FROM user WHERE age < 20 AND name != NONE",
          "SELECT *, author.name AS who, title AS title FROM post",
          "SELECT * FROM post ORDER BY author.name DESC, id",
          "SELECT id, title, author.name AS who FROM post ORDER BY who DESC, title, id",
          "SELECT author.name AS who, count() AS c FROM post GROUP BY who ORDER BY who DESC",
          "SELECT name, tags FROM user WHERE tags = [] OR (tags != NONE AND array::len(tags) > 2)",
          "SELECT name FROM user WHERE age >= $min AND age <= $max",
          "SELECT id, title, n FROM post WHERE n - 3 > 2 ORDER BY n DESC, title, id",
          "SELECT count() AS c, author.address.city AS city FROM post GROUP BY city",
          "SELECT name, nope, address.zip FROM user WHERE id = user:2 OR id = user:s1",
          "SELECT tags[0] AS first, tags.len AS x FROM user",
          "SELECT VALUE [age, age = 3, age < 'a', age = 3.0] FROM user",
          "SELECT name FROM user WHERE born < d'2000-01-01T00:00:00Z'",
          "SELECT VALUE score FROM user WHERE score > 1.5",
          "SELECT id, score + 1 AS s1, score * 2 AS s2, score - age AS s3 FROM user WHERE score !="
              + " NONE AND age > 0",
          "SELECT math::sum(score) AS s, math::min(score) AS lo, math::max(born) AS hb FROM user"
              + " GROUP ALL",
          "SELECT name FROM user WHERE id IN (SELECT VALUE author FROM post WHERE n > 5)",
          "SELECT name FROM user WHERE array::len((SELECT id FROM post WHERE author = $parent.id))"
              + " > 1",
          "SELECT title FROM post WHERE author.tags CONTAINS 'a'",
          "SELECT name FROM user WHERE name > 'b' AND name <= 'ivy'",
          "SELECT name FROM user WHERE active == true OR age == NULL",
          "SELECT VALUE [name, -age, age / 2, age * 1.5] FROM user WHERE age > 0",
          "SELECT name, born + 1d AS next, born - 1h30m AS prev FROM user WHERE born != NONE",
          "SELECT VALUE born FROM user ORDER BY born DESC",
          "SELECT name FROM user WHERE score IN [1.5dec, 2, 2.5] OR born = NONE");

  private static final String[] NAMES = {"ann", "bob", "Cid", "dee", "eve", "", "ivy"};
  private static final String[] CITIES = {"X", "Y", "Z"};
  private static final String[] TAGS = {"a", "b", "c"};

  @Test
  void evaluatorAgreesWithSurrealDb(DevSurrealEndpoint db) {
    long seed = Long.getLong("spooky.seed", System.nanoTime());
    Random rnd = new Random(seed);
    try (SurrealClient s =
        SurrealClient.connect(config(db.withDatabase(db.database() + "_diff")))) {
      for (int round = 0; round < 4; round++) {
        run(
            s,
            "REMOVE TABLE IF EXISTS user; REMOVE TABLE IF EXISTS post; REMOVE TABLE IF EXISTS comment;",
            Map.of());
        populate(s, rnd);
        List<ObjectValue> records = new ArrayList<>();
        for (String table : List.of("user", "post", "comment")) {
          for (Value r : ((ArrayValue) run(s, "SELECT * FROM " + table, Map.of())).items()) {
            records.add((ObjectValue) r);
          }
        }
        MemorySnapshot snapshot = MemorySnapshot.of(records);
        Map<String, Value> params = new LinkedHashMap<>();
        params.put("min", new IntValue(rnd.nextInt(30)));
        params.put("max", new IntValue(30 + rnd.nextInt(30)));
        for (String q : QUERIES) {
          Value expected = run(s, q, params);
          List<Value> actual = QueryEvaluator.evaluate(SurqlParser.parse(q), params, snapshot);
          assertThat(new ArrayValue(actual))
              .as(
                  "seed=%d round=%d query=%s%nSurrealDB: %s%nevaluator: %s",
                  seed, round, q, expected, actual)
              .isEqualTo(expected);
        }
      }
    }
  }

  /** Statements SurrealDB 3 refuses to parse are refused here too, not given a meaning. */
  @Test
  void refusesWhatSurrealDbRefuses(DevSurrealEndpoint db) {
    List<String> refused =
        List.of(
            "SELECT name FROM user ORDER BY age",
            "SELECT address FROM user ORDER BY address.city",
            "SELECT VALUE name FROM user ORDER BY age",
            "SELECT name, count() FROM user GROUP BY address.city",
            "SELECT name FROM user WHERE NOT active");
    try (SurrealClient s = SurrealClient.connect(config(db))) {
      run(
          s,
          "CREATE user:1 SET name = 'a', age = 1, address = {city: 'X'}, active = true",
          Map.of());
      for (String q : refused) {
        assertThatThrownBy(() -> s.queryValue(q, Map.of())).as("SurrealDB on %s", q).isNotNull();
        assertThatThrownBy(() -> SurqlParser.parse(q))
            .as("parser on %s", q)
            .isInstanceOf(SurqlParseException.class);
      }
    }
  }

  private static SurrealConfig config(DevSurrealEndpoint db) {
    return SurrealConfig.builder(db.rpcUrl())
        .credentials(Credentials.root(db.username(), db.password()))
        .namespace(db.namespace())
        .database(db.database())
        .requestTimeout(Duration.ofSeconds(30))
        .build();
  }

  private static void populate(SurrealClient s, Random rnd) {
    int users = 12 + rnd.nextInt(8);
    for (int i = 1; i <= users + 2; i++) {
      RecordId id = i <= users ? RecordId.of("user", i) : RecordId.of("user", "s" + (i - users));
      Map<String, Object> u = new LinkedHashMap<>();
      if (rnd.nextInt(10) > 0) {
        u.put("name", Value.of(NAMES[rnd.nextInt(NAMES.length)]));
      }
      switch (rnd.nextInt(10)) {
        case 0, 1 -> {}
        case 2 -> u.put("age", Value.NULL);
        case 3, 4 -> u.put("age", Value.of(rnd.nextInt(60) + 0.5));
        default -> u.put("age", Value.of(rnd.nextInt(60)));
      }
      if (rnd.nextInt(10) < 7) {
        List<Value> tags = new ArrayList<>();
        for (int t = rnd.nextInt(4); t > 0; t--) {
          tags.add(Value.of(TAGS[rnd.nextInt(TAGS.length)]));
        }
        u.put("tags", Value.array(tags));
      }
      if (rnd.nextInt(10) < 8) {
        u.put(
            "address",
            rnd.nextInt(5) == 0
                ? Value.object(Map.of("zip", Value.of(rnd.nextInt(100))))
                : Value.object(Map.of("city", Value.of(CITIES[rnd.nextInt(CITIES.length)]))));
      }
      u.put("active", Value.of(rnd.nextBoolean()));
      if (rnd.nextInt(10) < 6) {
        u.put(
            "born",
            Value.of(
                Instant.parse("1990-01-01T00:00:00Z").plusSeconds(rnd.nextInt(1_000_000_000))));
      }
      if (rnd.nextInt(10) < 4) {
        u.put("score", Value.of(BigDecimal.valueOf(rnd.nextInt(12), 1)));
      }
      run(s, "CREATE $id CONTENT $data", Map.of("id", id, "data", Value.object(asValues(u))));
    }
    int posts = 10 + rnd.nextInt(10);
    for (int i = 1; i <= posts; i++) {
      Map<String, Object> p = new LinkedHashMap<>();
      p.put("author", RecordId.of("user", 1 + rnd.nextInt(users + 3)));
      p.put("title", Value.of("t" + rnd.nextInt(posts)));
      p.put("n", Value.of(rnd.nextInt(11)));
      run(
          s,
          "CREATE $id CONTENT $data",
          Map.of("id", RecordId.of("post", i), "data", Value.object(asValues(p))));
    }
    int comments = 20 + rnd.nextInt(20);
    for (int i = 1; i <= comments; i++) {
      Map<String, Object> c = new LinkedHashMap<>();
      c.put("post", RecordId.of("post", 1 + rnd.nextInt(posts + 2)));
      c.put("created", Value.of(rnd.nextInt(30)));
      c.put("text", Value.of("c" + i));
      run(
          s,
          "CREATE $id CONTENT $data",
          Map.of("id", RecordId.of("comment", i), "data", Value.object(asValues(c))));
    }
  }

  /** Runs one statement (the last result is returned), naming it when SurrealDB fails. */
  private static Value run(SurrealClient s, String q, Map<String, ?> params) {
    try {
      return s.queryValue(q, params);
    } catch (RuntimeException e) {
      throw new AssertionError("SurrealDB failed on: " + q + " with " + params, e);
    }
  }

  private static Map<String, Value> asValues(Map<String, Object> m) {
    Map<String, Value> out = new LinkedHashMap<>();
    m.forEach((k, v) -> out.put(k, (Value) v));
    return out;
  }
}
