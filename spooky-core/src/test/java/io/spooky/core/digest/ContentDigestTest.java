package io.spooky.core.digest;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.spooky.core.encoding.CanonicalEncoding;
import io.spooky.core.encoding.EncodingBuffer;
import io.spooky.core.value.RandomValues;
import io.spooky.core.value.RecordId;
import io.spooky.core.value.Value;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.Test;

class ContentDigestTest {
  private static final long SEED = Long.getLong("tests.seed", System.nanoTime());

  @Test
  void xxh3OfEmptyInputMatchesTheReferenceVector() {
    // XXH3_128bits("") from the xxHash reference implementation, canonical (big-endian) form.
    assertThat(ContentDigest.xxh3(new byte[0], 0, 0).hex())
        .isEqualTo("99aa06d3014798d86001c324468d497f");
  }

  @Test
  void digestIsXxh3OfTheDomainByteAndCanonicalEncoding() {
    Value v = Value.object(Map.of("name", Value.of("Tobie"), "age", Value.of(37L)));
    byte[] enc = CanonicalEncoding.encode(v);
    byte[] input = new byte[enc.length + 1];
    input[0] = 0x01;
    System.arraycopy(enc, 0, input, 1, enc.length);
    assertThat(ContentDigest.of(v)).isEqualTo(ContentDigest.xxh3(input, 0, input.length));
  }

  @Test
  void workedExamplesArePinned() {
    // The same figures are published in docs/PROTOCOL.md section 2; changing them is a format
    // break.
    assertThat(ContentDigest.of(Value.NONE).hex()).isEqualTo(WORKED_NONE);
    assertThat(ContentDigest.of(Value.of(1L)).hex()).isEqualTo(WORKED_ONE);
    assertThat(ContentDigest.of(Value.of("hello")).hex()).isEqualTo(WORKED_HELLO);
    Value tobie = Value.object(Map.of("name", Value.of("Tobie"), "age", Value.of(37L)));
    assertThat(ContentDigest.of(tobie).hex()).isEqualTo(WORKED_OBJECT);
    Digest leaf = ContentDigest.leaf(RecordId.of("user", "tobie"), ContentDigest.of(tobie));
    assertThat(leaf.hex()).isEqualTo(WORKED_LEAF);
    assertThat(ContentDigest.node(leaf, ContentDigest.of(Value.NONE)).hex()).isEqualTo(WORKED_NODE);
    assertThat(ContentDigest.node().hex()).isEqualTo(WORKED_EMPTY_NODE);
  }

  static final String WORKED_NONE = "4d6ac5b7d1a1655cab94ac0ace7276c0";
  static final String WORKED_ONE = "1891d6fcbe2c3152b1b274d3057bffe5";
  static final String WORKED_HELLO = "45ea1752270e688f36cec0531b665c19";
  static final String WORKED_OBJECT = "281eb991b3541cf7d3f6769ef45f07f2";
  static final String WORKED_LEAF = "3e2cc3f486581a927b6bf7ad2d5930dd";
  static final String WORKED_NODE = "7d71e3b3cd40c9facfc34ac887e4b42b";
  static final String WORKED_EMPTY_NODE = "e6c4ef62301c39fa7462ed7b2cc08f56";

  @Test
  void domainsAreSeparated() {
    Digest version = ContentDigest.of(Value.NONE);
    RecordId id = RecordId.of("t", 1);
    Set<Digest> all =
        Set.of(
            version,
            ContentDigest.of(id),
            ContentDigest.leaf(id, version),
            ContentDigest.node(version),
            ContentDigest.node());
    assertThat(all).hasSize(5);
  }

  @Test
  void digestsIgnoreInsertionOrderButSeeEveryChange() {
    Map<String, Value> a = new LinkedHashMap<>();
    a.put("x", Value.of(1L));
    a.put("y", Value.of(2L));
    Map<String, Value> b = new LinkedHashMap<>();
    b.put("y", Value.of(2L));
    b.put("x", Value.of(1L));
    assertThat(ContentDigest.of(Value.object(a))).isEqualTo(ContentDigest.of(Value.object(b)));
    assertThat(ContentDigest.of(Value.of(1L))).isNotEqualTo(ContentDigest.of(Value.of(1.0)));

    RandomValues gen = new RandomValues(SEED);
    Set<String> encodings = new HashSet<>();
    Set<Digest> digests = new HashSet<>();
    EncodingBuffer scratch = new EncodingBuffer();
    for (int i = 0; i < 5_000; i++) {
      Value v = gen.any(3);
      Digest d = ContentDigest.of(v, scratch);
      assertThat(d).as("scratch and fresh agree, seed=%d", SEED).isEqualTo(ContentDigest.of(v));
      encodings.add(java.util.HexFormat.of().formatHex(CanonicalEncoding.encode(v)));
      digests.add(d);
    }
    assertThat(digests)
        .as("distinct values get distinct digests, seed=%d", SEED)
        .hasSameSizeAs(encodings);
  }

  @Test
  void nodeOrderMatters() {
    Digest x = ContentDigest.of(Value.of(1L));
    Digest y = ContentDigest.of(Value.of(2L));
    assertThat(ContentDigest.node(x, y)).isNotEqualTo(ContentDigest.node(y, x));
    assertThat(ContentDigest.node(List.of(x, y))).isEqualTo(ContentDigest.node(x, y));
  }

  @Test
  void hexAndBytesFormsRoundTrip() {
    Digest d = ContentDigest.of(Value.of("hello"));
    assertThat(Digest.fromHex(d.hex())).isEqualTo(d);
    assertThat(Digest.fromHex(d.hex().toUpperCase())).isEqualTo(d);
    assertThat(Digest.fromBytes(d.bytes())).isEqualTo(d);
    assertThat(d.toString()).isEqualTo(d.hex()).hasSize(32);
    assertThat(java.util.HexFormat.of().formatHex(d.bytes())).isEqualTo(d.hex());
    assertThatThrownBy(() -> Digest.fromHex("abc")).isInstanceOf(IllegalArgumentException.class);
    assertThatThrownBy(() -> Digest.fromBytes(new byte[3]))
        .isInstanceOf(IllegalArgumentException.class);
  }
}
