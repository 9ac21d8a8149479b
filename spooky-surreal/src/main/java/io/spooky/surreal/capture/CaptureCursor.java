package io.spooky.surreal.capture;

import java.nio.charset.StandardCharsets;
import java.util.Map;
import java.util.Optional;
import java.util.SortedMap;
import java.util.TreeMap;

/**
 * How far a {@link ChangeCapture} has delivered: per table, the versionstamp of the last change
 * handed to the consumer. A table without an entry is read from the start of its change feed.
 * Immutable; owned by the caller, who stores it (for example in a WAL) and passes it back to {@link
 * ChangeCapture#start} to resume exactly after the last delivered batch.
 *
 * <p>Text form ({@link #encode()}): {@code v1;table=versionstamp;table=versionstamp} with tables in
 * sorted order, e.g. {@code v1;order=117658317684015105;user=117658317683884032}. Table names
 * containing {@code ;}, {@code =} or {@code %} are percent-escaped.
 */
public record CaptureCursor(SortedMap<String, Versionstamp> tables) {
  private static final String VERSION = "v1";

  public CaptureCursor {
    tables = java.util.Collections.unmodifiableSortedMap(new TreeMap<>(tables));
  }

  /** The cursor that reads every table from the start of its feed. */
  public static CaptureCursor empty() {
    return new CaptureCursor(new TreeMap<>());
  }

  /** The last delivered versionstamp of {@code table}, if any. */
  public Optional<Versionstamp> of(String table) {
    return Optional.ofNullable(tables.get(table));
  }

  /** A copy with {@code table} advanced to {@code vs}. */
  public CaptureCursor with(String table, Versionstamp vs) {
    TreeMap<String, Versionstamp> copy = new TreeMap<>(tables);
    copy.put(table, vs);
    return new CaptureCursor(copy);
  }

  /** The text form; {@link #decode} reverses it. */
  public String encode() {
    StringBuilder sb = new StringBuilder(VERSION);
    for (Map.Entry<String, Versionstamp> e : tables.entrySet()) {
      sb.append(';').append(escape(e.getKey())).append('=').append(e.getValue().value());
    }
    return sb.toString();
  }

  public byte[] toBytes() {
    return encode().getBytes(StandardCharsets.UTF_8);
  }

  public static CaptureCursor fromBytes(byte[] bytes) {
    return decode(new String(bytes, StandardCharsets.UTF_8));
  }

  /**
   * Parses the text form.
   *
   * @throws IllegalArgumentException when {@code text} is not a cursor of a known version
   */
  public static CaptureCursor decode(String text) {
    String[] parts = text.split(";", -1);
    if (!parts[0].equals(VERSION)) {
      throw new IllegalArgumentException("not a v1 capture cursor: '" + text + "'");
    }
    TreeMap<String, Versionstamp> tables = new TreeMap<>();
    for (int i = 1; i < parts.length; i++) {
      int eq = parts[i].lastIndexOf('=');
      if (eq <= 0) {
        throw new IllegalArgumentException("bad cursor entry '" + parts[i] + "'");
      }
      try {
        Versionstamp vs = new Versionstamp(Long.parseLong(parts[i].substring(eq + 1)));
        if (tables.put(unescape(parts[i].substring(0, eq)), vs) != null) {
          throw new IllegalArgumentException("duplicate cursor entry '" + parts[i] + "'");
        }
      } catch (NumberFormatException e) {
        throw new IllegalArgumentException("bad versionstamp in '" + parts[i] + "'", e);
      }
    }
    return new CaptureCursor(tables);
  }

  private static String escape(String s) {
    return s.replace("%", "%25").replace(";", "%3B").replace("=", "%3D");
  }

  private static String unescape(String s) {
    return s.replace("%3D", "=").replace("%3B", ";").replace("%25", "%");
  }

  @Override
  public String toString() {
    return encode();
  }
}
