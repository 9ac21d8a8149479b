package io.spooky.scheduler;

import java.util.Comparator;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.atomic.AtomicLong;

/**
 * How {@code POST /query/register} chooses among the Ready SSPs. Candidates are always considered
 * in SSP id order so that every strategy is deterministic for a given pool and history; ties go to
 * the smallest id.
 */
public enum LoadBalance {
  /** Rotates through the candidates, one query each. */
  ROUND_ROBIN,
  /** The candidate with the fewest assigned queries. */
  LEAST_QUERIES,
  /** The candidate with the lowest {@code cpu + memory} of its last heartbeat. */
  LEAST_LOAD;

  /** Parses {@code round_robin}, {@code least_queries} or {@code least_load} (any case). */
  public static LoadBalance parse(String text) {
    try {
      return valueOf(text.trim().toUpperCase(Locale.ROOT).replace('-', '_'));
    } catch (IllegalArgumentException e) {
      throw new IllegalArgumentException(
          "load_balance must be round_robin, least_queries or least_load: " + text, e);
    }
  }

  /** The name used in configuration. */
  public String configName() {
    return name().toLowerCase(Locale.ROOT);
  }

  /** What a strategy needs to know about one candidate. */
  record Candidate(String sspId, int queries, double cpu, double memory) {}

  /**
   * The chosen candidate's id.
   *
   * @param candidates non-empty, sorted by id
   * @param rotation the pool's round-robin counter, advanced by {@link #ROUND_ROBIN} only
   */
  String choose(List<Candidate> candidates, AtomicLong rotation) {
    assert !candidates.isEmpty() : "choose needs at least one candidate";
    return switch (this) {
      case ROUND_ROBIN ->
          candidates
              .get((int) Math.floorMod(rotation.getAndIncrement(), candidates.size()))
              .sspId();
      case LEAST_QUERIES ->
          candidates.stream()
              .min(Comparator.comparingInt(Candidate::queries))
              .orElseThrow()
              .sspId();
      case LEAST_LOAD ->
          candidates.stream()
              .min(Comparator.comparingDouble(c -> c.cpu() + c.memory()))
              .orElseThrow()
              .sspId();
    };
  }
}
