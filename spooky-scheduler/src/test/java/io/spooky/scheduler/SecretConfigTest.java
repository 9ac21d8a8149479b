package io.spooky.scheduler;

import static org.assertj.core.api.Assertions.assertThat;

import io.spooky.service.ConfigSource;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * How the scheduler resolves its secret: its own {@code SPOOKY_SCHEDULER_SECRET} / {@code
 * scheduler.secret} first, then the {@code SPOOKY_SECRET} / {@code spooky.secret} shared with the
 * SSPs, blank values counting as unset.
 */
class SecretConfigTest {
  @TempDir Path dir;

  private static String secret(Map<String, String> file, Map<String, String> env) {
    return SchedulerConfig.from(ConfigSource.of(file, env)).secret();
  }

  @Test
  void unsetEverywhereMeansOpen() {
    assertThat(secret(Map.of(), Map.of())).isNull();
    assertThat(secret(Map.of(), Map.of("SPOOKY_SECRET", " ", "SPOOKY_SCHEDULER_SECRET", "")))
        .isNull();
  }

  @Test
  void sharedSecretAloneConfiguresTheScheduler() {
    assertThat(secret(Map.of(), Map.of("SPOOKY_SECRET", "shared"))).isEqualTo("shared");
    assertThat(secret(Map.of("spooky.secret", "from-file"), Map.of())).isEqualTo("from-file");
    assertThat(secret(Map.of("spooky.secret", "from-file"), Map.of("SPOOKY_SECRET", "env")))
        .isEqualTo("env");
  }

  @Test
  void schedulerSecretWinsOverTheSharedOne() {
    assertThat(
            secret(Map.of(), Map.of("SPOOKY_SECRET", "shared", "SPOOKY_SCHEDULER_SECRET", "own")))
        .isEqualTo("own");
    assertThat(secret(Map.of("scheduler.secret", "own-file"), Map.of("SPOOKY_SECRET", "shared")))
        .isEqualTo("own-file");
    assertThat(
            secret(
                Map.of("spooky.secret", "shared-file"), Map.of("SPOOKY_SCHEDULER_SECRET", "own")))
        .isEqualTo("own");
    assertThat(secret(Map.of("scheduler.secret", "own-file"), Map.of())).isEqualTo("own-file");
  }

  @Test
  void blankSchedulerSecretFallsBackToTheSharedOne() {
    assertThat(secret(Map.of(), Map.of("SPOOKY_SCHEDULER_SECRET", " ", "SPOOKY_SECRET", "shared")))
        .isEqualTo("shared");
  }

  @Test
  void oneSharedSpookyYmlConfiguresSchedulerAndSsp() throws Exception {
    Files.writeString(dir.resolve("spooky.yml"), "spooky:\n  secret: s3cret\n");
    ConfigSource source = ConfigSource.load(Map.of(), dir);
    assertThat(SchedulerConfig.from(source).secret()).isEqualTo("s3cret");
    // The SSP reads the same key (SspConfig: spooky.secret / SPOOKY_SECRET).
    assertThat(source.string("spooky.secret")).contains("s3cret");
  }
}
