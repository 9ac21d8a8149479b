package io.spooky.ssp.jobs;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.util.Random;
import org.junit.jupiter.api.Test;

class BackoffTest {
  private static final Duration BASE = Duration.ofMillis(100);
  private static final Duration MAX = Duration.ofSeconds(5);

  @Test
  void nominalDelayDoublesUpToTheCap() {
    Backoff b = new Backoff(BASE, MAX, new Random(0));
    assertThat(b.nominal(1)).isEqualTo(Duration.ofMillis(100));
    assertThat(b.nominal(2)).isEqualTo(Duration.ofMillis(200));
    assertThat(b.nominal(6)).isEqualTo(Duration.ofMillis(3200));
    assertThat(b.nominal(7)).isEqualTo(MAX);
    assertThat(b.nominal(1_000)).as("no overflow for huge attempt counts").isEqualTo(MAX);
  }

  @Test
  void jitteredDelayStaysBetweenHalfAndTheNominalDelay() {
    long seed = new Random().nextLong();
    Backoff b = new Backoff(BASE, MAX, new Random(seed));
    boolean varied = false;
    Duration previous = null;
    for (int i = 0; i < 1_000; i++) {
      int attempt = 1 + i % 10;
      Duration nominal = b.nominal(attempt);
      Duration d = b.next(attempt, null);
      assertThat(d)
          .as("seed %d attempt %d", seed, attempt)
          .isBetween(nominal.dividedBy(2), nominal);
      if (attempt == 1 && previous != null && !previous.equals(d)) {
        varied = true;
      }
      if (attempt == 1) {
        previous = d;
      }
    }
    assertThat(varied).as("seed %d: jitter spreads the delays", seed).isTrue();
  }

  @Test
  void theSameSeedGivesTheSameDelays() {
    Backoff a = new Backoff(BASE, MAX, new Random(42));
    Backoff b = new Backoff(BASE, MAX, new Random(42));
    for (int attempt = 1; attempt < 20; attempt++) {
      assertThat(a.next(attempt, null)).isEqualTo(b.next(attempt, null));
    }
  }

  @Test
  void retryAfterRaisesTheDelayButNotPastTheCap() {
    Backoff b = new Backoff(BASE, MAX, new Random(7));
    assertThat(b.next(1, Duration.ofSeconds(2))).isEqualTo(Duration.ofSeconds(2));
    assertThat(b.next(1, Duration.ofMinutes(10))).isEqualTo(MAX);
    assertThat(b.next(1, Duration.ZERO)).isBetween(Duration.ofMillis(50), BASE);
  }
}
