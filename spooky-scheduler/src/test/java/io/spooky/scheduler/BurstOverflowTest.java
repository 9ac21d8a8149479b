package io.spooky.scheduler;

import static org.assertj.core.api.Assertions.assertThat;

import io.spooky.core.value.ArrayValue;
import io.spooky.core.value.ObjectValue;
import io.spooky.core.value.StringValue;
import io.spooky.core.value.Value;
import java.nio.file.Path;
import java.time.Duration;
import java.util.stream.LongStream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code max_buffer_per_ssp} bounds the lag of an SSP that is not taking deliveries (Bootstrapping,
 * or whose deliveries fail), not of one that keeps acknowledging: a burst larger than the bound
 * leaves a Ready, acknowledging SSP Ready, while a Ready SSP whose deliveries fail is flagged and
 * told to re-bootstrap (409).
 */
class BurstOverflowTest {
  @TempDir Path dir;

  private SchedulerConfig config() {
    return SchedulerConfig.defaults()
        .withHost("127.0.0.1")
        .withPort(0)
        .withPaths(dir.resolve("replica"), dir.resolve("wal"))
        .withTimings(Duration.ofSeconds(5), Duration.ofMinutes(5), Duration.ofMillis(50))
        .withMaxBufferPerSsp(5);
  }

  private static final String HEARTBEAT =
      "{\"ssp_id\":\"ssp-b\",\"views\":0,\"cpu\":1,\"memory\":1}";

  @Test
  void aBurstBeyondTheBoundLeavesAnAcknowledgingSspReady() throws Exception {
    try (TestSsp ssp = new TestSsp("ssp-b");
        Scheduler s = Scheduler.start(config());
        Http http = new Http(s.port())) {
      ssp.health("ok");
      http.post("/ssp/register", "{\"ssp_id\":\"ssp-b\",\"url\":\"" + ssp.url() + "\"}");
      Http.await("ssp-b ready", () -> stateOf(http, "ssp-b").equals("ready"));
      // One append of 40 events: the lag is 40 > 5 at once, but every batch is acknowledged.
      assertThat(http.post("/ingest", SchedulerLifecycleTest.events(1, 40)).status())
          .isEqualTo(200);
      Http.await("ssp-b received the burst", () -> ssp.seqs.size() == 40);
      assertThat(ssp.seqs)
          .containsExactlyElementsOf(LongStream.rangeClosed(1, 40).boxed().toList());
      assertThat(stateOf(http, "ssp-b")).isEqualTo("ready");
      assertThat(http.post("/ssp/heartbeat", HEARTBEAT).status()).isEqualTo(200);
    }
  }

  @Test
  void aReadySspWhoseDeliveriesFailIsFlaggedOnceItsLagPassesTheBound() throws Exception {
    try (TestSsp ssp = new TestSsp("ssp-b");
        Scheduler s = Scheduler.start(config());
        Http http = new Http(s.port())) {
      ssp.health("ok");
      http.post("/ssp/register", "{\"ssp_id\":\"ssp-b\",\"url\":\"" + ssp.url() + "\"}");
      Http.await("ssp-b ready", () -> stateOf(http, "ssp-b").equals("ready"));
      ssp.ingestStatus(500);
      assertThat(http.post("/ingest", SchedulerLifecycleTest.events(1, 3)).status()).isEqualTo(200);
      assertThat(http.post("/ssp/heartbeat", HEARTBEAT).status())
          .as("within the bound")
          .isEqualTo(200);
      assertThat(http.post("/ingest", SchedulerLifecycleTest.events(4, 10)).status())
          .isEqualTo(200);
      Http.await("ssp-b flagged overflowed", () -> stateOf(http, "ssp-b").equals("overflowed"));
      assertThat(http.post("/ssp/heartbeat", HEARTBEAT).status()).isEqualTo(409);
    }
  }

  private static String stateOf(Http http, String sspId) {
    try {
      for (Value v : ((ArrayValue) http.get("/ssps").json()).items()) {
        ObjectValue o = (ObjectValue) v;
        if (((StringValue) o.get("ssp_id")).value().equals(sspId)) {
          return ((StringValue) o.get("state")).value();
        }
      }
      return "absent";
    } catch (Exception e) {
      throw new IllegalStateException(e);
    }
  }
}
