package io.spooky.ssp;

import io.javalin.Javalin;
import io.javalin.http.Context;
import io.javalin.websocket.WsConfig;
import io.spooky.core.json.SurrealJson;
import io.spooky.core.value.ArrayValue;
import io.spooky.core.value.NoneValue;
import io.spooky.core.value.NullValue;
import io.spooky.core.value.ObjectValue;
import io.spooky.core.value.RecordId;
import io.spooky.core.value.StringValue;
import io.spooky.core.value.Value;
import io.spooky.ivm.Change;
import io.spooky.ivm.ViewSnapshot;
import io.spooky.ivm.merkle.MerkleTree;
import io.spooky.ivm.merkle.NodePath;
import io.spooky.ivm.plan.UnsupportedViewException;
import io.spooky.query.parse.SurqlParseException;
import io.spooky.service.ConfigSource;
import io.spooky.service.HttpService;
import io.spooky.service.Metrics;
import io.spooky.service.ProblemException;
import io.spooky.ssp.jobs.JobRunner;
import io.spooky.ssp.scheduler.LocalSsp;
import io.spooky.ssp.scheduler.ProxyReader;
import io.spooky.ssp.scheduler.SchedulerLink;
import io.spooky.ssp.scheduler.SchedulerLinkConfig;
import io.spooky.surreal.Credentials;
import io.spooky.surreal.SurrealClient;
import io.spooky.surreal.SurrealConfig;
import java.net.URI;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One running SSP: the SurrealDB connection, the {@link ViewHost} and the HTTP/WebSocket API
 * (README "Sidecar (SSP)"). {@link #start} returns once the server listens; bootstrap continues in
 * the background and {@code GET /health} reports it. When a backend URL is configured, a {@link
 * JobRunner} drains {@code _spooky_job}. Components that live as long as the SSP are handed to
 * {@link #attach} and closed with it, in reverse order.
 *
 * <p>Two modes. <b>Capture mode</b> (no {@code SCHEDULER_URL}): the SSP loads its tables from
 * SurrealDB and follows their change feeds itself. <b>Scheduler mode</b>: a {@link SchedulerLink}
 * registers with the scheduler, loads the tables through its proxy and heartbeats; events arrive
 * only as the scheduler's {@code POST /ingest} batches, and no change capture runs.
 */
public final class SspServer implements AutoCloseable {
  private static final Logger log = LoggerFactory.getLogger(SspServer.class);
  static final String VERSION = "0.1.0";

  private final SspConfig config;
  private final SurrealClient db;
  private final ViewHost host;
  private final Javalin app;
  private final ScheduledExecutorService timer =
      Executors.newSingleThreadScheduledExecutor(
          r -> Thread.ofPlatform().name("ssp-timer").daemon().unstarted(r));
  private final List<AutoCloseable> attached = new ArrayList<>();
  private final Map<Object, ViewStream> streams = new ConcurrentHashMap<>();
  private volatile SchedulerLink link;

  private SspServer(SspConfig config) {
    this.config = config;
    this.db =
        SurrealClient.connect(
            SurrealConfig.builder(config.surrealRpc())
                .namespace(config.namespace())
                .database(config.database())
                .credentials(Credentials.root(config.user(), config.pass()))
                .build());
    Metrics metrics = new Metrics();
    this.host = new ViewHost(db, config, metrics);
    this.app =
        HttpService.create(
            new HttpService.Options(
                config.maxRequestBytes(),
                config.secret(),
                p -> p.equals("/health") || p.endsWith("/stream")),
            metrics);
    routes();
    config
        .jobs()
        .ifPresent(
            jobConfig -> {
              JobRunner jobs = JobRunner.start(db, jobConfig);
              attach(jobs);
              metrics.gauge("ssp_jobs_done", "Jobs completed by this SSP.", jobs::jobsDone);
              metrics.gauge("ssp_jobs_failed", "Jobs that failed for good here.", jobs::jobsFailed);
              metrics.gauge("ssp_jobs_in_flight", "Job attempts running.", jobs::jobsInFlight);
              log.info("event=jobs_started backend={}", jobConfig.backendUrl());
            });
  }

  /** Connects to SurrealDB, starts listening, and bootstraps in the background. */
  public static SspServer start(SspConfig config) {
    return start(config, Optional.empty());
  }

  /**
   * Starts listening, then bootstraps in the background: from SurrealDB with change capture when
   * {@code scheduler} is empty, else through the scheduler (see the class comment).
   */
  public static SspServer start(SspConfig config, Optional<SchedulerLinkConfig> scheduler) {
    SspServer s = new SspServer(config);
    HttpService.start(s.app, config.listenAddr());
    if (scheduler.isPresent()) {
      URI self = scheduler.get().advertised(config.listenAddr(), s.app.port());
      s.link = SchedulerLink.start(scheduler.get(), self, s.new Scheduled());
    } else {
      Thread.ofPlatform().name("ssp-bootstrap").daemon().start(s.host::bootstrap);
    }
    s.host.startExpiry(s.timer);
    log.info(
        "event=ssp_listening addr={} port={} mode={}",
        config.listenAddr(),
        s.app.port(),
        scheduler.isPresent() ? "scheduler" : "capture");
    return s;
  }

  /** Starts from the process environment and {@code spooky.yml}. */
  public static SspServer start(ConfigSource source) {
    SspConfig config = SspConfig.from(source);
    return start(config, SchedulerLinkConfig.from(source, config.secret()));
  }

  /** The {@link ViewHost} as the scheduler link drives it. */
  private final class Scheduled implements LocalSsp {
    @Override
    public void beginBootstrap() {
      host.markBootstrapping();
    }

    @Override
    public void bootstrap(ProxyReader proxy, long snapshotSeq) {
      host.bootstrapThroughScheduler(proxy, snapshotSeq);
    }

    @Override
    public int views() {
      return host.viewCount();
    }
  }

  /** The port the HTTP server listens on. */
  public int port() {
    return app.port();
  }

  /** The SurrealDB client of this SSP (root session on its namespace and database). */
  public SurrealClient surreal() {
    return db;
  }

  /** Closes {@code component} when this server closes (after the HTTP server stops). */
  public synchronized void attach(AutoCloseable component) {
    attached.add(component);
  }

  private void routes() {
    app.get("/health", this::health);
    app.get("/info", this::info);
    app.post("/view/register", this::register);
    app.post("/view/unregister", this::unregister);
    app.post("/view/heartbeat", this::heartbeat);
    app.get("/views/{id}", this::view);
    app.get("/views/{id}/tree", this::tree);
    app.post("/ingest", this::ingest);
    app.ws("/views/{id}/stream", this::stream);
  }

  private void health(Context ctx) {
    ViewHost.Status st = host.status();
    ctx.status(st == ViewHost.Status.FAILED ? 503 : 200)
        .contentType("application/json")
        .result(
            Messages.object(
                g -> {
                  g.writeStringField("status", st.name().toLowerCase(Locale.ROOT));
                  if (st == ViewHost.Status.FAILED) {
                    g.writeStringField("reason", host.failure());
                  }
                }));
  }

  private void info(Context ctx) {
    ctx.contentType("application/json")
        .result(
            Messages.object(
                g -> {
                  g.writeStringField("version", VERSION);
                  g.writeStringField("status", host.status().name().toLowerCase(Locale.ROOT));
                  g.writeNumberField("views", host.viewCount());
                  g.writeArrayFieldStart("tables");
                  for (String t : host.tables().stream().sorted().toList()) {
                    g.writeString(t);
                  }
                  g.writeEndArray();
                  g.writeStringField("cursor", host.cursor().encode());
                  g.writeNumberField("uptime_seconds", host.uptime().toSeconds());
                }));
  }

  private void requireReady() {
    if (host.status() != ViewHost.Status.OK) {
      throw new ProblemException(
          503,
          "not-ready",
          "Not ready",
          "the SSP is " + host.status().name().toLowerCase(Locale.ROOT));
    }
  }

  private static ObjectValue bodyObject(Context ctx) {
    Value v = SurrealJson.read(HttpService.body(ctx));
    if (!(v instanceof ObjectValue o)) {
      throw ProblemException.badRequest("the body must be a JSON object");
    }
    return o;
  }

  private static String requiredString(ObjectValue o, String field) {
    if (o.get(field) instanceof StringValue s && !s.value().isEmpty()) {
      return s.value();
    }
    throw ProblemException.badRequest("field '" + field + "' must be a non-empty string");
  }

  private void register(Context ctx) {
    requireReady();
    ObjectValue body = bodyObject(ctx);
    String id = requiredString(body, "id");
    String surql = requiredString(body, "surql");
    Value paramsValue = body.get("params");
    ObjectValue params;
    if (paramsValue instanceof ObjectValue p) {
      params = p;
    } else if (paramsValue instanceof NoneValue || paramsValue instanceof NullValue) {
      params = ObjectValue.EMPTY;
    } else {
      throw ProblemException.badRequest("field 'params' must be an object");
    }
    Value clientId = Value.NONE;
    if (body.get("client_id") instanceof StringValue c) {
      try {
        clientId = RecordIds.parse(c.value());
      } catch (IllegalArgumentException e) {
        clientId = c;
      }
    }
    Duration ttl = config.defaultTtl();
    if (body.get("ttl") instanceof StringValue t) {
      try {
        ttl = ConfigSource.parseDuration(t.value());
      } catch (IllegalArgumentException e) {
        throw ProblemException.badRequest("field 'ttl': " + e.getMessage());
      }
    }
    // An invalid statement yields no tables; the registration below reports it with its position.
    for (String table : ViewHost.viewTables(surql, params)) {
      host.ensureWatched(table);
    }
    Value finalClient = clientId;
    Duration finalTtl = ttl;
    ViewSnapshot s;
    try {
      s = host.onEngine(() -> host.register(id, surql, params, finalClient, finalTtl, true));
    } catch (SurqlParseException e) {
      throw new ProblemException(
          400, "invalid-surql", "Invalid SurrealQL", e.reason(), e.line(), e.column());
    } catch (UnsupportedViewException e) {
      throw new ProblemException(400, "unsupported-view", "Unsupported view", e.getMessage());
    } catch (ViewHost.WriteBackException e) {
      throw new ProblemException(
          503, "view-write-failed", "View not registered", e.getMessage() + "; retry later");
    }
    List<Value> rows = host.onEngine(() -> host.rows(id));
    ctx.contentType("application/json")
        .result(
            Messages.object(
                g -> {
                  g.writeStringField("id", id);
                  g.writeStringField("hash", s.root().hex());
                  Messages.rows(g, "rows", rows);
                }));
  }

  private void unregister(Context ctx) {
    requireReady();
    String id = requiredString(bodyObject(ctx), "id");
    if (!host.onEngine(() -> host.unregister(id))) {
      throw ProblemException.notFound("no view '" + id + "'");
    }
    ctx.contentType("application/json").result(Messages.object(g -> g.writeStringField("id", id)));
  }

  private void heartbeat(Context ctx) {
    requireReady();
    String id = requiredString(bodyObject(ctx), "id");
    if (!host.heartbeat(id)) {
      throw ProblemException.notFound("no view '" + id + "'");
    }
    ctx.contentType("application/json").result(Messages.object(g -> g.writeStringField("id", id)));
  }

  private ViewHost.ViewMeta known(String id) {
    ViewHost.ViewMeta m = host.meta(id);
    if (m == null) {
      throw ProblemException.notFound("no view '" + id + "'");
    }
    return m;
  }

  private void view(Context ctx) {
    requireReady();
    String id = ctx.pathParam("id");
    String doc =
        host.onEngine(
            () -> {
              ViewHost.ViewMeta m = known(id);
              List<Value> rows = host.rows(id);
              return Messages.object(
                  g -> {
                    g.writeStringField("id", id);
                    g.writeStringField("surql", m.surql);
                    g.writeStringField("hash", m.root.hex());
                    g.writeNumberField("seq", m.seq);
                    Messages.rows(g, "rows", rows);
                  });
            });
    ctx.contentType("application/json").result(doc);
  }

  private void tree(Context ctx) {
    requireReady();
    String id = ctx.pathParam("id");
    String nodeParam = ctx.queryParam("node") == null ? "" : ctx.queryParam("node");
    NodePath node;
    try {
      node = new NodePath(nodeParam);
    } catch (IllegalArgumentException e) {
      throw ProblemException.badRequest("node: " + e.getMessage());
    }
    String doc =
        host.onEngine(
            () -> {
              known(id);
              MerkleTree t = host.tree(id);
              return Messages.object(
                  g -> {
                    g.writeStringField("id", id);
                    g.writeStringField("node", node.hex());
                    g.writeStringField("hash", t.hash(node).hex());
                    if (node.isLeaf()) {
                      g.writeArrayFieldStart("members");
                      for (MerkleTree.Member m : t.members(node)) {
                        g.writeStartObject();
                        g.writeStringField("id", Messages.id(m.id()));
                        g.writeStringField("version", m.version().hex());
                        g.writeEndObject();
                      }
                      g.writeEndArray();
                    } else {
                      g.writeArrayFieldStart("children");
                      for (var d : t.children(node)) {
                        g.writeString(d.hex());
                      }
                      g.writeEndArray();
                    }
                  });
            });
    ctx.contentType("application/json").result(doc);
  }

  private void ingest(Context ctx) {
    requireReady();
    Value body = SurrealJson.read(HttpService.body(ctx));
    int applied;
    if (link != null) {
      List<IngestEvents.Sequenced> events = IngestEvents.parseScheduled(body);
      applied = host.onEngine(() -> host.applyScheduled(events));
    } else {
      List<Change> changes = IngestEvents.parse(body);
      host.onEngine(
          () -> {
            host.applyIngested(changes);
            return null;
          });
      applied = changes.size();
    }
    ctx.contentType("application/json")
        .result(Messages.object(g -> g.writeNumberField("applied", applied)));
  }

  private void stream(WsConfig ws) {
    ws.onConnect(
        ctx -> {
          String id = ctx.pathParam("id");
          String token = ctx.queryParam("token");
          String header = ctx.header("Authorization");
          if (token == null && header != null && header.startsWith("Bearer ")) {
            token = header.substring("Bearer ".length());
          }
          if (!authorizeStream(id, token)) {
            ctx.closeSession(4401, "unauthorized");
            return;
          }
          if (host.status() != ViewHost.Status.OK || host.meta(id) == null) {
            ctx.closeSession(4404, "no view '" + id + "'");
            return;
          }
          // Jetty closes idle WebSockets; a quiet view must not lose its clients.
          ctx.enableAutomaticPings(15, TimeUnit.SECONDS);
          ViewStream s = new ViewStream(ctx, id, host, config.streamQueue());
          streams.put(ctx.sessionId(), s);
          try {
            host.onEngine(
                () -> {
                  host.subscribe(id, s);
                  return null;
                });
          } catch (RuntimeException e) {
            streams.remove(ctx.sessionId());
            s.stop();
            ctx.closeSession(4404, "no view '" + id + "'");
          }
        });
    ws.onClose(
        ctx -> {
          ctx.disableAutomaticPings();
          ViewStream s = streams.remove(ctx.sessionId());
          if (s != null) {
            s.stop();
            String id = ctx.pathParam("id");
            host.execute(() -> host.unsubscribe(id, s));
          }
        });
  }

  /**
   * A stream is allowed with the service secret, or with a SurrealDB token that authenticates and
   * can read the view's {@code _spooky_query} row (SurrealDB's own permissions decide); without a
   * secret configured and without a token, streams are open.
   */
  private boolean authorizeStream(String viewId, String token) {
    if (token == null) {
      return config.secret().isEmpty();
    }
    if (config.secret().isPresent() && config.secret().get().equals(token)) {
      return true;
    }
    try (SurrealClient user =
        SurrealClient.connect(
            SurrealConfig.builder(config.surrealRpc())
                .namespace(config.namespace())
                .database(config.database())
                .build())) {
      user.authenticate(token);
      Value v =
          user.queryValue(
              "SELECT VALUE id FROM $q", Map.of("q", RecordId.of(ViewHost.QUERY_TABLE, viewId)));
      return v instanceof ArrayValue a && !a.items().isEmpty();
    } catch (RuntimeException e) {
      log.info("event=stream_auth_failed view={} reason=\"{}\"", viewId, e.getMessage());
      return false;
    }
  }

  @Override
  public synchronized void close() {
    SchedulerLink l = link;
    if (l != null) {
      l.close();
    }
    app.stop();
    for (int i = attached.size() - 1; i >= 0; i--) {
      try {
        attached.get(i).close();
      } catch (Exception e) {
        log.warn("event=component_close_failed reason=\"{}\"", e.getMessage());
      }
    }
    streams.values().forEach(ViewStream::stop);
    timer.shutdownNow();
    host.close();
    db.close();
  }
}
