package io.spooky.scheduler;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonGenerator;
import io.javalin.Javalin;
import io.javalin.http.Context;
import io.spooky.core.json.SurrealJson;
import io.spooky.core.value.ArrayValue;
import io.spooky.core.value.FloatValue;
import io.spooky.core.value.IntValue;
import io.spooky.core.value.ObjectValue;
import io.spooky.core.value.StringValue;
import io.spooky.core.value.Value;
import io.spooky.query.ast.SelectStatement;
import io.spooky.query.eval.QueryEvaluationException;
import io.spooky.query.eval.QueryEvaluator;
import io.spooky.query.parse.SurqlParseException;
import io.spooky.query.parse.SurqlParser;
import io.spooky.service.HttpService;
import io.spooky.service.Metrics;
import io.spooky.service.ProblemException;
import java.io.IOException;
import java.io.StringWriter;
import java.net.URI;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeMap;
import java.util.regex.Pattern;

/**
 * The scheduler's HTTP API (docs/PROTOCOL.md section 9). Bodies are JSON; errors are RFC 9457
 * {@code application/problem+json} with a stable {@code type}. When a secret is configured every
 * route, {@code /health} and {@code /metrics} included, requires {@code Authorization: Bearer
 * <secret>}.
 */
final class SchedulerHttp {
  private static final JsonFactory JSON = JsonFactory.builder().build();

  /** Statements that change data or the session; refused with 403 rather than a parse error. */
  private static final Set<String> WRITE_KEYWORDS =
      Set.of(
          "CREATE", "UPDATE", "UPSERT", "DELETE", "INSERT", "RELATE", "DEFINE", "REMOVE", "ALTER",
          "REBUILD", "KILL", "LIVE", "BEGIN", "COMMIT", "LET", "USE", "ACCESS");

  private static final Pattern FIRST_WORD = Pattern.compile("^\\s*([A-Za-z_]+)");

  private final Scheduler scheduler;
  private final Javalin app;

  private SchedulerHttp(Scheduler scheduler, Javalin app) {
    this.scheduler = scheduler;
    this.app = app;
  }

  static SchedulerHttp start(Scheduler scheduler, SchedulerConfig config, Metrics metrics) {
    Javalin app =
        HttpService.create(
            new HttpService.Options(64L << 20, Optional.ofNullable(config.secret()), path -> false),
            metrics);
    SchedulerHttp h = new SchedulerHttp(scheduler, app);
    app.exception(
        IllegalArgumentException.class,
        (e, ctx) -> HttpService.problem(ctx, ProblemException.badRequest(e.getMessage())));
    app.post("/ingest", h::ingest);
    app.post("/ssp/register", h::sspRegister);
    app.post("/ssp/heartbeat", h::heartbeat);
    app.post("/proxy/query", h::proxyQuery);
    app.post("/proxy/signin", ctx -> json(ctx, 200, "{\"token\":null}"));
    app.post("/proxy/use", h::proxyUse);
    app.post("/query/register", h::queryRegister);
    app.post("/query/unregister", h::queryUnregister);
    app.get("/query/{id}", h::queryGet);
    app.get("/health", h::health);
    app.get("/ssps", h::ssps);
    HttpService.start(app, config.host() + ":" + config.port());
    return h;
  }

  int port() {
    return app.port();
  }

  void stop() {
    app.stop();
  }

  // ---------------------------------------------------------------- handlers

  private void ingest(Context ctx) throws IOException {
    Value body = SurrealJson.read(HttpService.body(ctx));
    List<Value> items =
        switch (body) {
          case ArrayValue a -> a.items();
          case ObjectValue o when o.get("events") instanceof ArrayValue a -> a.items();
          case ObjectValue o -> List.of(o);
          default -> throw new IllegalArgumentException("expected an event, an array or {events}");
        };
    if (items.isEmpty()) {
      throw new IllegalArgumentException("no events");
    }
    List<WalEvent> events = new ArrayList<>(items.size());
    for (Value v : items) {
      events.add(WalEvent.fromJson(v));
    }
    long first = scheduler.ingest(events);
    json(
        ctx, 200, "{\"first_seq\":" + first + ",\"last_seq\":" + (first + events.size() - 1) + "}");
  }

  private void sspRegister(Context ctx) {
    ObjectValue o = object(ctx);
    String id = text(o, "ssp_id");
    URI url;
    try {
      url = URI.create(text(o, "url"));
    } catch (IllegalArgumentException e) {
      throw new IllegalArgumentException("url is not a URI: " + e.getMessage());
    }
    if (url.getScheme() == null || url.getHost() == null) {
      throw new IllegalArgumentException("url must be absolute, like http://host:8667");
    }
    long seq = scheduler.register(id, url);
    SchedulerConfig c = scheduler.config();
    json(
        ctx,
        202,
        "{\"snapshot_seq\":"
            + seq
            + ",\"heartbeat_interval_ms\":"
            + c.heartbeatInterval().toMillis()
            + ",\"stale_after_ms\":"
            + c.staleAfter().toMillis()
            + "}");
  }

  private void heartbeat(Context ctx) {
    ObjectValue o = object(ctx);
    String id = text(o, "ssp_id");
    switch (scheduler.heartbeat(
        id, (long) number(o, "views"), number(o, "cpu"), number(o, "memory"))) {
      case OK -> json(ctx, 200, "{\"status\":\"ok\"}");
      case REBOOTSTRAP ->
          HttpService.problem(
              ctx,
              new ProblemException(
                  409,
                  "rebootstrap-required",
                  "Rebootstrap required",
                  "ssp "
                      + id
                      + " fell more than max_buffer_per_ssp events behind; register again"));
      case UNKNOWN ->
          HttpService.problem(
              ctx,
              new ProblemException(
                  404,
                  "unknown-ssp",
                  "Unknown ssp",
                  "ssp " + id + " is not registered; register again"));
    }
  }

  private void proxyQuery(Context ctx) throws IOException {
    ObjectValue o = object(ctx);
    String query = text(o, "query");
    var m = FIRST_WORD.matcher(query);
    String first = m.find() ? m.group(1).toUpperCase(Locale.ROOT) : "";
    if (WRITE_KEYWORDS.contains(first)) {
      throw new ProblemException(
          403,
          "read-only",
          "Read-only",
          "the snapshot replica is read-only; only SELECT is accepted");
    }
    String statement = query.strip();
    if (statement.endsWith(";")) {
      statement = statement.substring(0, statement.length() - 1);
    }
    SelectStatement select;
    try {
      select = SurqlParser.parse(statement);
    } catch (SurqlParseException e) {
      throw new ProblemException(
          400, "parse-error", "Parse error", e.reason(), e.line(), e.column());
    }
    Map<String, Value> params = new TreeMap<>();
    if (o.get("vars") instanceof ObjectValue vars) {
      params.putAll(vars.fields());
    }
    List<Value> rows;
    long seq;
    try (Replica.View view = scheduler.replicaView()) {
      seq = view.seq();
      rows = QueryEvaluator.evaluate(select, params, ProxyPage.of(select, params, view));
    } catch (QueryEvaluationException e) {
      throw new ProblemException(400, "query-failed", "Query failed", e.getMessage());
    }
    StringWriter out = new StringWriter();
    try (JsonGenerator g = JSON.createGenerator(out)) {
      g.writeStartObject();
      g.writeNumberField("seq", seq);
      g.writeFieldName("result");
      g.writeStartArray();
      for (Value r : rows) {
        SurrealJson.write(r, g);
      }
      g.writeEndArray();
      g.writeEndObject();
    }
    json(ctx, 200, out.toString());
  }

  private void proxyUse(Context ctx) {
    ObjectValue o = object(ctx);
    SchedulerConfig c = scheduler.config();
    String ns = o.get("ns") instanceof StringValue s ? s.value() : c.dbNamespace();
    String db = o.get("db") instanceof StringValue s ? s.value() : c.dbDatabase();
    json(
        ctx,
        200,
        "{\"ns\":" + Scheduler.jsonString(ns) + ",\"db\":" + Scheduler.jsonString(db) + "}");
  }

  private void queryRegister(Context ctx) {
    ObjectValue o = object(ctx);
    String id = text(o, "query_id");
    String surql = text(o, "surql");
    Value params = o.get("params") instanceof ObjectValue p ? p : ObjectValue.EMPTY;
    String client = o.get("client_id") instanceof StringValue s ? s.value() : null;
    Scheduler.Placement p;
    try {
      p = scheduler.registerQuery(id, surql, params, client);
    } catch (Scheduler.NoSspAvailableException e) {
      throw new ProblemException(503, "no-ssp-available", "No ssp available", e.getMessage());
    } catch (Scheduler.RegistrationUnconfirmedException e) {
      throw new ProblemException(
          504, "registration-unconfirmed", "Registration unconfirmed", e.getMessage());
    }
    json(
        ctx,
        200,
        "{\"ssp_id\":"
            + Scheduler.jsonString(p.assignment().sspId())
            + ",\"ssp_url\":"
            + Scheduler.jsonString(p.assignment().sspUrl().toString())
            + ",\"initial\":"
            + p.initialJson()
            + "}");
  }

  private void queryUnregister(Context ctx) {
    String id = text(object(ctx), "query_id");
    if (!scheduler.unregisterQuery(id)) {
      throw new ProblemException(
          404, "unknown-query", "Unknown query", "query " + id + " is not registered");
    }
    json(ctx, 200, "{\"query_id\":" + Scheduler.jsonString(id) + "}");
  }

  private void queryGet(Context ctx) {
    String id = ctx.pathParam("id");
    Scheduler.QueryAssignment q =
        scheduler
            .query(id)
            .orElseThrow(
                () ->
                    new ProblemException(
                        404,
                        "unknown-query",
                        "Unknown query",
                        "query " + id + " is not registered"));
    if (q.sspId() == null) {
      throw new ProblemException(
          503,
          "query-pending",
          "Query pending",
          "query " + id + " waits for a Ready SSP; retry shortly");
    }
    json(
        ctx,
        200,
        "{\"query_id\":"
            + Scheduler.jsonString(id)
            + ",\"ssp_id\":"
            + Scheduler.jsonString(q.sspId())
            + ",\"ssp_url\":"
            + Scheduler.jsonString(q.sspUrl().toString())
            + "}");
  }

  private void health(Context ctx) {
    json(
        ctx,
        200,
        "{\"status\":\"ok\",\"seq\":"
            + scheduler.lastSeq()
            + ",\"replica_seq\":"
            + scheduler.replicaSeq()
            + ",\"frozen\":"
            + scheduler.frozen()
            + ",\"ssps\":"
            + scheduler.ssps().size()
            + "}");
  }

  private void ssps(Context ctx) throws IOException {
    StringWriter out = new StringWriter();
    try (JsonGenerator g = JSON.createGenerator(out)) {
      g.writeStartArray();
      for (Scheduler.SspStatus s : scheduler.ssps()) {
        g.writeStartObject();
        g.writeStringField("ssp_id", s.sspId());
        g.writeStringField("url", s.url().toString());
        g.writeStringField("state", s.state().name().toLowerCase(Locale.ROOT));
        g.writeNumberField("views", s.views());
        g.writeNumberField("cpu", s.cpu());
        g.writeNumberField("memory", s.memory());
        g.writeNumberField("queries", s.queries());
        g.writeNumberField("snapshot_seq", s.snapshotSeq());
        g.writeNumberField("acked_seq", s.ackedSeq());
        g.writeNumberField("lag", s.lag());
        g.writeNumberField("delivered", s.delivered());
        g.writeNumberField("last_heartbeat_ms_ago", s.msSinceHeartbeat());
        if (s.bootstrapMillis() >= 0) {
          g.writeNumberField("bootstrap_ms", s.bootstrapMillis());
        }
        g.writeEndObject();
      }
      g.writeEndArray();
    }
    json(ctx, 200, out.toString());
  }

  // ---------------------------------------------------------------- helpers

  private static ObjectValue object(Context ctx) {
    if (SurrealJson.read(HttpService.body(ctx)) instanceof ObjectValue o) {
      return o;
    }
    throw new IllegalArgumentException("the body must be a JSON object");
  }

  private static String text(ObjectValue o, String field) {
    if (o.get(field) instanceof StringValue s && !s.value().isEmpty()) {
      return s.value();
    }
    throw new IllegalArgumentException("field '" + field + "' (non-empty string) is required");
  }

  private static double number(ObjectValue o, String field) {
    return switch (o.get(field)) {
      case IntValue i -> i.value();
      case FloatValue f -> f.value();
      default -> 0;
    };
  }

  private static void json(Context ctx, int status, String body) {
    ctx.status(status).contentType("application/json").result(body);
  }
}
