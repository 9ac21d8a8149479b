package io.spooky.scheduler;

import static org.assertj.core.api.Assertions.assertThat;

import io.spooky.core.digest.ContentDigest;
import io.spooky.core.value.RecordId;
import io.spooky.core.value.Value;
import io.spooky.surreal.capture.CaptureCursor;
import io.spooky.surreal.capture.ChangeEvent;
import io.spooky.surreal.capture.Versionstamp;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.Test;

/** How a capture batch becomes WAL events: the closing cursor, and skipping what a crash kept. */
class CaptureBatchTest {
  private static ChangeEvent create(long key, long vs) {
    RecordId id = RecordId.of("t", key);
    Value after = Value.object(Map.of("id", id));
    return new ChangeEvent(
        "t",
        ChangeEvent.Op.CREATE,
        id,
        Value.NONE,
        after,
        new Versionstamp(vs),
        ContentDigest.of(after));
  }

  private static final CaptureCursor AFTER = CaptureCursor.empty().with("t", new Versionstamp(500));

  @Test
  void onlyTheLastEventCarriesTheCursorAndEveryEventItsVersionstamp() {
    List<WalEvent> wal =
        Scheduler.toWal(List.of(create(1, 100), create(2, 200)), AFTER, new HashSet<>());
    assertThat(wal).extracting(WalEvent::vs).containsExactly(100L, 200L);
    assertThat(wal).extracting(WalEvent::cursor).containsExactly(null, AFTER.encode());
  }

  @Test
  void changesAlreadyInTheWalAreSkippedOnce() {
    Set<WalEvent.CapturedChange> logged =
        new HashSet<>(Set.of(new WalEvent.CapturedChange(RecordId.of("t", 1), 100)));
    List<WalEvent> wal =
        Scheduler.toWal(List.of(create(1, 100), create(2, 100), create(3, 200)), AFTER, logged);
    assertThat(wal).extracting(e -> e.id().key().toString()).containsExactly("2", "3");
    assertThat(wal.getLast().cursor()).isEqualTo(AFTER.encode());
    assertThat(logged).isEmpty();
    // A batch made only of already logged changes appends nothing.
    Set<WalEvent.CapturedChange> all =
        new HashSet<>(Set.of(new WalEvent.CapturedChange(RecordId.of("t", 9), 900)));
    assertThat(Scheduler.toWal(List.of(create(9, 900)), AFTER, all)).isEmpty();
  }
}
