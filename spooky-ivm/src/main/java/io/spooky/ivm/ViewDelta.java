package io.spooky.ivm;

import io.spooky.core.digest.Digest;
import io.spooky.core.value.RecordId;
import io.spooky.core.value.Value;
import java.util.List;

/**
 * How one view's result changed in one {@link ViewRegistry#apply} batch.
 *
 * <p>To bring a copy of the old result up to date: drop the rows of {@code removed} and {@code
 * moved}, replace the rows of {@code updated}, then insert the rows of {@code added} and {@code
 * moved} at their {@link Row#index}es in ascending index order. Rows are identified by {@link
 * Row#id}: the source record's id, or {@code _spooky_group:[key...]} for a grouped view.
 *
 * @param viewId the view
 * @param added rows that entered the result, with their index in it
 * @param removed ids of rows that left it
 * @param updated rows still in the result whose content changed, with the new content and version
 * @param moved rows still in the result whose ORDER BY key changed, with their new index
 * @param newRoot the view's Merkle root after the batch
 */
public record ViewDelta(
    String viewId,
    List<Row> added,
    List<RecordId> removed,
    List<Row> updated,
    List<Row> moved,
    Digest newRoot) {

  /** One row of a view's result with its position and version. */
  public record Row(int index, RecordId id, Value content, Digest version) {}

  public ViewDelta {
    added = List.copyOf(added);
    removed = List.copyOf(removed);
    updated = List.copyOf(updated);
    moved = List.copyOf(moved);
  }
}
