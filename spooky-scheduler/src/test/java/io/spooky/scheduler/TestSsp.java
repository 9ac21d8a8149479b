package io.spooky.scheduler;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import io.spooky.core.json.SurrealJson;
import io.spooky.core.value.ArrayValue;
import io.spooky.core.value.IntValue;
import io.spooky.core.value.ObjectValue;
import io.spooky.core.value.StringValue;
import io.spooky.core.value.Value;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.Executors;

/**
 * A test peer speaking the SSP side of docs/PROTOCOL.md section 9 on loopback: answers {@code GET
 * /health} with a settable status, records every event of {@code POST /ingest} (with its seq) and
 * every {@code POST /view/register}, and answers the latter with a small initial result (after a
 * settable delay).
 */
final class TestSsp implements AutoCloseable {
  final String id;
  private final HttpServer server;
  private volatile String health = "bootstrapping";
  private volatile int ingestStatus = 200;
  private volatile long registerDelayMs;
  private volatile int registerStatus = 200;
  final List<Long> seqs = new CopyOnWriteArrayList<>();
  final List<ObjectValue> events = new CopyOnWriteArrayList<>();
  final List<String> registeredViews = new CopyOnWriteArrayList<>();
  final List<String> authHeaders = new CopyOnWriteArrayList<>();

  TestSsp(String id) throws IOException {
    this.id = id;
    server = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
    server.setExecutor(Executors.newVirtualThreadPerTaskExecutor());
    server.createContext("/health", ex -> reply(ex, 200, "{\"status\":\"" + health + "\"}"));
    server.createContext("/ingest", this::ingest);
    server.createContext(
        "/view/register",
        ex -> {
          ObjectValue body = (ObjectValue) SurrealJson.read(read(ex));
          String view = ((StringValue) body.get("id")).value();
          long delay = registerDelayMs;
          if (delay > 0) {
            try {
              Thread.sleep(delay); // a view that takes long to materialize
            } catch (InterruptedException e) {
              Thread.currentThread().interrupt();
            }
          }
          if (registerStatus != 200) {
            reply(ex, registerStatus, "{}");
            return;
          }
          registeredViews.add(view);
          reply(ex, 200, "{\"id\":\"" + view + "\",\"result\":[],\"hash\":\"0\"}");
        });
    server.createContext("/view/unregister", ex -> reply(ex, 200, "{}"));
    server.start();
  }

  private void ingest(HttpExchange ex) throws IOException {
    String body = read(ex);
    String auth = ex.getRequestHeaders().getFirst("Authorization");
    if (auth != null) {
      authHeaders.add(auth);
    }
    if (ingestStatus != 200) {
      reply(ex, ingestStatus, "{}");
      return;
    }
    ObjectValue o = (ObjectValue) SurrealJson.read(body);
    List<ObjectValue> batch = new ArrayList<>();
    for (Value v : ((ArrayValue) o.get("events")).items()) {
      batch.add((ObjectValue) v);
    }
    synchronized (this) {
      for (ObjectValue e : batch) {
        seqs.add(((IntValue) e.get("seq")).value());
        events.add(e);
      }
    }
    reply(ex, 200, "{}");
  }

  void health(String status) {
    this.health = status;
  }

  /** Makes every later {@code /view/register} answer only after {@code ms}. */
  void registerDelay(long ms) {
    this.registerDelayMs = ms;
  }

  /** The status every later {@code /view/register} answers (200 registers the view). */
  void registerStatus(int status) {
    this.registerStatus = status;
  }

  void ingestStatus(int status) {
    this.ingestStatus = status;
  }

  String url() {
    return "http://127.0.0.1:" + server.getAddress().getPort();
  }

  private static String read(HttpExchange ex) throws IOException {
    return new String(ex.getRequestBody().readAllBytes(), StandardCharsets.UTF_8);
  }

  private static void reply(HttpExchange ex, int status, String body) throws IOException {
    byte[] b = body.getBytes(StandardCharsets.UTF_8);
    ex.getResponseHeaders().set("Content-Type", "application/json");
    ex.sendResponseHeaders(status, b.length);
    ex.getResponseBody().write(b);
    ex.close();
  }

  @Override
  public void close() {
    server.stop(0);
  }
}
