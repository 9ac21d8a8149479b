package io.spooky.log;

import java.util.Arrays;

/**
 * One entry read from the log: its seq and its payload. The payload array is the reader's own copy;
 * the caller may keep or modify it. Equality compares payload contents.
 */
public record LogEntry(long seq, byte[] payload) {

  @Override
  public boolean equals(Object o) {
    return o instanceof LogEntry e && e.seq == seq && Arrays.equals(e.payload, payload);
  }

  @Override
  public int hashCode() {
    return Long.hashCode(seq) * 31 + Arrays.hashCode(payload);
  }

  @Override
  public String toString() {
    return "LogEntry[seq=" + seq + ", payload=" + payload.length + " bytes]";
  }
}
