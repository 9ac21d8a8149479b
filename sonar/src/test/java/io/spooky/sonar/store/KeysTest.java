package io.spooky.sonar.store;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.Random;
import org.junit.jupiter.api.Test;

class KeysTest {
  @Test
  void encodingsPreserveOrder() {
    long seed = System.nanoTime();
    Random rnd = new Random(seed);
    for (int i = 0; i < 5000; i++) {
      double a = rnd.nextBoolean() ? rnd.nextGaussian() * 1e6 : rnd.nextInt(5) - 2;
      double b = rnd.nextBoolean() ? rnd.nextGaussian() * 1e6 : rnd.nextInt(5) - 2;
      assertThat(Integer.signum(Arrays.compareUnsigned(Keys.f64(a), Keys.f64(b))))
          .as("seed %d: %s vs %s", seed, a, b)
          .isEqualTo(Integer.signum(Double.compare(a == 0 ? 0.0 : a, b == 0 ? 0.0 : b)));
      long x = rnd.nextLong();
      long y = rnd.nextLong();
      assertThat(Integer.signum(Arrays.compareUnsigned(Keys.i64(x), Keys.i64(y))))
          .as("seed %d", seed)
          .isEqualTo(Integer.signum(Long.compare(x, y)));
      String s = randomString(rnd);
      String t = randomString(rnd);
      byte[] es = Keys.str(s);
      byte[] et = Keys.str(t);
      assertThat(Integer.signum(Arrays.compareUnsigned(es, et)))
          .as("seed %d: '%s' vs '%s'", seed, s, t)
          .isEqualTo(
              Integer.signum(
                  Arrays.compareUnsigned(
                      s.getBytes(StandardCharsets.UTF_8), t.getBytes(StandardCharsets.UTF_8))));
      if (!s.equals(t)) {
        // Prefix-free: neither encoding starts with the other.
        assertThat(Arrays.mismatch(es, et)).isLessThan(Math.min(es.length, et.length));
      }
      int[] end = new int[1];
      assertThat(Keys.readStr(Keys.concat(es, new byte[] {9}), 0, end)).isEqualTo(s);
      assertThat(end[0]).isEqualTo(es.length);
    }
  }

  private static String randomString(Random rnd) {
    char[] c = new char[rnd.nextInt(4)];
    for (int i = 0; i < c.length; i++) {
      c[i] = "a\u0000b\u00ff".charAt(rnd.nextInt(4));
    }
    return new String(c);
  }

  @Test
  void prefixEndBoundsEveryExtension() {
    assertThat(Keys.prefixEnd(new byte[] {1, (byte) 0xFF})).containsExactly(2);
    assertThat(Keys.prefixEnd(new byte[] {(byte) 0xFF})).isNull();
  }
}
