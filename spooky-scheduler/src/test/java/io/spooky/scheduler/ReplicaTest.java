package io.spooky.scheduler;

import static org.assertj.core.api.Assertions.assertThat;

import io.spooky.core.value.IntValue;
import io.spooky.core.value.ObjectValue;
import io.spooky.core.value.RecordId;
import io.spooky.core.value.StringValue;
import io.spooky.core.value.Value;
import io.spooky.log.LogEntry;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The replica's atomic apply: data, seq and capture cursor survive a reopen together. */
class ReplicaTest {
  @TempDir Path dir;

  private static LogEntry entry(long seq, WalEvent e) {
    return new LogEntry(seq, e.encode());
  }

  @Test
  void appliesUpsertsAndDeletesAndKeepsSeqAndCursorAcrossReopen() throws Exception {
    RecordId a = RecordId.of("user", 1);
    RecordId b = RecordId.of("user", "b");
    RecordId c = RecordId.of("post", 1);
    try (Replica r = Replica.open(dir)) {
      assertThat(r.appliedSeq()).isZero();
      assertThat(r.cursor()).isNull();
      r.apply(
          List.of(
              entry(1, WalEvent.upsert(a, Map.of("n", new IntValue(1)))),
              entry(2, WalEvent.upsert(b, Map.of("n", new IntValue(2)))),
              entry(3, WalEvent.upsert(c, Map.of("t", new StringValue("x"))).withCursor("c1"))));
      r.apply(
          List.of(
              entry(
                  4,
                  new WalEvent(
                      "user", WalEvent.Op.DELETE, a, Value.NONE, Value.NONE, null, 0, null))));
    }
    try (Replica r = Replica.open(dir)) {
      assertThat(r.appliedSeq()).isEqualTo(4);
      assertThat(r.cursor()).isEqualTo("c1");
      try (Replica.View v = r.view()) {
        List<ObjectValue> users = new ArrayList<>();
        v.scan("user").forEach(users::add);
        assertThat(users).extracting(o -> o.get("id")).containsExactly(b);
        assertThat(v.get(a)).isEmpty();
        assertThat(v.get(c).orElseThrow().get("t")).isEqualTo(new StringValue("x"));
        assertThat(v.scan("nope")).isEmpty();
      }
    }
  }

  private static WalEvent captured(RecordId id, long vs, String cursor) {
    return new WalEvent(
        id.table(),
        WalEvent.Op.CREATE,
        id,
        Value.NONE,
        Value.object(Map.of("id", id)),
        null,
        vs,
        cursor);
  }

  @Test
  void capturedChangesAfterTheLastCursorAreRememberedAcrossReopen() throws Exception {
    RecordId a = RecordId.of("t", 1);
    RecordId b = RecordId.of("t", 2);
    RecordId c = RecordId.of("t", 3);
    try (Replica r = Replica.open(dir)) {
      r.apply(List.of(entry(1, captured(a, 100, "c100"))));
      assertThat(r.captureTail()).isEmpty();
      // A batch whose append was cut short: events without the closing cursor.
      r.apply(List.of(entry(2, captured(b, 200, null)), entry(3, captured(c, 200, null))));
      // Ingested events do not count as captured.
      r.apply(List.of(entry(4, WalEvent.upsert(RecordId.of("u", 1), Map.of()))));
    }
    try (Replica r = Replica.open(dir)) {
      assertThat(r.cursor()).isEqualTo("c100");
      assertThat(r.captureTail())
          .containsExactlyInAnyOrder(
              new WalEvent.CapturedChange(b, 200), new WalEvent.CapturedChange(c, 200));
      r.apply(List.of(entry(5, captured(RecordId.of("t", 4), 300, "c300"))));
      assertThat(r.captureTail()).isEmpty();
    }
    try (Replica r = Replica.open(dir)) {
      assertThat(r.captureTail()).isEmpty();
      assertThat(r.cursor()).isEqualTo("c300");
    }
  }

  @Test
  void aViewDoesNotSeeLaterBatches() throws Exception {
    try (Replica r = Replica.open(dir)) {
      r.apply(List.of(entry(1, WalEvent.upsert(RecordId.of("t", 1), Map.of()))));
      try (Replica.View v = r.view()) {
        r.apply(List.of(entry(2, WalEvent.upsert(RecordId.of("t", 2), Map.of()))));
        List<ObjectValue> seen = new ArrayList<>();
        v.scan("t").forEach(seen::add);
        assertThat(seen).hasSize(1);
        assertThat(v.seq()).isEqualTo(1);
      }
    }
  }

  @Test
  void replicaWrittenWithCanonicalKeysIsRewrittenInIdOrderOnOpen() throws Exception {
    List<RecordId> ids =
        List.of(RecordId.of("user", 200), RecordId.of("user", 100), RecordId.of("user", "b"));
    try (org.rocksdb.Options o = new org.rocksdb.Options().setCreateIfMissing(true);
        org.rocksdb.RocksDB db = org.rocksdb.RocksDB.open(o, dir.toString())) {
      for (RecordId id : ids) {
        byte[] prefix = "duser\0".getBytes(java.nio.charset.StandardCharsets.UTF_8);
        byte[] key = io.spooky.core.encoding.CanonicalEncoding.encode(id.key());
        byte[] full = java.util.Arrays.copyOf(prefix, prefix.length + key.length);
        System.arraycopy(key, 0, full, prefix.length, key.length);
        db.put(
            full,
            io.spooky.core.encoding.CanonicalEncoding.encode(
                Value.object(Map.of("id", id, "n", new IntValue(1)))));
      }
    }
    try (Replica r = Replica.open(dir);
        Replica.View v = r.view()) {
      List<Value> scanned = new ArrayList<>();
      v.scanFrom("user", null, true, 10).forEach(x -> scanned.add(x.get("id")));
      assertThat(scanned)
          .containsExactly(
              RecordId.of("user", 100), RecordId.of("user", 200), RecordId.of("user", "b"));
      for (RecordId id : ids) {
        assertThat(v.get(id)).isPresent();
      }
    }
  }
}
