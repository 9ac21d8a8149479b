package io.spooky.core.encoding;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.spooky.core.digest.ContentDigest;
import io.spooky.core.value.ObjectValue;
import io.spooky.core.value.RandomValues;
import io.spooky.core.value.RecordId;
import io.spooky.core.value.StringValue;
import io.spooky.core.value.Value;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import org.junit.jupiter.api.Test;

/**
 * The encoder's shortcuts (the ASCII flag a {@link StringValue} remembers, the shared {@link
 * NameCache} of keys and tables) produce exactly the bytes of the plain {@link ReferenceEncoder},
 * on a value's first encoding and on every later one, from one thread or several.
 */
class EncoderShortcutsTest {
  private static final long SEED = Long.getLong("tests.seed", System.nanoTime());

  /**
   * Strings of every length around the short/long boundary (32 chars) and far beyond, mixing ASCII
   * with {@code '?'}, Latin-1, other BMP chars and surrogate pairs, sometimes with an unpaired
   * surrogate.
   */
  private static String string(Random r, boolean allowBroken) {
    int n = r.nextInt(4) == 0 ? r.nextInt(3_000) : r.nextInt(70);
    StringBuilder sb = new StringBuilder(n);
    int mix = r.nextInt(4);
    for (int i = 0; i < n; i++) {
      int p = r.nextInt(100);
      if (mix == 0 || p < 80) {
        sb.append((char) (' ' + r.nextInt(95)));
      } else if (p < 85) {
        sb.append('?');
      } else if (p < 90) {
        sb.append((char) (0x80 + r.nextInt(0x80)));
      } else if (p < 95) {
        sb.append((char) (0x100 + r.nextInt(0xD000)));
      } else {
        sb.appendCodePoint(0x10000 + r.nextInt(0x10000));
      }
    }
    if (allowBroken && r.nextInt(8) == 0) {
      sb.insert(r.nextInt(sb.length() + 1), (char) (0xD800 + r.nextInt(0x800)));
    }
    return sb.toString();
  }

  private static Value record(Random r, RandomValues gen, boolean allowBroken) {
    Map<String, Value> fields = new HashMap<>();
    int n = r.nextInt(8);
    for (int i = 0; i < n; i++) {
      String key = r.nextBoolean() ? gen.string() : string(r, allowBroken);
      Value v =
          switch (r.nextInt(4)) {
            case 0 -> Value.of(string(r, allowBroken));
            case 1 -> new RecordId(string(r, allowBroken), Value.of(string(r, allowBroken)));
            case 2 -> Value.array(Value.of(string(r, allowBroken)), gen.any(2));
            default -> gen.any(3);
          };
      fields.put(key, v);
    }
    return ObjectValue.of(fields);
  }

  /** The reference bytes, or null if the value has no encoding. */
  private static byte[] reference(Value v) {
    try {
      return ReferenceEncoder.encode(v);
    } catch (IllegalArgumentException noUtf8) {
      return null;
    }
  }

  private static void assertEncodesAs(Value v, byte[] expected, EncodingBuffer buf) {
    if (expected == null) {
      assertThatThrownBy(() -> CanonicalEncoding.encode(v, buf))
          .as("%s seed=%d", v, SEED)
          .isInstanceOf(IllegalArgumentException.class);
    } else {
      buf.reset();
      CanonicalEncoding.encode(v, buf);
      assertThat(buf.toByteArray()).as("%s seed=%d", v, SEED).isEqualTo(expected);
    }
  }

  @Test
  void firstAndLaterEncodingsMatchTheReferenceEncoder() {
    Random r = new Random(SEED);
    RandomValues gen = new RandomValues(SEED);
    EncodingBuffer buf = new EncodingBuffer(16);
    for (int i = 0; i < 3_000; i++) {
      Value v = record(r, gen, true);
      byte[] expected = reference(v);
      assertEncodesAs(v, expected, buf);
      assertEncodesAs(v, expected, buf);
      if (expected != null) {
        assertThat(CanonicalEncoding.encode(v)).isEqualTo(expected);
      }
    }
  }

  @Test
  void stringValuesEncodeAlikeBeforeAndAfterTheirAsciiCheck() {
    Random r = new Random(SEED);
    for (int i = 0; i < 5_000; i++) {
      String s = string(r, true);
      byte[] expected = reference(Value.of(s));
      StringValue fresh = new StringValue(s);
      StringValue checked = new StringValue(s);
      boolean ascii = s.chars().allMatch(c -> c < 0x80);
      assertThat(checked.isAscii()).as("isAscii of %s seed=%d", s, SEED).isEqualTo(ascii);
      assertThat(checked.isAscii()).isEqualTo(ascii);
      EncodingBuffer buf = new EncodingBuffer(16);
      assertEncodesAs(fresh, expected, buf);
      assertEncodesAs(checked, expected, buf);
      assertEncodesAs(fresh, expected, buf);
    }
  }

  @Test
  void namesAreEncodedExactlyWhateverTheCacheHolds() {
    // Far more distinct names than the cache has slots, so slots are shared and overwritten; each
    // name is encoded as a key and as a table, and again after others have evicted it.
    Random r = new Random(SEED);
    // "Aa" and "BB" have the same String hash, so these share a slot whatever the table's size.
    List<String> names = new ArrayList<>(List.of("Aa", "BB", "AaAa", "BBBB", "AaBB", "BBAa"));
    for (int i = 0; i < NameCache.SIZE * 4; i++) {
      names.add(i % 3 == 0 ? "f" + i : string(r, true));
    }
    EncodingBuffer buf = new EncodingBuffer(16);
    for (int round = 0; round < 2; round++) {
      for (String name : names) {
        Value asKey = ObjectValue.of(Map.of(name, Value.TRUE));
        Value asTable = new RecordId(name, Value.of(1L));
        assertEncodesAs(asKey, reference(asKey), buf);
        assertEncodesAs(asTable, reference(asTable), buf);
        // An equal name in another String instance takes the same bytes.
        Value again = ObjectValue.of(Map.of(new String(name.toCharArray()), Value.TRUE));
        assertEncodesAs(again, reference(asKey), buf);
      }
    }
  }

  @Test
  void unpairedSurrogatesInNamesAreRejectedEveryTime() {
    for (String bad : List.of("a\uD800", "\uDC00", "?\uDBFF", "k\uD800" + "x".repeat(40))) {
      for (int i = 0; i < 3; i++) {
        assertThatThrownBy(() -> CanonicalEncoding.encode(ObjectValue.of(Map.of(bad, Value.NULL))))
            .isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> CanonicalEncoding.encode(new RecordId(bad, Value.of(1L))))
            .isInstanceOf(IllegalArgumentException.class);
      }
    }
  }

  @Test
  void threadsSharingValuesAndTheNameCacheAllGetTheReferenceBytes() throws Exception {
    Random r = new Random(SEED);
    RandomValues gen = new RandomValues(SEED);
    List<Value> values = new ArrayList<>();
    List<byte[]> expected = new ArrayList<>();
    while (values.size() < 400) {
      Value v = record(r, gen, false);
      values.add(v);
      expected.add(ReferenceEncoder.encode(v));
    }
    ExecutorService pool = Executors.newFixedThreadPool(4);
    try {
      List<Future<?>> done = new ArrayList<>();
      for (int t = 0; t < 4; t++) {
        int offset = t * 97;
        done.add(
            pool.submit(
                () -> {
                  EncodingBuffer buf = new EncodingBuffer(64);
                  for (int round = 0; round < 5; round++) {
                    for (int i = 0; i < values.size(); i++) {
                      int k = (i + offset) % values.size();
                      assertEncodesAs(values.get(k), expected.get(k), buf);
                      assertThat(ContentDigest.of(values.get(k)))
                          .isEqualTo(
                              ContentDigest.xxh3(
                                  withRecordDomain(expected.get(k)),
                                  0,
                                  expected.get(k).length + 1));
                    }
                  }
                }));
      }
      for (Future<?> f : done) {
        f.get();
      }
    } finally {
      pool.shutdownNow();
    }
  }

  private static byte[] withRecordDomain(byte[] encoding) {
    byte[] b = new byte[encoding.length + 1];
    b[0] = 0x01;
    System.arraycopy(encoding, 0, b, 1, encoding.length);
    return b;
  }
}
