package io.spooky.ivm.group;

import io.spooky.core.value.ArrayValue;
import io.spooky.core.value.DecimalValue;
import io.spooky.core.value.FloatValue;
import io.spooky.core.value.IntValue;
import io.spooky.core.value.ObjectValue;
import io.spooky.core.value.RecordId;
import io.spooky.core.value.Value;
import io.spooky.core.value.Values;
import io.spooky.ivm.plan.GroupPlan;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.function.BiConsumer;

/**
 * The GROUP BY / GROUP ALL operator with retraction: folds per-record inputs into one row per group
 * and re-emits a group's row when its members change.
 *
 * <p>Per group it keeps the members in record id order (SurrealDB's row order inside a group), the
 * row count, the truthy count of each {@code count(expr)}, and for {@code math::min}/{@code
 * math::max} a multiset of the numeric inputs, so a delete retracts exactly its contribution and
 * the new extreme is the multiset's first or last key. {@code math::sum}, {@code math::mean} and
 * collected arrays are folded from the members by {@link GroupPlan#fold}, only for the groups a
 * batch touched. Group keys compare with SurrealDB equality ({@link Values#equal}); the key of a
 * group is the {@link ArrayValue} of its key values in GROUP BY order. Not thread-safe.
 */
public final class GroupOperator {
  private final GroupPlan plan;
  private final BiConsumer<Value, Value> emit;
  private final Map<Values.Key, Group> groups = new HashMap<>();
  private final Map<RecordId, Values.Key> groupOf = new HashMap<>();
  private final Set<Values.Key> dirty = new LinkedHashSet<>();

  /**
   * @param plan the items
   * @param emit receives (group key, new row) for every changed group at {@link #flush}, and (group
   *     key, null) when a group disappeared
   */
  public GroupOperator(GroupPlan plan, BiConsumer<Value, Value> emit) {
    this.plan = plan;
    this.emit = emit;
    if (plan.keyCount() == 0) {
      Values.Key all = new Values.Key(Value.array());
      groups.put(all, new Group());
      dirty.add(all);
    }
  }

  /**
   * Sets the inputs of record {@code id} (one value per item, then the key values, as {@link
   * GroupPlan} describes), or retracts the record when {@code inputs} is null.
   */
  public void update(RecordId id, Value inputs) {
    Values.Key oldKey = groupOf.get(id);
    Values.Key newKey = inputs == null ? null : keyOf((ArrayValue) inputs);
    if (oldKey != null) {
      Group g = groups.get(oldKey);
      g.retract(id);
      dirty.add(oldKey);
      groupOf.remove(id);
    }
    if (newKey != null) {
      groups.computeIfAbsent(newKey, k -> new Group()).add(id, (ArrayValue) inputs);
      groupOf.put(id, newKey);
      dirty.add(newKey);
    }
  }

  /** Emits the rows of the groups changed since the last flush. */
  public void flush() {
    for (Values.Key k : dirty) {
      Group g = groups.get(k);
      if (g.members.isEmpty() && plan.keyCount() > 0) {
        groups.remove(k);
        emit.accept(k.value(), null);
      } else {
        emit.accept(k.value(), row(k, g));
      }
    }
    dirty.clear();
  }

  private Values.Key keyOf(ArrayValue inputs) {
    int n = plan.items().size();
    return new Values.Key(new ArrayValue(inputs.items().subList(n, n + plan.keyCount())));
  }

  private Value row(Values.Key key, Group g) {
    TreeMap<String, Value> out = new TreeMap<>();
    List<GroupPlan.Item> items = plan.items();
    for (int i = 0; i < items.size(); i++) {
      GroupPlan.Item item = items.get(i);
      Value v =
          switch (item.kind()) {
            case KEY -> ((ArrayValue) key.value()).get(item.keyIndex());
            case COUNT -> Value.of((long) g.members.size());
            case COUNT_TRUTHY -> Value.of(g.truthy[i]);
            case MIN ->
                g.numbers[i].isEmpty()
                    ? plan.fold().fold(item.kind(), List.of())
                    : g.numbers[i].firstKey();
            case MAX ->
                g.numbers[i].isEmpty()
                    ? plan.fold().fold(item.kind(), List.of())
                    : g.numbers[i].lastKey();
            case SUM, MEAN, COLLECT -> plan.fold().fold(item.kind(), g.column(i));
          };
      put(out, item.outputPath(), 0, v);
    }
    return new ObjectValue(out);
  }

  /**
   * Sets {@code v} at {@code path}, merging into existing objects; NONE is kept, as SurrealDB does.
   */
  private static void put(TreeMap<String, Value> obj, List<String> path, int at, Value v) {
    String field = path.get(at);
    if (at == path.size() - 1) {
      obj.put(field, v);
      return;
    }
    TreeMap<String, Value> child =
        obj.get(field) instanceof ObjectValue o ? new TreeMap<>(o.fields()) : new TreeMap<>();
    put(child, path, at + 1, v);
    obj.put(field, new ObjectValue(child));
  }

  private static boolean isNumber(Value v) {
    return v instanceof IntValue || v instanceof FloatValue || v instanceof DecimalValue;
  }

  private final class Group {
    final TreeMap<RecordId, ArrayValue> members = new TreeMap<>(Values.order());
    final long[] truthy = new long[plan.items().size()];

    @SuppressWarnings("unchecked")
    final TreeMap<Value, Long>[] numbers = new TreeMap[plan.items().size()];

    Group() {
      for (int i = 0; i < numbers.length; i++) {
        numbers[i] = new TreeMap<>(Values.order());
      }
    }

    void add(RecordId id, ArrayValue inputs) {
      members.put(id, inputs);
      count(inputs, +1);
    }

    void retract(RecordId id) {
      ArrayValue inputs = members.remove(id);
      count(inputs, -1);
    }

    private void count(ArrayValue inputs, int sign) {
      for (int i = 0; i < truthy.length; i++) {
        Value v = inputs.get(i);
        switch (plan.items().get(i).kind()) {
          case COUNT_TRUTHY -> truthy[i] += v.isTruthy() ? sign : 0;
          case MIN, MAX -> {
            if (isNumber(v)) {
              numbers[i].merge(v, (long) sign, (a, b) -> a + b == 0 ? null : a + b);
            }
          }
          default -> {}
        }
      }
    }

    List<Value> column(int i) {
      List<Value> out = new ArrayList<>(members.size());
      for (ArrayValue a : members.values()) {
        out.add(a.get(i));
      }
      return out;
    }
  }
}
