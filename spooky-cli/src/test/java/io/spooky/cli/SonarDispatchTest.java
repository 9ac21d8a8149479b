package io.spooky.cli;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

/** {@code spooky sonar} reaches the Sonar command (its behaviour is tested in sonar-server). */
class SonarDispatchTest {
  private final InProcessMain main = new InProcessMain();

  @Test
  void sonarHelpPrintsItsUsage() throws InterruptedException {
    assertThat(main.run("sonar", "help")).isZero();
    assertThat(main.out()).contains("spooky sonar collection create");
  }

  @Test
  void badSonarCommandLinesExitWithTwo() throws InterruptedException {
    assertThat(main.run("sonar", "db")).isEqualTo(2);
    assertThat(main.err()).contains("missing db subcommand");
  }

  @Test
  void topLevelUsageListsSonar() throws InterruptedException {
    assertThat(main.run("--help")).isZero();
    assertThat(main.out()).contains("sonar ");
  }
}
