package io.spooky.sonar.http;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.javalin.Javalin;
import io.javalin.http.Context;
import io.javalin.http.Handler;
import io.javalin.http.HandlerType;
import io.javalin.http.HttpResponseException;
import io.spooky.sonar.SonarException;
import io.spooky.sonar.collection.Collection;
import io.spooky.sonar.collection.FileUnavailableException;
import io.spooky.sonar.collection.PutRequest;
import io.spooky.sonar.collection.Sonar;
import io.spooky.sonar.collection.SonarOptions;
import io.spooky.sonar.collection.Subscription;
import io.spooky.sonar.collection.UnknownRecordException;
import io.spooky.sonar.feed.FeedKey;
import io.spooky.sonar.record.RecordVersion;
import io.spooky.sonar.replication.BlockJson;
import io.spooky.sonar.replication.ReplicationException;
import io.spooky.sonar.replication.Replicator;
import io.spooky.sonar.schema.TypeSpec;
import io.spooky.sonar.schema.UnknownTypeException;
import io.spooky.sonar.search.SearchHit;
import io.spooky.sonar.search.SearchRequest;
import io.spooky.sonar.search.SearchResult;
import io.spooky.sonar.search.SearchView;
import java.io.IOException;
import java.net.URI;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.regex.Pattern;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The Sonar HTTP API: the routes and JSON shapes of Sonar 0.6 under {@code /api/v1/:workspace} (and
 * {@code /api/:workspace}), plus block serving for replication. Each workspace is one Sonar node
 * stored in {@code <data>/<workspace>}, opened on first use. Errors answer {@code {error}} with 400
 * (bad input), 401 (authentication), 404 (unknown resource), 413 (body too large), 416 (file range
 * not satisfiable), 409 (file whose blocks are not on this node yet).
 *
 * <pre>{@code
 * try (SonarServer s = SonarServer.start(new SonarServer.Config("127.0.0.1", 0, dir, false, null))) {
 *   URI base = s.baseUri(); // http://127.0.0.1:<port>/api/v1
 * }
 * }</pre>
 *
 * <p>Thread-safe; {@link #close()} stops the server and closes every node.
 */
public final class SonarServer implements AutoCloseable {
  private static final Logger LOG = LoggerFactory.getLogger(SonarServer.class);
  private static final ObjectMapper JSON = new ObjectMapper();
  private static final Pattern WORKSPACE = Pattern.compile("[A-Za-z0-9_-]{1,64}");
  private static final int MAX_BLOCKS = 1000;
  private static final int MAX_PULL = 1000;

  /**
   * Server settings. {@code port} 0 picks a free port. With {@code authentication}, {@code
   * accessCode} is the root access code ({@code POST /:ws/login}); null generates one (logged at
   * start, see {@link #accessCode()}). {@code maxBodyBytes} bounds request bodies except file
   * uploads, which {@code maxFileBytes} bounds (they are streamed, never held in memory).
   */
  public record Config(
      String host,
      int port,
      Path dataDir,
      boolean authentication,
      String accessCode,
      long maxBodyBytes,
      long maxFileBytes) {
    /** Default limits: 64 MiB bodies, 4 GiB files. */
    public Config(String host, int port, Path dataDir, boolean authentication, String accessCode) {
      this(host, port, dataDir, authentication, accessCode, 64L << 20);
    }

    /** Files limited to 4 GiB. */
    public Config(
        String host,
        int port,
        Path dataDir,
        boolean authentication,
        String accessCode,
        long maxBodyBytes) {
      this(host, port, dataDir, authentication, accessCode, maxBodyBytes, 4L << 30);
    }
  }

  private final Config config;
  private final Auth auth;
  private final String accessCode;
  private final Map<String, Sonar> nodes = new ConcurrentHashMap<>();
  private final Javalin app;
  private final FileRoutes files;
  private volatile boolean closing;

  private SonarServer(Config config) {
    this.config = config;
    this.accessCode =
        config.accessCode() != null
            ? config.accessCode()
            : java.util.HexFormat.of().formatHex(randomBytes());
    this.files = new FileRoutes(config.maxFileBytes());
    this.auth =
        new Auth(
            accessCode,
            Duration.ofDays(30),
            Clock.systemUTC(),
            config.authentication() ? config.dataDir().resolve("auth.json") : null);
    this.app =
        Javalin.create(
            c -> {
              c.showJavalinBanner = false;
              c.useVirtualThreads = true;
              c.http.maxRequestSize = config.maxBodyBytes();
            });
    routes();
  }

  private static byte[] randomBytes() {
    byte[] b = new byte[16];
    new java.security.SecureRandom().nextBytes(b);
    return b;
  }

  /** Starts a server; it listens when this returns. */
  public static SonarServer start(Config config) {
    SonarServer s = new SonarServer(config);
    s.app.start(config.host(), config.port());
    LOG.info(
        "event=sonar_server_started bind={}:{} data={} authentication={}",
        config.host(),
        s.port(),
        config.dataDir(),
        config.authentication());
    return s;
  }

  /** The port the server listens on. */
  public int port() {
    return app.port();
  }

  /** {@code http://host:port/api/v1}. */
  public URI baseUri() {
    return URI.create("http://" + config.host() + ":" + port() + "/api/v1");
  }

  /** The root access code (the configured one or the one generated at start). */
  public String accessCode() {
    return accessCode;
  }

  /** The node of {@code workspace}, opened on first use; for embedding and replication. */
  public Sonar node(String workspace) {
    checkWorkspace(workspace);
    return nodes.computeIfAbsent(
        workspace,
        w ->
            Sonar.open(
                config.dataDir().resolve(w),
                new SonarOptions(List.of(SearchView.factory()), true)));
  }

  private static void checkWorkspace(String workspace) {
    if (!WORKSPACE.matcher(workspace).matches()) {
      throw new ApiException(400, "workspace names are [A-Za-z0-9_-]{1,64}: " + workspace);
    }
  }

  // ---------------------------------------------------------------- routes

  private void routes() {
    app.exception(Exception.class, this::error);
    open(HandlerType.POST, "/login", this::login);
    route(HandlerType.POST, "/register", ctx -> json(ctx, obj().put("code", auth.issueCode())));
    route(HandlerType.GET, "", this::listCollections);
    route(HandlerType.POST, "/collection", this::createCollection);
    String c = "/collection/{collection}";
    route(HandlerType.GET, c, ctx -> json(ctx, status(ctx, collection(ctx))));
    route(HandlerType.POST, c, this::put);
    route(HandlerType.PATCH, c, this::configure);
    route(HandlerType.GET, c + "/record/{ns}/{name}/{id}", this::getRecord);
    route(HandlerType.DELETE, c + "/record/{ns}/{name}/{id}", this::deleteRecord);
    route(HandlerType.GET, c + "/version/{key}/{seq}", this::getVersion);
    route(HandlerType.GET, c + "/version/{lseq}", this::getVersionByLseq);
    route(HandlerType.POST, c + "/query/{name}", ctx -> query(ctx, body(ctx)));
    route(HandlerType.GET, c + "/query/{name}", ctx -> query(ctx, queryArgs(ctx)));
    route(HandlerType.GET, c + "/schema", this::getSchema);
    route(HandlerType.POST, c + "/schema", this::putSchema);
    route(HandlerType.PUT, c + "/feed/{key}", this::putFeed);
    route(HandlerType.GET, c + "/feed/{key}/blocks", this::blocks);
    route(HandlerType.POST, c + "/replicate", this::replicate);
    route(HandlerType.PUT, c + "/subscription/{name}", this::subscriptionInfo);
    route(HandlerType.GET, c + "/subscription/{name}", this::pull);
    route(HandlerType.POST, c + "/subscription/{name}/{cursor}", this::ack);
    route(
        HandlerType.POST,
        c + "/file",
        ctx -> json(ctx, Wire.record(files.upload(ctx, collection(ctx)))));
    route(HandlerType.GET, c + "/file/{id}", ctx -> files.download(ctx, collection(ctx)));
    route(HandlerType.GET, c + "/blobs", this::blobFeeds);
    route(HandlerType.POST, c + "/reindex", this::reindex);
    route(HandlerType.GET, c + "/sync", this::sync);
    route(HandlerType.GET, c + "/events", this::events);
  }

  /** Registers an authenticated route under both API prefixes. */
  private void route(HandlerType method, String path, Handler h) {
    Handler guarded =
        ctx -> {
          String ws = ctx.pathParam("workspace");
          // Validate and authenticate before opening anything: unauthenticated requests must not
          // create workspace directories.
          checkWorkspace(ws);
          if (config.authentication()) {
            auth.verify(ctx.header("Authorization"), ws);
          }
          h.handle(ctx);
        };
    app.addHttpHandler(method, "/api/v1/{workspace}" + path, guarded);
    app.addHttpHandler(method, "/api/{workspace}" + path, guarded);
  }

  /** Registers an unauthenticated route under both API prefixes. */
  private void open(HandlerType method, String path, Handler h) {
    app.addHttpHandler(method, "/api/v1/{workspace}" + path, h);
    app.addHttpHandler(method, "/api/{workspace}" + path, h);
  }

  private void error(Exception e, Context ctx) {
    int status = statusOf(e);
    String message = e.getMessage();
    if (status == 500) {
      LOG.error("event=request_failed method={} path={}", ctx.method(), ctx.path(), e);
    }
    if (status != 500) {
      LOG.debug(
          "event=request_refused method={} path={} status={} reason=\"{}\"",
          ctx.method(),
          ctx.path(),
          status,
          message);
    }
    ctx.status(status);
    ctx.contentType("application/json");
    ctx.result(write(obj().put("error", message == null ? e.toString() : message)));
  }

  private static int statusOf(Exception e) {
    if (e instanceof ApiException a) {
      return a.status();
    }
    if (e instanceof HttpResponseException h) {
      return h.getStatus();
    }
    if (e instanceof ReplicationException r) {
      return r.rejected() ? 422 : 502;
    }
    if (e instanceof FileUnavailableException) {
      return 409;
    }
    if (e instanceof UnknownRecordException || e instanceof UnknownTypeException) {
      return 404;
    }
    if (e instanceof SonarException
        || e instanceof IllegalArgumentException
        || e instanceof JsonProcessingException) {
      // Bad input: malformed addresses, values that do not match their type, invalid queries.
      return 400;
    }
    return 500;
  }

  private void login(Context ctx) {
    String ws = ctx.pathParam("workspace");
    checkWorkspace(ws);
    JsonNode b = body(ctx);
    json(ctx, obj().put("token", auth.login(ws, b.path("code").asText(null))));
  }

  private void listCollections(Context ctx) {
    Sonar n = node(ctx.pathParam("workspace"));
    ArrayNode out = JSON.createArrayNode();
    for (String name : n.collectionNames()) {
      out.add(status(ctx, n.openCollection(name)));
    }
    json(ctx, out);
  }

  private void createCollection(Context ctx) {
    Sonar n = node(ctx.pathParam("workspace"));
    JsonNode b = body(ctx);
    String name = b.path("name").asText(null);
    if (name == null) {
      throw new ApiException(400, "a collection needs a name");
    }
    String key = b.path("key").asText(null);
    Collection c = n.openCollection(name, key == null ? null : FeedKey.parse(key));
    String alias = b.path("alias").asText(null);
    if (alias != null) {
      c.putFeed(c.localKey(), alias);
    }
    ctx.status(201);
    json(ctx, status(ctx, c));
  }

  /**
   * Collection configuration: {@code {views: {<view>: {paused: bool}}}} pauses or resumes
   * background processing of views. Answers the status.
   */
  private void configure(Context ctx) {
    Collection c = collection(ctx);
    JsonNode b = body(ctx);
    JsonNode views = b.path("views");
    if (!b.isObject() || !views.isObject()) {
      throw new ApiException(400, "collection config is {views: {<view>: {paused: bool}}}");
    }
    List<String> known = new ArrayList<>();
    c.status().forEach(s -> known.add(s.name()));
    for (Iterator<Map.Entry<String, JsonNode>> it = views.fields(); it.hasNext(); ) {
      Map.Entry<String, JsonNode> e = it.next();
      if (!known.contains(e.getKey())) {
        throw new ApiException(404, "no view " + e.getKey());
      }
      if (!e.getValue().path("paused").isBoolean()) {
        throw new ApiException(400, "views." + e.getKey() + ".paused must be a boolean");
      }
    }
    for (Iterator<Map.Entry<String, JsonNode>> it = views.fields(); it.hasNext(); ) {
      Map.Entry<String, JsonNode> e = it.next();
      if (e.getValue().get("paused").asBoolean()) {
        c.pause(e.getKey());
      } else {
        c.resume(e.getKey());
      }
    }
    json(ctx, status(ctx, c));
  }

  private void put(Context ctx) {
    Collection c = collection(ctx);
    List<PutRequest> requests = new ArrayList<>();
    if (ctx.queryParam("batch") != null) {
      for (String line : ctx.body().split("\n")) {
        if (!line.isBlank()) {
          requests.add(putRequest(parse(line)));
        }
      }
      json(ctx, Wire.records(c.putAll(requests)));
    } else {
      json(ctx, Wire.record(c.putAll(List.of(putRequest(body(ctx)))).getFirst()));
    }
  }

  private static PutRequest putRequest(JsonNode r) {
    if (!r.isObject() || !r.path("type").isTextual()) {
      throw new ApiException(400, "a record is {id?, type, value}");
    }
    String id = r.path("id").isTextual() ? r.get("id").asText() : null;
    if (r.path("deleted").asBoolean(false)) {
      if (id == null) {
        throw new ApiException(400, "a delete needs an id");
      }
      return PutRequest.delete(r.get("type").asText(), id);
    }
    return PutRequest.put(r.get("type").asText(), id, r.get("value"));
  }

  private void getRecord(Context ctx) {
    Collection c = collection(ctx);
    List<RecordVersion> vs = c.get(type(ctx), ctx.pathParam("id"));
    if (vs.isEmpty()) {
      throw new ApiException(404, "no record " + type(ctx) + " " + ctx.pathParam("id"));
    }
    json(ctx, Wire.records(vs));
  }

  private void deleteRecord(Context ctx) {
    Collection c = collection(ctx);
    if (c.get(type(ctx), ctx.pathParam("id")).isEmpty()) {
      throw new ApiException(404, "no record " + type(ctx) + " " + ctx.pathParam("id"));
    }
    json(ctx, Wire.record(c.delete(type(ctx), ctx.pathParam("id"))));
  }

  private static String type(Context ctx) {
    return ctx.pathParam("ns") + "/" + ctx.pathParam("name");
  }

  private void getVersion(Context ctx) {
    RecordVersion v = collection(ctx).getVersion(ctx.pathParam("key") + "@" + ctx.pathParam("seq"));
    if (v == null) {
      throw new ApiException(
          404, "no record at " + ctx.pathParam("key") + "@" + ctx.pathParam("seq"));
    }
    json(ctx, Wire.record(v));
  }

  private void getVersionByLseq(Context ctx) {
    RecordVersion v = collection(ctx).load(longParam(ctx.pathParam("lseq"), "lseq"));
    if (v == null) {
      throw new ApiException(404, "no record at lseq " + ctx.pathParam("lseq"));
    }
    json(ctx, Wire.record(v));
  }

  private void query(Context ctx, JsonNode args) {
    Collection c = collection(ctx);
    boolean sync = !"0".equals(ctx.queryParam("sync")) && !"false".equals(ctx.queryParam("sync"));
    if (ctx.pathParam("name").equals("search")) {
      json(ctx, search(c, args, sync));
      return;
    }
    json(ctx, Wire.records(c.query(Wire.query(ctx.pathParam("name"), args, sync))));
  }

  /**
   * The {@code search} query: arguments are a query string or {@code {query, limit?, facets?}} (see
   * {@link SearchRequest}). Answers the hits as records with {@code meta: {score, snippet}}; when
   * facets are requested, {@code {total, records, facets: {field: [{value, count}]}}}.
   */
  private static JsonNode search(Collection c, JsonNode args, boolean sync) {
    SearchRequest request =
        args != null && args.isTextual()
            ? SearchRequest.of(args.asText())
            : SearchRequest.fromJson(args);
    SearchView view = c.view(SearchView.NAME, SearchView.class);
    if (sync) {
      c.sync();
      view.refresh();
    }
    SearchResult result = view.search(request);
    ArrayNode records = JSON.createArrayNode();
    for (SearchHit h : result.hits()) {
      ObjectNode r = Wire.record(h.record());
      ObjectNode meta = r.putObject("meta").put("score", h.score());
      if (h.snippet() != null) {
        meta.put("snippet", h.snippet());
      }
      records.add(r);
    }
    if (request.facets().isEmpty()) {
      return records;
    }
    ObjectNode out = obj().put("total", result.total());
    out.set("records", records);
    ObjectNode facets = out.putObject("facets");
    result
        .facets()
        .forEach(
            (field, counts) -> {
              ArrayNode a = facets.putArray(field);
              counts.forEach(fc -> a.addObject().put("value", fc.value()).put("count", fc.count()));
            });
    return out;
  }

  /** Query-string arguments as JSON: numbers and booleans parse, everything else is a string. */
  private static JsonNode queryArgs(Context ctx) {
    ObjectNode o = obj();
    for (Map.Entry<String, List<String>> e : ctx.queryParamMap().entrySet()) {
      if (e.getKey().equals("sync")) {
        continue;
      }
      String v = e.getValue().getFirst();
      JsonNode parsed;
      try {
        parsed = JSON.readTree(v);
      } catch (IOException ex) {
        parsed = null;
      }
      if (parsed != null && (parsed.isNumber() || parsed.isBoolean())) {
        o.set(e.getKey(), parsed);
      } else {
        o.put(e.getKey(), v);
      }
    }
    return o;
  }

  private void getSchema(Context ctx) {
    Collection c = collection(ctx);
    String name = ctx.queryParam("name");
    if (name != null) {
      json(ctx, Wire.jsonSchema(c, c.schema().resolve(name)));
      return;
    }
    ObjectNode out = obj();
    for (TypeSpec t : c.schema().types()) {
      out.set(t.address(), Wire.jsonSchema(c, t));
    }
    json(ctx, out);
  }

  private void putSchema(Context ctx) {
    Collection c = collection(ctx);
    TypeSpec t = c.putType(body(ctx));
    // The schema is the root view's; bring it up to the write so the answer resolves refinements.
    c.sync();
    json(ctx, Wire.jsonSchema(c, c.schema().resolve(t.address())));
  }

  private void putFeed(Context ctx) {
    Collection c = collection(ctx);
    JsonNode b = ctx.body().isBlank() ? obj() : body(ctx);
    FeedKey key = FeedKey.parse(ctx.pathParam("key"));
    json(ctx, Wire.record(c.putFeed(key, b.path("alias").asText(null))));
  }

  private void blocks(Context ctx) {
    Collection c = collection(ctx);
    FeedKey key = FeedKey.parse(ctx.pathParam("key"));
    if (!c.feeds().contains(key) && !c.blobFeeds().contains(key)) {
      throw new ApiException(404, "feed " + key + " is not in collection " + c.name());
    }
    Sonar n = node(ctx.pathParam("workspace"));
    long from = longParam(ctx.queryParamAsClass("from", String.class).getOrDefault("0"), "from");
    long to = from + MAX_BLOCKS;
    String toParam = ctx.queryParam("to");
    if (toParam != null) {
      to = Math.min(to, longParam(toParam, "to"));
    }
    json(ctx, BlockJson.encode(key, n.feeds().length(key), n.feeds().blocks(key, from, to)));
  }

  /** {@code {feeds: [key…]}}: the blob feeds that the collection's file records reference. */
  private void blobFeeds(Context ctx) {
    ArrayNode keys = JSON.createArrayNode();
    collection(ctx).blobFeeds().forEach(k -> keys.add(k.hex()));
    ObjectNode out = obj();
    out.set("feeds", keys);
    json(ctx, out);
  }

  private void replicate(Context ctx) {
    Collection c = collection(ctx);
    JsonNode b = body(ctx);
    String url = b.path("url").asText(null);
    if (url == null) {
      throw new ApiException(400, "replicate needs the peer's collection 'url'");
    }
    URI peer;
    try {
      peer = URI.create(url);
    } catch (IllegalArgumentException e) {
      throw new ApiException(400, "not a URL: " + url);
    }
    Replicator r =
        new Replicator(
            node(ctx.pathParam("workspace")),
            c,
            Replicator.http(peer, b.path("token").asText(null)));
    json(ctx, obj().put("blocks", r.pullOnce()));
  }

  private void subscriptionInfo(Context ctx) {
    Subscription s = collection(ctx).subscription(ctx.pathParam("name"));
    json(ctx, obj().put("name", s.name()).put("cursor", s.cursor()));
  }

  private void pull(Context ctx) {
    Subscription s = collection(ctx).subscription(ctx.pathParam("name"));
    int limit =
        (int)
            Math.min(
                MAX_PULL,
                longParam(
                    ctx.queryParamAsClass("limit", String.class)
                        .getOrDefault(String.valueOf(MAX_PULL)),
                    "limit"));
    Subscription.Batch b = s.pull(limit);
    ObjectNode out = obj().put("cursor", b.cursor());
    out.set("messages", Wire.records(b.records()));
    json(ctx, out);
  }

  private void ack(Context ctx) {
    Subscription s = collection(ctx).subscription(ctx.pathParam("name"));
    s.ack(longParam(ctx.pathParam("cursor"), "cursor"));
    json(ctx, obj().put("name", s.name()).put("cursor", s.cursor()));
  }

  private void events(Context ctx) throws IOException {
    Collection c = collection(ctx);
    String last = ctx.header("Last-Event-ID");
    Long lastId = last == null || last.isBlank() ? null : longParam(last.trim(), "Last-Event-ID");
    ctx.res().setStatus(200);
    ctx.res().setContentType("text/event-stream");
    ctx.res().setHeader("Cache-Control", "no-cache");
    try {
      new EventStream(c, ctx.res().getOutputStream(), () -> closing).run(lastId);
    } catch (IOException e) {
      LOG.debug("event=sse_client_gone collection={} reason=\"{}\"", c.name(), e.getMessage());
    }
  }

  private void reindex(Context ctx) {
    Collection c = collection(ctx);
    String views = ctx.queryParam("views");
    List<String> names = new ArrayList<>();
    if (views == null || views.isBlank()) {
      c.status().forEach(s -> names.add(s.name()));
    } else {
      for (String v : views.split(",")) {
        names.add(v.trim());
      }
    }
    for (String v : names) {
      c.rebuild(v);
    }
    json(ctx, status(ctx, c).get("kappa"));
  }

  private void sync(Context ctx) {
    Collection c = collection(ctx);
    c.sync();
    String view = ctx.queryParam("view");
    JsonNode kappa = status(ctx, c).get("kappa");
    if (view != null) {
      JsonNode v = kappa.get(view);
      if (v == null) {
        throw new ApiException(404, "no view " + view);
      }
      json(ctx, v);
    } else {
      json(ctx, kappa);
    }
  }

  // ---------------------------------------------------------------- helpers

  private Collection collection(Context ctx) {
    Sonar n = node(ctx.pathParam("workspace"));
    String name = ctx.pathParam("collection");
    if (!n.collectionNames().contains(name)) {
      throw new ApiException(404, "no collection " + name);
    }
    return n.openCollection(name);
  }

  private ObjectNode status(Context ctx, Collection c) {
    Sonar n = node(ctx.pathParam("workspace"));
    return Wire.status(c, k -> n.feeds().length(k));
  }

  private static long longParam(String s, String name) {
    try {
      return Long.parseLong(s);
    } catch (NumberFormatException e) {
      throw new ApiException(400, name + " must be an integer: " + s);
    }
  }

  private static JsonNode body(Context ctx) {
    String b = ctx.body();
    if (b.isBlank()) {
      throw new ApiException(400, "request body is empty; expected JSON");
    }
    return parse(b);
  }

  private static JsonNode parse(String s) {
    try {
      return JSON.readTree(s);
    } catch (JsonProcessingException e) {
      throw new ApiException(400, "invalid JSON: " + e.getOriginalMessage());
    }
  }

  private static ObjectNode obj() {
    return JSON.createObjectNode();
  }

  private static void json(Context ctx, JsonNode n) {
    ctx.contentType("application/json").result(write(n));
  }

  private static byte[] write(JsonNode n) {
    try {
      return JSON.writeValueAsBytes(n);
    } catch (JsonProcessingException e) {
      throw new IllegalStateException(e);
    }
  }

  @Override
  public void close() {
    closing = true;
    app.stop();
    for (Iterator<Sonar> it = nodes.values().iterator(); it.hasNext(); ) {
      it.next().close();
      it.remove();
    }
    LOG.info("event=sonar_server_stopped dir={}", config.dataDir());
  }
}
