package io.spooky.log;

import java.nio.ByteBuffer;
import java.util.zip.CRC32C;

/**
 * The on-disk frame of one log entry. All integers are big-endian; a segment file is nothing but
 * frames back to back, with no file header.
 *
 * <pre>
 * offset  size  field
 * 0       4     length   u32, payload length n in bytes (0 &le; n &le; {@link #MAX_PAYLOAD_BYTES})
 * 4       4     crc      u32, CRC-32C (Castagnoli, java.util.zip.CRC32C) over bytes [8, 16 + n):
 *                        the seq field followed by the payload
 * 8       8     seq      u64, the entry's sequence number
 * 16      n     payload  opaque bytes
 * </pre>
 *
 * <p>The CRC covers the seq so that a frame copied to the wrong place, or a stale frame left behind
 * by an interrupted truncation, cannot pass for the entry the reader expects. The length is not
 * covered: a damaged length shows up as a frame that overruns the file or fails its CRC.
 */
final class Frame {
  static final int HEADER_BYTES = 16;

  /**
   * Hard upper bound on a payload, independent of configuration, so that recovery never needs it.
   */
  static final int MAX_PAYLOAD_BYTES = (1 << 30) - HEADER_BYTES;

  private Frame() {}

  static int frameBytes(int payloadLength) {
    return HEADER_BYTES + payloadLength;
  }

  /** Appends one frame to {@code dst}, which must have {@link #frameBytes} bytes remaining. */
  static void encode(ByteBuffer dst, long seq, byte[] payload) {
    int start = dst.position();
    dst.putInt(payload.length);
    dst.putInt(0); // crc, patched below once seq and payload are in place
    dst.putLong(seq);
    dst.put(payload);
    int end = dst.position();
    int crc = crc(dst.duplicate().limit(end).position(start + 8));
    dst.putInt(start + 4, crc);
  }

  /** CRC-32C of the remaining bytes of {@code seqAndPayload} (which it consumes). */
  static int crc(ByteBuffer seqAndPayload) {
    CRC32C crc = new CRC32C();
    crc.update(seqAndPayload);
    return (int) crc.getValue();
  }

  static int crc(byte[] bytes, int offset, int length) {
    CRC32C crc = new CRC32C();
    crc.update(bytes, offset, length);
    return (int) crc.getValue();
  }
}
