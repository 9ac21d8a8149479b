package io.spooky.ssp.scheduler;

/**
 * The SSP as the {@link SchedulerLink} drives it. {@link #bootstrap} must make {@code GET /health}
 * report {@code bootstrapping} until it returns, and {@code ok} afterwards.
 */
public interface LocalSsp {
  /**
   * Called before every registration: from now until {@link #bootstrap} returns, {@code GET
   * /health} reports {@code bootstrapping} and {@code POST /ingest} is refused, so the scheduler
   * cannot take the state of an earlier registration for a finished bootstrap.
   */
  void beginBootstrap();

  /**
   * Drops every table row, loads the watched tables through {@code proxy} (the replica is frozen at
   * {@code snapshotSeq}), re-materializes the registered views, and from then on accepts scheduler
   * events with a seq above {@code snapshotSeq}. Blocks until done; throws on failure.
   */
  void bootstrap(ProxyReader proxy, long snapshotSeq);

  /** Registered views, reported in heartbeats. */
  int views();
}
