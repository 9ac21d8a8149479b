package io.spooky.log;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HexFormat;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The byte layout documented in docs/PROTOCOL.md section 7. */
class FrameTest {
  @TempDir Path dir;

  @Test
  void encodesTheDocumentedExample() {
    ByteBuffer buf = ByteBuffer.allocate(Frame.frameBytes(2));
    Frame.encode(buf, 1, new byte[] {0x68, 0x69});
    assertThat(HexFormat.of().formatHex(buf.array()))
        .isEqualTo("00000002" + "4260cc05" + "0000000000000001" + "6869");
  }

  @Test
  void aSegmentFileIsExactlyItsFramesAndTheIndexFileHasTheDocumentedShape() throws IOException {
    LogConfig config =
        LogConfig.defaults()
            .withFsyncPolicy(FsyncPolicy.NEVER)
            .withSegmentBytes(3 * 18)
            .withIndexIntervalBytes(18);
    try (EventLog log = EventLog.open(dir, config)) {
      for (int i = 0; i < 4; i++) {
        log.append(new byte[] {0x68, 0x69});
      }
    }
    byte[] segment = Files.readAllBytes(dir.resolve("00000000000000000001.log"));
    assertThat(segment).hasSize(3 * 18);
    ByteBuffer expected = ByteBuffer.allocate(3 * 18);
    for (long seq = 1; seq <= 3; seq++) {
      Frame.encode(expected, seq, new byte[] {0x68, 0x69});
    }
    assertThat(segment).isEqualTo(expected.array());
    assertThat(dir.resolve("00000000000000000004.log")).hasSize(18);

    // Entries for the frames at 18 and 36: (relative seq 1, position 18), (2, 36), then the CRC.
    ByteBuffer index =
        ByteBuffer.wrap(Files.readAllBytes(dir.resolve("00000000000000000001.index")));
    assertThat(index.remaining()).isEqualTo(2 * 8 + 4);
    assertThat(index.getInt()).isEqualTo(1);
    assertThat(index.getInt()).isEqualTo(18);
    assertThat(index.getInt()).isEqualTo(2);
    assertThat(index.getInt()).isEqualTo(36);
    assertThat(index.getInt()).isEqualTo(Frame.crc(index.array(), 0, 16));
    assertThat(dir.resolve("00000000000000000004.index")).doesNotExist();
  }
}
