package io.spooky.core.encoding;

/**
 * Thrown when bytes handed to {@link CanonicalEncoding#decode} are not the canonical encoding of
 * any value: truncated, trailing garbage, an unknown tag, invalid UTF-8, or a non-canonical form
 * (an overlong varint, an unnormalized decimal, a non-canonical NaN, unsorted or duplicate object
 * keys). The input should be treated as corrupt; {@link #offset()} says where decoding stopped.
 */
public final class CanonicalEncodingException extends RuntimeException {
  private final int offset;

  public CanonicalEncodingException(String message, int offset) {
    super(message + " (at byte " + offset + ")");
    this.offset = offset;
  }

  public CanonicalEncodingException(String message, int offset, Throwable cause) {
    super(message + " (at byte " + offset + ")", cause);
    this.offset = offset;
  }

  /** The byte offset in the input at which the malformation was detected. */
  public int offset() {
    return offset;
  }
}
