package io.spooky.ivm.zset;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.Random;
import java.util.function.Function;
import java.util.function.Predicate;
import org.junit.jupiter.api.Test;

class ZSetTest {
  private static ZSet<Integer> random(Random r) {
    ZSet<Integer> z = new ZSet<>();
    int n = r.nextInt(8);
    for (int i = 0; i < n; i++) {
      z.add(r.nextInt(10), r.nextInt(5) - 2);
    }
    return z;
  }

  @Test
  void groupLaws() {
    long seed = System.nanoTime();
    Random r = new Random(seed);
    for (int i = 0; i < 2000; i++) {
      ZSet<Integer> a = random(r);
      ZSet<Integer> b = random(r);
      ZSet<Integer> c = random(r);
      String why = "seed=" + seed + " a=" + a + " b=" + b + " c=" + c;
      assertThat(a.plus(b)).as(why).isEqualTo(b.plus(a));
      assertThat(a.plus(b).plus(c)).as(why).isEqualTo(a.plus(b.plus(c)));
      assertThat(a.plus(a.negate()).isEmpty()).as(why).isTrue();
      assertThat(a.plus(new ZSet<>())).as(why).isEqualTo(a);
    }
  }

  @Test
  void filterAndMapAreLinear() {
    long seed = System.nanoTime();
    Random r = new Random(seed);
    Predicate<Integer> even = x -> x % 2 == 0;
    Function<Integer, Integer> half = x -> x / 2;
    for (int i = 0; i < 2000; i++) {
      ZSet<Integer> a = random(r);
      ZSet<Integer> b = random(r);
      String why = "seed=" + seed + " a=" + a + " b=" + b;
      assertThat(a.plus(b).filter(even)).as(why).isEqualTo(a.filter(even).plus(b.filter(even)));
      assertThat(a.plus(b).map(half)).as(why).isEqualTo(a.map(half).plus(b.map(half)));
      assertThat(a.negate().filter(even)).as(why).isEqualTo(a.filter(even).negate());
    }
  }

  @Test
  void zeroWeightsVanish() {
    ZSet<String> z = ZSet.of("a", "b");
    z.add("a", -1);
    assertThat(z.weights()).containsOnlyKeys("b");
    assertThat(z.weight("a")).isZero();
    assertThat(z.isSet()).isTrue();
    z.add("b", 1);
    assertThat(z.isSet()).isFalse();
  }
}
