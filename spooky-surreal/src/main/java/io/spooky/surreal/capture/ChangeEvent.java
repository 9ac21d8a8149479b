package io.spooky.surreal.capture;

import io.spooky.core.digest.Digest;
import io.spooky.core.value.RecordId;
import io.spooky.core.value.Value;
import java.util.Objects;

/**
 * One committed change to one record, read from SurrealDB's change feed.
 *
 * @param table the record's table
 * @param op what happened
 * @param id the record
 * @param before the record before the change: NONE for CREATE; for UPDATE reconstructed from the
 *     feed's reverse patch ({@code INCLUDE ORIGINAL}); for DELETE NONE, because SurrealDB 3.x's
 *     feed carries only the id of a deleted record
 * @param after the record after the change; NONE for DELETE
 * @param versionstamp the commit's position in the feed; changes of one transaction share it
 * @param version {@link io.spooky.core.digest.ContentDigest} of {@code after}; null for DELETE
 */
public record ChangeEvent(
    String table,
    Op op,
    RecordId id,
    Value before,
    Value after,
    Versionstamp versionstamp,
    Digest version) {

  /** The kind of change. */
  public enum Op {
    CREATE,
    UPDATE,
    DELETE
  }

  public ChangeEvent {
    Objects.requireNonNull(table, "table");
    Objects.requireNonNull(op, "op");
    Objects.requireNonNull(id, "id");
    Objects.requireNonNull(before, "before");
    Objects.requireNonNull(after, "after");
    Objects.requireNonNull(versionstamp, "versionstamp");
    if ((op == Op.DELETE) != (version == null)) {
      throw new IllegalArgumentException("a version is present exactly when op is not DELETE");
    }
  }
}
