package io.spooky.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.util.List;
import org.junit.jupiter.api.Test;

class BenchCommandTest {
  private final ByteArrayOutputStream out = new ByteArrayOutputStream();
  private final ByteArrayOutputStream err = new ByteArrayOutputStream();

  private int run(String... args) throws InterruptedException {
    return Main.run(
        List.of(args),
        new PrintStream(out, true, StandardCharsets.UTF_8),
        new PrintStream(err, true, StandardCharsets.UTF_8));
  }

  @Test
  void printsOneJsonLineOfTheIvmWorkload() throws InterruptedException {
    int code =
        run(
            "bench",
            "ivm",
            "--records",
            "200",
            "--categories",
            "4",
            "--views",
            "40",
            "--changes",
            "300",
            "--seed",
            "7",
            "--selective");
    String printed = out.toString(StandardCharsets.UTF_8);
    assertThat(code).as(err.toString(StandardCharsets.UTF_8)).isZero();
    assertThat(printed.lines()).hasSize(1);
    assertThat(printed)
        .startsWith("{\"views\":40,\"selective\":true,\"records\":200,\"changes\":300,")
        .contains("\"p50_us\":", "\"p99_us\":", "\"changes_per_s\":", "\"heap_mb\":")
        .endsWith("}\n");
  }

  @Test
  void rejectsUnknownWorkloadsAndOptions() throws InterruptedException {
    assertThat(run("bench")).isEqualTo(2);
    assertThat(run("bench", "sonar")).isEqualTo(2);
    assertThat(run("bench", "ivm", "--views")).isEqualTo(2);
    assertThat(run("bench", "ivm", "--frobs", "3")).isEqualTo(2);
    assertThat(run("bench", "ivm", "--views", "many")).isEqualTo(2);
    assertThat(out.toString(StandardCharsets.UTF_8)).isEmpty();
    assertThat(err.toString(StandardCharsets.UTF_8)).contains("Usage: spooky bench ivm");
  }
}
