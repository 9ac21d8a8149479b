package io.spooky.core.value;

import java.time.Duration;

/**
 * SurrealDB duration literals: formatting as SurrealDB prints them and parsing what it accepts.
 *
 * <p>A duration prints as its non-zero components from years down to nanoseconds, each a number
 * followed by its unit: {@code y} (365 days), {@code w} (7 days), {@code d}, {@code h}, {@code m},
 * {@code s}, {@code ms}, {@code µs}, {@code ns}; zero prints as {@code 0ns}. So 5400 seconds is
 * {@code 1h30m}. Parsing accepts any sequence of such components (also {@code us} and Greek {@code
 * μs} for microseconds), in any order, summing them: {@code 90s} parses, and formats back as {@code
 * 1m30s}.
 */
public final class Durations {
  private static final long MINUTE = 60;
  private static final long HOUR = 60 * MINUTE;
  private static final long DAY = 24 * HOUR;
  private static final long WEEK = 7 * DAY;
  private static final long YEAR = 365 * DAY;

  private Durations() {}

  /** The SurrealDB text of a (non-negative) duration, e.g. {@code 1y2w3d4h5m6s7ms8µs9ns}. */
  public static String format(Duration d) {
    if (d.isNegative()) {
      throw new IllegalArgumentException("SurrealDB durations are never negative: " + d);
    }
    long secs = d.getSeconds();
    int nanos = d.getNano();
    if (secs == 0 && nanos == 0) {
      return "0ns";
    }
    StringBuilder sb = new StringBuilder(24);
    append(sb, secs / YEAR, "y");
    secs %= YEAR;
    append(sb, secs / WEEK, "w");
    secs %= WEEK;
    append(sb, secs / DAY, "d");
    secs %= DAY;
    append(sb, secs / HOUR, "h");
    secs %= HOUR;
    append(sb, secs / MINUTE, "m");
    append(sb, secs % MINUTE, "s");
    append(sb, nanos / 1_000_000, "ms");
    append(sb, nanos / 1_000 % 1_000, "µs");
    append(sb, nanos % 1_000, "ns");
    return sb.toString();
  }

  private static void append(StringBuilder sb, long n, String unit) {
    if (n > 0) {
      sb.append(n).append(unit);
    }
  }

  /**
   * Parses a SurrealDB duration literal such as {@code 1h30m}, {@code 500ms} or {@code 1µs}.
   *
   * @throws IllegalArgumentException if the text is not a duration literal or overflows
   */
  public static Duration parse(String text) {
    if (text.isEmpty()) {
      throw new IllegalArgumentException("empty duration");
    }
    Duration total = Duration.ZERO;
    int i = 0;
    int n = text.length();
    while (i < n) {
      int start = i;
      while (i < n && text.charAt(i) >= '0' && text.charAt(i) <= '9') {
        i++;
      }
      if (i == start) {
        throw new IllegalArgumentException("expected digits at " + start + " in '" + text + "'");
      }
      long amount;
      try {
        amount = Long.parseLong(text, start, i, 10);
      } catch (NumberFormatException e) {
        throw new IllegalArgumentException("duration component too large in '" + text + "'", e);
      }
      int unitStart = i;
      while (i < n && !(text.charAt(i) >= '0' && text.charAt(i) <= '9')) {
        i++;
      }
      String unit = text.substring(unitStart, i);
      try {
        total = total.plus(component(amount, unit, text));
      } catch (ArithmeticException e) {
        throw new IllegalArgumentException("duration overflows: '" + text + "'", e);
      }
    }
    return total;
  }

  private static Duration component(long amount, String unit, String text) {
    return switch (unit) {
      case "ns" -> Duration.ofNanos(amount);
      case "us", "µs", "μs" -> Duration.ofSeconds(amount / 1_000_000, amount % 1_000_000 * 1_000);
      case "ms" -> Duration.ofMillis(amount);
      case "s" -> Duration.ofSeconds(amount);
      case "m" -> Duration.ofSeconds(Math.multiplyExact(amount, MINUTE));
      case "h" -> Duration.ofSeconds(Math.multiplyExact(amount, HOUR));
      case "d" -> Duration.ofSeconds(Math.multiplyExact(amount, DAY));
      case "w" -> Duration.ofSeconds(Math.multiplyExact(amount, WEEK));
      case "y" -> Duration.ofSeconds(Math.multiplyExact(amount, YEAR));
      default ->
          throw new IllegalArgumentException(
              "unknown duration unit '" + unit + "' in '" + text + "'");
    };
  }
}
