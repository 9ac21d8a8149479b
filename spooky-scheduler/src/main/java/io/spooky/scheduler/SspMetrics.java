package io.spooky.scheduler;

import io.spooky.service.Metrics;
import io.spooky.service.Metrics.FamilyType;
import io.spooky.service.Metrics.Sample;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.LongAdder;
import java.util.function.Function;
import java.util.function.Supplier;

/**
 * The per-SSP Prometheus series of {@code GET /metrics}, labelled {@code ssp_id}: gauges read from
 * the pool at scrape time (only for SSPs in the pool) and counters kept per SSP id.
 *
 * <p>Counters belong to the id, not to one registration, so they keep counting across the
 * re-registrations of an SSP (that is what {@code rebootstraps_total} counts). An id's counters are
 * dropped once it has been out of the pool for longer than {@code keep} (see {@link #sweep}), so
 * SSPs that die for good do not leave series behind; should such an id return, its counters start
 * again from zero, which Prometheus reads as a counter reset. Thread-safe.
 */
final class SspMetrics {
  /** The counters of one SSP id. */
  static final class Counters {
    final LongAdder sent = new LongAdder();
    final LongAdder sendFailures = new LongAdder();
    final LongAdder rebootstraps = new LongAdder();
    final LongAdder overflows = new LongAdder();

    /** When the id was first seen out of the pool by {@link #sweep}; 0 while it is in it. */
    volatile long absentSinceNanos;
  }

  private final ConcurrentHashMap<String, Counters> byId = new ConcurrentHashMap<>();

  /**
   * The counters of a registration of {@code sspId}; counts a re-bootstrap if it had one before.
   */
  Counters registered(String sspId) {
    boolean[] fresh = {false};
    Counters c =
        byId.computeIfAbsent(
            sspId,
            k -> {
              fresh[0] = true;
              return new Counters();
            });
    c.absentSinceNanos = 0;
    if (!fresh[0]) {
      c.rebootstraps.increment();
    }
    return c;
  }

  /**
   * Drops the counters of ids that have not been in {@code present} for longer than {@code keep}.
   */
  void sweep(Set<String> present, long nowNanos, long keepNanos) {
    for (Map.Entry<String, Counters> e : byId.entrySet()) {
      Counters c = e.getValue();
      if (present.contains(e.getKey())) {
        c.absentSinceNanos = 0;
      } else if (c.absentSinceNanos == 0) {
        c.absentSinceNanos = nowNanos == 0 ? 1 : nowNanos;
      } else if (nowNanos - c.absentSinceNanos > keepNanos) {
        byId.remove(e.getKey(), c);
      }
    }
  }

  /** Registers every per-SSP family on {@code metrics}; {@code pool} is read at each scrape. */
  void register(Metrics metrics, Supplier<List<Scheduler.SspStatus>> pool) {
    metrics.family(
        "spooky_scheduler_ssp_state",
        "1 for the lifecycle state the SSP is in, 0 for the others",
        FamilyType.GAUGE,
        () -> {
          List<Sample> out = new ArrayList<>();
          for (Scheduler.SspStatus s : pool.get()) {
            for (Ssp.State st : Ssp.State.values()) {
              out.add(
                  Sample.of(
                      "ssp_id",
                      s.sspId(),
                      "state",
                      st.name().toLowerCase(Locale.ROOT),
                      s.state() == st ? 1 : 0));
            }
          }
          return out;
        });
    gauge(
        metrics,
        pool,
        "spooky_scheduler_ssp_queries",
        "Live queries the scheduler assigned to the SSP",
        s -> (double) s.queries());
    gauge(
        metrics,
        pool,
        "spooky_scheduler_ssp_views",
        "Views the SSP reported in its last heartbeat",
        s -> (double) s.views());
    gauge(
        metrics,
        pool,
        "spooky_scheduler_ssp_lag_events",
        "Events in the WAL the SSP has not acknowledged (its buffer: the WAL head seq minus its"
            + " acked seq); at spooky_scheduler_max_buffer_per_ssp it must re-bootstrap",
        s -> (double) s.lag());
    gauge(
        metrics,
        pool,
        "spooky_scheduler_ssp_acked_seq",
        "Last seq the SSP acknowledged",
        s -> (double) s.ackedSeq());
    gauge(
        metrics,
        pool,
        "spooky_scheduler_ssp_heartbeat_age_seconds",
        "Seconds since the SSP's last heartbeat (or its registration)",
        s -> s.msSinceHeartbeat() / 1000.0);
    gauge(
        metrics,
        pool,
        "spooky_scheduler_ssp_cpu_percent",
        "CPU load the SSP reported in its last heartbeat",
        Scheduler.SspStatus::cpu);
    gauge(
        metrics,
        pool,
        "spooky_scheduler_ssp_memory_percent",
        "Memory use the SSP reported in its last heartbeat",
        Scheduler.SspStatus::memory);
    metrics.family(
        "spooky_scheduler_ssp_bootstrap_seconds",
        "Seconds from the SSP's registration to Ready (bootstrap and replay); only once Ready",
        FamilyType.GAUGE,
        () ->
            pool.get().stream()
                .filter(s -> s.bootstrapMillis() >= 0)
                .map(s -> Sample.of("ssp_id", s.sspId(), s.bootstrapMillis() / 1000.0))
                .toList());
    counter(
        metrics,
        "spooky_scheduler_ssp_events_sent_total",
        "Events the SSP acknowledged (POST /ingest answered 2xx)",
        c -> c.sent);
    counter(
        metrics,
        "spooky_scheduler_ssp_send_failures_total",
        "POST /ingest batches to the SSP that failed (non-2xx, timeout, connection error) and are"
            + " sent again",
        c -> c.sendFailures);
    counter(
        metrics,
        "spooky_scheduler_ssp_rebootstraps_total",
        "Registrations of the SSP after its first one (each one is a new bootstrap)",
        c -> c.rebootstraps);
    counter(
        metrics,
        "spooky_scheduler_ssp_buffer_overflows_total",
        "Times the SSP fell more than max_buffer_per_ssp events behind and was flagged for"
            + " re-bootstrap",
        c -> c.overflows);
  }

  private static void gauge(
      Metrics metrics,
      Supplier<List<Scheduler.SspStatus>> pool,
      String name,
      String help,
      Function<Scheduler.SspStatus, Double> value) {
    metrics.family(
        name,
        help,
        FamilyType.GAUGE,
        () ->
            pool.get().stream().map(s -> Sample.of("ssp_id", s.sspId(), value.apply(s))).toList());
  }

  private void counter(
      Metrics metrics, String name, String help, Function<Counters, LongAdder> value) {
    metrics.family(
        name,
        help,
        FamilyType.COUNTER,
        () -> {
          List<Sample> out = new ArrayList<>();
          for (Map.Entry<String, Counters> e : new TreeMap<>(byId).entrySet()) {
            out.add(Sample.of("ssp_id", e.getKey(), value.apply(e.getValue()).sum()));
          }
          return out;
        });
  }
}
