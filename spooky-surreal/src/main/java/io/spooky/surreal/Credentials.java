package io.spooky.surreal;

import io.spooky.core.value.Value;
import java.util.Map;
import java.util.Objects;
import java.util.TreeMap;

/**
 * Who signs in: a system user at root, namespace or database level, or a record user through a
 * {@code DEFINE ACCESS ... TYPE RECORD} method with its variables.
 */
public sealed interface Credentials {

  /** The parameter object that {@code signin}/{@code signup} send. */
  Value toParams();

  static Credentials root(String user, String pass) {
    return new Root(user, pass);
  }

  /** A root user. */
  record Root(String user, String pass) implements Credentials {
    public Root {
      Objects.requireNonNull(user, "user");
      Objects.requireNonNull(pass, "pass");
    }

    @Override
    public Value toParams() {
      return Value.object(Map.of("user", Value.of(user), "pass", Value.of(pass)));
    }
  }

  /** A namespace user. */
  record Namespace(String namespace, String user, String pass) implements Credentials {
    @Override
    public Value toParams() {
      return Value.object(
          Map.of("NS", Value.of(namespace), "user", Value.of(user), "pass", Value.of(pass)));
    }
  }

  /** A database user. */
  record Database(String namespace, String database, String user, String pass)
      implements Credentials {
    @Override
    public Value toParams() {
      return Value.object(
          Map.of(
              "NS", Value.of(namespace),
              "DB", Value.of(database),
              "user", Value.of(user),
              "pass", Value.of(pass)));
    }
  }

  /** A record user signing in (or up) through the record access method {@code access}. */
  record Record(String namespace, String database, String access, Map<String, Value> variables)
      implements Credentials {
    public Record {
      variables = Map.copyOf(variables);
    }

    @Override
    public Value toParams() {
      TreeMap<String, Value> m = new TreeMap<>(variables);
      m.put("NS", Value.of(namespace));
      m.put("DB", Value.of(database));
      m.put("AC", Value.of(access));
      return Value.object(m);
    }
  }
}
