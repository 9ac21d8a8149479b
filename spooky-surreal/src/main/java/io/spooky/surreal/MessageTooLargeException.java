package io.spooky.surreal;

/**
 * A request's encoding exceeds {@link SurrealConfig#maxMessageBytes()}. Nothing was sent; the
 * connection is unaffected.
 */
public final class MessageTooLargeException extends SurrealException {
  private final long size;
  private final long limit;

  public MessageTooLargeException(long size, long limit) {
    super("request of " + size + " bytes exceeds the limit of " + limit + " bytes");
    this.size = size;
    this.limit = limit;
  }

  public long size() {
    return size;
  }

  public long limit() {
    return limit;
  }
}
