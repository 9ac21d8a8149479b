package io.spooky.sonar.collection;

import com.fasterxml.jackson.databind.JsonNode;
import io.spooky.sonar.feed.FeedKey;
import io.spooky.sonar.feed.FeedStore;
import io.spooky.sonar.record.RecordVersion;
import java.io.IOException;
import java.io.InputStream;

/**
 * A stored file: its {@code sonar/file} record and a way to stream any byte range of its content
 * from the collection's blob feed. Streams read one chunk (block) at a time, so a file is never
 * held in memory whole. Immutable and thread-safe; each stream is for one thread.
 */
public final class FileHandle {
  private final RecordVersion record;
  private final FeedStore feeds;
  private final int feedId;
  private final long from;
  private final long length;
  private final int chunkSize;

  FileHandle(RecordVersion record, FeedStore feeds) {
    this.record = record;
    this.feeds = feeds;
    JsonNode v = record.record().value();
    JsonNode blob = v.path("blob");
    this.length = v.path("contentLength").asLong(-1);
    this.from = blob.path("from").asLong(-1);
    this.chunkSize = blob.path("chunkSize").asInt(0);
    long to = blob.path("to").asLong(-1);
    String id = record.record().id();
    if (length < 0 || from < 0 || chunkSize <= 0 || to - from != chunks(length, chunkSize)) {
      throw new FileUnavailableException("file " + id + " has a malformed blob reference");
    }
    Integer fid = feeds.idOf(FeedKey.parse(blob.path("feed").asText(null)));
    if (fid == null || feeds.length(fid) < to) {
      throw new FileUnavailableException(
          "the blocks of file " + id + " are not on this node (blob feed not replicated yet)");
    }
    this.feedId = fid;
  }

  static long chunks(long length, int chunkSize) {
    return (length + chunkSize - 1) / chunkSize;
  }

  /** The {@code sonar/file} record. */
  public RecordVersion record() {
    return record;
  }

  public String id() {
    return record.record().id();
  }

  public String filename() {
    return record.record().value().path("filename").asText(null);
  }

  public String contentType() {
    return record.record().value().path("contentType").asText(FileMeta.DEFAULT_CONTENT_TYPE);
  }

  public long contentLength() {
    return length;
  }

  /** SHA-256 of the content, 64 lowercase hex digits. */
  public String contentHash() {
    return record.record().value().path("contentHash").asText(null);
  }

  /** The whole content. */
  public InputStream open() {
    return open(0, length - 1);
  }

  /**
   * Bytes {@code from..toInclusive} of the content ({@code toInclusive} is clamped to the last
   * byte). An empty range ({@code toInclusive < from}) gives an empty stream.
   */
  public InputStream open(long fromByte, long toInclusive) {
    if (fromByte < 0) {
      throw new IllegalArgumentException("range start must be >= 0: " + fromByte);
    }
    long end = Math.min(toInclusive + 1, length);
    return new RangeStream(fromByte, Math.max(fromByte, end));
  }

  /** Streams {@code [pos, end)} chunk by chunk. */
  private final class RangeStream extends InputStream {
    private long pos;
    private final long end;
    private byte[] chunk;
    private long chunkIndex = -1;

    RangeStream(long pos, long end) {
      this.pos = pos;
      this.end = end;
    }

    @Override
    public int read() throws IOException {
      byte[] one = new byte[1];
      return read(one, 0, 1) < 0 ? -1 : one[0] & 0xff;
    }

    @Override
    public int read(byte[] b, int off, int len) throws IOException {
      if (len == 0) {
        return 0;
      }
      if (pos >= end) {
        return -1;
      }
      long idx = pos / chunkSize;
      if (idx != chunkIndex) {
        chunk = feeds.data(feedId, from + idx);
        long expected = Math.min(chunkSize, length - idx * chunkSize);
        if (chunk == null || chunk.length != expected) {
          throw new IOException("block " + (from + idx) + " of file " + id() + " is missing");
        }
        chunkIndex = idx;
      }
      int at = (int) (pos - idx * chunkSize);
      int n = (int) Math.min(Math.min(len, chunk.length - at), end - pos);
      System.arraycopy(chunk, at, b, off, n);
      pos += n;
      return n;
    }

    @Override
    public long skip(long n) {
      long s = Math.max(0, Math.min(n, end - pos));
      pos += s;
      return s;
    }
  }
}
