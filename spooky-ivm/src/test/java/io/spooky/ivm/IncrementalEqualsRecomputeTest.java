package io.spooky.ivm;

import static org.assertj.core.api.Assertions.assertThat;

import io.spooky.core.digest.ContentDigest;
import io.spooky.core.value.ObjectValue;
import io.spooky.core.value.RecordId;
import io.spooky.core.value.Value;
import io.spooky.ivm.merkle.MerkleTree;
import io.spooky.ivm.plan.ViewPlan;
import io.spooky.ivm.store.TableStore;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import org.junit.jupiter.api.Test;

/**
 * Incremental == recompute for every operator: random data, random change batches, and after every
 * batch each view's rows must equal the plan evaluated from scratch, each delta must turn the
 * previous rows into the new ones, and the Merkle root must equal a tree built from the rows.
 */
class IncrementalEqualsRecomputeTest {

  /** Random products and users; fields are sometimes missing or of an unexpected type. */
  static final class World {
    final Random r;
    final Map<RecordId, Value> model = new HashMap<>();

    World(Random r) {
      this.r = r;
    }

    Change randomChange() {
      boolean user = r.nextInt(5) == 0;
      RecordId id =
          user ? RecordId.of("user", r.nextInt(6)) : RecordId.of("product", r.nextInt(40));
      Value before = model.getOrDefault(id, Value.NONE);
      Value after;
      if (!before.isNullish() && r.nextInt(6) == 0) {
        after = Value.NONE;
      } else if (user) {
        after = user(id);
      } else if (before instanceof ObjectValue o && r.nextBoolean()) {
        after = tweak(o);
      } else {
        after = product(id);
      }
      if (after.isNullish()) {
        model.remove(id);
      } else {
        model.put(id, after);
      }
      return new Change(id.table(), id, before, after);
    }

    Value user(RecordId id) {
      Map<String, Value> m = new HashMap<>();
      m.put("id", id);
      m.put("name", Value.of("u" + r.nextInt(8)));
      if (r.nextInt(4) > 0) {
        m.put("active", Value.of(r.nextBoolean()));
      }
      return Value.object(m);
    }

    Value product(RecordId id) {
      Map<String, Value> m = new HashMap<>();
      m.put("id", id);
      m.put("category", Value.of("c" + r.nextInt(5)));
      m.put("price", price());
      if (r.nextInt(5) > 0) {
        m.put("name", Value.of("n" + r.nextInt(30)));
      }
      if (r.nextInt(4) > 0) {
        m.put("owner", RecordId.of("user", r.nextInt(7)));
      }
      return Value.object(m);
    }

    Value price() {
      return switch (r.nextInt(20)) {
        case 0 -> Value.of("free");
        case 1 -> Value.NONE;
        default -> Value.of(r.nextInt(50));
      };
    }

    Value tweak(ObjectValue o) {
      return switch (r.nextInt(3)) {
        case 0 -> o.with("price", price());
        case 1 -> o.with("category", Value.of("c" + r.nextInt(5)));
        default -> o.with("owner", RecordId.of("user", r.nextInt(7)));
      };
    }

    TableStore store() {
      TableStore s = new TableStore();
      model.forEach(s::put);
      return s;
    }
  }

  @Test
  void everyViewMatchesRecomputeAfterEveryBatch() {
    long seed = System.nanoTime();
    String why = "seed=" + seed;
    Random r = new Random(seed);
    World w = new World(r);
    ViewRegistry reg = new ViewRegistry();
    List<Change> load = new ArrayList<>();
    for (int i = 0; i < 60; i++) {
      load.add(w.randomChange());
    }
    reg.apply(load);
    List<ViewPlan> plans = PlanViews.all();
    Map<String, ViewPlan> byId = new HashMap<>();
    Map<String, List<ViewDelta.Row>> shadow = new HashMap<>();
    for (int i = 0; i < plans.size(); i++) {
      String id = "v" + i;
      byId.put(id, plans.get(i));
      shadow.put(id, new ArrayList<>(reg.register(id, plans.get(i)).rows()));
    }
    // A second view on an already registered plan shares its computation.
    reg.register("twin", plans.get(0));
    byId.put("twin", plans.get(0));
    shadow.put("twin", new ArrayList<>(reg.snapshot("twin").rows()));

    for (int batch = 0; batch < 1500; batch++) {
      List<Change> changes = new ArrayList<>();
      int n = 1 + r.nextInt(r.nextInt(10) == 0 ? 12 : 3);
      for (int i = 0; i < n; i++) {
        changes.add(w.randomChange());
      }
      List<ViewDelta> deltas = reg.apply(changes);
      TableStore truth = w.store();
      for (ViewDelta d : deltas) {
        shadow.put(d.viewId(), applyDelta(shadow.get(d.viewId()), d));
      }
      for (var e : byId.entrySet()) {
        String at = why + " batch=" + batch + " view=" + e.getKey() + " changes=" + changes;
        List<Value> expected = Recompute.rows(e.getValue(), truth);
        assertThat(reg.rows(e.getKey())).as(at).isEqualTo(expected);
        assertThat(shadow.get(e.getKey()).stream().map(ViewDelta.Row::content).toList())
            .as(at + " (rows rebuilt from deltas)")
            .isEqualTo(expected);
        assertThat(reg.tree(e.getKey()).root())
            .as(at + " (Merkle root)")
            .isEqualTo(rebuilt(reg.snapshot(e.getKey())).root());
      }
    }
  }

  /** The client algorithm of {@link ViewDelta}'s comment. */
  static List<ViewDelta.Row> applyDelta(List<ViewDelta.Row> old, ViewDelta d) {
    List<ViewDelta.Row> rows = new ArrayList<>();
    java.util.Set<RecordId> drop = new java.util.HashSet<>(d.removed());
    d.moved().forEach(m -> drop.add(m.id()));
    Map<RecordId, ViewDelta.Row> updated = new HashMap<>();
    d.updated().forEach(u -> updated.put(u.id(), u));
    for (ViewDelta.Row row : old) {
      if (!drop.contains(row.id())) {
        rows.add(updated.getOrDefault(row.id(), row));
      }
    }
    List<ViewDelta.Row> inserts = new ArrayList<>(d.added());
    for (ViewDelta.Row m : d.moved()) {
      inserts.add(updated.getOrDefault(m.id(), m));
    }
    inserts.sort(java.util.Comparator.comparingInt(ViewDelta.Row::index));
    for (ViewDelta.Row row : inserts) {
      rows.add(row.index(), row);
    }
    return rows;
  }

  static MerkleTree rebuilt(ViewSnapshot s) {
    MerkleTree t = new MerkleTree();
    for (ViewDelta.Row row : s.rows()) {
      t.put(row.id(), ContentDigest.of(row.content()));
    }
    return t;
  }
}
