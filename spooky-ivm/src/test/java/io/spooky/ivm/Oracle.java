package io.spooky.ivm;

import io.spooky.core.value.Value;
import java.util.List;
import java.util.Map;

/**
 * What a view's result must be: the rows a one-shot evaluation of the SELECT returns over the same
 * data. {@link QueryEvaluatorOracle} uses spooky-query's evaluator. SurrealDB itself is checked by
 * {@link SurrealDbDifferentialTest}, which sends each batch's writes and queries as one request.
 */
interface Oracle {
  /** Replaces the oracle's data with these records (each an object holding its id). */
  void load(Map<io.spooky.core.value.RecordId, Value> records);

  List<Value> evaluate(String surql, Map<String, Value> params);
}
