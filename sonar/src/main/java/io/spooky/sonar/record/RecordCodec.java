package io.spooky.sonar.record;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.ObjectReader;
import com.fasterxml.jackson.databind.ObjectWriter;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;

/**
 * Protobuf wire encoding of {@link Record} and {@link FeedHeader} blocks, written by hand (the
 * {@code .proto} messages are in docs/PROTOCOL.md section 6). Unknown fields are skipped on decode
 * so that later writers may add fields. Stateless and thread-safe.
 */
public final class RecordCodec {
  private static final ObjectMapper JSON = new ObjectMapper();
  private static final ObjectReader TREE = JSON.readerFor(JsonNode.class);
  private static final ObjectWriter WRITER = JSON.writer();

  private RecordCodec() {}

  /** Encodes a record as a {@code sonar.Record} message. */
  public static byte[] encode(Record r) {
    Writer w = new Writer();
    w.string(1, r.id());
    w.string(2, r.type());
    if (r.value() != null && !r.value().isNull()) {
      try {
        w.bytes(3, WRITER.writeValueAsBytes(r.value()));
      } catch (JsonProcessingException e) {
        throw new IllegalArgumentException("value is not serializable JSON", e);
      }
    }
    if (r.timestamp() != 0) {
      w.varintField(4, r.timestamp());
    }
    for (String link : r.links()) {
      w.string(5, link);
    }
    if (r.deleted()) {
      w.varintField(6, 1);
    }
    return w.toByteArray();
  }

  /** Decodes a {@code sonar.Record} message. */
  public static Record decodeRecord(byte[] data) {
    Reader rd = new Reader(data);
    String id = null;
    String type = null;
    JsonNode value = null;
    long ts = 0;
    List<String> links = new ArrayList<>();
    boolean deleted = false;
    while (rd.more()) {
      long tag = rd.varint();
      int field = (int) (tag >>> 3);
      int wire = (int) (tag & 7);
      switch (field) {
        case 1 -> id = rd.string(wire);
        case 2 -> type = rd.string(wire);
        case 3 -> value = parseJson(rd.bytes(wire));
        case 4 -> ts = rd.varintOf(wire);
        case 5 -> links.add(rd.string(wire));
        case 6 -> deleted = rd.varintOf(wire) != 0;
        default -> rd.skip(wire);
      }
    }
    if (id == null || type == null) {
      throw new MalformedBlockException("record block without id or type");
    }
    return new Record(id, type, value, ts, links, deleted);
  }

  /** Encodes a feed header as a {@code sonar.Header} message. */
  public static byte[] encode(FeedHeader h) {
    Writer w = new Writer();
    w.string(1, h.type());
    if (h.metadata() != null && !h.metadata().isNull()) {
      try {
        w.bytes(2, WRITER.writeValueAsBytes(h.metadata()));
      } catch (JsonProcessingException e) {
        throw new IllegalArgumentException("metadata is not serializable JSON", e);
      }
    }
    return w.toByteArray();
  }

  /** Decodes a {@code sonar.Header} message. */
  public static FeedHeader decodeHeader(byte[] data) {
    Reader rd = new Reader(data);
    String type = null;
    JsonNode meta = null;
    while (rd.more()) {
      long tag = rd.varint();
      int field = (int) (tag >>> 3);
      int wire = (int) (tag & 7);
      switch (field) {
        case 1 -> type = rd.string(wire);
        case 2 -> meta = parseJson(rd.bytes(wire));
        default -> rd.skip(wire);
      }
    }
    if (type == null) {
      throw new MalformedBlockException("header block without type");
    }
    return new FeedHeader(type, meta);
  }

  private static JsonNode parseJson(byte[] b) {
    try {
      return TREE.readTree(b);
    } catch (IOException e) {
      throw new MalformedBlockException("record value is not JSON: " + e.getMessage());
    }
  }

  private static final class Writer {
    private final ByteArrayOutputStream out = new ByteArrayOutputStream(64);

    void varint(long v) {
      while ((v & ~0x7FL) != 0) {
        out.write((int) ((v & 0x7F) | 0x80));
        v >>>= 7;
      }
      out.write((int) v);
    }

    void varintField(int field, long v) {
      varint((long) field << 3);
      varint(v);
    }

    void bytes(int field, byte[] b) {
      varint(((long) field << 3) | 2);
      varint(b.length);
      out.writeBytes(b);
    }

    void string(int field, String s) {
      bytes(field, s.getBytes(StandardCharsets.UTF_8));
    }

    byte[] toByteArray() {
      return out.toByteArray();
    }
  }

  private static final class Reader {
    private final byte[] b;
    private int pos;

    Reader(byte[] b) {
      this.b = b;
    }

    boolean more() {
      return pos < b.length;
    }

    long varint() {
      long v = 0;
      for (int shift = 0; shift < 64; shift += 7) {
        if (pos >= b.length) {
          throw new MalformedBlockException("truncated varint");
        }
        byte x = b[pos++];
        v |= (long) (x & 0x7F) << shift;
        if ((x & 0x80) == 0) {
          return v;
        }
      }
      throw new MalformedBlockException("varint longer than 10 bytes");
    }

    long varintOf(int wire) {
      expect(wire, 0);
      return varint();
    }

    byte[] bytes(int wire) {
      expect(wire, 2);
      long n = varint();
      if (n < 0 || n > b.length - pos) {
        throw new MalformedBlockException("length-delimited field overruns the block");
      }
      byte[] out = java.util.Arrays.copyOfRange(b, pos, pos + (int) n);
      pos += (int) n;
      return out;
    }

    String string(int wire) {
      return new String(bytes(wire), StandardCharsets.UTF_8);
    }

    void skip(int wire) {
      switch (wire) {
        case 0 -> varint();
        case 1 -> advance(8);
        case 2 -> bytes(2);
        case 5 -> advance(4);
        default -> throw new MalformedBlockException("unsupported wire type " + wire);
      }
    }

    private void advance(int n) {
      if (n > b.length - pos) {
        throw new MalformedBlockException("fixed-width field overruns the block");
      }
      pos += n;
    }

    private static void expect(int wire, int want) {
      if (wire != want) {
        throw new MalformedBlockException("wire type " + wire + " where " + want + " expected");
      }
    }
  }
}
