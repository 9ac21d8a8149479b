package io.spooky.surreal.cbor;

import io.spooky.core.value.Value;
import java.util.List;

/**
 * Converts between {@link Value}s and the CBOR bytes of SurrealDB's RPC protocol (RFC 8949 with
 * SurrealDB's tags). Stateless and thread-safe.
 *
 * <pre>{@code
 * byte[] bytes = Cbor.encode(Value.object(Map.of("id", RecordId.of("user", 1))));
 * Value back = Cbor.decode(bytes); // equal to the original
 * }</pre>
 *
 * <p>Every value type round-trips exactly. Decoding also accepts the alternative forms SurrealDB
 * and other clients send (datetime and duration as text under tags 0 and 13, uuid as text under tag
 * 9, half and single precision floats, indefinite-length items, CBOR {@code undefined} as NONE).
 * Tag 7 (a table name) decodes to a {@link io.spooky.core.value.StringValue}, since the value model
 * has no table type. Record id ranges (tags 49-51) and futures (tag 15) are rejected: they are
 * query syntax, never stored values. Malformed input of any kind throws {@link CborException};
 * nesting deeper than {@value #MAX_DEPTH} is rejected so hostile input cannot exhaust the stack.
 */
public final class Cbor {
  /** Deepest nesting of arrays, maps and tags that {@link #decode} accepts. */
  public static final int MAX_DEPTH = 256;

  private Cbor() {}

  /** The CBOR encoding of {@code value}. */
  public static byte[] encode(Value value) {
    CborEncoder encoder = new CborEncoder(64);
    encoder.write(value);
    return encoder.toByteArray();
  }

  /**
   * An RPC request envelope {@code {id, method, params}}. Each parameter is a {@link Value} or a
   * {@link TableName} (encoded under tag 7).
   */
  public static byte[] encodeRequest(long id, String method, List<?> params) {
    CborEncoder encoder = new CborEncoder(128);
    encoder.writeRequest(id, method, params);
    return encoder.toByteArray();
  }

  /**
   * The value that {@code bytes} encode: exactly one CBOR item, with no trailing bytes.
   *
   * @throws CborException when the bytes are not one well-formed item denoting a SurrealDB value
   */
  public static Value decode(byte[] bytes) {
    return decode(bytes, 0, bytes.length);
  }

  /** Like {@link #decode(byte[])} over {@code bytes[offset, offset + length)}. */
  public static Value decode(byte[] bytes, int offset, int length) {
    return new CborDecoder(bytes, offset, length, MAX_DEPTH).decodeSingle();
  }
}
