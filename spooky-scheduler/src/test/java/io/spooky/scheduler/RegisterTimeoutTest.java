package io.spooky.scheduler;

import static org.assertj.core.api.Assertions.assertThat;

import io.spooky.core.value.ArrayValue;
import io.spooky.core.value.ObjectValue;
import io.spooky.core.value.StringValue;
import java.nio.file.Path;
import java.time.Duration;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A {@code /view/register} that the SSP takes but does not answer within {@code
 * view_register_timeout} leaves the query on that SSP (504 to the client), never on a second one;
 * registering again reaches the same SSP. An SSP that answers with an error is passed over.
 */
class RegisterTimeoutTest {
  @TempDir Path dir;

  private static final String QUERY =
      "{\"query_id\":\"q1\",\"surql\":\"SELECT * FROM product\",\"params\":{}}";

  private SchedulerConfig config() {
    return SchedulerConfig.defaults()
        .withHost("127.0.0.1")
        .withPort(0)
        .withPaths(dir.resolve("replica"), dir.resolve("wal"))
        .withTimings(Duration.ofSeconds(5), Duration.ofMinutes(5), Duration.ofMillis(50))
        .withViewRegisterTimeout(Duration.ofMillis(300));
  }

  @Test
  void anUnansweredRegistrationKeepsTheQueryOnThatSspAlone() throws Exception {
    try (TestSsp a = new TestSsp("ssp-a");
        TestSsp b = new TestSsp("ssp-b");
        Scheduler s = Scheduler.start(config());
        Http http = new Http(s.port())) {
      joinReady(http, a, b);
      a.registerDelay(1_500);
      b.registerDelay(1_500);

      Http.Response first = http.post("/query/register", QUERY);
      assertThat(first.status()).as(first.body()).isEqualTo(504);
      assertThat(first.body()).contains("registration-unconfirmed");
      String owner = sspOf(http);
      TestSsp chosen = owner.equals("ssp-a") ? a : b;
      TestSsp other = chosen == a ? b : a;

      Http.await("the slow SSP finished the view", () -> chosen.registeredViews.contains("q1"));
      chosen.registerDelay(0);
      other.registerDelay(0);
      Http.Response again = http.post("/query/register", QUERY);
      assertThat(again.status()).as(again.body()).isEqualTo(200);
      assertThat(((StringValue) ((ObjectValue) again.json()).get("ssp_id")).value())
          .isEqualTo(owner);
      assertThat(sspOf(http)).isEqualTo(owner);
      assertThat(other.registeredViews).doesNotContain("q1");
    }
  }

  @Test
  void anSspThatRejectsTheViewIsPassedOver() throws Exception {
    try (TestSsp a = new TestSsp("ssp-a");
        TestSsp b = new TestSsp("ssp-b");
        Scheduler s = Scheduler.start(config());
        Http http = new Http(s.port())) {
      joinReady(http, a, b);
      a.registerStatus(500);
      b.registerStatus(500);
      assertThat(http.post("/query/register", QUERY).status()).isEqualTo(503);
      a.registerStatus(200);
      Http.Response placed = http.post("/query/register", QUERY);
      assertThat(placed.status()).as(placed.body()).isEqualTo(200);
      assertThat(sspOf(http)).isEqualTo("ssp-a");
    }
  }

  /** Registers {@code ssps} (healthy at once) and waits until all are Ready. */
  private static void joinReady(Http http, TestSsp... ssps) throws Exception {
    for (TestSsp t : ssps) {
      t.health("ok");
      http.post("/ssp/register", "{\"ssp_id\":\"" + t.id + "\",\"url\":\"" + t.url() + "\"}");
    }
    Http.await("all ready", () -> readyCount(http) == ssps.length);
  }

  private static long readyCount(Http http) {
    try {
      return ((ArrayValue) http.get("/ssps").json())
          .items().stream()
              .filter(v -> ((StringValue) ((ObjectValue) v).get("state")).value().equals("ready"))
              .count();
    } catch (Exception e) {
      throw new IllegalStateException(e);
    }
  }

  private static String sspOf(Http http) throws Exception {
    return ((StringValue) ((ObjectValue) http.get("/query/q1").json()).get("ssp_id")).value();
  }
}
