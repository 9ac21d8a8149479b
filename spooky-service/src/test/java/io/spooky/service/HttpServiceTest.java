package io.spooky.service;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import io.javalin.Javalin;
import io.spooky.core.json.SurrealJson;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

class HttpServiceTest {
  private Javalin app;
  private final HttpClient http = HttpClient.newHttpClient();
  private String base;

  @BeforeEach
  void start() {
    Metrics metrics = new Metrics();
    Metrics.Counter echoes = metrics.counter("echoes_total", "Echo requests.");
    app =
        HttpService.create(
            new HttpService.Options(64, Optional.of("s3cret"), p -> p.equals("/health")), metrics);
    app.get("/health", ctx -> ctx.json(Map.of("status", "ok")));
    app.post(
        "/echo",
        ctx -> {
          echoes.inc();
          ctx.result(SurrealJson.write(SurrealJson.read(HttpService.body(ctx))));
        });
    app.get(
        "/missing/{id}",
        ctx -> {
          throw ProblemException.notFound("no view " + ctx.pathParam("id"));
        });
    app.get(
        "/boom",
        ctx -> {
          throw new IllegalStateException("secret internals");
        });
    HttpService.start(app, "127.0.0.1:0");
    base = "http://127.0.0.1:" + app.port();
  }

  @AfterEach
  void stop() {
    app.stop();
  }

  private HttpResponse<String> send(String method, String path, String body, String auth)
      throws Exception {
    HttpRequest.Builder b =
        HttpRequest.newBuilder(URI.create(base + path))
            .method(
                method,
                body == null
                    ? HttpRequest.BodyPublishers.noBody()
                    : HttpRequest.BodyPublishers.ofString(body));
    if (auth != null) {
      b.header("Authorization", auth);
    }
    return http.send(b.build(), HttpResponse.BodyHandlers.ofString());
  }

  private static JsonNode problem(HttpResponse<String> r) throws Exception {
    assertThat(r.headers().firstValue("Content-Type"))
        .hasValueSatisfying(v -> assertThat(v).startsWith("application/problem+json"));
    JsonNode doc = HttpService.json().readTree(r.body());
    assertThat(doc.get("status").asInt()).isEqualTo(r.statusCode());
    assertThat(r.body()).doesNotContain("at io.").doesNotContain("Exception");
    return doc;
  }

  @Test
  void authorizedRequestsSucceedAndOpenPathsNeedNoSecret() throws Exception {
    HttpResponse<String> r = send("POST", "/echo", "{\"a\":[1,2]}", "Bearer s3cret");
    assertThat(r.statusCode()).isEqualTo(200);
    assertThat(r.body()).isEqualTo("{\"a\":[1,2]}");
    assertThat(send("GET", "/health", null, null).body()).isEqualTo("{\"status\":\"ok\"}");
  }

  @Test
  void missingOrWrongSecretIs401() throws Exception {
    HttpResponse<String> none = send("POST", "/echo", "{}", null);
    assertThat(none.statusCode()).isEqualTo(401);
    assertThat(problem(none).get("type").asText()).isEqualTo("unauthorized");
    HttpResponse<String> wrong = send("POST", "/echo", "{}", "Bearer nope");
    assertThat(wrong.statusCode()).isEqualTo(401);
    assertThat(problem(wrong).get("detail").asText()).isEqualTo("invalid bearer secret");
  }

  @Test
  void malformedJsonIs400WithPosition() throws Exception {
    HttpResponse<String> r = send("POST", "/echo", "{\n  \"a\": ]", "Bearer s3cret");
    assertThat(r.statusCode()).isEqualTo(400);
    JsonNode p = problem(r);
    assertThat(p.get("type").asText()).isEqualTo("malformed-json");
    assertThat(p.get("line").asInt()).isEqualTo(2);
    assertThat(p.get("column").asInt()).isPositive();
  }

  @Test
  void oversizeBodyIs413AndHandlerDoesNotRun() throws Exception {
    HttpResponse<String> r =
        send("POST", "/echo", "{\"a\":\"" + "x".repeat(100) + "\"}", "Bearer s3cret");
    assertThat(r.statusCode()).isEqualTo(413);
    assertThat(problem(r).get("type").asText()).isEqualTo("too-large");
    assertThat(send("GET", "/metrics", null, "Bearer s3cret").body()).contains("echoes_total 0");
  }

  @Test
  void notFoundAndInternalErrorsAreProblemsWithoutStackTraces() throws Exception {
    HttpResponse<String> nf = send("GET", "/missing/v1", null, "Bearer s3cret");
    assertThat(nf.statusCode()).isEqualTo(404);
    assertThat(problem(nf).get("detail").asText()).isEqualTo("no view v1");
    HttpResponse<String> route = send("GET", "/nowhere", null, "Bearer s3cret");
    assertThat(route.statusCode()).isEqualTo(404);
    problem(route);
    HttpResponse<String> boom = send("GET", "/boom", null, "Bearer s3cret");
    assertThat(boom.statusCode()).isEqualTo(500);
    assertThat(problem(boom).get("detail").asText()).doesNotContain("secret internals");
  }

  @Test
  void metricsAreExposedAsPrometheusText() throws Exception {
    send("POST", "/echo", "1", "Bearer s3cret");
    HttpResponse<String> r = send("GET", "/metrics", null, "Bearer s3cret");
    assertThat(r.headers().firstValue("Content-Type").orElseThrow()).startsWith("text/plain");
    assertThat(r.body()).contains("# TYPE echoes_total counter\nechoes_total 1\n");
  }
}
