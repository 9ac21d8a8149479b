package io.spooky.cli;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.net.InetAddress;
import java.net.ServerSocket;
import java.util.List;
import org.junit.jupiter.api.Test;

class DevCommandTest {
  private final InProcessMain main = new InProcessMain();

  @Test
  void defaultsToLoopbackPort8000InMemoryAsRoot() {
    assertThat(DevCommand.Options.parse(List.of()))
        .isEqualTo(new DevCommand.Options("127.0.0.1", 8000, "memory", "root", "root"));
  }

  @Test
  void parsesEveryFlagInBothSpellings() {
    assertThat(
            DevCommand.Options.parse(
                List.of("--bind", "[::1]:0", "--storage=/tmp/x", "--user", "admin", "--pass=s3")))
        .isEqualTo(new DevCommand.Options("::1", 0, "/tmp/x", "admin", "s3"));
  }

  @Test
  void rejectsBadCommandLines() {
    assertThatThrownBy(() -> DevCommand.Options.parse(List.of("--bind", "8000")))
        .hasMessageContaining("HOST:PORT");
    assertThatThrownBy(() -> DevCommand.Options.parse(List.of("--bind", "h:99999")))
        .hasMessageContaining("port");
    assertThatThrownBy(() -> DevCommand.Options.parse(List.of("--storage")))
        .hasMessageContaining("needs a value");
    assertThatThrownBy(() -> DevCommand.Options.parse(List.of("--colour", "red")))
        .hasMessageContaining("unknown option");
  }

  @Test
  void exitsWith2AndUsageOnAWrongCommandLine() throws Exception {
    assertThat(main.run("dev", "--nope")).isEqualTo(2);
    assertThat(main.err()).contains("unknown option '--nope'").contains("Usage: spooky dev");
  }

  @Test
  void saysClearlyWhenThePortIsTaken() throws Exception {
    try (ServerSocket taken = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
      assertThat(main.run("dev", "--bind", "127.0.0.1:" + taken.getLocalPort())).isEqualTo(1);
    }
    assertThat(main.err()).contains("is already in use");
  }

  @Test
  void unknownCommandsExitWith2() throws Exception {
    assertThat(main.run("frobnicate")).isEqualTo(2);
    assertThat(main.err()).contains("unknown command 'frobnicate'");
  }

  @Test
  void helpListsDev() throws Exception {
    assertThat(main.run("--help")).isZero();
    assertThat(main.out()).contains("dev").contains("--storage");
    assertThat(main.run("dev", "--help")).isZero();
  }
}
