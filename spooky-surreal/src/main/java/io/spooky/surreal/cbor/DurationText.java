package io.spooky.surreal.cbor;

import java.time.Duration;

/**
 * Parses SurrealDB's duration text ({@code 1y2w3d4h5m6s7ms8us9ns}; {@code µs} is accepted for
 * microseconds; a year is 365 days, as in SurrealDB).
 */
final class DurationText {
  private DurationText() {}

  static Duration parse(String s) {
    if (s.isEmpty()) {
      throw new IllegalArgumentException("empty duration");
    }
    Duration total = Duration.ZERO;
    int i = 0;
    while (i < s.length()) {
      int digits = i;
      while (i < s.length() && Character.isDigit(s.charAt(i))) {
        i++;
      }
      if (i == digits) {
        throw new IllegalArgumentException("expected a number at " + digits + " in '" + s + "'");
      }
      long n = Long.parseLong(s.substring(digits, i));
      int unitStart = i;
      while (i < s.length() && !Character.isDigit(s.charAt(i))) {
        i++;
      }
      String unit = s.substring(unitStart, i);
      Duration part =
          switch (unit) {
            case "ns" -> Duration.ofNanos(n);
            case "us", "µs" -> Duration.ofNanos(Math.multiplyExact(n, 1000L));
            case "ms" -> Duration.ofMillis(n);
            case "s" -> Duration.ofSeconds(n);
            case "m" -> Duration.ofMinutes(n);
            case "h" -> Duration.ofHours(n);
            case "d" -> Duration.ofDays(n);
            case "w" -> Duration.ofDays(Math.multiplyExact(n, 7L));
            case "y" -> Duration.ofDays(Math.multiplyExact(n, 365L));
            default ->
                throw new IllegalArgumentException("unknown unit '" + unit + "' in '" + s + "'");
          };
      total = total.plus(part);
    }
    return total;
  }
}
