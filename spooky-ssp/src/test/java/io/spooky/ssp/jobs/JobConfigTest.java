package io.spooky.ssp.jobs;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.net.URI;
import java.time.Duration;
import java.util.Map;
import org.junit.jupiter.api.Test;

class JobConfigTest {

  @Test
  void noBackendUrlMeansNoJobs() {
    assertThat(JobConfig.fromEnvironment(Map.of())).isEmpty();
    assertThat(JobConfig.fromEnvironment(Map.of("SPOOKY_BACKEND_URL", " "))).isEmpty();
  }

  @Test
  void readsEveryKey() {
    JobConfig c =
        JobConfig.fromEnvironment(
                Map.ofEntries(
                    Map.entry("SPOOKY_BACKEND_URL", "http://127.0.0.1:3000/api"),
                    Map.entry("SSP_ID", "ssp-7"),
                    Map.entry("SPOOKY_JOBS_POLL_INTERVAL_MS", "250"),
                    Map.entry("SPOOKY_JOBS_REQUEST_TIMEOUT_MS", "2000"),
                    Map.entry("SPOOKY_JOBS_LEASE_MS", "9000"),
                    Map.entry("SPOOKY_JOBS_CONCURRENCY", "3"),
                    Map.entry("SPOOKY_JOBS_BACKOFF_BASE_MS", "10"),
                    Map.entry("SPOOKY_JOBS_BACKOFF_MAX_MS", "20"),
                    Map.entry("SPOOKY_JOBS_MAX_ATTEMPTS", "9"),
                    Map.entry("SPOOKY_JOBS_PREFER_OTHER_SSP", "false"),
                    Map.entry("SPOOKY_JOBS_LIVE", "no")))
            .orElseThrow();
    assertThat(c.backendUrl()).isEqualTo(URI.create("http://127.0.0.1:3000/api"));
    assertThat(c.sspId()).isEqualTo("ssp-7");
    assertThat(c.pollInterval()).isEqualTo(Duration.ofMillis(250));
    assertThat(c.requestTimeout()).isEqualTo(Duration.ofSeconds(2));
    assertThat(c.leaseTimeout()).isEqualTo(Duration.ofSeconds(9));
    assertThat(c.concurrency()).isEqualTo(3);
    assertThat(c.baseBackoff()).isEqualTo(Duration.ofMillis(10));
    assertThat(c.maxBackoff()).isEqualTo(Duration.ofMillis(20));
    assertThat(c.defaultMaxAttempts()).isEqualTo(9);
    assertThat(c.preferOtherSsp()).isFalse();
    assertThat(c.liveWakeup()).isFalse();
  }

  @Test
  void aLongRequestTimeoutAloneStretchesTheDefaultLease() {
    JobConfig c =
        JobConfig.fromEnvironment(
                Map.of(
                    "SPOOKY_BACKEND_URL", "http://127.0.0.1:3000",
                    "SPOOKY_JOBS_REQUEST_TIMEOUT_MS", "120000"))
            .orElseThrow();
    assertThat(c.leaseTimeout()).isEqualTo(Duration.ofMinutes(4));
  }

  @Test
  void malformedValuesNameTheirKey() {
    assertThatThrownBy(
            () ->
                JobConfig.fromEnvironment(
                    Map.of(
                        "SPOOKY_BACKEND_URL",
                        "http://127.0.0.1:3000",
                        "SPOOKY_JOBS_CONCURRENCY",
                        "many")))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("SPOOKY_JOBS_CONCURRENCY");
    assertThatThrownBy(
            () -> JobConfig.fromEnvironment(Map.of("SPOOKY_BACKEND_URL", "ftp://127.0.0.1/")))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("http");
  }

  @Test
  void theLeaseMustOutlastARequest() {
    JobConfig c = JobConfig.defaults(URI.create("http://127.0.0.1:3000"));
    assertThatThrownBy(() -> c.withTimeouts(Duration.ofSeconds(10), Duration.ofSeconds(10)))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("leaseTimeout");
  }

  @Test
  void targetsJoinBaseAndPathWithOneSlash() {
    JobConfig c = JobConfig.defaults(URI.create("http://127.0.0.1:3000/api/"));
    assertThat(c.target("/mail/send")).isEqualTo(URI.create("http://127.0.0.1:3000/api/mail/send"));
    JobConfig bare = JobConfig.defaults(URI.create("http://127.0.0.1:3000"));
    assertThat(bare.target("/x")).isEqualTo(URI.create("http://127.0.0.1:3000/x"));
  }
}
