package io.spooky.surreal;

import java.net.URI;
import java.time.Duration;
import java.util.Objects;
import java.util.Optional;

/**
 * How a {@link SurrealClient} connects. Immutable; build with {@link #builder(URI)}.
 *
 * <pre>{@code
 * SurrealConfig config = SurrealConfig.builder(URI.create("ws://127.0.0.1:8000/rpc"))
 *     .namespace("app").database("main")
 *     .credentials(Credentials.root("root", "root"))
 *     .requestTimeout(Duration.ofSeconds(10))
 *     .build();
 * }</pre>
 *
 * @param endpoint the WebSocket RPC URL ({@code ws://host:port/rpc})
 * @param namespace namespace to {@code use} after connecting and after every reconnect
 * @param database database to {@code use} with the namespace
 * @param credentials signed in after connecting and after every reconnect
 * @param connectTimeout limit on opening the WebSocket
 * @param requestTimeout default limit on waiting for any answer
 * @param reconnectInitialDelay first delay before reconnecting; doubles per failed attempt
 * @param reconnectMaxDelay cap on the reconnect delay
 * @param maxMessageBytes largest request the client sends; larger ones fail with {@link
 *     MessageTooLargeException} without being sent
 * @param liveQueueCapacity notifications buffered per live subscription before it overflows
 */
public record SurrealConfig(
    URI endpoint,
    Optional<String> namespace,
    Optional<String> database,
    Optional<Credentials> credentials,
    Duration connectTimeout,
    Duration requestTimeout,
    Duration reconnectInitialDelay,
    Duration reconnectMaxDelay,
    int maxMessageBytes,
    int liveQueueCapacity) {

  public SurrealConfig {
    Objects.requireNonNull(endpoint, "endpoint");
    Objects.requireNonNull(namespace, "namespace");
    Objects.requireNonNull(database, "database");
    Objects.requireNonNull(credentials, "credentials");
    if (database.isPresent() && namespace.isEmpty()) {
      throw new IllegalArgumentException("a database needs a namespace");
    }
    if (maxMessageBytes <= 0 || liveQueueCapacity <= 0) {
      throw new IllegalArgumentException("limits are positive");
    }
  }

  public static Builder builder(URI endpoint) {
    return new Builder(endpoint);
  }

  /** Builds a {@link SurrealConfig}; every setting but the endpoint has a default. */
  public static final class Builder {
    private final URI endpoint;
    private String namespace;
    private String database;
    private Credentials credentials;
    private Duration connectTimeout = Duration.ofSeconds(10);
    private Duration requestTimeout = Duration.ofSeconds(30);
    private Duration reconnectInitialDelay = Duration.ofMillis(50);
    private Duration reconnectMaxDelay = Duration.ofSeconds(5);
    private int maxMessageBytes = 16 << 20;
    private int liveQueueCapacity = 10_000;

    private Builder(URI endpoint) {
      this.endpoint = endpoint;
    }

    public Builder namespace(String ns) {
      this.namespace = ns;
      return this;
    }

    public Builder database(String db) {
      this.database = db;
      return this;
    }

    public Builder credentials(Credentials c) {
      this.credentials = c;
      return this;
    }

    public Builder connectTimeout(Duration d) {
      this.connectTimeout = d;
      return this;
    }

    public Builder requestTimeout(Duration d) {
      this.requestTimeout = d;
      return this;
    }

    public Builder reconnectDelay(Duration initial, Duration max) {
      this.reconnectInitialDelay = initial;
      this.reconnectMaxDelay = max;
      return this;
    }

    public Builder maxMessageBytes(int n) {
      this.maxMessageBytes = n;
      return this;
    }

    public Builder liveQueueCapacity(int n) {
      this.liveQueueCapacity = n;
      return this;
    }

    public SurrealConfig build() {
      return new SurrealConfig(
          endpoint,
          Optional.ofNullable(namespace),
          Optional.ofNullable(database),
          Optional.ofNullable(credentials),
          connectTimeout,
          requestTimeout,
          reconnectInitialDelay,
          reconnectMaxDelay,
          maxMessageBytes,
          liveQueueCapacity);
    }
  }
}
