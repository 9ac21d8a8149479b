package io.spooky.scheduler;

import java.net.URI;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

/**
 * The scheduler's record of one registered SSP. Identity is the registration: a re-registration
 * with the same id replaces the object, and {@link #active} turns false on the old one so its
 * delivery thread stops. Fields are written by the delivery thread, heartbeats and the pool and
 * read anywhere, hence volatile.
 */
final class Ssp {
  /** Lifecycle, as in the Spooky document, plus the overflow state that demands a re-bootstrap. */
  enum State {
    BOOTSTRAPPING,
    REPLAYING,
    READY,
    OVERFLOWED
  }

  final String id;
  final URI url;
  final long snapshotSeq;
  final Set<String> queries = ConcurrentHashMap.newKeySet();
  volatile State state = State.BOOTSTRAPPING;
  volatile boolean active = true;

  /** Whether this SSP still holds one of the replica's freezes (released once, when it leaves). */
  volatile boolean holdsFreeze = true;

  /** Last seq the SSP acknowledged with a 2xx to {@code POST /ingest}. */
  volatile long ackedSeq;

  /**
   * Whether the last delivery attempt failed (error status, connection error, request timeout);
   * only a Bootstrapping SSP or one whose deliveries fail is flagged for lagging too far behind.
   */
  volatile boolean deliveryFailing;

  /** Acked seq last written to the replica's placement records. */
  volatile long persistedAck = -1;

  /**
   * True from the registration of an SSP known from before a restart until it is Ready: its
   * persisted queries are then sent to it again.
   */
  volatile boolean restoring;

  volatile long lastHeartbeatNanos;
  volatile long views;
  volatile double cpu;
  volatile double memory;
  volatile long delivered;

  /** When it registered, and when it became Ready (meaningful once {@code state} is READY). */
  final long registeredNanos;

  volatile long readyNanos;

  /** The Prometheus counters of its id, shared with its earlier and later registrations. */
  final SspMetrics.Counters counters;

  Ssp(String id, URI url, long snapshotSeq, long nowNanos, SspMetrics.Counters counters) {
    this.id = id;
    this.url = url;
    this.snapshotSeq = snapshotSeq;
    this.ackedSeq = snapshotSeq;
    this.lastHeartbeatNanos = nowNanos;
    this.registeredNanos = nowNanos;
    this.counters = counters;
  }

  URI resolve(String path) {
    String base = url.toString();
    return URI.create(base.endsWith("/") ? base + path.substring(1) : base + path);
  }
}
