package io.spooky.ivm.merkle;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.spooky.core.digest.ContentDigest;
import io.spooky.core.digest.Digest;
import io.spooky.core.value.RecordId;
import io.spooky.core.value.Value;
import java.math.BigInteger;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import org.junit.jupiter.api.Test;

class MerkleTreeTest {
  private static final BigInteger MOD = BigInteger.ONE.shiftLeft(128);

  /** PROTOCOL.md section 5, computed level by level from the member list alone. */
  static Digest referenceRoot(Map<RecordId, Digest> members) {
    Map<Integer, List<Digest>> buckets = new HashMap<>();
    members.forEach(
        (id, version) -> {
          int b = (int) (ContentDigest.of(id).high() >>> 52);
          buckets.computeIfAbsent(b, k -> new ArrayList<>()).add(ContentDigest.leaf(id, version));
        });
    Digest[] level = new Digest[4096];
    for (int b = 0; b < 4096; b++) {
      List<Digest> leaves = buckets.get(b);
      if (leaves == null) {
        level[b] = MerkleTree.EMPTY;
        continue;
      }
      BigInteger sum = BigInteger.ZERO;
      for (Digest d : leaves) {
        sum = sum.add(new BigInteger(1, d.bytes())).mod(MOD);
      }
      byte[] raw = sum.toByteArray();
      byte[] sixteen = new byte[16];
      int n = Math.min(16, raw.length);
      System.arraycopy(raw, raw.length - n, sixteen, 16 - n, n);
      level[b] = ContentDigest.node(new Digest(0, leaves.size()), Digest.fromBytes(sixteen));
    }
    while (level.length > 1) {
      Digest[] up = new Digest[level.length / 16];
      for (int i = 0; i < up.length; i++) {
        List<Digest> children = List.of(level).subList(i * 16, i * 16 + 16);
        boolean empty = children.stream().allMatch(MerkleTree.EMPTY::equals);
        up[i] = empty ? MerkleTree.EMPTY : ContentDigest.node(children);
      }
      level = up;
    }
    return level[0];
  }

  @Test
  void incrementalRootEqualsRootRebuiltFromScratch() {
    long seed = System.nanoTime();
    Random r = new Random(seed);
    MerkleTree tree = new MerkleTree();
    Map<RecordId, Digest> model = new HashMap<>();
    for (int step = 0; step < 3000; step++) {
      RecordId id = RecordId.of("t", r.nextInt(300));
      if (r.nextInt(3) == 0) {
        assertThat(tree.remove(id))
            .as("seed=%d step=%d", seed, step)
            .isEqualTo(model.remove(id) != null);
      } else {
        Digest v = ContentDigest.of(Value.of(r.nextInt(5)));
        tree.put(id, v);
        model.put(id, v);
      }
      if (step % 100 == 0 || step < 20) {
        MerkleTree fresh = new MerkleTree();
        model.forEach(fresh::put);
        assertThat(tree.root()).as("seed=%d step=%d", seed, step).isEqualTo(fresh.root());
        assertThat(tree.root()).as("seed=%d step=%d", seed, step).isEqualTo(referenceRoot(model));
        assertThat(tree.size()).isEqualTo(model.size());
      }
    }
    model.keySet().forEach(tree::remove);
    assertThat(tree.root()).as("seed=%d", seed).isEqualTo(MerkleTree.EMPTY);
  }

  /** The worked example of PROTOCOL.md section 5. */
  @Test
  void workedExample() {
    RecordId a = RecordId.of("product", 1);
    RecordId b = RecordId.of("product", "lamp");
    Digest va = ContentDigest.of(Value.object(Map.of("id", a, "price", Value.of(10))));
    Digest vb = ContentDigest.of(Value.object(Map.of("id", b, "price", Value.of(25))));
    MerkleTree tree = new MerkleTree();
    tree.put(a, va);
    tree.put(b, vb);
    NodePath leafA = NodePath.ofBucket(MerkleTree.bucketOf(a));
    NodePath leafB = NodePath.ofBucket(MerkleTree.bucketOf(b));
    assertThat(leafA.hex()).isEqualTo(ContentDigest.of(a).hex().substring(0, 3));
    assertThat(leafB.hex()).isEqualTo(ContentDigest.of(b).hex().substring(0, 3));
    assertThat(tree.root()).isEqualTo(referenceRoot(Map.of(a, va, b, vb)));
    assertThat(List.of(leafA.hex(), leafB.hex(), tree.root().hex()))
        .containsExactly(WORKED_LEAF_A, WORKED_LEAF_B, WORKED_ROOT);
  }

  static final String WORKED_LEAF_A = "3df";
  static final String WORKED_LEAF_B = "1ab";
  static final String WORKED_ROOT = "e7a1b33096b0dc8fc2767d984ec1d1aa";

  @Test
  void aClientDescendsOnlyIntoTheDifferingBucket() {
    MerkleTree server = new MerkleTree();
    MerkleTree client = new MerkleTree();
    for (int i = 0; i < 500; i++) {
      RecordId id = RecordId.of("t", i);
      Digest v = ContentDigest.of(Value.of(i));
      server.put(id, v);
      client.put(id, v);
    }
    assertThat(client.root()).isEqualTo(server.root());
    RecordId changed = RecordId.of("t", 42);
    server.put(changed, ContentDigest.of(Value.of("new")));
    assertThat(client.root()).isNotEqualTo(server.root());

    NodePath at = NodePath.ROOT;
    int visitedInner = 0;
    while (!at.isLeaf()) {
      visitedInner++;
      List<Digest> s = server.children(at);
      List<Digest> c = client.children(at);
      List<Integer> differing = new ArrayList<>();
      for (int i = 0; i < MerkleTree.FANOUT; i++) {
        if (!s.get(i).equals(c.get(i))) {
          differing.add(i);
        }
      }
      assertThat(differing).hasSize(1);
      at = at.child(differing.get(0));
    }
    assertThat(visitedInner).isEqualTo(MerkleTree.DEPTH);
    assertThat(at).isEqualTo(NodePath.ofBucket(MerkleTree.bucketOf(changed)));
    assertThat(server.members(at))
        .contains(new MerkleTree.Member(changed, ContentDigest.of(Value.of("new"))));
  }

  @Test
  void replacingWithTheSameVersionChangesNothingAndPathsAreValidated() {
    MerkleTree t = new MerkleTree();
    RecordId id = RecordId.of("t", 1);
    t.put(id, ContentDigest.of(Value.of(1)));
    Digest root = t.root();
    t.put(id, ContentDigest.of(Value.of(1)));
    assertThat(t.root()).isEqualTo(root);
    assertThat(t.version(id)).isEqualTo(ContentDigest.of(Value.of(1)));
    assertThatThrownBy(() -> new NodePath("abcd")).isInstanceOf(IllegalArgumentException.class);
    assertThatThrownBy(() -> new NodePath("A")).isInstanceOf(IllegalArgumentException.class);
    assertThatThrownBy(() -> t.members(NodePath.ROOT)).isInstanceOf(IllegalArgumentException.class);
    assertThatThrownBy(() -> t.children(NodePath.ofBucket(7)))
        .isInstanceOf(IllegalArgumentException.class);
  }
}
