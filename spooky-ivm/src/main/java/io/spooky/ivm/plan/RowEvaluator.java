package io.spooky.ivm.plan;

import io.spooky.core.value.RecordId;
import io.spooky.core.value.Value;
import io.spooky.ivm.store.Reads;

/**
 * A view's per-record work: its WHERE and its SELECT list applied to one record of the source
 * table. Must be deterministic given the record and what it reads through {@link Reads}: the engine
 * relies on that to re-evaluate only rows whose inputs changed.
 */
@FunctionalInterface
public interface RowEvaluator {
  /**
   * The projected row of {@code record}, or null when it does not satisfy WHERE.
   *
   * @param id the record's id
   * @param record the stored record (an object with its {@code id} field)
   * @param reads every other record the evaluation needs, read through here
   */
  Value evaluate(RecordId id, Value record, Reads reads);
}
