package io.spooky.sonar.collection;

import static io.spooky.sonar.collection.Json.json;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.spooky.sonar.feed.FeedKey;
import io.spooky.sonar.feed.InvalidBlockException;
import io.spooky.sonar.feed.SignedBlock;
import io.spooky.sonar.record.RecordVersion;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class MultiWriterTest {
  @TempDir Path dir;

  private static List<String> addresses(List<RecordVersion> vs) {
    return vs.stream().map(RecordVersion::address).sorted().toList();
  }

  private static List<String> titles(Collection c) {
    return c.query(Query.Indexes.eq("article#title", json("'merged'"))).stream()
        .map(RecordVersion::id)
        .toList();
  }

  @Test
  void twoCollectionsOnOneNodeShareFeedsAndMergeConcurrentHeads() {
    String va;
    String vb;
    String merged;
    try (Sonar sonar = Sonar.open(dir)) {
      Collection a = sonar.openCollection("a");
      a.putType(json(CollectionTest.ARTICLE));
      Collection b = sonar.openCollection("b", a.rootKey());
      assertThat(b.localKey()).isNotEqualTo(a.localKey());
      b.sync();
      assertThat(b.schema().resolve("article").address()).isEqualTo("default/article@1");

      // b writes first on its own feed, which a does not index yet; then a writes the same record
      // on the root feed without seeing b's version: two concurrent versions.
      RecordVersion fromB = b.put("article", "x", json("{'title': 'from b'}"));
      RecordVersion fromA = a.put("article", "x", json("{'title': 'from a'}"));
      assertThat(fromA.record().links()).isEmpty();
      va = fromA.address();
      vb = fromB.address();
      assertThat(addresses(a.get("article", "x"))).containsExactly(va);
      assertThat(addresses(b.get("article", "x"))).containsExactlyInAnyOrder(va, vb);

      // a indexed writer adds b's feed: a now sees both heads too.
      assertThat(a.feeds()).containsExactly(a.rootKey());
      a.putFeed(b.localKey(), "b");
      a.sync();
      assertThat(a.feeds()).containsExactlyInAnyOrder(a.rootKey(), b.localKey());
      assertThat(b.feeds()).containsExactlyInAnyOrder(a.rootKey(), b.localKey());
      assertThat(addresses(a.get("article", "x"))).containsExactlyInAnyOrder(va, vb);
      assertThat(addresses(a.query(new Query.Records("article", "x", true))))
          .containsExactlyInAnyOrder(va, vb);
      assertThat(a.query(Query.Indexes.eq("article#title", json("'from b'"))))
          .extracting(RecordVersion::address)
          .containsExactly(vb);

      // A later edit links both heads and leaves one, in both collections.
      RecordVersion m = a.put("article", "x", json("{'title': 'merged'}"));
      merged = m.address();
      assertThat(m.record().links()).containsExactlyInAnyOrder(va, vb);
      for (Collection c : List.of(a, b)) {
        c.sync();
        assertThat(addresses(c.get("article", "x"))).as(c.name()).containsExactly(merged);
        assertThat(titles(c)).as(c.name()).containsExactly("x");
        assertThat(c.query(Query.Indexes.eq("article#title", json("'from a'")))).isEmpty();
        assertThat(c.getVersion(vb).record().value().get("title").asText()).isEqualTo("from b");
      }
    }
    try (Sonar sonar = Sonar.open(dir)) {
      for (String n : List.of("a", "b")) {
        Collection c = sonar.openCollection(n);
        c.sync();
        assertThat(addresses(c.get("article", "x"))).as(n).containsExactly(merged);
        assertThat(c.getVersion(va).record().value().get("title").asText()).isEqualTo("from a");
        c.rebuild("kv");
        assertThat(addresses(c.get("article", "x"))).as(n).containsExactly(merged);
      }
    }
  }

  private static long ship(Sonar from, Sonar to, FeedKey key) {
    long have = to.feeds().length(key);
    List<SignedBlock> blocks = from.feeds().blocks(key, have, Long.MAX_VALUE);
    return to.ingest(key, blocks);
  }

  @Test
  void twoNodesReplicateVerifiedBlocks() {
    try (Sonar one = Sonar.open(dir.resolve("one"));
        Sonar two = Sonar.open(dir.resolve("two"))) {
      Collection a1 = one.openCollection("a");
      a1.putType(json(CollectionTest.ARTICLE));
      a1.put("article", "x", json("{'title': 'v1'}"));
      Collection a2 = two.openCollection("a", a1.rootKey());
      assertThat(ship(one, two, a1.rootKey())).isEqualTo(one.feeds().length(a1.rootKey()));
      a2.sync();
      assertThat(a2.get("article", "x"))
          .extracting(v -> v.record().value().get("title").asText())
          .containsExactly("v1");

      // Concurrent edits on both nodes, then exchange.
      RecordVersion e2 = a2.put("article", "x", json("{'title': 'two'}"));
      RecordVersion e1 = a1.put("article", "x", json("{'title': 'one'}"));
      a1.putFeed(a2.localKey(), "two");
      ship(one, two, a1.rootKey());
      ship(two, one, a2.localKey());
      for (Collection c : List.of(a1, a2)) {
        c.sync();
        assertThat(addresses(c.get("article", "x")))
            .as(c.name())
            .containsExactlyInAnyOrder(e1.address(), e2.address());
      }
      RecordVersion m = a2.put("article", "x", json("{'title': 'merged'}"));
      ship(two, one, a2.localKey());
      a1.sync();
      assertThat(addresses(a1.get("article", "x"))).containsExactly(m.address());

      // A block with a bad signature is rejected and nothing is written.
      a2.put("article", "y", json("{'title': 'y'}"));
      List<SignedBlock> next =
          two.feeds().blocks(a2.localKey(), one.feeds().length(a2.localKey()), Long.MAX_VALUE);
      List<SignedBlock> forged = new ArrayList<>();
      for (SignedBlock blk : next) {
        byte[] sig = blk.signature().clone();
        if (sig.length > 0) {
          sig[0] ^= 0x40;
        }
        forged.add(new SignedBlock(blk.key(), blk.seq(), blk.data(), sig));
      }
      assertThat(next.get(next.size() - 1).signature()).hasSize(64);
      long len = one.feeds().length(a2.localKey());
      long head = a1.indexer().head();
      assertThatThrownBy(() -> one.ingest(a2.localKey(), forged))
          .isInstanceOf(InvalidBlockException.class);
      assertThat(one.feeds().length(a2.localKey())).isEqualTo(len);
      assertThat(a1.indexer().head()).isEqualTo(head);
      assertThat(one.ingest(a2.localKey(), next)).isEqualTo(next.size());
      a1.sync();
      assertThat(a1.get("article", "y")).hasSize(1);
    }
  }
}
