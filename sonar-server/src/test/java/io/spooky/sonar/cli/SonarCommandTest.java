package io.spooky.sonar.cli;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.spooky.sonar.http.SonarServer;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The {@code spooky sonar} client commands, run in-process against a server on loopback. */
class SonarCommandTest {
  private static final ObjectMapper JSON = new ObjectMapper();

  @TempDir Path dir;
  private SonarServer server;
  private Map<String, String> env;

  @BeforeEach
  void start() {
    server = SonarServer.start(new SonarServer.Config("127.0.0.1", 0, dir, true, "secret-code"));
    String token =
        new SonarClient(server.baseUri().toString(), "default", null)
            .post("/login", JSON.createObjectNode().put("code", "secret-code"))
            .get("token")
            .asText();
    env =
        Map.of(
            "SONAR_ENDPOINT",
            server.baseUri().toString(),
            "SONAR_COLLECTION",
            "notes",
            "SONAR_TOKEN",
            token);
  }

  @AfterEach
  void stop() {
    server.close();
  }

  private record Run(int code, String out, String err) {
    JsonNode json() throws Exception {
      return JSON.readTree(out);
    }
  }

  private Run sonar(String... args) throws Exception {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    ByteArrayOutputStream err = new ByteArrayOutputStream();
    int code =
        new SonarCommand(env)
            .run(
                List.of(args),
                new PrintStream(out, true, StandardCharsets.UTF_8),
                new PrintStream(err, true, StandardCharsets.UTF_8));
    return new Run(
        code, out.toString(StandardCharsets.UTF_8), err.toString(StandardCharsets.UTF_8));
  }

  @Test
  void collectionsTypesAndRecords() throws Exception {
    Run created = sonar("collection", "create", "notes");
    assertThat(created.code()).as(created.err()).isZero();
    assertThat(created.json().get("name").asText()).isEqualTo("notes");
    assertThat(sonar("collection", "list").json()).hasSize(1);
    assertThat(sonar("collection", "info").json().get("localKey").asText()).hasSize(64);

    Run type =
        sonar(
            "db",
            "put-type",
            "{\"name\": \"note\", \"fields\": {\"title\": {\"type\": \"string\"}}}");
    assertThat(type.code()).as(type.err()).isZero();
    assertThat(sonar("db", "get-type", "note").json().get("$id").asText())
        .isEqualTo("default/note@1");
    assertThat(sonar("db", "list-types").json().has("default/note@1")).isTrue();

    Run put = sonar("db", "put", "--type", "note", "--id", "n1", "{\"title\": \"first\"}");
    assertThat(put.code()).as(put.err()).isZero();
    assertThat(put.json().get("id").asText()).isEqualTo("n1");
    assertThat(
            sonar("db", "put", "{\"type\": \"note\", \"value\": {\"title\": \"second\"}}").code())
        .isZero();
    JsonNode got = sonar("db", "get", "note", "n1").json();
    assertThat(got.get(0).at("/value/title").asText()).isEqualTo("first");
    assertThat(sonar("db", "query", "records", "{\"type\": \"note\"}").json()).hasSize(2);
    JsonNode kappa = sonar("db", "reindex", "--views", "records").json();
    assertThat(kappa.at("/records/indexed").asLong()).isPositive();

    Run search = sonar("search", "second");
    assertThat(search.code()).as(search.err()).isZero();
    assertThat(search.json()).hasSize(1);
    assertThat(search.json().get(0).at("/value/title").asText()).isEqualTo("second");

    String other = "cd".repeat(32);
    assertThat(sonar("collection", "add-feed", other).json().get("id").asText()).isEqualTo(other);
  }

  @Test
  void importsNdjsonWithProgress() throws Exception {
    sonar("collection", "create", "notes");
    sonar("db", "put-type", "{\"name\": \"note\", \"fields\": {\"n\": {\"type\": \"integer\"}}}");
    List<String> lines = new ArrayList<>();
    for (int i = 0; i < 1234; i++) {
      lines.add("{\"type\": \"note\", \"id\": \"n" + i + "\", \"value\": {\"n\": " + i + "}}");
    }
    Path file = dir.resolve("in.ndjson");
    Files.write(file, lines);
    Run r = sonar("db", "put", "--file", file.toString());
    assertThat(r.code()).as(r.err()).isZero();
    assertThat(r.json().get("imported").asLong()).isEqualTo(1234);
    assertThat(r.err()).contains("100% 1234 records").contains("[#");
    assertThat(sonar("db", "query", "records", "{\"type\": \"note\"}").json()).hasSize(1234);
  }

  @Test
  void failuresHaveExitCodes() throws Exception {
    Run missing = sonar("db", "get", "note", "x");
    assertThat(missing.code()).isEqualTo(1);
    assertThat(missing.err()).contains("404").contains("no collection notes");
    Run usage = sonar("db", "frobnicate");
    assertThat(usage.code()).isEqualTo(2);
    assertThat(usage.err()).contains("unknown db subcommand");
    env = Map.of("SONAR_ENDPOINT", server.baseUri().toString());
    Run unauthenticated = sonar("collection", "list");
    assertThat(unauthenticated.code()).isEqualTo(1);
    assertThat(unauthenticated.err()).contains("401");
  }
}
