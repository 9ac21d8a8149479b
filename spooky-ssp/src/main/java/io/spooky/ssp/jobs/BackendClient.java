package io.spooky.ssp.jobs;

import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.net.http.HttpTimeoutException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.OptionalLong;

/**
 * POSTs a job's payload to the backend and classifies the answer. One attempt is bounded by the
 * request timeout as a whole (connecting included). Thread-safe; one instance per runner, closed
 * with it.
 */
final class BackendClient implements AutoCloseable {
  static final String JOB_ID_HEADER = "X-Spooky-Job-Id";
  static final String ATTEMPT_HEADER = "X-Spooky-Attempt";

  private final HttpClient http;
  private final Duration timeout;
  private final int maxResponseChars;

  BackendClient(Duration timeout, int maxResponseChars) {
    this.timeout = timeout;
    this.maxResponseChars = maxResponseChars;
    this.http =
        HttpClient.newBuilder()
            .connectTimeout(timeout)
            .followRedirects(HttpClient.Redirect.NEVER)
            .build();
  }

  /**
   * Performs one attempt. Returns normally for every outcome of the call itself.
   *
   * @throws InterruptedException when the runner is stopping while the call is in flight
   */
  BackendOutcome call(URI target, String jobId, int attempt, String jsonBody)
      throws InterruptedException {
    HttpRequest request =
        HttpRequest.newBuilder(target)
            .timeout(timeout)
            .header("Content-Type", "application/json")
            .header(JOB_ID_HEADER, jobId)
            .header(ATTEMPT_HEADER, Integer.toString(attempt))
            .POST(HttpRequest.BodyPublishers.ofString(jsonBody, StandardCharsets.UTF_8))
            .build();
    HttpResponse<String> response;
    try {
      response = http.send(request, HttpResponse.BodyHandlers.ofString(StandardCharsets.UTF_8));
    } catch (HttpTimeoutException e) {
      return new BackendOutcome.Retry(0, "timeout after " + timeout.toMillis() + " ms", null);
    } catch (IOException e) {
      return new BackendOutcome.Retry(0, "request failed: " + describe(e), null);
    }
    int status = response.statusCode();
    String body = truncate(response.body());
    if (status >= 200 && status < 300) {
      return new BackendOutcome.Success(status, body);
    }
    String error = "HTTP " + status + (body.isEmpty() ? "" : ": " + truncate(body, 500));
    if (status >= 400 && status < 500 && status != 408 && status != 429) {
      return new BackendOutcome.Permanent(status, error);
    }
    OptionalLong seconds =
        response
            .headers()
            .firstValue("Retry-After")
            .map(BackendClient::retryAfterSeconds)
            .orElse(OptionalLong.empty());
    return new BackendOutcome.Retry(
        status, error, seconds.isPresent() ? Duration.ofSeconds(seconds.getAsLong()) : null);
  }

  private String truncate(String s) {
    return truncate(s, maxResponseChars);
  }

  private static String truncate(String s, int max) {
    if (s == null) {
      return "";
    }
    if (s.length() <= max) {
      return s;
    }
    int end = max;
    if (end > 0 && Character.isHighSurrogate(s.charAt(end - 1))) {
      end--;
    }
    return s.substring(0, end);
  }

  /** Only the delta-seconds form; an HTTP date is ignored (the jittered backoff applies). */
  private static OptionalLong retryAfterSeconds(String v) {
    try {
      long s = Long.parseLong(v.strip());
      return s >= 0 ? OptionalLong.of(s) : OptionalLong.empty();
    } catch (NumberFormatException e) {
      return OptionalLong.empty();
    }
  }

  private static String describe(IOException e) {
    String name = e.getClass().getSimpleName();
    return e.getMessage() == null ? name : name + ": " + e.getMessage();
  }

  @Override
  public void close() {
    http.close();
  }
}
