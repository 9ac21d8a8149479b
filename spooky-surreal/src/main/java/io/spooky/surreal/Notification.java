package io.spooky.surreal;

import io.spooky.core.value.Value;

/**
 * What a {@link LiveSubscription} delivers: a {@link Change} to a record, or a {@link Gap} saying
 * changes may have been missed since the previous notification (the connection was re-established,
 * or the subscriber fell behind and the bounded queue overflowed). After a gap a subscriber that
 * needs completeness re-reads the data it watches.
 */
public sealed interface Notification {

  /** The kind of change SurrealDB reports. */
  enum Action {
    CREATE,
    UPDATE,
    DELETE
  }

  /**
   * One record changed.
   *
   * @param record the record's id
   * @param result the record after the change (for DELETE, as it was before the delete), or the
   *     JSON patch when the live query asked for a diff
   */
  record Change(Action action, Value record, Value result) implements Notification {}

  /** Why a gap happened. */
  enum GapReason {
    RECONNECTED,
    OVERFLOW
  }

  /** Notifications may have been lost at this point in the stream. */
  record Gap(GapReason reason) implements Notification {}

  /** The server ended the live query (it was killed); no notification follows. */
  record Killed() implements Notification {}
}
