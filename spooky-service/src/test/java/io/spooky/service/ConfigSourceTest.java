package io.spooky.service;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ConfigSourceTest {
  @TempDir Path dir;

  @Test
  void nestedYamlKeysAreDottedAndTheEnvironmentWins() throws Exception {
    Files.writeString(
        dir.resolve("spooky.yml"),
        "surrealdb:\n  addr: ws://file:8000\n  user: root\nlisten_addr: 0.0.0.0:1\nttl: 10m\n");
    ConfigSource c = ConfigSource.load(Map.of("SURREALDB_ADDR", "ws://env:9000"), dir);
    assertThat(c.string("surrealdb.addr", "x")).isEqualTo("ws://env:9000");
    assertThat(c.string("surrealdb.user", "x")).isEqualTo("root");
    assertThat(c.string("listen_addr", "x")).isEqualTo("0.0.0.0:1");
    assertThat(c.duration("ttl", Duration.ZERO)).isEqualTo(Duration.ofMinutes(10));
    assertThat(c.string("surrealdb.pass")).isEmpty();
    assertThat(c.integer("missing", 7)).isEqualTo(7);
  }

  @Test
  void spookyConfigNamesTheFile() throws Exception {
    Path f = dir.resolve("other.yml");
    Files.writeString(f, "a:\n  b-c: 42\n");
    ConfigSource c =
        ConfigSource.load(Map.of("SPOOKY_CONFIG", f.toString()), Path.of("/nonexistent"));
    assertThat(c.integer("a.b-c", 0)).isEqualTo(42);
    assertThat(ConfigSource.envName("a.b-c")).isEqualTo("A_B_C");
    assertThatThrownBy(
            () -> ConfigSource.load(Map.of("SPOOKY_CONFIG", dir.resolve("no.yml").toString()), dir))
        .isInstanceOf(ConfigException.class)
        .hasMessageContaining("missing file");
  }

  @Test
  void badValuesNameTheKey() {
    ConfigSource c =
        ConfigSource.of(Map.of("port", "eighty", "flag", "yes"), Map.of("TTL", "10 minutes"));
    assertThatThrownBy(() -> c.integer("port", 0))
        .isInstanceOf(ConfigException.class)
        .hasMessageStartingWith("port:");
    assertThatThrownBy(() -> c.bool("flag", false)).hasMessageStartingWith("flag:");
    assertThatThrownBy(() -> c.duration("ttl", Duration.ZERO)).hasMessageStartingWith("ttl:");
    assertThatThrownBy(() -> c.required("surrealdb.addr"))
        .hasMessageContaining("SURREALDB_ADDR")
        .extracting(e -> ((ConfigException) e).key())
        .isEqualTo("surrealdb.addr");
  }

  @Test
  void malformedYamlIsAConfigError() throws Exception {
    Files.writeString(dir.resolve("spooky.yml"), "a: [1, 2\n");
    assertThatThrownBy(() -> ConfigSource.load(Map.of(), dir))
        .isInstanceOf(ConfigException.class)
        .hasMessageContaining("cannot read");
  }
}
