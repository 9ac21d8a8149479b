package io.spooky.service;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

class MetricsTest {
  @Test
  void rendersCountersGaugesAndCumulativeHistograms() {
    Metrics m = new Metrics();
    Metrics.Counter c = m.counter("events_total", "Events applied.");
    m.gauge("views", "Registered views.", () -> 3);
    Metrics.Histogram h = m.histogram("latency_seconds", "Batch latency.", 0.01, 0.1, 1);
    c.add(5);
    c.inc();
    h.observe(0.005);
    h.observe(0.05);
    h.observe(0.5);
    h.observe(5);
    assertThat(m.exposition())
        .isEqualTo(
            """
            # HELP events_total Events applied.
            # TYPE events_total counter
            events_total 6
            # HELP views Registered views.
            # TYPE views gauge
            views 3
            # HELP latency_seconds Batch latency.
            # TYPE latency_seconds histogram
            latency_seconds_bucket{le="0.01"} 1
            latency_seconds_bucket{le="0.1"} 2
            latency_seconds_bucket{le="1"} 3
            latency_seconds_bucket{le="+Inf"} 4
            latency_seconds_sum 5.555
            latency_seconds_count 4
            """);
  }

  @Test
  void rejectsDuplicateAndInvalidNamesAndDecreasingBuckets() {
    Metrics m = new Metrics();
    m.counter("a", "x");
    assertThatThrownBy(() -> m.counter("a", "x")).hasMessageContaining("already");
    assertThatThrownBy(() -> m.counter("1a", "x")).hasMessageContaining("invalid");
    assertThatThrownBy(() -> m.histogram("h", "x", 1, 1)).hasMessageContaining("increase");
    assertThatThrownBy(() -> m.counter("b", "x").add(-1)).hasMessageContaining("only increase");
  }

  @Test
  void rendersLabelledFamiliesWithOneHeaderAndEscapedValues() {
    Metrics m = new Metrics();
    List<Metrics.Sample> sent = new ArrayList<>();
    m.family("sent_total", "Events sent.", Metrics.FamilyType.COUNTER, () -> List.copyOf(sent));
    m.family(
        "state",
        "State.",
        Metrics.FamilyType.GAUGE,
        () ->
            List.of(
                Metrics.Sample.of("ssp_id", "a", "state", "ready", 1),
                Metrics.Sample.of("ssp_id", "a", "state", "bootstrapping", 0)));
    assertThat(m.exposition())
        .startsWith("# HELP sent_total Events sent.\n# TYPE sent_total counter\n# HELP state");
    sent.add(Metrics.Sample.of("ssp_id", "plain", 7));
    sent.add(Metrics.Sample.of("ssp_id", "q\"uo\\te\nnl", 2.5));
    assertThat(m.exposition())
        .isEqualTo(
            """
            # HELP sent_total Events sent.
            # TYPE sent_total counter
            sent_total{ssp_id="plain"} 7
            sent_total{ssp_id="q\\"uo\\\\te\\nnl"} 2.5
            # HELP state State.
            # TYPE state gauge
            state{ssp_id="a",state="ready"} 1
            state{ssp_id="a",state="bootstrapping"} 0
            """);
    assertThatThrownBy(() -> m.family("state", "x", Metrics.FamilyType.GAUGE, List::of))
        .hasMessageContaining("already");
    assertThatThrownBy(() -> Metrics.Sample.of("__x", "v", 1)).hasMessageContaining("label");
    assertThatThrownBy(() -> Metrics.Sample.of("a-b", "v", 1)).hasMessageContaining("label");
  }
}
