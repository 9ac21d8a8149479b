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
                      "user", WalEvent.Op.DELETE, a, Value.NONE, Value.NONE, null, null))));
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
}
