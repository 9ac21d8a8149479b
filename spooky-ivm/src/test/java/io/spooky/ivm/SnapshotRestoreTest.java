package io.spooky.ivm;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.spooky.core.value.Value;
import io.spooky.ivm.plan.UnsupportedViewException;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Random;
import org.junit.jupiter.api.Test;

/** A restored registry is indistinguishable from the one saved, now and after further changes. */
class SnapshotRestoreTest {
  private static List<Change> batch(IncrementalEqualsRecomputeTest.World w, Random r) {
    List<Change> out = new ArrayList<>();
    int n = 1 + r.nextInt(4);
    for (int i = 0; i < n; i++) {
      out.add(w.randomChange());
    }
    return out;
  }

  @Test
  void restoredRegistryProducesTheSameRowsRootsAndDeltas() throws Exception {
    long seed = System.nanoTime();
    Random r = new Random(seed);
    IncrementalEqualsRecomputeTest.World w = new IncrementalEqualsRecomputeTest.World(r);
    ViewRegistry original = new ViewRegistry();
    List<Change> load = new ArrayList<>();
    for (int i = 0; i < 60; i++) {
      load.add(w.randomChange());
    }
    original.apply(load);
    Map<String, Value> params = Map.of("c", Value.of("c2"));
    for (var v : DifferentialTest.VIEWS.entrySet()) {
      original.register(v.getKey(), v.getValue(), params);
    }
    original.register("twin", DifferentialTest.VIEWS.get("top"), params);
    for (int i = 0; i < 50; i++) {
      original.apply(batch(w, r));
    }

    ViewRegistry restored = ViewRegistry.restore(original.snapshotState());
    assertThat(restored.viewIds()).isEqualTo(original.viewIds());
    for (String id : original.viewIds()) {
      assertThat(restored.snapshot(id))
          .as("seed=%d view=%s", seed, id)
          .isEqualTo(original.snapshot(id));
    }
    for (int i = 0; i < 300; i++) {
      List<Change> b = batch(w, r);
      assertThat(byView(restored.apply(b)))
          .as("seed=%d batch=%d", seed, i)
          .isEqualTo(byView(original.apply(b)));
    }
    for (String id : original.viewIds()) {
      assertThat(restored.snapshot(id))
          .as("seed=%d view=%s", seed, id)
          .isEqualTo(original.snapshot(id));
    }
  }

  private static Map<String, ViewDelta> byView(List<ViewDelta> deltas) {
    Map<String, ViewDelta> out = new java.util.HashMap<>();
    deltas.forEach(d -> out.put(d.viewId(), d));
    return out;
  }

  @Test
  void corruptionIsDetected() {
    ViewRegistry reg = new ViewRegistry();
    reg.register("v", "SELECT * FROM product WHERE price > 3", Map.of());
    byte[] ok = reg.snapshotState();
    byte[] flipped = ok.clone();
    flipped[flipped.length / 2] ^= 1;
    assertThatThrownBy(() -> ViewRegistry.restore(flipped))
        .isInstanceOf(CorruptSnapshotException.class)
        .hasMessageContaining("checksum");
    assertThatThrownBy(() -> ViewRegistry.restore(new byte[] {1, 2, 3}))
        .isInstanceOf(CorruptSnapshotException.class);
  }

  @Test
  void handBuiltPlansCannotBeSaved() {
    ViewRegistry reg = new ViewRegistry();
    reg.register("v", PlanViews.names());
    assertThatThrownBy(reg::snapshotState).isInstanceOf(UnsupportedViewException.class);
  }
}
