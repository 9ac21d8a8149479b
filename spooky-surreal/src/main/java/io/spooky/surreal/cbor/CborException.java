package io.spooky.surreal.cbor;

/**
 * Thrown when bytes are not a well-formed CBOR item, or are well-formed CBOR that does not denote a
 * SurrealDB value (an unknown tag, a tag with the wrong content, a map key that is not a string).
 * The message names the byte offset at which decoding stopped.
 */
public final class CborException extends RuntimeException {
  private final int offset;

  CborException(String message, int offset) {
    super(message + " (at byte " + offset + ")");
    this.offset = offset;
  }

  /** The byte offset of the item that could not be decoded, or -1 when encoding failed. */
  public int offset() {
    return offset;
  }
}
