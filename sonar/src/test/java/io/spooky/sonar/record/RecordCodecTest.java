package io.spooky.sonar.record;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.spooky.sonar.feed.FeedKeyPair;
import java.util.HexFormat;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;

class RecordCodecTest {
  @Test
  void encodesTheDocumentedWireFormat() {
    ObjectNode v = new ObjectMapper().createObjectNode().put("a", 1);
    Record r = new Record("x", "t/n@1", v, 300, List.of("l"), true);
    // field 1 "x", field 2 "t/n@1", field 3 {"a":1}, field 4 varint 300, field 5 "l", field 6 true
    assertThat(HexFormat.of().formatHex(RecordCodec.encode(r)))
        .isEqualTo(
            "0a0178" + "1205742f6e4031" + "1a077b2261223a317d" + "20ac02" + "2a016c" + "3001");
  }

  @Test
  void roundTripsRandomRecordsAndSkipsUnknownFields() {
    long seed = System.nanoTime();
    Random rnd = new Random(seed);
    ObjectMapper m = new ObjectMapper();
    for (int i = 0; i < 200; i++) {
      ObjectNode v = m.createObjectNode().put("s", "v" + rnd.nextInt()).put("n", rnd.nextDouble());
      List<String> links =
          rnd.nextBoolean()
              ? List.of()
              : List.of(FeedKeyPair.generate().key().hex() + "@" + rnd.nextInt(1000));
      boolean deleted = rnd.nextInt(5) == 0;
      Record r =
          new Record(
              "id" + i,
              "ns/t@" + rnd.nextInt(9),
              deleted ? null : v,
              rnd.nextLong(),
              links,
              deleted);
      byte[] enc = RecordCodec.encode(r);
      // An unknown field 15 (varint) appended by a newer writer is ignored.
      byte[] withUnknown = new byte[enc.length + 2];
      System.arraycopy(enc, 0, withUnknown, 0, enc.length);
      withUnknown[enc.length] = (byte) (15 << 3);
      withUnknown[enc.length + 1] = 7;
      assertThat(RecordCodec.decodeRecord(withUnknown)).as("seed %d", seed).isEqualTo(r);
    }
  }

  @Test
  void rejectsMalformedBlocks() {
    assertThatThrownBy(() -> RecordCodec.decodeRecord(new byte[] {0x0a, 0x05, 0x41}))
        .isInstanceOf(MalformedBlockException.class);
    assertThatThrownBy(() -> RecordCodec.decodeRecord(new byte[] {0x0a, 0x01, 0x41}))
        .isInstanceOf(MalformedBlockException.class)
        .hasMessageContaining("without id or type");
    FeedHeader h = new FeedHeader(FeedHeader.ROOT, new ObjectMapper().createObjectNode());
    assertThat(RecordCodec.decodeHeader(RecordCodec.encode(h)).type()).isEqualTo("sonar.root");
  }

  @Test
  void parsesBlockAddresses() {
    String key = FeedKeyPair.generate().key().hex();
    assertThat(BlockAddress.parse(key + "@12").seq()).isEqualTo(12);
    for (String bad : List.of("", key, key + "@", key + "@-1", key + "@1@2", "abc@1", key + "@x")) {
      assertThatThrownBy(() -> BlockAddress.parse(bad))
          .as(bad)
          .isInstanceOf(MalformedAddressException.class);
    }
  }
}
