package io.spooky.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class SchedulerCommandTest {
  @TempDir Path dir;
  private final ByteArrayOutputStream out = new ByteArrayOutputStream();
  private final ByteArrayOutputStream err = new ByteArrayOutputStream();

  private int run(Map<String, String> env, String... args) throws InterruptedException {
    return new SchedulerCommand(env, dir)
        .run(
            List.of(args),
            new PrintStream(out, true, StandardCharsets.UTF_8),
            new PrintStream(err, true, StandardCharsets.UTF_8));
  }

  @Test
  void helpListsTheSettings() throws InterruptedException {
    assertThat(run(Map.of(), "--help")).isZero();
    assertThat(out.toString(StandardCharsets.UTF_8))
        .contains("SPOOKY_SCHEDULER_INGEST_PORT")
        .contains("SPOOKY_SCHEDULER_LOAD_BALANCE")
        .contains("SPOOKY_SECRET");
    assertThat(Main.usage()).contains("scheduler");
  }

  @Test
  void malformedConfigurationIsAUsageError() throws InterruptedException {
    assertThat(run(Map.of("SPOOKY_SCHEDULER_LOAD_BALANCE", "fastest"))).isEqualTo(2);
    assertThat(err.toString(StandardCharsets.UTF_8)).contains("round_robin");
    assertThat(run(Map.of(), "--port")).isEqualTo(2);
  }
}
