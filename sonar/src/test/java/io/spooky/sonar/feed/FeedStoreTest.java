package io.spooky.sonar.feed;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.spooky.sonar.store.Store;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class FeedStoreTest {
  @TempDir Path dir;

  private static List<byte[]> payloads(String... s) {
    List<byte[]> out = new ArrayList<>();
    for (String x : s) {
      out.add(x.getBytes(StandardCharsets.UTF_8));
    }
    return out;
  }

  private static FeedStore.Appended write(
      Store store, FeedStore feeds, FeedKeyPair w, String... s) {
    try (Store.Batch b = store.batch()) {
      FeedStore.Appended a = feeds.append(w, payloads(s), b);
      b.commit(true);
      feeds.publish(a);
      return a;
    }
  }

  private static long ingest(Store store, FeedStore feeds, FeedKey key, List<SignedBlock> blocks) {
    try (Store.Batch b = store.batch()) {
      FeedStore.Appended a = feeds.verify(key, blocks, b);
      b.commit(true);
      feeds.publish(a);
      return a.count();
    }
  }

  @Test
  void appendedBlocksVerifyOnAnotherStoreAndSurviveReopen() {
    FeedKeyPair w = FeedKeyPair.generate();
    List<SignedBlock> shipped;
    try (Store a = Store.open(dir.resolve("a"))) {
      FeedStore feeds = new FeedStore(a);
      write(a, feeds, w, "header", "one");
      write(a, feeds, w, "two");
      assertThat(feeds.length(w.key())).isEqualTo(3);
      shipped = feeds.blocks(w.key(), 0, 10);
      assertThat(shipped).extracting(SignedBlock::seq).containsExactly(0L, 1L, 2L);
    }
    try (Store b = Store.open(dir.resolve("b"))) {
      FeedStore feeds = new FeedStore(b);
      assertThat(ingest(b, feeds, w.key(), shipped.subList(0, 2))).isEqualTo(2);
      // Overlapping re-delivery is idempotent.
      assertThat(ingest(b, feeds, w.key(), shipped)).isEqualTo(1);
      assertThat(new String(feeds.block(w.key(), 2).data(), StandardCharsets.UTF_8))
          .isEqualTo("two");
    }
    try (Store b = Store.open(dir.resolve("b"))) {
      FeedStore feeds = new FeedStore(b);
      assertThat(feeds.length(w.key())).isEqualTo(3);
      assertThat(feeds.blocks(w.key(), 0, 3)).isEqualTo(shipped);
    }
  }

  @Test
  void rejectsBadSignaturesGapsForgeriesAndConflictsWritingNothing() {
    FeedKeyPair w = FeedKeyPair.generate();
    FeedKeyPair other = FeedKeyPair.generate();
    try (Store s = Store.open(dir.resolve("a"));
        Store t = Store.open(dir.resolve("b"))) {
      FeedStore src = new FeedStore(s);
      write(s, src, w, "a");
      write(s, src, w, "b");
      write(s, src, w, "c");
      List<SignedBlock> blocks = src.blocks(w.key(), 0, 3);
      assertThat(blocks).allMatch(b -> b.signature().length == 64);
      FeedStore dst = new FeedStore(t);

      byte[] sig = blocks.get(1).signature().clone();
      sig[5] ^= 1;
      List<SignedBlock> badSig =
          List.of(blocks.get(0), new SignedBlock(w.key(), 1, blocks.get(1).data(), sig));
      assertThatThrownBy(() -> ingest(t, dst, w.key(), badSig))
          .isInstanceOf(InvalidBlockException.class)
          .hasMessageContaining("bad signature");

      List<SignedBlock> tampered =
          List.of(
              blocks.get(0),
              new SignedBlock(
                  w.key(), 1, "B".getBytes(StandardCharsets.UTF_8), blocks.get(1).signature()));
      assertThatThrownBy(() -> ingest(t, dst, w.key(), tampered))
          .isInstanceOf(InvalidBlockException.class);

      assertThatThrownBy(() -> ingest(t, dst, w.key(), blocks.subList(1, 3)))
          .isInstanceOf(InvalidBlockException.class)
          .hasMessageContaining("gap");

      // A block signed by another key does not verify for this feed.
      FeedStore forger = new FeedStore(s);
      write(s, forger, other, "a");
      SignedBlock forged = forger.blocks(other.key(), 0, 1).get(0);
      assertThatThrownBy(
              () ->
                  ingest(
                      t,
                      dst,
                      w.key(),
                      List.of(new SignedBlock(w.key(), 0, forged.data(), forged.signature()))))
          .isInstanceOf(InvalidBlockException.class);

      assertThat(dst.length(w.key())).isZero();
      assertThat(dst.blocks(w.key(), 0, 10)).isEmpty();

      ingest(t, dst, w.key(), blocks);
      List<SignedBlock> conflicting =
          List.of(
              new SignedBlock(
                  w.key(), 2, "x".getBytes(StandardCharsets.UTF_8), blocks.get(2).signature()));
      assertThatThrownBy(() -> ingest(t, dst, w.key(), conflicting))
          .isInstanceOf(InvalidBlockException.class)
          .hasMessageContaining("conflicts");
    }
  }

  @Test
  void signsOncePerAppendAndShipsOnlyVerifiableRanges() {
    FeedKeyPair w = FeedKeyPair.generate();
    try (Store s = Store.open(dir.resolve("a"));
        Store t = Store.open(dir.resolve("b"))) {
      FeedStore src = new FeedStore(s);
      write(s, src, w, "a", "b", "c");
      write(s, src, w, "d");
      List<SignedBlock> all = src.blocks(w.key(), 0, 4);
      assertThat(all).extracting(b -> b.signature().length).containsExactly(0, 0, 64, 64);
      // A range is extended to the next signed block.
      assertThat(src.blocks(w.key(), 0, 1)).hasSize(3);
      assertThat(src.blocks(w.key(), 3, 4)).hasSize(1);

      FeedStore dst = new FeedStore(t);
      assertThatThrownBy(() -> ingest(t, dst, w.key(), all.subList(0, 2)))
          .isInstanceOf(InvalidBlockException.class)
          .hasMessageContaining("unsigned");
      List<SignedBlock> tamperedMiddle =
          List.of(
              all.get(0),
              new SignedBlock(w.key(), 1, "B".getBytes(StandardCharsets.UTF_8), new byte[0]),
              all.get(2));
      assertThatThrownBy(() -> ingest(t, dst, w.key(), tamperedMiddle))
          .isInstanceOf(InvalidBlockException.class)
          .hasMessageContaining("bad signature");
      assertThat(dst.length(w.key())).isZero();
      assertThat(ingest(t, dst, w.key(), all.subList(0, 3))).isEqualTo(3);
      assertThat(ingest(t, dst, w.key(), all)).isEqualTo(1);
    }
  }

  @Test
  void internsKeysToStableSmallIntegers() {
    FeedKey a = FeedKeyPair.generate().key();
    FeedKey b = FeedKeyPair.generate().key();
    int ia;
    int ib;
    try (Store s = Store.open(dir)) {
      FeedStore feeds = new FeedStore(s);
      ia = feeds.intern(a);
      ib = feeds.intern(b);
      assertThat(ia).isNotEqualTo(ib);
      assertThat(feeds.intern(a)).isEqualTo(ia);
    }
    try (Store s = Store.open(dir)) {
      FeedStore feeds = new FeedStore(s);
      assertThat(feeds.idOf(a)).isEqualTo(ia);
      assertThat(feeds.keyOf(ib)).isEqualTo(b);
      assertThat(feeds.intern(FeedKeyPair.generate().key())).isGreaterThan(Math.max(ia, ib));
    }
  }

  @Test
  void keyPairsRoundTripAndKeysParse() {
    FeedKeyPair w = FeedKeyPair.generate();
    FeedKeyPair back = FeedKeyPair.of(w.key(), w.secretPkcs8());
    assertThat(back.key()).isEqualTo(w.key());
    assertThat(FeedKey.parse(w.key().hex())).isEqualTo(w.key());
    assertThatThrownBy(() -> FeedKeyPair.of(FeedKeyPair.generate().key(), w.secretPkcs8()))
        .isInstanceOf(IllegalArgumentException.class);
    assertThatThrownBy(() -> FeedKey.parse("zz"))
        .isInstanceOf(io.spooky.sonar.record.MalformedAddressException.class);
  }
}
