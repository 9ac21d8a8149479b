package io.spooky.ivm;

import io.spooky.core.value.ObjectValue;
import io.spooky.core.value.RecordId;
import io.spooky.core.value.Value;
import io.spooky.query.eval.MemorySnapshot;
import io.spooky.query.eval.QueryEvaluator;
import io.spooky.query.parse.SurqlParser;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/** The one-shot evaluator of spooky-query over an in-memory snapshot. */
final class QueryEvaluatorOracle implements Oracle {
  private MemorySnapshot snapshot = MemorySnapshot.of(List.of());

  @Override
  public void load(Map<RecordId, Value> records) {
    List<ObjectValue> all = new ArrayList<>();
    for (Value v : records.values()) {
      all.add((ObjectValue) v);
    }
    snapshot = MemorySnapshot.of(all);
  }

  @Override
  public List<Value> evaluate(String surql, Map<String, Value> params) {
    return QueryEvaluator.evaluate(SurqlParser.parse(surql), params, snapshot);
  }
}
