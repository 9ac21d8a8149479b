package io.spooky.sonar.cli;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.spooky.sonar.SonarException;
import io.spooky.sonar.http.SonarServer;
import io.spooky.sonar.replication.Replicator;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.PrintStream;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CountDownLatch;

/**
 * {@code spooky sonar}: without a subcommand starts the Sonar server; {@code collection}, {@code
 * db} and {@code search} talk to a running server over HTTP. The endpoint, workspace, collection
 * and token come from flags or the environment ({@code SONAR_ENDPOINT}, {@code SONAR_WORKSPACE},
 * {@code SONAR_COLLECTION}, {@code SONAR_TOKEN}). Results are printed to {@code out} as JSON;
 * errors and progress go to {@code err}. Exit codes: 0 success, 1 the request failed, 2 the command
 * line was wrong.
 */
public final class SonarCommand {
  private static final ObjectMapper JSON = new ObjectMapper();
  private static final Set<String> SWITCHES = Set.of("disable-authentication");
  private static final int IMPORT_BATCH = 500;

  private final Map<String, String> env;

  /** {@code env} is the process environment (a map in tests). */
  public SonarCommand(Map<String, String> env) {
    this.env = Map.copyOf(env);
  }

  /** Flags ({@code --name value} or a switch) and positional arguments. */
  record Args(Map<String, String> flags, List<String> positional) {
    static Args parse(List<String> args) {
      Map<String, String> flags = new HashMap<>();
      List<String> pos = new ArrayList<>();
      for (int i = 0; i < args.size(); i++) {
        String a = args.get(i);
        if (a.startsWith("--")) {
          String name = a.substring(2);
          int eq = name.indexOf('=');
          if (eq >= 0) {
            flags.put(name.substring(0, eq), name.substring(eq + 1));
          } else if (SWITCHES.contains(name)) {
            flags.put(name, "true");
          } else if (i + 1 < args.size()) {
            flags.put(name, args.get(++i));
          } else {
            throw new UsageException("flag --" + name + " needs a value");
          }
        } else {
          pos.add(a);
        }
      }
      return new Args(flags, pos);
    }

    String flag(String name, String fallback) {
      return flags.getOrDefault(name, fallback);
    }

    String arg(int i, String what) {
      if (i >= positional.size()) {
        throw new UsageException("missing " + what);
      }
      return positional.get(i);
    }
  }

  /** A wrong command line; exit code 2. */
  static final class UsageException extends RuntimeException {
    UsageException(String message) {
      super(message);
    }
  }

  /** Runs {@code spooky sonar <args>}; blocks while the server runs. */
  public int run(List<String> argv, PrintStream out, PrintStream err) throws InterruptedException {
    try {
      Args a = Args.parse(argv);
      if (a.positional().isEmpty() || a.positional().getFirst().equals("serve")) {
        return serve(a, out);
      }
      return switch (a.positional().getFirst()) {
        case "collection" -> collection(a, out);
        case "db" -> db(a, out, err);
        case "search" -> search(a, out);
        case "help" -> {
          out.print(usage());
          yield 0;
        }
        default -> throw new UsageException("unknown command: " + a.positional().getFirst());
      };
    } catch (UsageException e) {
      err.println("spooky sonar: " + e.getMessage());
      err.print(usage());
      return 2;
    } catch (SonarClientException e) {
      err.println(
          "spooky sonar: "
              + (e.status() == 0 ? "" : "server answered " + e.status() + ": ")
              + e.getMessage());
      return 1;
    } catch (SonarException | IOException e) {
      err.println("spooky sonar: " + e.getMessage());
      return 1;
    }
  }

  static String usage() {
    return """
        Usage: spooky sonar [--bind 127.0.0.1:9191] [--data ./data/sonar] [--disable-authentication]
                            [--access-code CODE] [--peer URL --collection NAME]   start the server
               spooky sonar collection create NAME [--key ROOTKEY] [--alias A] | list | info | add-feed KEY
               spooky sonar db put [--type T] [--id ID] JSON | db put --file x.ndjson
               spooky sonar db get TYPE ID | db query NAME [JSON] | db reindex [--views a,b]
               spooky sonar db put-type JSON | db get-type NAME | db list-types
               spooky sonar search QUERY
        Client flags (or env): --endpoint (SONAR_ENDPOINT, default http://127.0.0.1:9191/api/v1)
          --workspace (SONAR_WORKSPACE, default) --collection (SONAR_COLLECTION, default)
          --token (SONAR_TOKEN)
        """;
  }

  // ---------------------------------------------------------------- server

  private int serve(Args a, PrintStream out) throws InterruptedException {
    String bind = a.flag("bind", "127.0.0.1:9191");
    int colon = bind.lastIndexOf(':');
    if (colon < 0) {
      throw new UsageException("--bind is host:port, not " + bind);
    }
    int port;
    try {
      port = Integer.parseInt(bind.substring(colon + 1));
    } catch (NumberFormatException e) {
      throw new UsageException("--bind is host:port, not " + bind);
    }
    boolean auth = !a.flags().containsKey("disable-authentication");
    SonarServer.Config config =
        new SonarServer.Config(
            bind.substring(0, colon),
            port,
            Path.of(a.flag("data", "./data/sonar")),
            auth,
            a.flag("access-code", env.get("SONAR_ACCESS_CODE")));
    CountDownLatch stopped = new CountDownLatch(1);
    try (SonarServer server = SonarServer.start(config)) {
      out.println("sonar: listening on " + server.baseUri());
      if (auth) {
        out.println("sonar: access code " + server.accessCode());
      }
      String peer = a.flag("peer", null);
      Thread puller = null;
      if (peer != null) {
        puller = startPuller(server, a, URI.create(peer), stopped);
      }
      Runtime.getRuntime().addShutdownHook(new Thread(stopped::countDown));
      stopped.await();
      if (puller != null) {
        puller.interrupt();
        puller.join();
      }
    }
    return 0;
  }

  /** Pulls the collection from the peer every second until stopped; failures are logged. */
  private Thread startPuller(SonarServer server, Args a, URI peer, CountDownLatch stopped) {
    String ws = workspace(a);
    String collection = collectionName(a);
    String url = peer + "/" + ws + "/collection/" + collection;
    var node = server.node(ws);
    var c = node.openCollection(collection);
    Replicator r =
        new Replicator(node, c, Replicator.http(URI.create(url), a.flag("peer-token", null)));
    return Thread.ofVirtual()
        .name("sonar-puller")
        .start(
            () -> {
              while (stopped.getCount() > 0) {
                try {
                  r.pullOnce();
                } catch (SonarException e) {
                  org.slf4j.LoggerFactory.getLogger(SonarCommand.class)
                      .warn("event=pull_failed peer={} reason=\"{}\"", url, e.getMessage());
                }
                try {
                  Thread.sleep(1000);
                } catch (InterruptedException e) {
                  return;
                }
              }
            });
  }

  // ---------------------------------------------------------------- client commands

  private String workspace(Args a) {
    return a.flag("workspace", env.getOrDefault("SONAR_WORKSPACE", "default"));
  }

  private String collectionName(Args a) {
    return a.flag("collection", env.getOrDefault("SONAR_COLLECTION", "default"));
  }

  private SonarClient client(Args a) {
    return new SonarClient(
        a.flag("endpoint", env.getOrDefault("SONAR_ENDPOINT", "http://127.0.0.1:9191/api/v1")),
        workspace(a),
        a.flag("token", env.get("SONAR_TOKEN")));
  }

  private String col(Args a) {
    return "/collection/" + SonarClient.enc(collectionName(a));
  }

  private int collection(Args a, PrintStream out) throws IOException {
    SonarClient c = client(a);
    String sub = a.arg(1, "collection subcommand (create|list|info|add-feed)");
    JsonNode result =
        switch (sub) {
          case "create" -> {
            ObjectNode body = JSON.createObjectNode().put("name", a.arg(2, "collection name"));
            if (a.flags().containsKey("key")) {
              body.put("key", a.flags().get("key"));
            }
            if (a.flags().containsKey("alias")) {
              body.put("alias", a.flags().get("alias"));
            }
            yield c.post("/collection", body);
          }
          case "list" -> c.get("");
          case "info" ->
              c.get(
                  a.positional().size() > 2
                      ? "/collection/" + SonarClient.enc(a.positional().get(2))
                      : col(a));
          case "add-feed" -> {
            ObjectNode body = JSON.createObjectNode();
            if (a.flags().containsKey("alias")) {
              body.put("alias", a.flags().get("alias"));
            }
            yield c.put(col(a) + "/feed/" + SonarClient.enc(a.arg(2, "feed key")), body);
          }
          default -> throw new UsageException("unknown collection subcommand: " + sub);
        };
    print(out, result);
    return 0;
  }

  private int db(Args a, PrintStream out, PrintStream err) throws IOException {
    SonarClient c = client(a);
    String sub = a.arg(1, "db subcommand");
    JsonNode result =
        switch (sub) {
          case "put" -> {
            if (a.flags().containsKey("file")) {
              yield importFile(c, a, Path.of(a.flags().get("file")), err);
            }
            JsonNode value = parse(a.arg(2, "record JSON"));
            ObjectNode record;
            if (a.flags().containsKey("type")) {
              record = JSON.createObjectNode().put("type", a.flags().get("type"));
              if (a.flags().containsKey("id")) {
                record.put("id", a.flags().get("id"));
              }
              record.set("value", value);
            } else if (value.isObject()) {
              record = (ObjectNode) value;
            } else {
              throw new UsageException("db put takes {type, id?, value} or --type T VALUE");
            }
            yield c.post(col(a), record);
          }
          case "get" -> {
            String type = a.arg(2, "type (namespace/name)");
            if (!type.contains("/")) {
              type = "default/" + type;
            }
            yield c.get(col(a) + "/record/" + type + "/" + SonarClient.enc(a.arg(3, "record id")));
          }
          case "query" ->
              c.post(
                  col(a) + "/query/" + SonarClient.enc(a.arg(2, "query name")) + "?sync=1",
                  a.positional().size() > 3
                      ? parse(a.positional().get(3))
                      : JSON.createObjectNode());
          case "put-type" ->
              c.post(
                  col(a) + "/schema",
                  a.flags().containsKey("file")
                      ? parse(Files.readString(Path.of(a.flags().get("file"))))
                      : parse(a.arg(2, "type JSON")));
          case "get-type" ->
              c.get(col(a) + "/schema?name=" + SonarClient.enc(a.arg(2, "type name")));
          case "list-types" -> c.get(col(a) + "/schema");
          case "reindex" -> {
            String views = a.flag("views", null);
            yield c.post(
                col(a) + "/reindex" + (views == null ? "" : "?views=" + SonarClient.enc(views)),
                JSON.createObjectNode());
          }
          default -> throw new UsageException("unknown db subcommand: " + sub);
        };
    print(out, result);
    return 0;
  }

  private int search(Args a, PrintStream out) {
    String q = a.arg(1, "search query");
    ObjectNode body = JSON.createObjectNode().put("query", q);
    print(out, client(a).post(col(a) + "/query/search?sync=1", body));
    return 0;
  }

  /**
   * Imports an NDJSON file of {@code {id?, type, value}} lines in batches of {@value IMPORT_BATCH},
   * drawing a progress bar on {@code err}; prints {@code {imported: n}}.
   */
  private JsonNode importFile(SonarClient c, Args a, Path file, PrintStream err)
      throws IOException {
    long total = Math.max(1, Files.size(file));
    long done = 0;
    long imported = 0;
    StringBuilder batch = new StringBuilder();
    int lines = 0;
    try (BufferedReader r = Files.newBufferedReader(file, StandardCharsets.UTF_8)) {
      String line;
      while ((line = r.readLine()) != null) {
        done += line.getBytes(StandardCharsets.UTF_8).length + 1;
        if (line.isBlank()) {
          continue;
        }
        batch.append(line).append('\n');
        if (++lines == IMPORT_BATCH) {
          imported += sendBatch(c, a, batch);
          lines = 0;
          progress(err, Math.min(done, total), total, imported);
        }
      }
    }
    if (lines > 0) {
      imported += sendBatch(c, a, batch);
    }
    progress(err, total, total, imported);
    err.println();
    return JSON.createObjectNode().put("imported", imported);
  }

  private int sendBatch(SonarClient c, Args a, StringBuilder batch) {
    JsonNode out =
        c.send(
            "POST",
            col(a) + "?batch=1",
            batch.toString().getBytes(StandardCharsets.UTF_8),
            "application/x-ndjson");
    batch.setLength(0);
    return out.size();
  }

  private static void progress(PrintStream err, long done, long total, long records) {
    int width = 30;
    int filled = (int) (width * done / total);
    err.print(
        "\r["
            + "#".repeat(filled)
            + " ".repeat(width - filled)
            + "] "
            + (100 * done / total)
            + "% "
            + records
            + " records");
    err.flush();
  }

  private static JsonNode parse(String s) {
    try {
      return JSON.readTree(s);
    } catch (IOException e) {
      throw new UsageException("not JSON: " + s);
    }
  }

  private static void print(PrintStream out, JsonNode n) {
    try {
      out.println(JSON.writerWithDefaultPrettyPrinter().writeValueAsString(n));
    } catch (IOException e) {
      throw new IllegalStateException(e);
    }
  }
}
