package io.spooky.sonar.cli;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;

/**
 * A minimal client of the Sonar HTTP API for one workspace: JSON in, JSON out. Paths are relative
 * to {@code <endpoint>/<workspace>}, e.g. {@code /collection/notes}. A non-2xx answer throws {@link
 * SonarClientException} carrying the status and the server's {@code error} message. Thread-safe.
 */
public final class SonarClient {
  private static final ObjectMapper JSON = new ObjectMapper();

  private final HttpClient http =
      HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();
  private final String base;
  private final String token;

  /**
   * {@code endpoint} is the API root ({@code http://127.0.0.1:9191/api/v1}); {@code token} may be
   * null when the server runs without authentication.
   */
  public SonarClient(String endpoint, String workspace, String token) {
    String e = endpoint.endsWith("/") ? endpoint.substring(0, endpoint.length() - 1) : endpoint;
    this.base = e + "/" + workspace;
    this.token = token;
  }

  /** Percent-encodes a path segment or query value. */
  public static String enc(String s) {
    return URLEncoder.encode(s, StandardCharsets.UTF_8).replace("+", "%20");
  }

  public JsonNode get(String path) {
    return send("GET", path, null, null);
  }

  public JsonNode delete(String path) {
    return send("DELETE", path, null, null);
  }

  public JsonNode post(String path, JsonNode body) {
    return send("POST", path, write(body), "application/json");
  }

  public JsonNode put(String path, JsonNode body) {
    return send("PUT", path, write(body), "application/json");
  }

  /** Sends a raw body (NDJSON batches, for instance) with the given content type. */
  public JsonNode send(String method, String path, byte[] body, String contentType) {
    HttpRequest.Builder r =
        HttpRequest.newBuilder(URI.create(base + path)).timeout(Duration.ofMinutes(5));
    r.method(
        method,
        body == null
            ? HttpRequest.BodyPublishers.noBody()
            : HttpRequest.BodyPublishers.ofByteArray(body));
    if (contentType != null) {
      r.header("Content-Type", contentType);
    }
    if (token != null) {
      r.header("Authorization", "Bearer " + token);
    }
    HttpResponse<byte[]> res;
    try {
      res = http.send(r.build(), HttpResponse.BodyHandlers.ofByteArray());
    } catch (IOException e) {
      throw new SonarClientException(0, "cannot reach " + base + ": " + e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new SonarClientException(0, "interrupted");
    }
    JsonNode n;
    try {
      n = res.body().length == 0 ? null : JSON.readTree(res.body());
    } catch (IOException e) {
      throw new SonarClientException(
          res.statusCode(), "not JSON: " + new String(res.body(), StandardCharsets.UTF_8));
    }
    if (res.statusCode() / 100 != 2) {
      String msg = n != null && n.has("error") ? n.get("error").asText() : String.valueOf(n);
      throw new SonarClientException(res.statusCode(), msg);
    }
    return n;
  }

  private static byte[] write(JsonNode n) {
    try {
      return JSON.writeValueAsBytes(n);
    } catch (IOException e) {
      throw new IllegalStateException(e);
    }
  }
}
