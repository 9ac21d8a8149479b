package io.spooky.core.encoding;

import io.spooky.core.value.StringValue;

/**
 * The UTF-8 bytes of recently encoded names (object keys and record id tables), which repeat from
 * record to record, so that {@link EncodingBuffer#writeName} copies them instead of transcoding.
 *
 * <p>A fixed table of {@value #SIZE} slots indexed by the name's hash; a slot holds the last name
 * that hashed to it, so the memory is bounded (names of up to {@value #MAX_CHARS} chars only; at
 * most about 250 KB with the names it keeps alive, ~80 KB for short ASCII keys) and a stream of
 * names that thrashes the table only costs speed (one {@code getBytes} per name, as without it).
 * Thread-safe without locks: a slot holds an immutable {@link Entry} whose final fields make its
 * bytes visible to any thread that reads the slot; two threads racing on a slot both store correct
 * entries.
 */
final class NameCache {
  /** Slots in the table; a power of two. */
  static final int SIZE = 1024;

  /** Longer names are not cached (they are rare as keys, and cost more to keep). */
  static final int MAX_CHARS = 32;

  private static final Entry[] TABLE = new Entry[SIZE];

  private record Entry(String name, byte[] utf8) {}

  private NameCache() {}

  /**
   * The UTF-8 bytes of {@code name} (the caller must not modify them), or null if the name is too
   * long to cache.
   *
   * @throws IllegalArgumentException if the name contains an unpaired surrogate
   */
  static byte[] utf8(String name) {
    int h = name.hashCode();
    int slot = (h ^ (h >>> 16)) & (SIZE - 1);
    Entry e = TABLE[slot];
    if (e != null && (e.name == name || e.name.equals(name))) {
      return e.utf8;
    }
    if (name.length() > MAX_CHARS) {
      return null;
    }
    byte[] b = StringValue.utf8(name);
    TABLE[slot] = new Entry(name, b);
    return b;
  }
}
