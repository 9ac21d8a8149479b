package io.spooky.surreal;

import io.spooky.core.value.ArrayValue;
import io.spooky.core.value.IntValue;
import io.spooky.core.value.ObjectValue;
import io.spooky.core.value.RecordId;
import io.spooky.core.value.StringValue;
import io.spooky.core.value.UuidValue;
import io.spooky.core.value.Value;
import io.spooky.surreal.cbor.Cbor;
import io.spooky.surreal.cbor.CborException;
import io.spooky.surreal.cbor.TableName;
import java.io.ByteArrayOutputStream;
import java.net.http.HttpClient;
import java.net.http.WebSocket;
import java.nio.ByteBuffer;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.locks.ReentrantLock;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A client for SurrealDB's WebSocket RPC protocol with CBOR. One client holds one connection on
 * which any number of requests are in flight at once; it is thread-safe.
 *
 * <pre>{@code
 * try (SurrealClient surreal = SurrealClient.connect(SurrealConfig.builder(uri).build())) {
 *   surreal.signin(Credentials.root("root", "root"));
 *   surreal.use("ns", "db");
 *   List<QueryResult> r =
 *       surreal.query("SELECT * FROM user WHERE age > $min", Map.of("min", Value.of(18)));
 * }
 * }</pre>
 *
 * <p>Session state — the namespace and database of {@link #use}, the authentication of {@link
 * #signin}/{@link #signup}/{@link #authenticate}, the variables of {@link #let} and the live
 * queries — is remembered by the client. When the connection drops, requests in flight fail with
 * {@link ConnectionClosedException}; the client reconnects with capped exponential backoff ({@link
 * SurrealConfig#reconnectInitialDelay()} doubling up to {@link SurrealConfig#reconnectMaxDelay()},
 * with jitter), restores that state in the order authenticate, use, let, live, and then releases
 * the requests that were issued meanwhile (they wait up to their timeout). Every live subscription
 * receives a {@link Notification.Gap} after a reconnect.
 *
 * <p>Every synchronous method has the failure types of {@link SurrealException}; the {@code *Async}
 * variants complete exceptionally with the same types. {@link #close()} fails whatever is still in
 * flight.
 */
public final class SurrealClient implements AutoCloseable {
  private static final Logger log = LoggerFactory.getLogger(SurrealClient.class);
  private static final int MAX_EARLY_NOTIFICATIONS = 10_000;

  private final SurrealConfig config;
  private final HttpClient http;
  private final ScheduledExecutorService timer;
  private final ExecutorService workers;
  private final AtomicLong ids = new AtomicLong();
  private final AtomicInteger generations = new AtomicInteger();
  private final ConcurrentHashMap<Long, Pending> pending = new ConcurrentHashMap<>();
  private final ConcurrentHashMap<UUID, LiveSubscription> liveById = new ConcurrentHashMap<>();
  private final ConcurrentHashMap<UUID, List<Notification>> early = new ConcurrentHashMap<>();
  private final Set<LiveSubscription> subscriptions = ConcurrentHashMap.newKeySet();
  private final ConcurrentHashMap<String, Value> lets = new ConcurrentHashMap<>();
  private final ReentrantLock sendLock = new ReentrantLock();
  private final AtomicInteger subscribing = new AtomicInteger();

  private volatile CompletableFuture<Link> link = new CompletableFuture<>();
  private volatile Optional<String[]> nsDb = Optional.empty();
  private volatile Auth auth = Auth.NONE;
  private volatile boolean closed;

  private record Pending(String method, CompletableFuture<Value> future, int[] generation) {}

  /** One open WebSocket. {@code dead} flips once, when it closes or fails. */
  private static final class Link {
    final WebSocket ws;
    final int generation;
    volatile boolean dead;

    Link(WebSocket ws, int generation) {
      this.ws = ws;
      this.generation = generation;
    }
  }

  /** How the session authenticated, to redo it after a reconnect. */
  private record Auth(String method, Value param) {
    static final Auth NONE = new Auth("", Value.NONE);
  }

  private SurrealClient(SurrealConfig config) {
    this.config = config;
    java.util.concurrent.ScheduledThreadPoolExecutor t =
        new java.util.concurrent.ScheduledThreadPoolExecutor(
            1, r -> Thread.ofPlatform().daemon().name("surreal-timer").unstarted(r));
    // Requests usually answer long before their timeout: drop their timers at once.
    t.setRemoveOnCancelPolicy(true);
    this.timer = t;
    this.workers =
        Executors.newThreadPerTaskExecutor(Thread.ofVirtual().name("surreal-", 0).factory());
    this.http = HttpClient.newBuilder().connectTimeout(config.connectTimeout()).build();
  }

  /**
   * Opens a connection, signs in and selects the namespace and database that {@code config} names.
   *
   * @throws ConnectionClosedException when the server cannot be reached
   * @throws RpcException when signing in or selecting the namespace fails
   */
  public static SurrealClient connect(SurrealConfig config) {
    SurrealClient client = new SurrealClient(config);
    config.credentials().ifPresent(c -> client.auth = new Auth("signin", c.toParams()));
    config
        .namespace()
        .ifPresent(
            ns -> client.nsDb = Optional.of(new String[] {ns, config.database().orElse(null)}));
    try {
      Link first = client.open();
      client.restore(first);
      client.link.complete(first);
    } catch (RuntimeException e) {
      client.close();
      throw e;
    }
    return client;
  }

  public SurrealConfig config() {
    return config;
  }

  // ---------------------------------------------------------------- session

  /** Signs in; returns the session token. Remembered and redone after a reconnect. */
  public String signin(Credentials credentials) {
    Value token = await(callAsync("signin", List.of(credentials.toParams())));
    auth = new Auth("signin", credentials.toParams());
    return tokenOf(token);
  }

  /** Signs up a record user; returns the session token. The session is then authenticated. */
  public String signup(Credentials.Record credentials) {
    Value token = await(callAsync("signup", List.of(credentials.toParams())));
    String t = tokenOf(token);
    auth = new Auth("authenticate", Value.of(t));
    return t;
  }

  /** Authenticates the session with a token. Remembered and redone after a reconnect. */
  public void authenticate(String token) {
    await(callAsync("authenticate", List.of(Value.of(token))));
    auth = new Auth("authenticate", Value.of(token));
  }

  /** Drops the session's authentication. */
  public void invalidate() {
    await(callAsync("invalidate", List.of()));
    auth = Auth.NONE;
  }

  /** Selects the namespace and database for the following requests. */
  public void use(String namespace, String database) {
    await(callAsync("use", List.of(Value.of(namespace), Value.of(database))));
    nsDb = Optional.of(new String[] {namespace, database});
  }

  /** Defines the session variable {@code $name}. */
  public void let(String name, Object value) {
    Value v = JavaValues.toValue(value);
    await(callAsync("let", List.of(Value.of(name), v)));
    lets.put(name, v);
  }

  /** Removes the session variable {@code $name}. */
  public void unset(String name) {
    await(callAsync("unset", List.of(Value.of(name))));
    lets.remove(name);
  }

  /** The server's version string, e.g. {@code surrealdb-3.0.2}. */
  public String version() {
    Value v = await(callAsync("version", List.of()));
    return v instanceof StringValue s ? s.value() : v.toString();
  }

  /** A round trip that does nothing on the server. */
  public void ping() {
    await(callAsync("ping", List.of()));
  }

  // ---------------------------------------------------------------- queries

  /** Runs SurrealQL (one or more statements); one result per statement, in order. */
  public List<QueryResult> query(String surql) {
    return await(queryAsync(surql, Map.of()));
  }

  /** Runs SurrealQL with variables (Values or plain Java objects, see {@link JavaValues}). */
  public List<QueryResult> query(String surql, Map<String, ?> vars) {
    return await(queryAsync(surql, vars));
  }

  /** Asynchronous {@link #query(String, Map)}. */
  public CompletableFuture<List<QueryResult>> queryAsync(String surql, Map<String, ?> vars) {
    return callAsync("query", List.of(Value.of(surql), Value.object(JavaValues.toVariables(vars))))
        .thenApply(SurrealClient::queryResults);
  }

  /**
   * Runs SurrealQL and returns the last statement's value.
   *
   * @throws QueryException when any statement failed (the first failure)
   */
  public Value queryValue(String surql, Map<String, ?> vars) {
    List<QueryResult> results = query(surql, vars);
    for (QueryResult r : results) {
      r.orThrow();
    }
    return results.isEmpty() ? Value.NONE : results.get(results.size() - 1).value();
  }

  // ---------------------------------------------------------------- records

  /** All records of a table. */
  public Value select(String table) {
    return await(callAsync("select", List.of(new TableName(table))));
  }

  /** One record, or NONE when it does not exist. */
  public Value select(RecordId id) {
    return await(callAsync("select", List.of(id)));
  }

  /** Creates a record with a generated id in {@code table}; returns what was stored. */
  public Value create(String table, Object data) {
    return await(callAsync("create", List.of(new TableName(table), JavaValues.toValue(data))));
  }

  /** Creates the record {@code id}; fails if it exists. */
  public Value create(RecordId id, Object data) {
    return await(callAsync("create", List.of(id, JavaValues.toValue(data))));
  }

  /** Inserts one object or an array of objects into {@code table}. */
  public Value insert(String table, Object data) {
    return await(callAsync("insert", List.of(new TableName(table), JavaValues.toValue(data))));
  }

  /** Replaces the content of every record of {@code table}. */
  public Value update(String table, Object data) {
    return await(callAsync("update", List.of(new TableName(table), JavaValues.toValue(data))));
  }

  /** Replaces the content of the record {@code id} (if it exists). */
  public Value update(RecordId id, Object data) {
    return await(callAsync("update", List.of(id, JavaValues.toValue(data))));
  }

  /** Merges {@code data} into the record {@code id}. */
  public Value merge(RecordId id, Object data) {
    return await(callAsync("merge", List.of(id, JavaValues.toValue(data))));
  }

  /** Creates or replaces the record {@code id}. */
  public Value upsert(RecordId id, Object data) {
    return await(callAsync("upsert", List.of(id, JavaValues.toValue(data))));
  }

  /** Deletes every record of {@code table}; returns what was deleted. */
  public Value delete(String table) {
    return await(callAsync("delete", List.of(new TableName(table))));
  }

  /** Deletes the record {@code id}; returns it as it was. */
  public Value delete(RecordId id) {
    return await(callAsync("delete", List.of(id)));
  }

  /** Creates the edge {@code from -> relation -> to} with {@code data}; returns the edge. */
  public Value relate(RecordId from, String relation, RecordId to, Object data) {
    return await(
        callAsync("relate", List.of(from, new TableName(relation), to, JavaValues.toValue(data))));
  }

  // ---------------------------------------------------------------- live queries

  /** Subscribes to every change of {@code table}. */
  public LiveSubscription live(String table) {
    return subscribe(
        () -> callAsync("live", List.of(new TableName(table))).thenApply(SurrealClient::uuidOf));
  }

  /** Subscribes with a {@code LIVE SELECT ...} statement and its variables. */
  public LiveSubscription liveQuery(String liveSelect, Map<String, ?> vars) {
    Value varsValue = Value.object(JavaValues.toVariables(vars));
    return subscribe(
        () ->
            callAsync("query", List.of(Value.of(liveSelect), varsValue))
                .thenApply(v -> uuidOf(queryResults(v).get(0).orThrow())));
  }

  /** Kills a live query by its server id. Prefer {@link LiveSubscription#close()}. */
  public void kill(UUID liveId) {
    await(callAsync("kill", List.of(Value.of(liveId))));
  }

  private LiveSubscription subscribe(java.util.function.Supplier<CompletableFuture<UUID>> starter) {
    LiveSubscription sub = new LiveSubscription(this, starter, config.liveQueueCapacity());
    startAndRegister(sub);
    subscriptions.add(sub);
    return sub;
  }

  /**
   * Starts a live query and routes its notifications to {@code sub}. Notifications that overtake
   * the answer carrying the live query's id are parked in {@code early} while any start is in
   * progress, and dropped otherwise (they belong to killed live queries).
   */
  private void startAndRegister(LiveSubscription sub) {
    subscribing.incrementAndGet();
    try {
      register(sub, await(sub.start()));
    } finally {
      if (subscribing.decrementAndGet() == 0) {
        synchronized (early) {
          early.clear();
        }
      }
    }
  }

  private void register(LiveSubscription sub, UUID id) {
    synchronized (early) {
      liveById.put(id, sub);
      List<Notification> before = early.remove(id);
      if (before != null) {
        before.forEach(sub::deliver);
      }
    }
  }

  void unsubscribe(LiveSubscription sub) {
    subscriptions.remove(sub);
    UUID id = sub.id();
    if (id != null) {
      liveById.remove(id, sub);
      if (!closed) {
        callAsync("kill", List.of(Value.of(id)))
            .exceptionally(
                e -> {
                  log.debug("event=live_kill_failed id={} error={}", id, e.toString());
                  return Value.NONE;
                });
      }
    }
  }

  // ---------------------------------------------------------------- raw RPC

  /**
   * Advanced: sends any RPC method with parameters ({@link Value}s or {@link TableName}s) and
   * returns the raw result. Does not update the remembered session state.
   */
  public CompletableFuture<Value> callAsync(String method, List<?> params) {
    return callAsync(method, params, config.requestTimeout());
  }

  /** Advanced: {@link #callAsync(String, List)} with its own timeout. */
  public CompletableFuture<Value> callAsync(String method, List<?> params, Duration timeout) {
    CompletableFuture<Link> current = link;
    return send(current, method, params, timeout);
  }

  /**
   * Advanced: drops the current connection as a network failure would, and reconnects. In-flight
   * requests fail with {@link ConnectionClosedException}. For failover and for tests.
   */
  public void reconnect() {
    CompletableFuture<Link> current = link;
    if (current.isDone() && !current.isCompletedExceptionally()) {
      Link l = current.join();
      l.ws.abort();
      lost(l, "reconnect requested");
    }
  }

  /** True while a connection is open and restored. */
  public boolean isConnected() {
    CompletableFuture<Link> current = link;
    return !closed
        && current.isDone()
        && !current.isCompletedExceptionally()
        && !current.join().dead;
  }

  @Override
  public void close() {
    if (closed) {
      return;
    }
    closed = true;
    CompletableFuture<Link> current = link;
    if (current.isDone() && !current.isCompletedExceptionally()) {
      Link l = current.join();
      l.dead = true;
      l.ws.sendClose(WebSocket.NORMAL_CLOSURE, "").exceptionally(e -> null);
      l.ws.abort();
    } else {
      current.completeExceptionally(new ConnectionClosedException("client closed"));
    }
    failPending(g -> true, "client closed");
    timer.shutdownNow();
    workers.shutdownNow();
    http.shutdownNow();
  }

  // ---------------------------------------------------------------- machinery

  private CompletableFuture<Value> send(
      CompletableFuture<Link> target, String method, List<?> params, Duration timeout) {
    if (closed) {
      return CompletableFuture.failedFuture(new ConnectionClosedException("client closed"));
    }
    long id = ids.incrementAndGet();
    byte[] msg;
    try {
      msg = Cbor.encodeRequest(id, method, params);
    } catch (IllegalArgumentException e) {
      return CompletableFuture.failedFuture(e);
    }
    if (msg.length > config.maxMessageBytes()) {
      return CompletableFuture.failedFuture(
          new MessageTooLargeException(msg.length, config.maxMessageBytes()));
    }
    Pending p = new Pending(method, new CompletableFuture<>(), new int[] {-1});
    pending.put(id, p);
    java.util.concurrent.ScheduledFuture<?> timeoutTask =
        timer.schedule(
            () -> {
              if (pending.remove(id, p)) {
                p.future.completeExceptionally(new SurrealTimeoutException(method, timeout));
              }
            },
            timeout.toNanos(),
            TimeUnit.NANOSECONDS);
    p.future.whenComplete((v, e) -> timeoutTask.cancel(false));
    target.whenComplete(
        (l, err) -> {
          if (err != null) {
            if (pending.remove(id, p)) {
              p.future.completeExceptionally(new ConnectionClosedException("not connected", err));
            }
            return;
          }
          write(l, id, p, msg);
        });
    return p.future;
  }

  private void write(Link l, long id, Pending p, byte[] msg) {
    p.generation[0] = l.generation;
    sendLock.lock();
    try {
      if (l.dead) {
        throw new ConnectionClosedException("connection lost before sending");
      }
      l.ws
          .sendBinary(ByteBuffer.wrap(msg), true)
          .get(config.requestTimeout().toMillis(), TimeUnit.MILLISECONDS);
    } catch (Exception e) {
      if (pending.remove(id, p)) {
        p.future.completeExceptionally(
            e instanceof SurrealException se
                ? se
                : new ConnectionClosedException("send failed", e));
      }
      return;
    } finally {
      sendLock.unlock();
    }
    if (l.dead && pending.remove(id, p)) {
      p.future.completeExceptionally(new ConnectionClosedException("connection lost"));
    }
  }

  private Link open() {
    int generation = generations.incrementAndGet();
    Receiver receiver = new Receiver(generation);
    try {
      WebSocket ws =
          http.newWebSocketBuilder()
              .connectTimeout(config.connectTimeout())
              .subprotocols("cbor")
              .buildAsync(config.endpoint(), receiver)
              .get(config.connectTimeout().toMillis() + 1000, TimeUnit.MILLISECONDS);
      Link l = new Link(ws, generation);
      receiver.link = l;
      log.debug("event=connected endpoint={} generation={}", config.endpoint(), generation);
      return l;
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new ConnectionClosedException("interrupted while connecting");
    } catch (ExecutionException | java.util.concurrent.TimeoutException e) {
      throw new ConnectionClosedException(
          "cannot connect to " + config.endpoint() + ": " + rootMessage(e), e);
    }
  }

  /** Re-establishes the session on a fresh link before anyone else may use it. */
  private void restore(Link l) {
    CompletableFuture<Link> ready = CompletableFuture.completedFuture(l);
    Duration t = config.requestTimeout();
    Auth a = auth;
    if (!a.method.isEmpty()) {
      await(send(ready, a.method, List.of(a.param), t));
    }
    Optional<String[]> use = nsDb;
    if (use.isPresent()) {
      String[] nd = use.get();
      List<Value> params = new ArrayList<>();
      params.add(Value.of(nd[0]));
      params.add(nd[1] == null ? Value.NONE : Value.of(nd[1]));
      await(send(ready, "use", params, t));
    }
    for (Map.Entry<String, Value> e : lets.entrySet()) {
      await(send(ready, "let", List.of(Value.of(e.getKey()), e.getValue()), t));
    }
  }

  private void restoreLive(Link l) {
    for (LiveSubscription sub : subscriptions) {
      if (sub.isClosed()) {
        continue;
      }
      UUID old = sub.id();
      if (old != null) {
        liveById.remove(old, sub);
      }
      startAndRegister(sub);
      sub.deliver(new Notification.Gap(Notification.GapReason.RECONNECTED));
    }
  }

  private void lost(Link l, String why) {
    synchronized (this) {
      if (l.dead) {
        return;
      }
      l.dead = true;
      if (!closed) {
        link = new CompletableFuture<>();
      }
    }
    failPending(g -> g == l.generation, "connection lost: " + why);
    if (closed) {
      return;
    }
    log.warn(
        "event=connection_lost endpoint={} generation={} reason=\"{}\"",
        config.endpoint(),
        l.generation,
        why);
    try {
      workers.execute(this::reconnectLoop);
    } catch (java.util.concurrent.RejectedExecutionException e) {
      log.debug("event=reconnect_skipped reason=closed");
    }
  }

  private void reconnectLoop() {
    long delay = config.reconnectInitialDelay().toMillis();
    long max = config.reconnectMaxDelay().toMillis();
    int attempt = 0;
    while (!closed) {
      attempt++;
      try {
        Thread.sleep(ThreadLocalRandom.current().nextLong(delay / 2, delay + 1));
      } catch (InterruptedException e) {
        return;
      }
      Link l = null;
      try {
        l = open();
        restore(l);
        // Publish before re-creating live queries, whose notifications must find the link alive.
        CompletableFuture<Link> waiting = link;
        link = CompletableFuture.completedFuture(l);
        waiting.complete(l);
        restoreLive(l);
        log.info("event=reconnected endpoint={} attempts={}", config.endpoint(), attempt);
        return;
      } catch (RuntimeException e) {
        log.debug("event=reconnect_failed attempt={} error=\"{}\"", attempt, e.getMessage());
        if (l != null && !l.dead) {
          l.ws.abort();
          if (link.isDone()) {
            // restoreLive failed on a published link: treat as a lost connection again.
            lost(l, "restoring live queries failed");
            return;
          }
          l.dead = true;
        }
        delay = Math.min(max, Math.max(1, delay * 2));
      }
    }
  }

  private void failPending(java.util.function.IntPredicate generation, String why) {
    for (Map.Entry<Long, Pending> e : pending.entrySet()) {
      Pending p = e.getValue();
      if (p.generation[0] >= 0
          && generation.test(p.generation[0])
          && pending.remove(e.getKey(), p)) {
        p.future.completeExceptionally(new ConnectionClosedException(p.method + ": " + why));
      }
    }
    if (closed) {
      for (Map.Entry<Long, Pending> e : pending.entrySet()) {
        if (pending.remove(e.getKey(), e.getValue())) {
          e.getValue().future.completeExceptionally(new ConnectionClosedException("client closed"));
        }
      }
    }
  }

  private void onMessage(byte[] bytes) {
    Value msg;
    try {
      msg = Cbor.decode(bytes);
    } catch (CborException e) {
      log.warn("event=undecodable_message bytes={} error=\"{}\"", bytes.length, e.getMessage());
      return;
    }
    if (!(msg instanceof ObjectValue o)) {
      log.warn("event=unexpected_message type={}", msg.typeName());
      return;
    }
    Value id = o.get("id");
    if (id instanceof IntValue || id instanceof StringValue) {
      long key;
      try {
        key = id instanceof IntValue i ? i.value() : Long.parseLong(((StringValue) id).value());
      } catch (NumberFormatException e) {
        log.warn("event=unknown_response id={}", id);
        return;
      }
      Pending p = pending.remove(key);
      if (p == null) {
        log.debug("event=late_response id={}", key);
        return;
      }
      Value error = o.get("error");
      if (error instanceof ObjectValue err) {
        p.future.completeExceptionally(rpcError(p.method, err));
      } else if (!error.isNullish()) {
        p.future.completeExceptionally(new RpcException(p.method, 0, "", error.toString()));
      } else {
        p.future.complete(o.get("result"));
      }
      return;
    }
    if (o.get("result") instanceof ObjectValue n) {
      onNotification(n);
    }
  }

  private void onNotification(ObjectValue n) {
    if (!(n.get("id") instanceof UuidValue uuid)) {
      log.warn("event=unknown_notification fields={}", n.fields().keySet());
      return;
    }
    String action = n.get("action") instanceof StringValue s ? s.value() : "";
    Notification note =
        switch (action) {
          case "CREATE" ->
              new Notification.Change(Notification.Action.CREATE, n.get("record"), n.get("result"));
          case "UPDATE" ->
              new Notification.Change(Notification.Action.UPDATE, n.get("record"), n.get("result"));
          case "DELETE" ->
              new Notification.Change(Notification.Action.DELETE, n.get("record"), n.get("result"));
          case "KILLED" -> new Notification.Killed();
          default -> null;
        };
    if (note == null) {
      log.warn("event=unknown_live_action action={}", action);
      return;
    }
    LiveSubscription sub = liveById.get(uuid.value());
    if (sub != null) {
      sub.deliver(note);
      if (note instanceof Notification.Killed) {
        // Ended on the server: never re-created after a reconnect.
        liveById.remove(uuid.value(), sub);
        subscriptions.remove(sub);
      }
      return;
    }
    // The live call's answer may still be on its way: keep a bounded number for registration.
    synchronized (early) {
      sub = liveById.get(uuid.value());
      if (sub != null) {
        sub.deliver(note);
      } else if (subscribing.get() > 0 && early.size() < MAX_EARLY_NOTIFICATIONS) {
        early.computeIfAbsent(uuid.value(), k -> new ArrayList<>()).add(note);
      }
    }
  }

  private static RpcException rpcError(String method, ObjectValue err) {
    long code = err.get("code") instanceof IntValue i ? i.value() : 0;
    String message = err.get("message") instanceof StringValue s ? s.value() : err.toString();
    String kind = err.get("kind") instanceof StringValue s ? s.value() : "";
    return new RpcException(method, code, kind, message);
  }

  static List<QueryResult> queryResults(Value v) {
    if (!(v instanceof ArrayValue a)) {
      throw new RpcException(
          "query", 0, "", "expected an array of statement results, got " + v.typeName());
    }
    List<QueryResult> out = new ArrayList<>(a.size());
    for (int i = 0; i < a.size(); i++) {
      if (!(a.get(i) instanceof ObjectValue r)) {
        throw new RpcException("query", 0, "", "statement result " + i + " is not an object");
      }
      String time = r.get("time") instanceof StringValue s ? s.value() : "";
      boolean ok = r.get("status") instanceof StringValue s && s.value().equals("OK");
      if (ok) {
        out.add(new QueryResult(i, r.get("result"), Optional.empty(), time));
      } else {
        Value result = r.get("result");
        String message = result instanceof StringValue s ? s.value() : result.toString();
        String kind = r.get("kind") instanceof StringValue s ? s.value() : "";
        out.add(
            new QueryResult(
                i, Value.NONE, Optional.of(new QueryException(i, kind, message)), time));
      }
    }
    return out;
  }

  private static String tokenOf(Value v) {
    if (v instanceof StringValue s) {
      return s.value();
    }
    if (v instanceof ObjectValue o && o.get("token") instanceof StringValue s) {
      return s.value();
    }
    return "";
  }

  private static UUID uuidOf(Value v) {
    return switch (v) {
      case UuidValue u -> u.value();
      case StringValue s -> UUID.fromString(s.value());
      default ->
          throw new RpcException("live", 0, "", "expected a live query id, got " + v.typeName());
    };
  }

  private static <T> T await(CompletableFuture<T> f) {
    try {
      return f.get();
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new SurrealException("interrupted while waiting for SurrealDB", e);
    } catch (ExecutionException e) {
      throw unwrap(e.getCause());
    }
  }

  private static RuntimeException unwrap(Throwable t) {
    while ((t instanceof CompletionException || t instanceof ExecutionException)
        && t.getCause() != null) {
      t = t.getCause();
    }
    if (t instanceof RuntimeException r) {
      return r;
    }
    return new SurrealException(t.toString(), t);
  }

  private static String rootMessage(Throwable t) {
    while (t.getCause() != null) {
      t = t.getCause();
    }
    return t.toString();
  }

  /** Reassembles fragmented binary frames and hands whole messages over. */
  private final class Receiver implements WebSocket.Listener {
    private final int generation;
    private final ByteArrayOutputStream partial = new ByteArrayOutputStream();
    volatile Link link;

    Receiver(int generation) {
      this.generation = generation;
    }

    @Override
    public void onOpen(WebSocket ws) {
      ws.request(1);
    }

    @Override
    public CompletionStage<?> onBinary(WebSocket ws, ByteBuffer data, boolean last) {
      byte[] chunk = new byte[data.remaining()];
      data.get(chunk);
      if (last && partial.size() == 0) {
        onMessage(chunk);
      } else {
        partial.write(chunk, 0, chunk.length);
        if (last) {
          byte[] whole = partial.toByteArray();
          partial.reset();
          onMessage(whole);
        }
      }
      ws.request(1);
      return null;
    }

    @Override
    public CompletionStage<?> onText(WebSocket ws, CharSequence data, boolean last) {
      log.warn("event=unexpected_text_frame generation={}", generation);
      ws.request(1);
      return null;
    }

    @Override
    public CompletionStage<?> onClose(WebSocket ws, int statusCode, String reason) {
      Link l = link;
      if (l != null) {
        lost(l, "closed by server code=" + statusCode + " " + reason);
      }
      return null;
    }

    @Override
    public void onError(WebSocket ws, Throwable error) {
      Link l = link;
      if (l != null) {
        lost(l, error.toString());
      }
    }
  }
}
