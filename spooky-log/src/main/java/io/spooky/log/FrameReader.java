package io.spooky.log;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;

/**
 * Sequential, buffered reader of the frames of one segment between a start position and a limit.
 * Used by readers (limit = the committed size) and by recovery (limit = the file size).
 *
 * <p>Not thread-safe; one instance per scan. It reads with positional reads only, so many instances
 * may share one channel.
 */
final class FrameReader {
  /** What {@link #next} found at {@link #position()}. */
  enum Status {
    /** A complete frame whose CRC matches; {@link #seq()} and {@link #payload()} describe it. */
    FRAME,
    /** The limit was reached exactly at a frame boundary. */
    END,
    /** A frame starts but does not fit before the limit (a partial header or payload). */
    INCOMPLETE,
    /** A complete frame whose stored CRC does not match its seq and payload. */
    BAD_CRC
  }

  private static final int BUFFER_BYTES = 64 * 1024;

  private final FileChannel channel;
  private final long limit;
  private ByteBuffer buf = ByteBuffer.allocate(BUFFER_BYTES);
  private long bufStart;
  private long position;
  private long nextPosition;
  private long seq;
  private int payloadOffset;
  private int payloadLength;

  FrameReader(FileChannel channel, long position, long limit) {
    this.channel = channel;
    this.limit = limit;
    this.nextPosition = position;
    this.bufStart = position;
    buf.limit(0);
  }

  /** Advances to the frame after the current one and reports what is there. */
  Status next() throws IOException {
    position = nextPosition;
    if (position == limit) {
      return Status.END;
    }
    if (limit - position < Frame.HEADER_BYTES || !fill(Frame.HEADER_BYTES)) {
      return Status.INCOMPLETE;
    }
    int at = (int) (position - bufStart);
    long length = Integer.toUnsignedLong(buf.getInt(at));
    if (length > Frame.MAX_PAYLOAD_BYTES || limit - position < Frame.HEADER_BYTES + length) {
      return Status.INCOMPLETE;
    }
    int frameBytes = Frame.HEADER_BYTES + (int) length;
    if (!fill(frameBytes)) {
      return Status.INCOMPLETE;
    }
    at = (int) (position - bufStart);
    int storedCrc = buf.getInt(at + 4);
    int actualCrc = Frame.crc(buf.array(), at + 8, frameBytes - 8);
    seq = buf.getLong(at + 8);
    payloadOffset = at + Frame.HEADER_BYTES;
    payloadLength = (int) length;
    if (storedCrc != actualCrc) {
      return Status.BAD_CRC;
    }
    nextPosition = position + frameBytes;
    return Status.FRAME;
  }

  /** Start of the frame (or of the damage) that the last {@link #next} reported on. */
  long position() {
    return position;
  }

  long seq() {
    return seq;
  }

  int payloadLength() {
    return payloadLength;
  }

  /** A copy of the current frame's payload; valid only after {@link Status#FRAME}. */
  byte[] payload() {
    byte[] out = new byte[payloadLength];
    System.arraycopy(buf.array(), payloadOffset, out, 0, payloadLength);
    return out;
  }

  /**
   * Makes bytes [position, position + n) available in the buffer, reading ahead up to the buffer
   * size. Returns false if the file ends before them (it is shorter than the limit claimed).
   */
  private boolean fill(int n) throws IOException {
    if (position >= bufStart && position + n <= bufStart + buf.limit()) {
      return true;
    }
    if (n > buf.capacity()) {
      buf = ByteBuffer.allocate(n);
    }
    int want = (int) Math.min(buf.capacity(), limit - position);
    buf.clear().limit(want);
    bufStart = position;
    while (buf.position() < n) {
      int r = channel.read(buf, bufStart + buf.position());
      if (r < 0) {
        buf.flip();
        return false;
      }
    }
    buf.flip();
    return true;
  }
}
