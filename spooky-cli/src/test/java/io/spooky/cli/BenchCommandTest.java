package io.spooky.cli;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

class BenchCommandTest {
  private final InProcessMain main = new InProcessMain();

  @Test
  void printsOneJsonLineOfTheIvmWorkload() throws InterruptedException {
    int code =
        main.run(
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
    String printed = main.out();
    assertThat(code).as(main.err()).isZero();
    assertThat(printed.lines()).hasSize(1);
    assertThat(printed)
        .startsWith("{\"views\":40,\"selective\":true,\"records\":200,\"changes\":300,")
        .contains("\"p50_us\":", "\"p99_us\":", "\"changes_per_s\":", "\"heap_mb\":")
        .endsWith("}\n");
  }

  @Test
  void rejectsUnknownWorkloadsAndOptions() throws InterruptedException {
    assertThat(main.run("bench")).isEqualTo(2);
    assertThat(main.run("bench", "sonar")).isEqualTo(2);
    assertThat(main.run("bench", "ivm", "--views")).isEqualTo(2);
    assertThat(main.run("bench", "ivm", "--frobs", "3")).isEqualTo(2);
    assertThat(main.run("bench", "ivm", "--views", "many")).isEqualTo(2);
    assertThat(main.out()).isEmpty();
    assertThat(main.err()).contains("Usage: spooky bench ivm");
  }
}
