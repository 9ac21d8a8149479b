package io.spooky.core.value;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Duration;
import java.util.Random;
import org.junit.jupiter.api.Test;

class DurationsTest {
  private static final long SEED = Long.getLong("tests.seed", System.nanoTime());

  @Test
  void formatsAsSurrealDbPrints() {
    assertThat(Durations.format(Duration.ZERO)).isEqualTo("0ns");
    assertThat(Durations.format(Duration.ofMinutes(90))).isEqualTo("1h30m");
    assertThat(Durations.format(Duration.ofSeconds(90))).isEqualTo("1m30s");
    assertThat(Durations.format(Duration.ofMillis(500))).isEqualTo("500ms");
    assertThat(Durations.format(Duration.ofNanos(1_000))).isEqualTo("1µs");
    assertThat(
            Durations.format(
                Duration.ofDays(365 + 14 + 3)
                    .plusHours(4)
                    .plusMinutes(5)
                    .plusSeconds(6)
                    .plusNanos(7_008_009)))
        .isEqualTo("1y2w3d4h5m6s7ms8µs9ns");
    assertThat(new DurationValue(Duration.ofDays(7)).toString()).isEqualTo("1w");
  }

  @Test
  void parsesSurrealDbLiterals() {
    assertThat(Durations.parse("1h30m")).isEqualTo(Duration.ofMinutes(90));
    assertThat(Durations.parse("10m")).isEqualTo(Duration.ofMinutes(10));
    assertThat(Durations.parse("1d")).isEqualTo(Duration.ofDays(1));
    assertThat(Durations.parse("500ms")).isEqualTo(Duration.ofMillis(500));
    assertThat(Durations.parse("1µs")).isEqualTo(Duration.ofNanos(1_000));
    assertThat(Durations.parse("1μs")).isEqualTo(Duration.ofNanos(1_000));
    assertThat(Durations.parse("1us")).isEqualTo(Duration.ofNanos(1_000));
    assertThat(Durations.parse("1ns")).isEqualTo(Duration.ofNanos(1));
    assertThat(Durations.parse("1w")).isEqualTo(Duration.ofDays(7));
    assertThat(Durations.parse("1y")).isEqualTo(Duration.ofDays(365));
    assertThat(Durations.parse("90s")).isEqualTo(Duration.ofSeconds(90));
    assertThat(Durations.parse("0ns")).isEqualTo(Duration.ZERO);
    assertThat(Durations.parse("2500000us")).isEqualTo(Duration.ofMillis(2500));
  }

  @Test
  void rejectsWhatIsNotADuration() {
    for (String bad :
        new String[] {
          "", "h", "1", "1x", "1h 2m", "-1s", "1.5s", "99999999999999999999y", "9999999999999y"
        }) {
      assertThatThrownBy(() -> Durations.parse(bad))
          .as("'%s'", bad)
          .isInstanceOf(IllegalArgumentException.class);
    }
  }

  @Test
  void formatAndParseRoundTrip() {
    Random r = new Random(SEED);
    for (int i = 0; i < 10_000; i++) {
      Duration d =
          Duration.ofSeconds(
              r.nextBoolean() ? r.nextLong(0, 1L << 40) : r.nextInt(100_000),
              r.nextBoolean() ? r.nextInt(1_000_000_000) : r.nextInt(3) * 1_000_000);
      assertThat(Durations.parse(Durations.format(d))).as("%s seed=%d", d, SEED).isEqualTo(d);
    }
    Duration max = Duration.ofSeconds(Long.MAX_VALUE, 999_999_999);
    assertThat(Durations.parse(Durations.format(max))).isEqualTo(max);
  }
}
