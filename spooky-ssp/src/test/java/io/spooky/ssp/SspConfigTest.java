package io.spooky.ssp;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.spooky.service.ConfigException;
import io.spooky.service.ConfigSource;
import java.net.URI;
import java.time.Duration;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.Test;

class SspConfigTest {
  @Test
  void defaultsMatchTheIssue() {
    SspConfig c = SspConfig.from(ConfigSource.of(Map.of(), Map.of()));
    assertThat(c.surrealRpc()).isEqualTo(URI.create("ws://127.0.0.1:8000/rpc"));
    assertThat(c.listenAddr()).isEqualTo("0.0.0.0:8667");
    assertThat(c.secret()).isEmpty();
    assertThat(c.tables()).isEmpty();
    assertThat(c.defaultTtl()).isEqualTo(Duration.ofMinutes(10));
    assertThat(c.jobs()).isEmpty();
  }

  @Test
  void environmentWinsOverTheFile() {
    SspConfig c =
        SspConfig.from(
            ConfigSource.of(
                Map.of(
                    "surrealdb.addr", "ws://file:1",
                    "surrealdb.ns", "filens",
                    "listen_addr", "127.0.0.1:1",
                    "ssp.tables", "a, b",
                    "spooky.backend_url", "http://127.0.0.1:9/api"),
                Map.of(
                    "SURREALDB_ADDR", "ws://env:2/rpc",
                    "LISTEN_ADDR", "127.0.0.1:2",
                    "SPOOKY_SECRET", "s",
                    "SSP_ID", "ssp-7")));
    assertThat(c.surrealRpc()).isEqualTo(URI.create("ws://env:2/rpc"));
    assertThat(c.namespace()).isEqualTo("filens");
    assertThat(c.listenAddr()).isEqualTo("127.0.0.1:2");
    assertThat(c.secret()).contains("s");
    assertThat(c.tables()).isEqualTo(Set.of("a", "b"));
    assertThat(c.jobs()).hasValueSatisfying(j -> assertThat(j.sspId()).isEqualTo("ssp-7"));
  }

  @Test
  void badValuesNameTheirKey() {
    assertThatThrownBy(
            () -> SspConfig.from(ConfigSource.of(Map.of(), Map.of("SURREALDB_ADDR", "http://x"))))
        .isInstanceOf(ConfigException.class)
        .hasMessageStartingWith("surrealdb.addr:");
    assertThatThrownBy(
            () -> SspConfig.from(ConfigSource.of(Map.of("ssp.page_size", "0"), Map.of())))
        .hasMessageStartingWith("ssp.page_size:");
    assertThatThrownBy(
            () -> SspConfig.from(ConfigSource.of(Map.of(), Map.of("SSP_DEFAULT_TTL", "soon"))))
        .hasMessageStartingWith("ssp.default_ttl:");
  }
}
