package io.spooky.devdb;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class DevDbProcessTest {
  private final HttpClient http = HttpClient.newHttpClient();

  private HttpResponse<String> get(java.net.URI uri) throws IOException, InterruptedException {
    return http.send(HttpRequest.newBuilder(uri).build(), HttpResponse.BodyHandlers.ofString());
  }

  @Test
  void startsOnAFreePortAnswersHealthAndVersionAndStopsOnClose() throws Exception {
    DevDbProcess db = DevDbProcess.builder().start();
    ProcessHandle handle;
    try {
      handle = ProcessHandle.of(db.pid()).orElseThrow();
      assertThat(db.port()).isPositive();
      assertThat(db.rpcUrl()).hasToString("ws://127.0.0.1:" + db.port() + "/rpc");
      assertThat(db.httpUrl()).hasToString("http://127.0.0.1:" + db.port());
      assertThat(db.version()).matches("\\d+\\.\\d+\\.\\d+.*");
      assertThat(db.username()).isEqualTo("root");

      assertThat(get(db.httpUrl().resolve("/health")).statusCode()).isEqualTo(200);
      HttpResponse<String> version = get(db.httpUrl().resolve("/version"));
      assertThat(version.statusCode()).isEqualTo(200);
      assertThat(version.body()).isEqualTo("surrealdb-" + db.version());
      assertThat(get(db.httpUrl().resolve("/nothing-here")).statusCode()).isEqualTo(404);
    } finally {
      db.close();
    }
    assertThat(db.isAlive()).isFalse();
    assertThat(handle.isAlive()).isFalse();
    assertThat(db.waitFor()).as("exit code after SIGTERM").isZero();
    db.close(); // idempotent
  }

  @Test
  void reportsAnAddressInUseClearly() throws Exception {
    try (ServerSocket taken = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
      assertThatThrownBy(
              () -> DevDbProcess.builder().bind("127.0.0.1", taken.getLocalPort()).start())
          .isInstanceOf(DevDbException.class)
          .hasMessageContaining("address already in use");
    }
  }

  @Test
  void startsOnADirectoryAndRestartsOnIt(@TempDir Path dir) throws Exception {
    Path data = dir.resolve("data");
    try (DevDbProcess db = DevDbProcess.builder().storage(data.toString()).start()) {
      assertThat(get(db.httpUrl().resolve("/health")).statusCode()).isEqualTo(200);
    }
    assertThat(Files.isDirectory(data)).as("SurrealKV directory created").isTrue();
    try (DevDbProcess again = DevDbProcess.builder().storage(data.toString()).start()) {
      assertThat(get(again.httpUrl().resolve("/health")).statusCode()).isEqualTo(200);
    }
  }

  @Test
  void writesStderrToTheRequestedLogFile(@TempDir Path dir) throws Exception {
    Path log = dir.resolve("devdb.log");
    try (DevDbProcess db =
        DevDbProcess.builder().logFile(log).startupTimeout(Duration.ofSeconds(30)).start()) {
      assertThat(db.logFile()).contains(log);
    }
    assertThat(log).exists();
  }

  @Test
  void rejectsAHomeWithoutTheServer(@TempDir Path dir) {
    assertThatThrownBy(() -> DevDbProcess.builder().home(dir).start())
        .isInstanceOf(DevDbException.class)
        .hasMessageContaining("devdb")
        .hasMessageContaining(dir.toString());
  }

  @Test
  void findsTheRepositoryFromTheWorkingDirectory() {
    assertThat(Repository.locate().resolve("devdb/server.mjs")).isRegularFile();
  }
}
