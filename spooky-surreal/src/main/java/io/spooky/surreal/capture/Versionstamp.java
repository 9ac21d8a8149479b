package io.spooky.surreal.capture;

/**
 * A position in SurrealDB's change feed: the versionstamp of a committed transaction, increasing
 * with commit order within a database. On SurrealDB 3.x the upper 48 bits are the commit's wall
 * clock in milliseconds since the epoch and the lower 16 bits a counter within that millisecond
 * (see {@link #epochMillis()}).
 */
public record Versionstamp(long value) implements Comparable<Versionstamp> {
  public Versionstamp {
    if (value < 0) {
      throw new IllegalArgumentException("versionstamps are non-negative: " + value);
    }
  }

  /** The commit's wall-clock time in milliseconds, as SurrealDB 3.x encodes it. */
  public long epochMillis() {
    return value >>> 16;
  }

  /** The position just after this one: the {@code SINCE} of the next read. */
  public Versionstamp next() {
    return new Versionstamp(value + 1);
  }

  @Override
  public int compareTo(Versionstamp o) {
    return Long.compare(value, o.value);
  }

  @Override
  public String toString() {
    return Long.toString(value);
  }
}
