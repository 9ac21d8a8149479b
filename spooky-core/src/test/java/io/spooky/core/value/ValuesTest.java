package io.spooky.core.value;

import static org.assertj.core.api.Assertions.assertThat;

import java.math.BigDecimal;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.UUID;
import org.junit.jupiter.api.Test;

class ValuesTest {
  private static final long SEED = Long.getLong("tests.seed", System.nanoTime());

  private static Value dec(String s) {
    return Value.of(new BigDecimal(s));
  }

  private static Value arr(Value... items) {
    return Value.array(items);
  }

  @Test
  void crossTypeOrderFollowsSurrealTypeRank() {
    List<Value> expected =
        List.of(
            Value.NONE,
            Value.NULL,
            Value.FALSE,
            Value.TRUE,
            Value.of(-1e300),
            Value.of(0L),
            dec("0.5"),
            Value.of(1e300),
            Value.of(""),
            Value.of("a"),
            Value.of(Duration.ofNanos(1)),
            Value.of(Instant.parse("1900-01-01T00:00:00Z")),
            Value.of(Instant.parse("2024-01-01T00:00:00Z")),
            Value.of(new UUID(0, 0)),
            arr(),
            arr(Value.of(1L)),
            ObjectValue.EMPTY,
            new GeometryValue(GeometryValue.Kind.POINT, arr(Value.of(0.0), Value.of(0.0))),
            new BytesValue(new byte[] {0}),
            RecordId.of("a", 1));
    assertSortsTo(expected);
  }

  @Test
  void numbersCompareByValueAcrossIntFloatAndDecimal() {
    assertThat(Values.equal(Value.of(1L), Value.of(1.0))).isTrue();
    assertThat(Values.equal(Value.of(1.0), dec("1.000"))).isTrue();
    assertThat(Values.equal(Value.of(1L), dec("1"))).isTrue();
    assertThat(Values.equal(Value.of(0.1), dec("0.1"))).isTrue();
    assertThat(Values.equal(Value.of(-0.0), Value.of(0L))).isTrue();
    assertThat(Values.equal(Value.of(-0.0), Value.of(0.0))).isTrue();
    assertThat(Values.equal(Value.of(Double.NaN), Value.of(Double.NaN))).isTrue();
    assertThat(Values.equal(Value.of(1L), Value.of(1.5))).isFalse();
    assertSortsTo(
        List.of(
            Value.of(Double.NEGATIVE_INFINITY),
            dec("-1e400"),
            Value.of(Long.MIN_VALUE),
            Value.of(-1.5),
            Value.of(-1L),
            dec("-0.999999999999999999999999"),
            Value.of(0L),
            Value.of(Double.MIN_VALUE),
            dec("1.0000000000000000000000001"),
            Value.of(1.5),
            Value.of(2L),
            Value.of(9007199254740993L),
            Value.of(Long.MAX_VALUE),
            dec("1e400"),
            Value.of(Double.POSITIVE_INFINITY),
            Value.of(Double.NaN)));
  }

  @Test
  void equalNumbersHashAlike() {
    List<Value> ones = List.of(Value.of(1L), Value.of(1.0), dec("1"), dec("1.000"), dec("0.1e1"));
    for (Value v : ones) {
      assertThat(Values.hashCode(v)).isEqualTo(Values.hashCode(Value.of(1L)));
    }
    assertThat(Values.hashCode(Value.of(2.5))).isEqualTo(Values.hashCode(dec("2.50")));
    assertThat(Values.hashCode(Value.of(-0.0))).isEqualTo(Values.hashCode(Value.of(0L)));
    assertThat(Values.hashCode(arr(Value.of(1L), Value.of("x"))))
        .isEqualTo(Values.hashCode(arr(Value.of(1.0), Value.of("x"))));
  }

  @Test
  void keysGroupBySurrealEquality() {
    java.util.Map<Values.Key, Integer> groups = new java.util.HashMap<>();
    for (Value v : List.of(Value.of(1L), Value.of(1.0), dec("1.00"), Value.of(2L), Value.of("1"))) {
      groups.merge(new Values.Key(v), 1, Integer::sum);
    }
    assertThat(groups)
        .containsEntry(new Values.Key(Value.of(1L)), 3)
        .containsEntry(new Values.Key(Value.of(2.0)), 1)
        .containsEntry(new Values.Key(Value.of("1")), 1)
        .hasSize(3);
    assertThat(new Values.Key(Value.of(1L))).isLessThan(new Values.Key(Value.of("1")));
  }

  @Test
  void stringsCompareByCodePointNotUtf16Unit() {
    String bmpHigh = "\uFFFD";
    String astral = "\uD83D\uDE00";
    assertThat(bmpHigh.compareTo(astral)).isPositive();
    assertThat(Values.compare(Value.of(bmpHigh), Value.of(astral))).isNegative();
    assertSortsTo(
        List.of(Value.of(""), Value.of("A"), Value.of("a"), Value.of("ab"), Value.of("b")));
  }

  @Test
  void arraysAndObjectsCompareLexicographically() {
    assertSortsTo(
        List.of(
            arr(),
            arr(Value.of(1L)),
            arr(Value.of(1L), Value.NONE),
            arr(Value.of(1L), Value.of(2L)),
            arr(Value.of(2L))));
    Value a1 = Value.object(Map.of("a", Value.of(1L)));
    Value a1b1 = Value.object(Map.of("a", Value.of(1L), "b", Value.of(1L)));
    Value a2 = Value.object(Map.of("a", Value.of(2L)));
    Value b0 = Value.object(Map.of("b", Value.of(0L)));
    assertSortsTo(List.of(ObjectValue.EMPTY, a1, a1b1, a2, b0));
    assertThat(Values.equal(a1, Value.object(Map.of("a", Value.of(1.0))))).isTrue();
  }

  @Test
  void objectKeysIterateInCodePointOrder() {
    ObjectValue o =
        Value.object(Map.of("\uD83D\uDE00", Value.NULL, "\uFFFD", Value.NULL, "b", Value.NULL));
    assertThat(o.fields().keySet()).containsExactly("b", "\uFFFD", "\uD83D\uDE00");
  }

  @Test
  void recordIdsCompareByTableThenKeyKind() {
    assertSortsTo(
        List.of(
            RecordId.of("a", "zzz"),
            RecordId.of("user", -5),
            RecordId.of("user", 10),
            RecordId.of("user", ""),
            RecordId.of("user", "a"),
            new RecordId("user", Value.of(new UUID(0, 1))),
            new RecordId("user", arr()),
            new RecordId("user", arr(Value.of("London"))),
            new RecordId("user", ObjectValue.EMPTY)));
  }

  @Test
  void uuidsAndBytesCompareUnsigned() {
    assertSortsTo(
        List.of(
            Value.of(new UUID(0, 0)),
            Value.of(new UUID(0, -1)),
            Value.of(new UUID(Long.MAX_VALUE, 0)),
            Value.of(new UUID(-1, -1))));
    assertSortsTo(
        List.of(
            new BytesValue(new byte[] {}),
            new BytesValue(new byte[] {1}),
            new BytesValue(new byte[] {1, 0}),
            new BytesValue(new byte[] {(byte) 0x80})));
  }

  @Test
  void geometriesCompareByKindThenCoordinates() {
    Value p00 = new GeometryValue(GeometryValue.Kind.POINT, arr(Value.of(0.0), Value.of(0.0)));
    Value p01 = new GeometryValue(GeometryValue.Kind.POINT, arr(Value.of(0.0), Value.of(1.0)));
    Value p10 = new GeometryValue(GeometryValue.Kind.POINT, arr(Value.of(1.0), Value.of(0.0)));
    Value line =
        new GeometryValue(
            GeometryValue.Kind.LINE,
            arr(arr(Value.of(-9.0), Value.of(0.0)), arr(Value.of(1.0), Value.of(1.0))));
    assertSortsTo(List.of(p00, p01, p10, line));
    assertThat(
            Values.equal(
                p10, new GeometryValue(GeometryValue.Kind.POINT, arr(Value.of(1L), Value.of(0L)))))
        .isTrue();
  }

  @Test
  void orderIsATotalOrderConsistentWithEqualAndHash() {
    RandomValues gen = new RandomValues(SEED);
    List<Value> values = new ArrayList<>();
    for (int i = 0; i < 400; i++) {
      values.add(gen.any(3));
    }
    for (Value a : values) {
      assertThat(Values.compare(a, a)).as("reflexive %s seed=%d", a, SEED).isZero();
      for (Value b : values) {
        int ab = Values.compare(a, b);
        int ba = Values.compare(b, a);
        assertThat(Integer.signum(ab))
            .as("antisymmetric %s vs %s seed=%d", a, b, SEED)
            .isEqualTo(-Integer.signum(ba));
        assertThat(Values.equal(a, b)).as("equal %s %s seed=%d", a, b, SEED).isEqualTo(ab == 0);
        if (ab == 0) {
          assertThat(Values.hashCode(a))
              .as("hash of equal %s %s seed=%d", a, b, SEED)
              .isEqualTo(Values.hashCode(b));
        }
      }
    }
    Random r = new Random(SEED);
    for (int i = 0; i < 200_000; i++) {
      Value a = values.get(r.nextInt(values.size()));
      Value b = values.get(r.nextInt(values.size()));
      Value c = values.get(r.nextInt(values.size()));
      if (Values.compare(a, b) <= 0 && Values.compare(b, c) <= 0) {
        assertThat(Values.compare(a, c))
            .as("transitive %s <= %s <= %s seed=%d", a, b, c, SEED)
            .isLessThanOrEqualTo(0);
      }
    }
  }

  @Test
  void numbersAreTransitiveAcrossRepresentations() {
    RandomValues gen = new RandomValues(SEED);
    List<Value> numbers = new ArrayList<>();
    for (int i = 0; i < 600; i++) {
      numbers.add(gen.number());
    }
    List<Value> sorted = new ArrayList<>(numbers);
    sorted.sort(Values.order());
    for (int i = 0; i < sorted.size(); i++) {
      for (int j = i + 1; j < sorted.size(); j++) {
        assertThat(Values.compare(sorted.get(i), sorted.get(j)))
            .as("%s before %s seed=%d", sorted.get(i), sorted.get(j), SEED)
            .isLessThanOrEqualTo(0);
      }
    }
  }

  private static void assertSortsTo(List<Value> expected) {
    for (int i = 0; i + 1 < expected.size(); i++) {
      assertThat(Values.compare(expected.get(i), expected.get(i + 1)))
          .as("%s < %s", expected.get(i), expected.get(i + 1))
          .isNegative();
    }
    List<Value> shuffled = new ArrayList<>(expected);
    Collections.shuffle(shuffled, new Random(SEED));
    shuffled.sort(Values.order());
    assertThat(shuffled).containsExactlyElementsOf(expected);
  }
}
