package io.spooky.sonar.search;

import com.fasterxml.jackson.databind.ObjectMapper;
import io.spooky.sonar.collection.Collection;
import io.spooky.sonar.collection.PutRequest;
import io.spooky.sonar.collection.Sonar;
import io.spooky.sonar.collection.SonarOptions;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

/**
 * Child process of {@link SearchCrashTest}: bulk-puts records into a collection with a search view
 * that commits every 20 ms, printing {@code committed} once the search view has a persisted cursor,
 * until killed.
 */
public final class SearchCrashChild {
  private SearchCrashChild() {}

  public static void main(String[] args) throws Exception {
    Path dir = Path.of(args[0]);
    ObjectMapper json = new ObjectMapper();
    PrintStream out = new PrintStream(System.out, false, StandardCharsets.UTF_8);
    SonarOptions options =
        new SonarOptions(
            List.of(SearchView.factory(Duration.ofMillis(10), Duration.ofMillis(20))), true);
    try (Sonar sonar = Sonar.open(dir, options)) {
      Collection c = sonar.openCollection("crash");
      c.putType(json.readTree(SearchCrashTest.DOC));
      for (int round = 0; ; round++) {
        List<PutRequest> puts = new ArrayList<>();
        for (int i = 0; i < 100; i++) {
          int n = round * 100 + i;
          puts.add(
              PutRequest.put(
                  "doc", "r" + n, json.createObjectNode().put("title", "word" + n + " common")));
        }
        c.putAll(puts);
        if (round == 0) {
          c.sync();
          Thread.sleep(200);
          out.println("committed");
        }
        out.println("round " + round);
        out.flush();
      }
    }
  }
}
