package io.spooky.sonar.http;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.spooky.sonar.collection.Collection;
import io.spooky.sonar.feed.FeedKey;
import io.spooky.sonar.schema.TypeSpec;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.util.HashSet;
import java.util.Set;
import java.util.function.BooleanSupplier;

/**
 * Server-Sent Events of one collection, for {@code GET …/events}: {@code update {lseq}} when the
 * log grows (event id = the new head lseq), {@code feed {key}} when a feed joins, {@code
 * schema-update {type}} when a type is defined. The log itself is the replay buffer: a client that
 * reconnects with {@code Last-Event-ID: n} gets an {@code update} at once if the head moved past
 * {@code n}; a new client starts at the current head. Updates are coalesced per poll tick, so
 * {@code lseq} is the newest head, not every position.
 */
final class EventStream {
  private static final ObjectMapper JSON = new ObjectMapper();
  private static final long POLL_MS = 100;
  private static final long KEEPALIVE_MS = 15_000;

  private final Collection collection;
  private final OutputStream out;
  private final BooleanSupplier closing;

  EventStream(Collection collection, OutputStream out, BooleanSupplier closing) {
    this.collection = collection;
    this.out = out;
    this.closing = closing;
  }

  /** Streams until the client goes away or the server closes. */
  void run(Long lastEventId) throws IOException {
    long last = lastEventId != null ? lastEventId : collection.indexer().head();
    Set<FeedKey> feeds = new HashSet<>(collection.feeds());
    Set<String> types = new HashSet<>();
    collection.schema().types().forEach(t -> types.add(t.address()));
    write(": connected\n\n");
    long quiet = 0;
    while (!closing.getAsBoolean()) {
      boolean sent = false;
      for (FeedKey k : collection.feeds()) {
        if (feeds.add(k)) {
          event("feed", null, JSON.createObjectNode().put("key", k.hex()));
          sent = true;
        }
      }
      for (TypeSpec t : collection.schema().types()) {
        if (types.add(t.address())) {
          event("schema-update", null, JSON.createObjectNode().put("type", t.address()));
          sent = true;
        }
      }
      long head = collection.indexer().head();
      if (head > last) {
        last = head;
        event("update", head, JSON.createObjectNode().put("lseq", head));
        sent = true;
      }
      quiet = sent ? 0 : quiet + POLL_MS;
      if (quiet >= KEEPALIVE_MS) {
        // Detects clients that went away while nothing happened.
        write(": keepalive\n\n");
        quiet = 0;
      }
      try {
        Thread.sleep(POLL_MS);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        return;
      }
    }
  }

  private void event(String name, Long id, ObjectNode data) throws IOException {
    StringBuilder b = new StringBuilder();
    if (id != null) {
      b.append("id: ").append(id).append('\n');
    }
    b.append("event: ").append(name).append('\n');
    b.append("data: ").append(JSON.writeValueAsString(data)).append("\n\n");
    write(b.toString());
  }

  private void write(String s) throws IOException {
    out.write(s.getBytes(StandardCharsets.UTF_8));
    out.flush();
  }
}
