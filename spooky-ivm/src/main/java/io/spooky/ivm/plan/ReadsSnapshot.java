package io.spooky.ivm.plan;

import io.spooky.core.value.ObjectValue;
import io.spooky.core.value.RecordId;
import io.spooky.core.value.Value;
import io.spooky.ivm.store.Reads;
import io.spooky.query.eval.Snapshot;
import java.util.Optional;

/** The evaluator's {@link Snapshot} over the engine's tracked {@link Reads}. */
record ReadsSnapshot(Reads reads) implements Snapshot {
  @Override
  public Iterable<ObjectValue> scan(String table) {
    return reads.scan(table).values().stream().map(v -> (ObjectValue) v).toList();
  }

  @Override
  public Optional<ObjectValue> get(RecordId id) {
    Value v = reads.get(id);
    return v instanceof ObjectValue o ? Optional.of(o) : Optional.empty();
  }
}
