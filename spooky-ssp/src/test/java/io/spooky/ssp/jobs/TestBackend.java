package io.spooky.ssp.jobs;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetSocketAddress;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.Executors;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * A real HTTP backend on a free loopback port. Each path has a {@link Behaviour} deciding the
 * response from how many times the job (by {@code X-Spooky-Job-Id}) was seen; every request is
 * recorded, and overlapping requests for one job are counted.
 */
final class TestBackend implements AutoCloseable {

  /** The response to the n-th request (n from 1) for one job. */
  interface Behaviour {
    Response respond(int nth, String body) throws InterruptedException;
  }

  record Response(int status, String body) {}

  /** One request as received; {@code nanos} is {@link System#nanoTime()} at arrival. */
  record Hit(String jobId, String path, String attempt, String body, long nanos) {}

  private final HttpServer server;
  private final Map<String, Behaviour> behaviours = new ConcurrentHashMap<>();
  private final Map<String, AtomicInteger> hitsPerJob = new ConcurrentHashMap<>();
  private final Map<String, AtomicInteger> inFlightPerJob = new ConcurrentHashMap<>();
  private final AtomicInteger overlaps = new AtomicInteger();
  private final List<Hit> hits = new CopyOnWriteArrayList<>();

  TestBackend() {
    try {
      server = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    server.setExecutor(Executors.newVirtualThreadPerTaskExecutor());
    server.createContext("/", this::handle);
    server.start();
  }

  TestBackend on(String path, Behaviour b) {
    behaviours.put(path, b);
    return this;
  }

  URI url() {
    return URI.create("http://127.0.0.1:" + server.getAddress().getPort() + "/api/");
  }

  int hits(String jobId) {
    AtomicInteger n = hitsPerJob.get(jobId);
    return n == null ? 0 : n.get();
  }

  List<Hit> hits() {
    return List.copyOf(hits);
  }

  Map<String, Integer> hitsPerJob() {
    Map<String, Integer> out = new ConcurrentHashMap<>();
    hitsPerJob.forEach((k, v) -> out.put(k, v.get()));
    return out;
  }

  /** Requests that arrived while another request for the same job was still being answered. */
  int overlaps() {
    return overlaps.get();
  }

  private void handle(HttpExchange ex) throws IOException {
    long arrived = System.nanoTime();
    String jobId = ex.getRequestHeaders().getFirst(BackendClient.JOB_ID_HEADER);
    String path = ex.getRequestURI().getPath();
    String body = new String(ex.getRequestBody().readAllBytes(), StandardCharsets.UTF_8);
    hits.add(
        new Hit(
            jobId,
            path,
            ex.getRequestHeaders().getFirst(BackendClient.ATTEMPT_HEADER),
            body,
            arrived));
    int nth = hitsPerJob.computeIfAbsent(jobId, k -> new AtomicInteger()).incrementAndGet();
    AtomicInteger inFlight = inFlightPerJob.computeIfAbsent(jobId, k -> new AtomicInteger());
    if (inFlight.incrementAndGet() > 1) {
      overlaps.incrementAndGet();
    }
    Response r;
    try {
      Behaviour b = behaviours.get(path.substring("/api".length()));
      r = b == null ? new Response(404, "no such path") : b.respond(nth, body);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      r = new Response(500, "interrupted");
    } finally {
      inFlight.decrementAndGet();
    }
    byte[] out = r.body().getBytes(StandardCharsets.UTF_8);
    try {
      ex.sendResponseHeaders(r.status(), out.length == 0 ? -1 : out.length);
      if (out.length > 0) {
        ex.getResponseBody().write(out);
      }
    } catch (IOException e) {
      // The client gave up (timeout test); nothing to answer.
    } finally {
      ex.close();
    }
  }

  @Override
  public void close() {
    server.stop(0);
  }
}
