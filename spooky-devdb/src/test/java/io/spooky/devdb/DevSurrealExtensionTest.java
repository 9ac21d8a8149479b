package io.spooky.devdb;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.platform.engine.discovery.DiscoverySelectors.selectClass;

import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.TestReporter;
import org.junit.platform.engine.reporting.ReportEntry;
import org.junit.platform.testkit.engine.EngineTestKit;
import org.junit.platform.testkit.engine.Events;

@DevSurreal
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class DevSurrealExtensionTest {
  private final DevSurrealEndpoint fromConstructor;
  private DevSurrealEndpoint fromBeforeAll;
  private DevSurrealEndpoint fromBeforeEach;

  DevSurrealExtensionTest(DevSurrealEndpoint db) {
    this.fromConstructor = db;
  }

  @BeforeAll
  void beforeAll(DevSurrealEndpoint db) {
    fromBeforeAll = db;
  }

  @BeforeEach
  void beforeEach(DevSurrealEndpoint db) {
    fromBeforeEach = db;
  }

  @Test
  void injectsOneEndpointPerClassEverywhere(DevSurrealEndpoint db) {
    assertThat(db).isEqualTo(fromConstructor).isEqualTo(fromBeforeAll).isEqualTo(fromBeforeEach);
    assertThat(db.namespace()).isEqualTo("test");
    assertThat(db.database()).matches("devsurrealextensiontest_[0-9a-f]{8}");
    assertThat(db.username()).isEqualTo("root");
    assertThat(db.password()).isEqualTo("root");
    assertThat(db.rpcUrl().toString()).matches("ws://127\\.0\\.0\\.1:\\d+/rpc");
  }

  @Test
  void theServerIsHealthy(DevSurrealEndpoint db) throws Exception {
    HttpResponse<String> health =
        HttpClient.newHttpClient()
            .send(
                HttpRequest.newBuilder(db.httpUrl().resolve("/health")).build(),
                HttpResponse.BodyHandlers.ofString());
    assertThat(health.statusCode()).isEqualTo(200);
  }

  @Test
  void withDatabaseKeepsEverythingElse(DevSurrealEndpoint db) {
    DevSurrealEndpoint other = db.withDatabase(db.database() + "_b");
    assertThat(other.database()).isEqualTo(db.database() + "_b");
    assertThat(other.withDatabase(db.database())).isEqualTo(db);
  }

  @Test
  void twoClassesGetTheSameServerAndDifferentDatabases() {
    Events events =
        EngineTestKit.engine("junit-jupiter")
            .selectors(selectClass(FixtureA.class), selectClass(FixtureB.class))
            .execute()
            .testEvents();
    events.assertStatistics(stats -> stats.started(4).succeeded(4));
    List<Map<String, String>> reported =
        events.reportingEntryPublished().stream()
            .map(e -> e.getPayload(ReportEntry.class).orElseThrow().getKeyValuePairs())
            .toList();
    assertThat(reported).hasSize(4);
    assertThat(reported).extracting(m -> m.get("url")).containsOnly(reported.get(0).get("url"));
    assertThat(reported)
        .filteredOn(m -> m.get("class").equals("A"))
        .extracting(m -> m.get("database"))
        .hasSize(2)
        .allMatch(d -> d.startsWith("fixturea_"))
        .containsOnly(first(reported, "A"));
    assertThat(reported)
        .filteredOn(m -> m.get("class").equals("B"))
        .extracting(m -> m.get("database"))
        .allMatch(d -> d.startsWith("fixtureb_"))
        .containsOnly(first(reported, "B"));
  }

  private static String first(List<Map<String, String>> reported, String cls) {
    return reported.stream()
        .filter(m -> m.get("class").equals(cls))
        .findFirst()
        .orElseThrow()
        .get("database");
  }

  private static void report(TestReporter reporter, String cls, DevSurrealEndpoint db) {
    reporter.publishEntry(
        Map.of("class", cls, "database", db.database(), "url", db.rpcUrl().toString()));
  }

  /** Default lifecycle: a new instance, built through an injecting constructor, per test. */
  @DevSurreal
  static class FixtureA {
    private final DevSurrealEndpoint injected;

    FixtureA(DevSurrealEndpoint db) {
      this.injected = db;
    }

    @Test
    void first(DevSurrealEndpoint db, TestReporter reporter) {
      assertThat(db).isEqualTo(injected);
      report(reporter, "A", db);
    }

    @Test
    void second(DevSurrealEndpoint db, TestReporter reporter) {
      assertThat(db).isEqualTo(injected);
      report(reporter, "A", db);
    }
  }

  @DevSurreal
  static class FixtureB {
    @Test
    void first(DevSurrealEndpoint db, TestReporter reporter) {
      report(reporter, "B", db);
    }

    @Test
    void second(DevSurrealEndpoint db, TestReporter reporter) {
      report(reporter, "B", db);
    }
  }
}
