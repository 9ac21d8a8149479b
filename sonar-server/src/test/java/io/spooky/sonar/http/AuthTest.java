package io.spooky.sonar.http;

import static io.spooky.sonar.http.SonarServerTest.assertStatus;
import static io.spooky.sonar.http.SonarServerTest.obj;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.spooky.sonar.cli.SonarClient;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Access codes, JWT login and bearer checks of a server started with authentication. */
class AuthTest {
  @TempDir Path dir;
  private SonarServer server;
  private String api;

  @BeforeEach
  void start() {
    server = SonarServer.start(new SonarServer.Config("127.0.0.1", 0, dir, true, "root-code"));
    api = server.baseUri().toString();
  }

  @AfterEach
  void stop() {
    server.close();
  }

  private String login(String workspace, String code) {
    return new SonarClient(api, workspace, null)
        .post("/login", obj("{\"code\": \"" + code + "\"}"))
        .get("token")
        .asText();
  }

  @Test
  void routesNeedABearerTokenForTheirWorkspace() {
    SonarClient anonymous = new SonarClient(api, "default", null);
    assertStatus(() -> anonymous.get(""), 401, "missing bearer token");
    assertStatus(() -> login("default", "wrong"), 401, "invalid access code");
    assertStatus(() -> new SonarClient(api, "intruder", null).get(""), 401, "");
    assertStatus(() -> login("intruder", "wrong"), 401, "");
    assertThat(dir.resolve("intruder")).doesNotExist();

    String token = login("default", "root-code");
    assertThat(token.split("\\.")).hasSize(3);
    SonarClient authed = new SonarClient(api, "default", token);
    authed.post("/collection", obj("{\"name\": \"c\"}"));
    assertThat(authed.get("")).hasSize(1);

    assertStatus(() -> new SonarClient(api, "other", token).get(""), 401, "another workspace");
    String tampered = token.substring(0, token.length() - 2) + (token.endsWith("A") ? "BB" : "AA");
    assertStatus(() -> new SonarClient(api, "default", tampered).get(""), 401, "");
    assertStatus(() -> new SonarClient(api, "default", "a.b").get(""), 401, "malformed");
  }

  @Test
  void registeredCodesLogIn() {
    SonarClient authed = new SonarClient(api, "default", login("default", "root-code"));
    String code = authed.post("/register", obj("{}")).get("code").asText();
    assertThat(code).isNotEqualTo("root-code");
    SonarClient second = new SonarClient(api, "default", login("default", code));
    assertThat(second.get("")).isEmpty();
    assertStatus(() -> new SonarClient(api, "default", null).post("/register", obj("{}")), 401, "");
  }

  @Test
  void tokensAndIssuedCodesSurviveARestart() {
    String token = login("default", "root-code");
    String code =
        new SonarClient(api, "default", token).post("/register", obj("{}")).get("code").asText();
    server.close();
    assertThat(dir.resolve("auth.json")).exists();
    assertThat(dir.resolve("auth.json")).content().doesNotContain(code);

    server = SonarServer.start(new SonarServer.Config("127.0.0.1", 0, dir, true, "root-code"));
    api = server.baseUri().toString();
    assertThat(new SonarClient(api, "default", token).get("")).isEmpty();
    assertThat(login("default", code)).isNotBlank();
    assertStatus(() -> login("default", "not-a-code"), 401, "invalid access code");
  }

  @Test
  void expiredTokensAreRefused() {
    SettableClock clock = new SettableClock(Instant.parse("2026-01-01T00:00:00Z"));
    Auth auth = new Auth("code", Duration.ofMinutes(5), clock);
    String token = auth.login("ws", "code");
    auth.verify("Bearer " + token, "ws");
    clock.now = clock.now.plus(Duration.ofMinutes(6));
    assertThatThrownBy(() -> auth.verify("Bearer " + token, "ws"))
        .isInstanceOfSatisfying(
            ApiException.class,
            e -> {
              assertThat(e.status()).isEqualTo(401);
              assertThat(e.getMessage()).isEqualTo("token expired");
            });
  }

  /** A clock the test moves by hand. */
  private static final class SettableClock extends Clock {
    Instant now;

    SettableClock(Instant now) {
      this.now = now;
    }

    @Override
    public ZoneOffset getZone() {
      return ZoneOffset.UTC;
    }

    @Override
    public Clock withZone(java.time.ZoneId zone) {
      return this;
    }

    @Override
    public Instant instant() {
      return now;
    }
  }
}
