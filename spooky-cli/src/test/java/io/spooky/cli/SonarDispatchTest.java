package io.spooky.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.util.List;
import org.junit.jupiter.api.Test;

/** {@code spooky sonar} reaches the Sonar command (its behaviour is tested in sonar-server). */
class SonarDispatchTest {
  private final ByteArrayOutputStream out = new ByteArrayOutputStream();
  private final ByteArrayOutputStream err = new ByteArrayOutputStream();

  private int run(String... args) throws InterruptedException {
    return Main.run(
        List.of(args),
        new PrintStream(out, true, StandardCharsets.UTF_8),
        new PrintStream(err, true, StandardCharsets.UTF_8));
  }

  @Test
  void sonarHelpPrintsItsUsage() throws InterruptedException {
    assertThat(run("sonar", "help")).isZero();
    assertThat(out.toString(StandardCharsets.UTF_8)).contains("spooky sonar collection create");
  }

  @Test
  void badSonarCommandLinesExitWithTwo() throws InterruptedException {
    assertThat(run("sonar", "db")).isEqualTo(2);
    assertThat(err.toString(StandardCharsets.UTF_8)).contains("missing db subcommand");
  }

  @Test
  void topLevelUsageListsSonar() throws InterruptedException {
    assertThat(run("--help")).isZero();
    assertThat(out.toString(StandardCharsets.UTF_8)).contains("sonar ");
  }
}
