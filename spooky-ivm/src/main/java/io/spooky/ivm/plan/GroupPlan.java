package io.spooky.ivm.plan;

import io.spooky.core.value.Value;
import java.util.List;
import java.util.Objects;

/**
 * How a grouped view folds rows: its {@link ViewPlan#rows} evaluator returns, per record, an array
 * with one input value per item followed by the {@code keyCount} group key values in GROUP BY order
 * (or null when WHERE fails); records whose key values are equal under SurrealDB equality form a
 * group; the output row of a group sets each item's result at its output path. With {@code keyCount
 * == 0} ({@code GROUP ALL}) there is exactly one group, present even when empty.
 *
 * @param items the projected items, in SELECT order
 * @param keyCount how many group key values follow the item inputs
 * @param fold the one-shot semantics of SUM, MEAN and COLLECT over a group's inputs in row order,
 *     and of MIN and MAX over no numeric input; it must be the evaluator's, so that incremental and
 *     one-shot results agree
 */
public record GroupPlan(List<Item> items, int keyCount, Fold fold) {
  /** Folds a group's inputs of one item, in row order. */
  @FunctionalInterface
  public interface Fold {
    Value fold(Kind kind, List<Value> inputs);
  }

  /** What an item computes over its group. */
  public enum Kind {
    /** A projected group key: the group's key value at {@link Item#keyIndex}. */
    KEY,
    /** {@code count()}: the number of rows. */
    COUNT,
    /** {@code count(expr)}: the number of rows where the input is truthy. */
    COUNT_TRUTHY,
    /** {@code math::sum(expr)}. */
    SUM,
    /** {@code math::min(expr)}. */
    MIN,
    /** {@code math::max(expr)}. */
    MAX,
    /** {@code math::mean(expr)}. */
    MEAN,
    /** Any other expression: the array of its values over the group's rows, in row order. */
    COLLECT
  }

  /**
   * One projected item.
   *
   * @param kind what it computes
   * @param outputPath where it lands in the output object (field names, outermost first)
   * @param keyIndex for {@link Kind#KEY}, the position of its path in GROUP BY; else -1
   */
  public record Item(Kind kind, List<String> outputPath, int keyIndex) {
    public Item {
      Objects.requireNonNull(kind, "kind");
      outputPath = List.copyOf(outputPath);
    }
  }

  public GroupPlan {
    items = List.copyOf(items);
    Objects.requireNonNull(fold, "fold");
  }
}
