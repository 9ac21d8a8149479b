package io.spooky.scheduler;

import io.spooky.core.json.SurrealJson;
import io.spooky.core.value.Value;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.function.BooleanSupplier;

/** A small JSON-over-HTTP client for tests, talking to a scheduler on loopback. */
final class Http implements AutoCloseable {
  record Response(int status, String body) {
    Value json() {
      return SurrealJson.read(body);
    }
  }

  private final HttpClient client = HttpClient.newHttpClient();
  private final String base;
  private final String secret;

  Http(int port, String secret) {
    this.base = "http://127.0.0.1:" + port;
    this.secret = secret;
  }

  Http(int port) {
    this(port, null);
  }

  Response post(String path, String json) throws IOException, InterruptedException {
    return send(
        builder(path)
            .header("Content-Type", "application/json")
            .POST(HttpRequest.BodyPublishers.ofString(json)));
  }

  Response get(String path) throws IOException, InterruptedException {
    return send(builder(path).GET());
  }

  private HttpRequest.Builder builder(String path) {
    HttpRequest.Builder b =
        HttpRequest.newBuilder(URI.create(base + path)).timeout(Duration.ofSeconds(30));
    if (secret != null) {
      b.header("Authorization", "Bearer " + secret);
    }
    return b;
  }

  private Response send(HttpRequest.Builder b) throws IOException, InterruptedException {
    HttpResponse<String> r = client.send(b.build(), HttpResponse.BodyHandlers.ofString());
    return new Response(r.statusCode(), r.body());
  }

  /**
   * Polls {@code condition} until it holds; fails after a generous deadline (not a timing test).
   */
  static void await(String what, BooleanSupplier condition) throws InterruptedException {
    long deadline = System.nanoTime() + Duration.ofSeconds(30).toNanos();
    while (!condition.getAsBoolean()) {
      if (System.nanoTime() > deadline) {
        throw new AssertionError("timed out waiting for " + what);
      }
      Thread.sleep(20);
    }
  }

  @Override
  public void close() {
    client.close();
  }
}
