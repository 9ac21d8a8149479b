package io.spooky.surreal;

import static org.assertj.core.api.Assertions.assertThat;

import io.spooky.core.value.RecordId;
import io.spooky.core.value.Value;
import io.spooky.devdb.DevDbProcess;
import io.spooky.surreal.capture.CaptureConfig;
import io.spooky.surreal.capture.CaptureCursor;
import io.spooky.surreal.capture.ChangeCapture;
import io.spooky.surreal.capture.ChangeEvent;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The server process goes away and comes back on the same port with the same on-disk data: the
 * client reconnects through refused connections with backoff, restores its session and live
 * queries, and a running change capture continues without losing or repeating a change.
 */
class ServerRestartTest {

  @Test
  void clientAndCaptureSurviveAServerRestart(@TempDir Path dir) throws Exception {
    String storage = dir.resolve("data").toString();
    DevDbProcess first = DevDbProcess.builder().storage(storage).start();
    int port = first.port();
    SurrealConfig config =
        SurrealConfig.builder(first.rpcUrl())
            .credentials(Credentials.root(first.username(), first.password()))
            .namespace("restart")
            .database("restart")
            .requestTimeout(Duration.ofSeconds(30))
            .reconnectDelay(Duration.ofMillis(20), Duration.ofMillis(400))
            .build();
    List<ChangeEvent> events = new ArrayList<>();
    DevDbProcess second = null;
    try (SurrealClient client = SurrealClient.connect(config);
        SurrealClient writer = SurrealClient.connect(config)) {
      client.let("marker", "kept");
      client.query("DEFINE TABLE item SCHEMALESS");
      LiveSubscription live = client.live("item");
      ChangeCapture capture =
          ChangeCapture.start(
              client,
              CaptureConfig.of(Set.of("item")),
              CaptureCursor.empty(),
              (batch, cursor) -> {
                synchronized (events) {
                  events.addAll(batch);
                }
              });
      try {
        for (int i = 0; i < 20; i++) {
          writer.create(RecordId.of("item", i), Map.of("n", i));
        }
        first.close();
        second = DevDbProcess.builder().storage(storage).bind("127.0.0.1", port).start();
        for (int i = 20; i < 40; i++) {
          writer.create(RecordId.of("item", i), Map.of("n", i));
        }
        assertThat(client.queryValue("RETURN $marker", Map.of())).isEqualTo(Value.of("kept"));
        long deadline = System.nanoTime() + Duration.ofSeconds(30).toNanos();
        while (size(events) < 40 && System.nanoTime() < deadline) {
          Thread.sleep(50);
        }
        Thread.sleep(500);
        List<Notification> notes = new ArrayList<>();
        for (Notification n; (n = live.poll(Duration.ofMillis(200))) != null; ) {
          notes.add(n);
        }
        assertThat(notes).contains(new Notification.Gap(Notification.GapReason.RECONNECTED));
      } finally {
        capture.close();
      }
    } finally {
      first.close();
      if (second != null) {
        second.close();
      }
    }
    List<RecordId> ids;
    synchronized (events) {
      ids = events.stream().map(ChangeEvent::id).toList();
    }
    List<RecordId> expected = new ArrayList<>();
    for (int i = 0; i < 40; i++) {
      expected.add(RecordId.of("item", i));
    }
    assertThat(ids).isEqualTo(expected);
  }

  private static int size(List<ChangeEvent> events) {
    synchronized (events) {
      return events.size();
    }
  }
}
