package io.spooky.service;

import com.fasterxml.jackson.core.JsonLocation;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.javalin.Javalin;
import io.javalin.http.Context;
import io.javalin.http.HttpResponseException;
import io.javalin.json.JavalinJackson;
import io.spooky.core.json.JsonReadException;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.util.Optional;
import java.util.function.Predicate;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The common shape of Spooky's HTTP services on Javalin.
 *
 * <p>{@link #create} returns a server configured so that: JSON goes through Jackson; every error is
 * an RFC 9457 {@code application/problem+json} document with {@code type}, {@code title}, {@code
 * status}, {@code detail} (plus {@code line}/{@code column} for parse errors) and never a stack
 * trace; bodies above {@link Options#maxRequestBytes} are refused with 413; when a secret is
 * configured, every path not {@linkplain Options#open open} requires {@code Authorization: Bearer
 * <secret>} (401 otherwise); {@code GET /metrics} serves the {@link Metrics} registry. Handlers
 * read bodies with {@link #body(Context)}, which enforces the limit also for chunked uploads.
 */
public final class HttpService {
  private static final Logger LOG = LoggerFactory.getLogger(HttpService.class);
  private static final String PROBLEM_JSON = "application/problem+json";
  private static final String LIMIT_ATTRIBUTE = "spooky.maxRequestBytes";
  private static final ObjectMapper MAPPER = new ObjectMapper();

  private HttpService() {}

  /**
   * Service options. {@code secret} empty means no authentication; {@code open} selects request
   * paths served without it (health checks, WebSocket upgrades that authenticate themselves).
   */
  public record Options(long maxRequestBytes, Optional<String> secret, Predicate<String> open) {
    public Options {
      if (maxRequestBytes <= 0) {
        throw new IllegalArgumentException("maxRequestBytes must be positive");
      }
      secret = secret.filter(s -> !s.isEmpty());
    }
  }

  /** The shared Jackson mapper (thread-safe once configured). */
  public static ObjectMapper json() {
    return MAPPER;
  }

  /** A configured, not yet started server. */
  public static Javalin create(Options options, Metrics metrics) {
    Javalin app =
        Javalin.create(
            cfg -> {
              cfg.showJavalinBanner = false;
              cfg.http.maxRequestSize = options.maxRequestBytes();
              cfg.jsonMapper(new JavalinJackson(MAPPER, false));
            });
    app.before(
        ctx -> {
          ctx.attribute(LIMIT_ATTRIBUTE, options.maxRequestBytes());
          long declared = ctx.req().getContentLengthLong();
          if (declared > options.maxRequestBytes()) {
            throw tooLarge(options.maxRequestBytes());
          }
          if (options.secret().isPresent() && !options.open().test(ctx.path())) {
            checkBearer(ctx.header("Authorization"), options.secret().get());
          }
        });
    app.get(
        "/metrics",
        ctx ->
            ctx.contentType("text/plain; version=0.0.4; charset=utf-8")
                .result(metrics.exposition()));
    app.exception(ProblemException.class, (e, ctx) -> problem(ctx, e));
    app.exception(
        JsonReadException.class,
        (e, ctx) ->
            problem(
                ctx,
                new ProblemException(
                    400,
                    "malformed-json",
                    "Malformed JSON",
                    e.getMessage(),
                    e.line(),
                    e.column())));
    app.exception(
        JsonProcessingException.class,
        (e, ctx) -> {
          JsonLocation loc = e.getLocation();
          problem(
              ctx,
              new ProblemException(
                  400,
                  "malformed-json",
                  "Malformed JSON",
                  e.getOriginalMessage(),
                  loc == null ? 0 : loc.getLineNr(),
                  loc == null ? 0 : loc.getColumnNr()));
        });
    app.exception(
        HttpResponseException.class,
        (e, ctx) ->
            problem(
                ctx,
                new ProblemException(
                    e.getStatus(), typeOf(e.getStatus()), e.getMessage(), e.getMessage())));
    app.exception(
        Exception.class,
        (e, ctx) -> {
          LOG.error("event=request_failed method={} path={}", ctx.method(), ctx.path(), e);
          problem(
              ctx,
              new ProblemException(
                  500, "internal", "Internal error", "internal error; see the server log"));
        });
    app.error(
        404,
        ctx -> {
          if (!PROBLEM_JSON.equals(ctx.res().getContentType())) {
            problem(ctx, ProblemException.notFound("no such endpoint: " + ctx.path()));
          }
        });
    return app;
  }

  /** Starts {@code app} on {@code host:port} (port 0 picks a free port; see {@code app.port()}). */
  public static Javalin start(Javalin app, String hostPort) {
    int colon = hostPort.lastIndexOf(':');
    if (colon <= 0) {
      throw new ConfigException(null, "listen address must be host:port, got '" + hostPort + "'");
    }
    String host = hostPort.substring(0, colon);
    if (host.startsWith("[") && host.endsWith("]")) {
      host = host.substring(1, host.length() - 1);
    }
    int port;
    try {
      port = Integer.parseInt(hostPort.substring(colon + 1));
    } catch (NumberFormatException e) {
      throw new ConfigException(null, "listen address has no numeric port: '" + hostPort + "'");
    }
    return app.start(host, port);
  }

  /** The request body as UTF-8 text, refusing (413) bodies above the configured limit. */
  public static String body(Context ctx) {
    Long limitAttr = ctx.attribute(LIMIT_ATTRIBUTE);
    long limit = limitAttr == null ? Long.MAX_VALUE : limitAttr;
    try (InputStream in = ctx.req().getInputStream()) {
      byte[] bytes = in.readNBytes((int) Math.min(Integer.MAX_VALUE - 8, limit + 1));
      if (bytes.length > limit) {
        throw tooLarge(limit);
      }
      return new String(bytes, StandardCharsets.UTF_8);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /** Writes {@code p} as the response. */
  public static void problem(Context ctx, ProblemException p) {
    ObjectNode doc = MAPPER.createObjectNode();
    doc.put("type", p.type());
    doc.put("title", p.title());
    doc.put("status", p.status());
    doc.put("detail", p.detail());
    if (p.line() > 0) {
      doc.put("line", p.line());
      doc.put("column", p.column());
    }
    ctx.status(p.status()).contentType(PROBLEM_JSON).result(doc.toString());
  }

  /** Throws 401 unless {@code header} is {@code Bearer <secret>}; constant-time comparison. */
  public static void checkBearer(String header, String secret) {
    byte[] expected = ("Bearer " + secret).getBytes(StandardCharsets.UTF_8);
    byte[] actual = header == null ? new byte[0] : header.getBytes(StandardCharsets.UTF_8);
    if (!MessageDigest.isEqual(expected, actual)) {
      throw new ProblemException(
          401,
          "unauthorized",
          "Unauthorized",
          header == null ? "missing Authorization: Bearer header" : "invalid bearer secret");
    }
  }

  private static ProblemException tooLarge(long limit) {
    return new ProblemException(
        413, "too-large", "Content too large", "request body exceeds " + limit + " bytes");
  }

  private static String typeOf(int status) {
    return switch (status) {
      case 400 -> "bad-request";
      case 401 -> "unauthorized";
      case 404 -> "not-found";
      case 405 -> "method-not-allowed";
      case 413 -> "too-large";
      default -> "http-" + status;
    };
  }
}
