package io.spooky.sonar.view;

import io.spooky.sonar.record.RecordVersion;
import java.util.List;

/**
 * A kappa-style view of a collection: it consumes the collection's log in order and maintains an
 * index that answers its own queries. Its flow state is {@link #cursor()}, the last lseq applied.
 *
 * <p>The collection drives every view the same way: it pulls the log after {@link #cursor()} in
 * batches, loads the record blocks of each batch and calls {@link #apply} with them and the last
 * lseq of the batch (header blocks and undecodable blocks are skipped but still advance the
 * cursor). The records are shared with other views and must not be modified. Calls to {@link
 * #apply} and {@link #reset} for one view are serialized by the collection; {@link #cursor()} and a
 * view's query methods may be called concurrently with them.
 *
 * <p>Contract for implementations:
 *
 * <ul>
 *   <li>{@link #apply} makes the batch's effects and the new cursor durable atomically (or
 *       neither): after a crash, the view resumes from a cursor whose effects are all present.
 *       {@link StoredView} does this for views kept in the node's RocksDB; a view with its own
 *       files commits its cursor with its data (for Lucene: in the commit's user data).
 *   <li>Results depend only on the log: applying the same log from cursor 0 gives the same state.
 *       Use {@link ViewContext#schema()} with {@code resolveAt(address, lseq)} so that types
 *       defined later in the log do not change how an earlier record is indexed.
 *   <li>{@link #version()} identifies the definition of the view; when it differs from the version
 *       stored for the view, the collection resets the view on open and rebuilds it from the log.
 * </ul>
 */
public interface View {
  /** Unique name of the view within its collection ({@code [a-z0-9_-]+}). */
  String name();

  /** Version of the view's definition; change it whenever the indexed data changes shape. */
  int version();

  /** The last lseq whose effects are applied (0: nothing applied). */
  long cursor();

  /**
   * Applies the records of the log positions {@code (cursor(), upTo]}, in lseq order, and moves the
   * cursor to {@code upTo}.
   */
  void apply(List<RecordVersion> records, long upTo);

  /** Forgets everything applied; afterwards {@link #cursor()} is 0. */
  void reset();

  /** Releases resources; called once when the collection closes. */
  default void close() {}
}
