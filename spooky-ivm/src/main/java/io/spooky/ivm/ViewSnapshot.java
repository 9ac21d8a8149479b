package io.spooky.ivm;

import io.spooky.core.digest.Digest;
import java.util.List;

/**
 * A view's full result at one point of the log: its rows in SurrealDB's order (each with id and
 * version) and its Merkle root.
 */
public record ViewSnapshot(String viewId, List<ViewDelta.Row> rows, Digest root) {
  public ViewSnapshot {
    rows = List.copyOf(rows);
  }
}
