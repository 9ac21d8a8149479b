package io.spooky.surreal;

import io.spooky.devdb.DevSurrealEndpoint;
import java.time.Duration;

/** Connects clients to the dev SurrealDB of a test class. */
public final class DevClients {
  private DevClients() {}

  public static SurrealConfig.Builder config(DevSurrealEndpoint db) {
    return SurrealConfig.builder(db.rpcUrl())
        .credentials(Credentials.root(db.username(), db.password()))
        .namespace(db.namespace())
        .database(db.database())
        .requestTimeout(Duration.ofSeconds(20))
        .reconnectDelay(Duration.ofMillis(20), Duration.ofMillis(500));
  }

  public static SurrealClient connect(DevSurrealEndpoint db) {
    return SurrealClient.connect(config(db).build());
  }
}
