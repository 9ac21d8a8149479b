package io.spooky.sonar.collection;

import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * Child process of {@link CrashTest}: bulk-puts records in group commits and prints {@code ack
 * <id>} on stdout for every record whose batch returned (is durable), until killed. Prints {@code
 * synced} once after the first batch's views caught up, so the parent knows views have cursors.
 */
public final class BulkPutChild {
  private BulkPutChild() {}

  public static void main(String[] args) throws Exception {
    Path dir = Path.of(args[0]);
    int batch = Integer.parseInt(args[1]);
    ObjectMapper json = new ObjectMapper();
    PrintStream out = new PrintStream(System.out, false, StandardCharsets.UTF_8);
    try (Sonar sonar = Sonar.open(dir)) {
      Collection c = sonar.openCollection("crash");
      c.putType(json.readTree(CollectionTest.ARTICLE.replace('\'', '"')));
      for (int round = 0; ; round++) {
        List<PutRequest> puts = new ArrayList<>(batch);
        for (int i = 0; i < batch; i++) {
          int n = round * batch + i;
          puts.add(
              PutRequest.put(
                  "article",
                  "r" + n,
                  json.createObjectNode().put("title", "t" + (n % 7)).put("score", n)));
        }
        c.putAll(puts);
        for (PutRequest p : puts) {
          out.println("ack " + p.id());
        }
        if (round == 0) {
          c.sync();
          out.println("synced");
        }
        out.flush();
      }
    }
  }
}
