package io.spooky.ivm;

import io.spooky.core.value.Value;
import java.util.List;
import java.util.Map;

/**
 * What a view's result must be: the rows a one-shot evaluation of the SELECT returns over the same
 * data. {@link QueryEvaluatorOracle} uses spooky-query's evaluator; a differential test against a
 * running SurrealDB plugs in an implementation that writes the data there and queries it.
 */
interface Oracle {
  /** Replaces the oracle's data with these records (each an object holding its id). */
  void load(Map<io.spooky.core.value.RecordId, Value> records);

  List<Value> evaluate(String surql, Map<String, Value> params);
}
