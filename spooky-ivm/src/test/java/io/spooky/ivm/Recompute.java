package io.spooky.ivm;

import io.spooky.core.value.ArrayValue;
import io.spooky.core.value.DecimalValue;
import io.spooky.core.value.FloatValue;
import io.spooky.core.value.IntValue;
import io.spooky.core.value.ObjectValue;
import io.spooky.core.value.RecordId;
import io.spooky.core.value.Value;
import io.spooky.core.value.Values;
import io.spooky.ivm.plan.GroupPlan;
import io.spooky.ivm.plan.SortKey;
import io.spooky.ivm.plan.ViewPlan;
import io.spooky.ivm.store.Reads;
import io.spooky.ivm.store.TableStore;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.NavigableMap;

/** The one-shot meaning of a {@link ViewPlan}: evaluate everything from scratch. */
final class Recompute {
  private Recompute() {}

  static List<Value> rows(ViewPlan plan, TableStore store) {
    Reads reads =
        new Reads() {
          @Override
          public Value get(RecordId id) {
            return store.get(id);
          }

          @Override
          public NavigableMap<RecordId, Value> scan(String table) {
            return store.table(table);
          }
        };
    List<Value[]> rows = new ArrayList<>(); // {key, content}
    if (plan.group() == null) {
      for (var e : store.table(plan.table()).entrySet()) {
        Value row = plan.rows().evaluate(e.getKey(), e.getValue(), reads);
        if (row != null) {
          rows.add(new Value[] {e.getKey(), row});
        }
      }
    } else {
      List<Value> keys = new ArrayList<>();
      List<List<ArrayValue>> members = new ArrayList<>();
      GroupPlan g = plan.group();
      for (var e : store.table(plan.table()).entrySet()) {
        Value in = plan.rows().evaluate(e.getKey(), e.getValue(), reads);
        if (in == null) {
          continue;
        }
        ArrayValue inputs = (ArrayValue) in;
        int n = g.items().size();
        Value key = new ArrayValue(inputs.items().subList(n, n + g.keyCount()));
        int at = -1;
        for (int i = 0; i < keys.size(); i++) {
          if (Values.equal(keys.get(i), key)) {
            at = i;
          }
        }
        if (at < 0) {
          keys.add(key);
          members.add(new ArrayList<>());
          at = keys.size() - 1;
        }
        members.get(at).add(inputs);
      }
      if (g.keyCount() == 0 && keys.isEmpty()) {
        keys.add(Value.array());
        members.add(new ArrayList<>());
      }
      for (int gi = 0; gi < keys.size(); gi++) {
        rows.add(new Value[] {keys.get(gi), groupRow(g, keys.get(gi), members.get(gi))});
      }
      rows.sort((a, b) -> Values.compare(a[0], b[0]));
    }
    Comparator<Value[]> order = (a, b) -> 0;
    for (SortKey k : plan.order()) {
      Comparator<Value[]> c =
          (a, b) -> Values.compare(k.extract().apply(a[1]), k.extract().apply(b[1]));
      order = order.thenComparing(k.descending() ? c.reversed() : c);
    }
    if (plan.group() != null || !plan.order().isEmpty()) {
      rows.sort(order.thenComparing((a, b) -> Values.compare(a[0], b[0])));
    }
    List<Value> out = new ArrayList<>();
    for (int i = (int) plan.start();
        i < rows.size() && (plan.limit() < 0 || out.size() < plan.limit());
        i++) {
      out.add(plan.output().apply(rows.get(i)[1]));
    }
    return out;
  }

  private static Value groupRow(GroupPlan g, Value key, List<ArrayValue> members) {
    java.util.TreeMap<String, Value> out = new java.util.TreeMap<>();
    for (int i = 0; i < g.items().size(); i++) {
      GroupPlan.Item item = g.items().get(i);
      List<Value> column = new ArrayList<>();
      for (ArrayValue m : members) {
        column.add(m.get(i));
      }
      List<Value> numbers =
          column.stream()
              .filter(
                  v ->
                      v instanceof IntValue || v instanceof FloatValue || v instanceof DecimalValue)
              .toList();
      Value v =
          switch (item.kind()) {
            case KEY -> ((ArrayValue) key).get(item.keyIndex());
            case COUNT -> Value.of((long) column.size());
            case COUNT_TRUTHY -> Value.of(column.stream().filter(Value::isTruthy).count());
            case MIN ->
                numbers.isEmpty()
                    ? g.fold().fold(item.kind(), List.of())
                    : numbers.stream().min(Values.order()).orElseThrow();
            case MAX ->
                numbers.isEmpty()
                    ? g.fold().fold(item.kind(), List.of())
                    : numbers.stream().max(Values.order()).orElseThrow();
            case SUM, MEAN, COLLECT -> g.fold().fold(item.kind(), column);
          };
      if (item.outputPath().size() != 1) {
        throw new IllegalArgumentException("test plans use flat output paths");
      }
      out.put(item.outputPath().get(0), v);
    }
    return new ObjectValue(out);
  }
}
