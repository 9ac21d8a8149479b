package io.spooky.scheduler;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.lang.reflect.RecordComponent;
import java.net.URI;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.function.UnaryOperator;
import org.junit.jupiter.api.Test;

/**
 * Each {@code with*} copy changes exactly the components it names and is validated like a new
 * config; the environment overrides the defaults.
 */
class SchedulerConfigTest {
  static final SchedulerConfig D = SchedulerConfig.defaults();

  /** Names of the components where {@code a} and {@code b} differ. */
  static List<String> differing(SchedulerConfig a, SchedulerConfig b) throws Exception {
    List<String> out = new ArrayList<>();
    for (RecordComponent c : SchedulerConfig.class.getRecordComponents()) {
      if (!java.util.Objects.equals(c.getAccessor().invoke(a), c.getAccessor().invoke(b))) {
        out.add(c.getName());
      }
    }
    return out;
  }

  @Test
  void everyWithChangesOnlyWhatItNames() throws Exception {
    Map<UnaryOperator<SchedulerConfig>, List<String>> cases =
        Map.of(
            c -> c.withPort(1234), List.of("port"),
            c -> c.withHost("127.0.0.1"), List.of("host"),
            c -> c.withPaths(Path.of("r"), Path.of("w")), List.of("replicaPath", "walPath"),
            c -> c.withLoadBalance(LoadBalance.LEAST_QUERIES), List.of("loadBalance"),
            c -> c.withTimings(Duration.ofSeconds(1), Duration.ofSeconds(2), Duration.ofSeconds(4)),
                List.of("heartbeatInterval", "staleAfter", "pollInterval"),
            c -> c.withMaxBufferPerSsp(7), List.of("maxBufferPerSsp"),
            c -> c.withSecret("s3cret"), List.of("secret"),
            c -> c.withCapture(URI.create("ws://127.0.0.1:1/rpc"), "n", "d", "u", "p", Set.of("t")),
                List.of("dbUrl", "dbNamespace", "dbDatabase", "dbUser", "dbPass", "tables"),
            c -> c.withViewRegisterTimeout(Duration.ofSeconds(9)), List.of("viewRegisterTimeout"));
    for (var e : cases.entrySet()) {
      assertThat(differing(D, e.getKey().apply(D)))
          .containsExactlyInAnyOrderElementsOf(e.getValue());
    }
    SchedulerConfig c = D.withPort(1).withSecret("x").withMaxBufferPerSsp(3);
    assertThat(c.port()).isEqualTo(1);
    assertThat(c.secret()).isEqualTo("x");
    assertThat(c.maxBufferPerSsp()).isEqualTo(3);
  }

  @Test
  void copiesAreValidatedLikeNewConfigs() {
    assertThatThrownBy(() -> D.withPort(70_000)).isInstanceOf(IllegalArgumentException.class);
    assertThatThrownBy(() -> D.withMaxBufferPerSsp(0)).isInstanceOf(IllegalArgumentException.class);
    assertThatThrownBy(() -> D.withViewRegisterTimeout(Duration.ZERO))
        .isInstanceOf(IllegalArgumentException.class);
    assertThat(D.withSecret(" ").secret()).isNull();
  }

  @Test
  void theEnvironmentOverridesTheDefaults() {
    SchedulerConfig c =
        SchedulerConfig.fromEnv(
            Map.of(
                "SPOOKY_SCHEDULER_INGEST_PORT", "9999",
                "SPOOKY_SCHEDULER_LOAD_BALANCE", "least_queries",
                "SPOOKY_SCHEDULER_MAX_BUFFER_PER_SSP", "42"));
    assertThat(c.port()).isEqualTo(9999);
    assertThat(c.loadBalance()).isEqualTo(LoadBalance.LEAST_QUERIES);
    assertThat(c.maxBufferPerSsp()).isEqualTo(42);
    assertThat(c.staleAfter()).isEqualTo(D.staleAfter());
  }
}
