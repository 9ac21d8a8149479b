package io.spooky.devdb;

import java.net.URI;
import java.util.Objects;

/**
 * Where and as whom a test talks to the dev SurrealDB: the WebSocket RPC URL ({@code
 * ws://127.0.0.1:PORT/rpc}, CBOR subprotocol), the HTTP base URL, the namespace and database
 * reserved for the test class, and the root credentials.
 *
 * <p>The namespace and database are only names: SurrealDB creates them on first use, and nothing
 * else in the test JVM uses the same pair, so a test class never sees another's tables.
 */
public record DevSurrealEndpoint(
    URI rpcUrl, URI httpUrl, String namespace, String database, String username, String password) {

  public DevSurrealEndpoint {
    Objects.requireNonNull(rpcUrl, "rpcUrl");
    Objects.requireNonNull(httpUrl, "httpUrl");
    Objects.requireNonNull(namespace, "namespace");
    Objects.requireNonNull(database, "database");
    Objects.requireNonNull(username, "username");
    Objects.requireNonNull(password, "password");
  }

  /**
   * The same server, namespace and credentials with another database, for tests that need more than
   * one. Callers choose names unique to their class (for example by suffixing {@link #database()}).
   */
  public DevSurrealEndpoint withDatabase(String otherDatabase) {
    return new DevSurrealEndpoint(rpcUrl, httpUrl, namespace, otherDatabase, username, password);
  }
}
