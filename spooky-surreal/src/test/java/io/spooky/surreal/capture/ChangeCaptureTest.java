package io.spooky.surreal.capture;

import static org.assertj.core.api.Assertions.assertThat;

import io.spooky.core.digest.ContentDigest;
import io.spooky.core.value.ObjectValue;
import io.spooky.core.value.RecordId;
import io.spooky.core.value.StringValue;
import io.spooky.core.value.Value;
import io.spooky.devdb.DevSurreal;
import io.spooky.devdb.DevSurrealEndpoint;
import io.spooky.surreal.DevClients;
import io.spooky.surreal.SurrealClient;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;

@DevSurreal
class ChangeCaptureTest {

  /** Collects delivered batches like a WAL would: events and cursor stored together. */
  static final class Sink implements ChangeConsumer {
    final List<ChangeEvent> events = new ArrayList<>();
    CaptureCursor stored = CaptureCursor.empty();

    @Override
    public synchronized void onBatch(List<ChangeEvent> batch, CaptureCursor cursorAfter) {
      events.addAll(batch);
      stored = cursorAfter;
      notifyAll();
    }

    synchronized List<ChangeEvent> awaitEvents(int n) throws InterruptedException {
      long deadline = System.nanoTime() + Duration.ofSeconds(30).toNanos();
      while (events.size() < n && System.nanoTime() < deadline) {
        wait(100);
      }
      return List.copyOf(events);
    }

    synchronized CaptureCursor stored() {
      return stored;
    }
  }

  @Test
  void eventsCarryBeforeAndAfterImagesAndExistingSchemaIsKept(DevSurrealEndpoint db)
      throws Exception {
    try (SurrealClient s = DevClients.connect(db)) {
      s.query(
          "DEFINE TABLE person SCHEMAFULL PERMISSIONS FOR select FULL FOR create NONE;"
              + "DEFINE FIELD name ON person TYPE string;"
              + "DEFINE FIELD tags ON person TYPE array<int>;"
              + "DEFINE TABLE log CHANGEFEED 2h;");
      Sink sink = new Sink();
      try (ChangeCapture capture =
          ChangeCapture.start(
              s, CaptureConfig.of(Set.of("person", "log")), CaptureCursor.empty(), sink)) {
        Map<String, Value> defs =
            ((ObjectValue) ((ObjectValue) s.queryValue("INFO FOR DB", Map.of())).get("tables"))
                .fields();
        assertThat(((StringValue) defs.get("person")).value())
            .contains(
                "SCHEMAFULL", "CHANGEFEED 1w INCLUDE ORIGINAL", "FOR select FULL", "delete NONE");
        assertThat(((StringValue) defs.get("log")).value())
            .contains("CHANGEFEED 2h INCLUDE ORIGINAL");
        assertThat(s.queryValue("INFO FOR TABLE person", Map.of()).toString()).contains("tags");

        RecordId ada = RecordId.of("person", "ada");
        s.query("CREATE person:ada SET name = 'Ada 😀 Lovelace', tags = [1, 2, 3]");
        s.query("UPDATE person:ada SET name = 'Ada King', tags = [1, 3]");
        s.query("CREATE log:1 SET m = 'x'");
        s.query("DELETE person:ada");
        List<ChangeEvent> events = sink.awaitEvents(4);
        assertThat(events)
            .extracting(ChangeEvent::op)
            .containsExactly(
                ChangeEvent.Op.CREATE,
                ChangeEvent.Op.UPDATE,
                ChangeEvent.Op.CREATE,
                ChangeEvent.Op.DELETE);
        ChangeEvent created = events.get(0);
        ChangeEvent updated = events.get(1);
        ChangeEvent deleted = events.get(3);
        assertThat(created.id()).isEqualTo(ada);
        assertThat(created.before()).isEqualTo(Value.NONE);
        assertThat(created.version()).isEqualTo(ContentDigest.of(created.after()));
        assertThat(updated.before()).isEqualTo(created.after());
        assertThat(((ObjectValue) updated.after()).get("name")).isEqualTo(Value.of("Ada King"));
        assertThat(updated.version()).isEqualTo(ContentDigest.of(updated.after()));
        assertThat(events.get(2).table()).isEqualTo("log");
        assertThat(deleted.id()).isEqualTo(ada);
        assertThat(deleted.after()).isEqualTo(Value.NONE);
        assertThat(deleted.version()).isNull();
        assertThat(events).extracting(ChangeEvent::versionstamp).isSorted();
        assertThat(sink.stored().of("person")).contains(deleted.versionstamp());
      }
    }
  }

  @Test
  void watchingAllTablesFindsNewOnesAndAFailingConsumerGetsTheSameBatchAgain(DevSurrealEndpoint db)
      throws Exception {
    try (SurrealClient s =
        SurrealClient.connect(DevClients.config(db.withDatabase(db.database() + "_all")).build())) {
      s.query("DEFINE TABLE early SCHEMALESS");
      AtomicInteger failures = new AtomicInteger();
      Sink sink = new Sink();
      List<List<ChangeEvent>> offered = new ArrayList<>();
      ChangeConsumer flaky =
          (batch, cursor) -> {
            synchronized (offered) {
              offered.add(batch);
            }
            if (!batch.isEmpty() && failures.getAndIncrement() < 2) {
              throw new IllegalStateException("consumer not ready");
            }
            sink.onBatch(batch, cursor);
          };
      CaptureConfig config =
          new CaptureConfig(
              Set.of(),
              "1d",
              100,
              Duration.ofMillis(100),
              Duration.ofMillis(50),
              true,
              Duration.ofMillis(20),
              Duration.ofMillis(100));
      try (ChangeCapture capture = ChangeCapture.start(s, config, CaptureCursor.empty(), flaky)) {
        s.query("CREATE early:1");
        List<ChangeEvent> first = sink.awaitEvents(1);
        assertThat(first).extracting(ChangeEvent::id).containsExactly(RecordId.of("early", 1));
        synchronized (offered) {
          List<List<ChangeEvent>> nonEmpty = offered.stream().filter(b -> !b.isEmpty()).toList();
          assertThat(nonEmpty).hasSize(3);
          assertThat(nonEmpty.get(0)).isEqualTo(nonEmpty.get(2));
        }
        s.query("DEFINE TABLE later SCHEMALESS");
        // The table exists before discovery adds its feed; a write retried until it is captured.
        long deadline = System.nanoTime() + Duration.ofSeconds(20).toNanos();
        int n = 0;
        while (capture.tables().size() < 2 && System.nanoTime() < deadline) {
          Thread.sleep(50);
        }
        assertThat(capture.tables()).contains("early", "later");
        s.query("CREATE later:" + (++n));
        List<ChangeEvent> all = sink.awaitEvents(2);
        assertThat(all).extracting(ChangeEvent::id).contains(RecordId.of("later", 1));
      }
    }
  }
}
