package io.spooky.ssp.scheduler;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import io.spooky.core.json.SurrealJson;
import io.spooky.core.value.ObjectValue;
import io.spooky.core.value.StringValue;
import io.spooky.service.ConfigException;
import io.spooky.service.ConfigSource;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.BooleanSupplier;
import org.junit.jupiter.api.Test;

/**
 * The link's reactions against a scripted scheduler on loopback: a refused registration is retried,
 * a heartbeat answered 409 leads to a new registration and a second bootstrap through the proxy,
 * and every request carries the shared secret.
 */
class SchedulerLinkTest {
  @Test
  void retriesRegistrationAndReBootstrapsAfter409() throws Exception {
    AtomicInteger registerCalls = new AtomicInteger();
    AtomicInteger heartbeats = new AtomicInteger();
    List<String> auth = new CopyOnWriteArrayList<>();
    List<String> heartbeatBodies = new CopyOnWriteArrayList<>();
    HttpServer server = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
    server.createContext(
        "/ssp/register",
        ex -> {
          auth.add(ex.getRequestHeaders().getFirst("Authorization"));
          int n = registerCalls.incrementAndGet();
          if (n == 1) {
            reply(ex, 503, "{\"type\":\"unavailable\"}");
          } else {
            reply(ex, 202, "{\"snapshot_seq\":" + (n * 10) + ",\"heartbeat_interval_ms\":20}");
          }
        });
    server.createContext(
        "/ssp/heartbeat",
        ex -> {
          auth.add(ex.getRequestHeaders().getFirst("Authorization"));
          heartbeatBodies.add(new String(ex.getRequestBody().readAllBytes(), UTF8));
          int n = heartbeats.incrementAndGet();
          if (n == 1) {
            reply(ex, 409, "{\"type\":\"rebootstrap-required\"}");
          } else {
            reply(ex, 200, "{\"status\":\"ok\"}");
          }
        });
    server.createContext(
        "/proxy/query",
        ex -> {
          auth.add(ex.getRequestHeaders().getFirst("Authorization"));
          reply(ex, 200, "{\"seq\":3,\"result\":[{\"id\":\"memo:1\",\"n\":1}]}");
        });
    server.start();
    AtomicInteger begun = new AtomicInteger();
    List<Long> bootstraps = new CopyOnWriteArrayList<>();
    List<String> loadedIds = new CopyOnWriteArrayList<>();
    LocalSsp ssp =
        new LocalSsp() {
          @Override
          public void beginBootstrap() {
            begun.incrementAndGet();
          }

          @Override
          public void bootstrap(ProxyReader proxy, long snapshotSeq) {
            ProxyReader.Page page = proxy.query("SELECT * FROM memo");
            loadedIds.add(((StringValue) ((ObjectValue) page.rows().getFirst()).get("id")).value());
            bootstraps.add(snapshotSeq);
          }

          @Override
          public int views() {
            return 2;
          }
        };
    SchedulerLinkConfig config =
        new SchedulerLinkConfig(
            URI.create("http://127.0.0.1:" + server.getAddress().getPort()),
            "ssp-x",
            Optional.empty(),
            Optional.of("sec"));
    try (SchedulerLink link = SchedulerLink.start(config, URI.create("http://127.0.0.1:1"), ssp)) {
      await("two bootstraps and a heartbeat after them", () -> heartbeats.get() >= 2);
      assertThat(registerCalls.get()).isEqualTo(3);
      assertThat(bootstraps).containsExactly(20L, 30L);
      assertThat(begun.get()).isEqualTo(3);
      assertThat(loadedIds).containsExactly("memo:1", "memo:1");
      assertThat(link.registered()).isTrue();
    } finally {
      server.stop(0);
    }
    assertThat(auth).isNotEmpty().allMatch("Bearer sec"::equals);
    ObjectValue beat = (ObjectValue) SurrealJson.read(heartbeatBodies.getFirst());
    assertThat(beat.get("ssp_id")).isEqualTo(new StringValue("ssp-x"));
    assertThat(beat.get("views")).isEqualTo(new io.spooky.core.value.IntValue(2));
    assertThat(beat.fields()).containsKeys("cpu", "memory");
  }

  @Test
  void advertisedUrlReplacesWildcardHostAndUsesTheBoundPort() {
    SchedulerLinkConfig c =
        new SchedulerLinkConfig(
            URI.create("http://127.0.0.1:9667"), "s", Optional.empty(), Optional.empty());
    assertThat(c.advertised("0.0.0.0:8667", 8667)).isEqualTo(URI.create("http://127.0.0.1:8667"));
    assertThat(c.advertised("10.0.0.5:0", 41000)).isEqualTo(URI.create("http://10.0.0.5:41000"));
    SchedulerLinkConfig fixed =
        new SchedulerLinkConfig(
            URI.create("http://127.0.0.1:9667"),
            "s",
            Optional.of(URI.create("http://ssp.internal:8667")),
            Optional.empty());
    assertThat(fixed.advertised("0.0.0.0:8667", 8667))
        .isEqualTo(URI.create("http://ssp.internal:8667"));
  }

  @Test
  void schedulerModeIsOnWithSchedulerUrlAndNeedsAnSspId() {
    assertThat(SchedulerLinkConfig.from(ConfigSource.of(Map.of(), Map.of()), Optional.empty()))
        .isEmpty();
    SchedulerLinkConfig c =
        SchedulerLinkConfig.from(
                ConfigSource.of(
                    Map.of(),
                    Map.of(
                        "SCHEDULER_URL", "http://127.0.0.1:9667/",
                        "SSP_ID", "ssp-01",
                        "SSP_ADVERTISE_URL", "http://10.0.0.5:8667")),
                Optional.of("sec"))
            .orElseThrow();
    assertThat(c.schedulerUrl()).isEqualTo(URI.create("http://127.0.0.1:9667"));
    assertThat(c.sspId()).isEqualTo("ssp-01");
    assertThat(c.advertiseUrl()).contains(URI.create("http://10.0.0.5:8667"));
    assertThat(c.secret()).contains("sec");
    assertThatThrownBy(
            () ->
                SchedulerLinkConfig.from(
                    ConfigSource.of(Map.of(), Map.of("SCHEDULER_URL", "http://127.0.0.1:9667")),
                    Optional.empty()))
        .isInstanceOf(ConfigException.class)
        .hasMessageContaining("ssp.id");
    assertThatThrownBy(
            () ->
                SchedulerLinkConfig.from(
                    ConfigSource.of(
                        Map.of(), Map.of("SCHEDULER_URL", "127.0.0.1:9667", "SSP_ID", "s")),
                    Optional.empty()))
        .isInstanceOf(ConfigException.class);
  }

  private static final java.nio.charset.Charset UTF8 = StandardCharsets.UTF_8;

  private static void reply(HttpExchange ex, int status, String body) throws IOException {
    ex.getRequestBody().readAllBytes();
    byte[] bytes = body.getBytes(UTF8);
    ex.getResponseHeaders().add("Content-Type", "application/json");
    ex.sendResponseHeaders(status, bytes.length);
    ex.getResponseBody().write(bytes);
    ex.close();
  }

  private static void await(String what, BooleanSupplier condition) throws InterruptedException {
    long deadline = System.nanoTime() + Duration.ofSeconds(20).toNanos();
    while (!condition.getAsBoolean()) {
      if (System.nanoTime() > deadline) {
        throw new AssertionError("never happened: " + what);
      }
      Thread.sleep(20);
    }
  }
}
