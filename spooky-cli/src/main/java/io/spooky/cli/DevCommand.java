package io.spooky.cli;

import io.spooky.devdb.DevDbException;
import io.spooky.devdb.DevDbProcess;
import io.spooky.service.ConfigSource;
import io.spooky.ssp.SspConfig;
import io.spooky.ssp.SspServer;
import java.io.IOException;
import java.io.PrintStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.util.List;
import java.util.Map;

/**
 * {@code spooky dev}: starts the dev SurrealDB (the genuine engine behind SurrealDB's WebSocket
 * RPC, see {@code devdb/}) and one SSP wired to it (namespace {@code spooky}, database {@code dev},
 * listening on {@code LISTEN_ADDR} or 127.0.0.1:8667), prints what to do next, and stays up until
 * SIGINT or SIGTERM, when the SSP and then the child are stopped (SIGTERM, then a kill after 5 s)
 * before the JVM exits. {@code spooky devdb} (when the launcher is bypassed) is the same without
 * the SSP.
 */
final class DevCommand implements Command {
  private final boolean withSsp;

  DevCommand(boolean withSsp) {
    this.withSsp = withSsp;
  }

  static final String USAGE =
      """
      Usage: spooky dev [--bind HOST:PORT] [--storage memory|PATH] [--user NAME] [--pass PASSWORD]

        --bind     address of the dev SurrealDB (default 127.0.0.1:8000; port 0 picks a free port)
        --storage  memory (default), or a directory to keep the data in (SurrealKV;
                   prefix rocksdb: for RocksDB)
        --user     root user defined at start-up (default root)
        --pass     its password (default root)
      """;

  /** The parsed command line. */
  record Options(String host, int port, String storage, String user, String pass) {
    static Options parse(List<String> args) {
      String bind = "127.0.0.1:8000";
      String storage = "memory";
      String user = "root";
      String pass = "root";
      for (int i = 0; i < args.size(); i++) {
        String arg = args.get(i);
        int eq = arg.indexOf('=');
        String name = eq > 0 ? arg.substring(0, eq) : arg;
        if (!List.of("--bind", "--storage", "--user", "--pass").contains(name)) {
          throw new IllegalArgumentException("unknown option '" + arg + "'");
        }
        String value;
        if (eq > 0) {
          value = arg.substring(eq + 1);
        } else if (i + 1 < args.size()) {
          value = args.get(++i);
        } else {
          throw new IllegalArgumentException("option " + name + " needs a value");
        }
        switch (name) {
          case "--bind" -> bind = value;
          case "--storage" -> storage = value;
          case "--user" -> user = value;
          default -> pass = value;
        }
      }
      int colon = bind.lastIndexOf(':');
      if (colon <= 0) {
        throw new IllegalArgumentException("--bind needs HOST:PORT, got '" + bind + "'");
      }
      String host = bind.substring(0, colon).replaceAll("^\\[(.*)]$", "$1");
      int port;
      try {
        port = Integer.parseInt(bind.substring(colon + 1));
      } catch (NumberFormatException e) {
        throw new IllegalArgumentException("--bind needs HOST:PORT, got '" + bind + "'", e);
      }
      if (port < 0 || port > 65535) {
        throw new IllegalArgumentException("port must be in [0, 65535], got " + port);
      }
      return new Options(host, port, storage, user, pass);
    }
  }

  @Override
  public int run(List<String> args, PrintStream out, PrintStream err) throws InterruptedException {
    if (args.contains("--help") || args.contains("-h")) {
      out.print(USAGE);
      return 0;
    }
    Options options;
    try {
      options = Options.parse(args);
    } catch (IllegalArgumentException e) {
      err.println("spooky dev: " + e.getMessage());
      err.print(USAGE);
      return 2;
    }
    if (options.port() != 0 && !portFree(options.host(), options.port())) {
      err.println(
          "spooky dev: "
              + options.host()
              + ":"
              + options.port()
              + " is already in use (another SurrealDB or spooky dev?). Stop it, or pick another"
              + " address with --bind "
              + options.host()
              + ":PORT (port 0 picks a free one).");
      return 1;
    }
    DevDbProcess db;
    try {
      db =
          DevDbProcess.builder()
              .bind(options.host(), options.port())
              .storage(options.storage())
              .credentials(options.user(), options.pass())
              .inheritStderr()
              .start();
    } catch (DevDbException e) {
      err.println("spooky dev: " + e.getMessage());
      return 1;
    }
    SspServer ssp = null;
    if (withSsp) {
      try {
        ssp = SspServer.start(sspConfig(db));
      } catch (RuntimeException e) {
        err.println("spooky dev: cannot start the SSP: " + e.getMessage());
        db.close();
        return 1;
      }
    }
    SspServer startedSsp = ssp;
    Runtime.getRuntime()
        .addShutdownHook(
            new Thread(
                () -> {
                  if (startedSsp != null) {
                    err.println("spooky dev: stopping the SSP");
                    startedSsp.close();
                  }
                  err.println("spooky dev: stopping the dev SurrealDB");
                  db.close();
                },
                "spooky-dev-shutdown"));
    out.print(banner(db, options));
    if (startedSsp != null) {
      out.print(sspBanner(startedSsp));
    }
    out.flush();
    // The child exits 0 only when signalled (Ctrl-C reaches the whole process group).
    int exit = db.waitFor();
    if (exit != 0) {
      err.println("spooky dev: the dev SurrealDB exited with code " + exit);
      return 1;
    }
    return 0;
  }

  static String banner(DevDbProcess db, Options options) {
    String user = db.username();
    String pass = db.password();
    return """

        Spooky dev is running.

          SurrealDB  %s   (surrealdb %s, storage=%s)
          HTTP       %s   (/health, /version)
          root user  %s / %s
          try        namespace "spooky", database "dev"

        Connect with any SurrealDB client that speaks CBOR over WebSocket, for example the
        official JavaScript SDK (npm install surrealdb):

          import { Surreal } from "surrealdb";
          const db = new Surreal();
          await db.connect("%s");
          await db.signin({ username: "%s", password: "%s" });
          await db.use({ namespace: "spooky", database: "dev" });
          console.log(await db.query("RETURN 1 + 1"));

        Stop with Ctrl-C (or SIGTERM).
        """
        .formatted(
            db.rpcUrl(),
            db.version(),
            options.storage(),
            db.httpUrl(),
            user,
            pass,
            db.rpcUrl(),
            user,
            pass);
  }

  /** The SSP of {@code spooky dev}: the dev database unless the environment says otherwise. */
  static SspConfig sspConfig(DevDbProcess db) {
    Map<String, String> defaults =
        Map.of(
            "surrealdb.addr",
            db.rpcUrl().toString(),
            "surrealdb.user",
            db.username(),
            "surrealdb.pass",
            db.password(),
            "surrealdb.ns",
            "spooky",
            "surrealdb.db",
            "dev",
            "listen_addr",
            "127.0.0.1:8667");
    return SspConfig.from(ConfigSource.of(defaults, System.getenv()));
  }

  static String sspBanner(SspServer ssp) {
    String base = "http://127.0.0.1:" + ssp.port();
    return """
          SSP        %s   (/health, /info, /metrics; no secret in dev)

        Next: create data in namespace "spooky", database "dev", then register a live view:

          curl -s %s/view/register -H 'Content-Type: application/json' \\
            -d '{"id":"v1","surql":"SELECT * FROM todo WHERE done = false"}'
          curl -s %s/views/v1
          websocat %s/views/v1/stream   # snapshot, then deltas with root hashes

        """
        .formatted(base, base, base, base.replace("http://", "ws://"));
  }

  private static boolean portFree(String host, int port) {
    try (ServerSocket socket = new ServerSocket()) {
      socket.setReuseAddress(true);
      socket.bind(new InetSocketAddress(InetAddress.getByName(host), port));
      return true;
    } catch (IOException e) {
      return false;
    }
  }
}
