package io.spooky.scheduler;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.spooky.service.ConfigException;
import io.spooky.service.ConfigSource;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;

/** Each strategy's choice, and how the strategy and the other settings are configured. */
class LoadBalanceTest {
  private static final List<LoadBalance.Candidate> POOL =
      List.of(
          new LoadBalance.Candidate("a", 3, 50, 40),
          new LoadBalance.Candidate("b", 1, 70, 30),
          new LoadBalance.Candidate("c", 2, 10, 20));

  @Test
  void roundRobinRotatesInIdOrder() {
    AtomicLong rotation = new AtomicLong();
    List<String> picks = new ArrayList<>();
    for (int i = 0; i < 7; i++) {
      picks.add(LoadBalance.ROUND_ROBIN.choose(POOL, rotation));
    }
    assertThat(picks).containsExactly("a", "b", "c", "a", "b", "c", "a");
  }

  @Test
  void leastQueriesAndLeastLoad() {
    AtomicLong rotation = new AtomicLong();
    assertThat(LoadBalance.LEAST_QUERIES.choose(POOL, rotation)).isEqualTo("b");
    assertThat(LoadBalance.LEAST_LOAD.choose(POOL, rotation)).isEqualTo("c");
    assertThat(rotation.get()).isZero();
    // Ties go to the smallest id.
    List<LoadBalance.Candidate> tied =
        List.of(new LoadBalance.Candidate("x", 1, 5, 5), new LoadBalance.Candidate("y", 1, 5, 5));
    assertThat(LoadBalance.LEAST_QUERIES.choose(tied, rotation)).isEqualTo("x");
    assertThat(LoadBalance.LEAST_LOAD.choose(tied, rotation)).isEqualTo("x");
  }

  @Test
  void parsesConfigNames() {
    assertThat(LoadBalance.parse("least_queries")).isEqualTo(LoadBalance.LEAST_QUERIES);
    assertThat(LoadBalance.parse("Least-Load")).isEqualTo(LoadBalance.LEAST_LOAD);
    assertThat(LoadBalance.ROUND_ROBIN.configName()).isEqualTo("round_robin");
    assertThatThrownBy(() -> LoadBalance.parse("random"))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("round_robin");
  }

  @Test
  void configFromEnvironmentAndFileEnvironmentWinning() {
    SchedulerConfig d = SchedulerConfig.fromEnv(Map.of());
    assertThat(d.port()).isEqualTo(9667);
    assertThat(d.walPath()).isEqualTo(Path.of("./data/event_wal.log"));
    assertThat(d.replicaPath()).isEqualTo(Path.of("./data/replica"));
    assertThat(d.maxBufferPerSsp()).isEqualTo(10_000);
    assertThat(d.pollInterval()).isEqualTo(Duration.ofSeconds(3));
    assertThat(d.dbUrl()).isNull();

    SchedulerConfig c =
        SchedulerConfig.from(
            ConfigSource.of(
                Map.of(
                    "load_balance", "least_load",
                    "scheduler.max_buffer_per_ssp", "50",
                    "scheduler.ingest_port", "1234"),
                Map.of(
                    "SPOOKY_SCHEDULER_INGEST_PORT", "9999",
                    "SPOOKY_SCHEDULER_DB_URL", "surrealdb:8000/rpc",
                    "SPOOKY_SCHEDULER_STALE_AFTER_MS", "2000",
                    "SPOOKY_SCHEDULER_SECRET", "s")));
    assertThat(c.loadBalance()).isEqualTo(LoadBalance.LEAST_LOAD);
    assertThat(c.maxBufferPerSsp()).isEqualTo(50);
    assertThat(c.port()).isEqualTo(9999);
    assertThat(c.dbUrl()).hasToString("ws://surrealdb:8000/rpc");
    assertThat(c.staleAfter()).isEqualTo(Duration.ofSeconds(2));
    assertThat(c.secret()).isEqualTo("s");
    assertThat(
            SchedulerConfig.fromEnv(Map.of("SPOOKY_SCHEDULER_LOAD_BALANCE", "least_queries"))
                .loadBalance())
        .isEqualTo(LoadBalance.LEAST_QUERIES);
    assertThatThrownBy(
            () -> SchedulerConfig.fromEnv(Map.of("SPOOKY_SCHEDULER_LOAD_BALANCE", "fastest")))
        .isInstanceOf(ConfigException.class);
    assertThatThrownBy(() -> SchedulerConfig.fromEnv(Map.of("SPOOKY_SCHEDULER_INGEST_PORT", "x")))
        .isInstanceOf(ConfigException.class);
  }
}
