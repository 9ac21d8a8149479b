package io.spooky.ssp.scheduler;

import io.spooky.core.json.SurrealJson;
import io.spooky.core.value.ArrayValue;
import io.spooky.core.value.FloatValue;
import io.spooky.core.value.IntValue;
import io.spooky.core.value.ObjectValue;
import io.spooky.core.value.StringValue;
import io.spooky.core.value.Value;
import java.io.IOException;
import java.lang.management.ManagementFactory;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The SSP side of docs/PROTOCOL.md section 9: registers with the scheduler, bootstraps the {@link
 * LocalSsp} through {@code POST /proxy/query}, and heartbeats every {@code heartbeat_interval_ms}
 * (from the registration reply). A heartbeat answered 404 ({@code unknown-ssp}) or 409 ({@code
 * rebootstrap-required}) makes the link register again and re-bootstrap. Network errors and
 * unexpected statuses are retried with a backoff (100 ms doubling to 5 s); the link never gives up
 * until {@link #close}.
 */
public final class SchedulerLink implements AutoCloseable {
  private static final Logger log = LoggerFactory.getLogger(SchedulerLink.class);
  private static final Duration REQUEST_TIMEOUT = Duration.ofSeconds(30);
  private static final long BACKOFF_MIN_MS = 100;
  private static final long BACKOFF_MAX_MS = 5_000;
  private static final long TICK_MS = 20;

  private final SchedulerLinkConfig config;
  private final URI self;
  private final LocalSsp ssp;
  private final HttpClient http =
      HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();

  /** Released when the scheduler asked for a new registration. */
  private final Semaphore rejoin = new Semaphore(0);

  private final Thread lifecycle;
  private final Thread heartbeats;
  private volatile boolean registered;
  private volatile long heartbeatMs = 5_000;
  private volatile boolean closed;

  private SchedulerLink(SchedulerLinkConfig config, URI self, LocalSsp ssp) {
    this.config = config;
    this.self = self;
    this.ssp = ssp;
    this.lifecycle = Thread.ofPlatform().name("ssp-scheduler-link").daemon().unstarted(this::run);
    this.heartbeats =
        Thread.ofPlatform().name("ssp-scheduler-heartbeat").daemon().unstarted(this::beat);
  }

  /**
   * Starts registering in the background.
   *
   * @param self the base URL the scheduler calls this SSP at
   */
  public static SchedulerLink start(SchedulerLinkConfig config, URI self, LocalSsp ssp) {
    SchedulerLink link = new SchedulerLink(config, self, ssp);
    link.lifecycle.start();
    link.heartbeats.start();
    return link;
  }

  /** Whether the last registration is still accepted by the scheduler. */
  public boolean registered() {
    return registered;
  }

  private void run() {
    long backoff = BACKOFF_MIN_MS;
    while (!closed) {
      try {
        ssp.beginBootstrap();
        long snapshotSeq = register();
        backoff = BACKOFF_MIN_MS;
        log.info("event=bootstrap_through_scheduler snapshot_seq={}", snapshotSeq);
        ssp.bootstrap(this::proxy, snapshotSeq);
        log.info("event=bootstrap_through_scheduler_done snapshot_seq={}", snapshotSeq);
        rejoin.acquire();
        rejoin.drainPermits();
      } catch (InterruptedException e) {
        return;
      } catch (RuntimeException e) {
        if (closed) {
          return;
        }
        registered = false;
        log.warn("event=scheduler_link_retry backoff_ms={} reason=\"{}\"", backoff, e.getMessage());
        if (!sleep(backoff)) {
          return;
        }
        backoff = Math.min(BACKOFF_MAX_MS, backoff * 2);
      }
    }
  }

  private long register() {
    ObjectValue body =
        object(
            Map.of(
                "ssp_id",
                new StringValue(config.sspId()),
                "url",
                new StringValue(self.toString())));
    ObjectValue reply = call("/ssp/register", body, 202);
    if (reply.get("heartbeat_interval_ms") instanceof IntValue hb && hb.value() > 0) {
      heartbeatMs = hb.value();
    }
    if (!(reply.get("snapshot_seq") instanceof IntValue seq)) {
      throw new SchedulerException(202, "registration reply without snapshot_seq", null);
    }
    registered = true;
    log.info(
        "event=registered ssp_id={} url={} snapshot_seq={}", config.sspId(), self, seq.value());
    return seq.value();
  }

  private ProxyReader.Page proxy(String surql) {
    ObjectValue reply =
        call(
            "/proxy/query",
            object(Map.of("query", new StringValue(surql), "vars", ObjectValue.EMPTY)),
            200);
    if (!(reply.get("seq") instanceof IntValue seq)
        || !(reply.get("result") instanceof ArrayValue rows)) {
      throw new SchedulerException(200, "proxy reply without seq/result", null);
    }
    return new ProxyReader.Page(seq.value(), rows.items());
  }

  /**
   * Heartbeats every {@code heartbeat_interval_ms}, the first right after a registration; ticks are
   * short so that a registration's interval takes effect at once.
   */
  private void beat() {
    long lastBeat = 0;
    while (!closed) {
      if (!sleep(TICK_MS)) {
        return;
      }
      long now = System.nanoTime();
      if (!registered || now - lastBeat < TimeUnit.MILLISECONDS.toNanos(heartbeatMs)) {
        continue;
      }
      lastBeat = now;
      ObjectValue body =
          object(
              Map.of(
                  "ssp_id", new StringValue(config.sspId()),
                  "views", new IntValue(ssp.views()),
                  "cpu", new FloatValue(cpuPercent()),
                  "memory", new FloatValue(memoryPercent())));
      try {
        call("/ssp/heartbeat", body, 200);
      } catch (SchedulerException e) {
        if (e.status() == 404 || e.status() == 409) {
          log.warn("event=scheduler_rejoin status={} reason=\"{}\"", e.status(), e.getMessage());
          registered = false;
          rejoin.release();
        } else {
          log.warn("event=heartbeat_failed status={} reason=\"{}\"", e.status(), e.getMessage());
        }
      }
    }
  }

  private ObjectValue call(String path, ObjectValue body, int expected) {
    HttpRequest.Builder b =
        HttpRequest.newBuilder(URI.create(config.schedulerUrl() + path))
            .timeout(REQUEST_TIMEOUT)
            .header("Content-Type", "application/json")
            .POST(HttpRequest.BodyPublishers.ofString(SurrealJson.write(body)));
    config.secret().ifPresent(s -> b.header("Authorization", "Bearer " + s));
    HttpResponse<String> r;
    try {
      r = http.send(b.build(), HttpResponse.BodyHandlers.ofString());
    } catch (IOException e) {
      throw new SchedulerException(0, path + ": " + e.getMessage(), e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new SchedulerException(0, path + ": interrupted", e);
    }
    if (r.statusCode() != expected) {
      throw new SchedulerException(
          r.statusCode(), path + " answered " + r.statusCode() + ": " + r.body(), null);
    }
    try {
      return SurrealJson.read(r.body()) instanceof ObjectValue o ? o : ObjectValue.EMPTY;
    } catch (RuntimeException e) {
      throw new SchedulerException(r.statusCode(), path + ": reply is not JSON", e);
    }
  }

  private static ObjectValue object(Map<String, Value> fields) {
    return new ObjectValue(new TreeMap<>(fields));
  }

  /** Host CPU load in percent (0 when the platform does not report it). */
  static double cpuPercent() {
    if (ManagementFactory.getOperatingSystemMXBean()
        instanceof com.sun.management.OperatingSystemMXBean os) {
      double load = os.getCpuLoad();
      return load < 0 ? 0 : Math.min(100, load * 100);
    }
    return 0;
  }

  /** Heap in use as a percentage of the maximum heap. */
  static double memoryPercent() {
    Runtime rt = Runtime.getRuntime();
    return 100.0 * (rt.totalMemory() - rt.freeMemory()) / rt.maxMemory();
  }

  private boolean sleep(long ms) {
    try {
      TimeUnit.MILLISECONDS.sleep(ms);
      return !closed;
    } catch (InterruptedException e) {
      return false;
    }
  }

  @Override
  public void close() {
    closed = true;
    lifecycle.interrupt();
    heartbeats.interrupt();
    try {
      lifecycle.join(5_000);
      heartbeats.join(5_000);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }
}
