package io.spooky.surreal.capture;

import java.util.List;

/**
 * Receives the change stream of a {@link ChangeCapture}, one batch at a time, in versionstamp
 * order, never concurrently. If {@link #onBatch} throws, the same batch (same events, same cursor)
 * is offered again after a delay: delivery is at-least-once, and a consumer that stores {@code
 * cursorAfter} atomically with the effects of the batch gets exactly-once.
 */
@FunctionalInterface
public interface ChangeConsumer {
  /**
   * @param events the batch, ordered by versionstamp (then by position within the transaction); may
   *     be empty when only the cursor moved
   * @param cursorAfter the cursor that resumes right after this batch
   */
  void onBatch(List<ChangeEvent> events, CaptureCursor cursorAfter) throws Exception;
}
