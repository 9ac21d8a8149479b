package io.spooky.surreal;

import java.time.Duration;
import java.util.ArrayDeque;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.locks.Condition;
import java.util.concurrent.locks.ReentrantLock;
import java.util.function.Supplier;

/**
 * The notifications of one live query, in the order the server sent them. Obtained from {@link
 * SurrealClient#live} or {@link SurrealClient#liveQuery}; close it to kill the live query.
 *
 * <pre>{@code
 * try (LiveSubscription sub = surreal.live("user")) {
 *   Notification n = sub.poll(Duration.ofSeconds(1));
 * }
 * }</pre>
 *
 * <p>Backpressure: notifications wait in a bounded queue of {@link
 * SurrealConfig#liveQueueCapacity()} entries. The connection's reader never blocks on a slow
 * subscriber: when the queue is full, further notifications are dropped and, as soon as there is
 * room again (the consumer took one), a single {@link Notification.Gap} with reason {@code
 * OVERFLOW} is queued in their place. After a reconnect the client re-creates the live query on the
 * new connection and queues a {@code Gap} with reason {@code RECONNECTED}. Thread-safe; typically
 * one consumer thread.
 */
public final class LiveSubscription implements AutoCloseable {
  private final SurrealClient client;
  private final Supplier<CompletableFuture<UUID>> starter;
  private final int capacity;
  private final ReentrantLock lock = new ReentrantLock();
  private final Condition notEmpty = lock.newCondition();
  private final ArrayDeque<Notification> queue = new ArrayDeque<>();
  private boolean overflowed;
  private long dropped;
  private volatile UUID liveId;
  private volatile boolean closed;

  LiveSubscription(SurrealClient client, Supplier<CompletableFuture<UUID>> starter, int capacity) {
    this.client = client;
    this.starter = starter;
    this.capacity = capacity;
  }

  /** The server's id of the live query; it changes when the client reconnects. */
  public UUID id() {
    return liveId;
  }

  /** The next notification, waiting at most {@code timeout}; null when none arrived. */
  public Notification poll(Duration timeout) throws InterruptedException {
    long nanos = timeout.toNanos();
    lock.lock();
    try {
      while (queue.isEmpty()) {
        if (nanos <= 0) {
          return null;
        }
        nanos = notEmpty.awaitNanos(nanos);
      }
      return next();
    } finally {
      lock.unlock();
    }
  }

  /** The next notification, waiting as long as needed. */
  public Notification take() throws InterruptedException {
    lock.lock();
    try {
      while (queue.isEmpty()) {
        notEmpty.await();
      }
      return next();
    } finally {
      lock.unlock();
    }
  }

  /** Takes the head; once an overflow's backlog drains, queues the gap that marks it. */
  private Notification next() {
    Notification n = queue.poll();
    if (overflowed) {
      queue.add(new Notification.Gap(Notification.GapReason.OVERFLOW));
      overflowed = false;
    }
    return n;
  }

  /** Notifications dropped so far because the queue was full (for monitoring). */
  public long dropped() {
    lock.lock();
    try {
      return dropped;
    } finally {
      lock.unlock();
    }
  }

  /** Notifications currently queued. */
  public int queued() {
    lock.lock();
    try {
      return queue.size();
    } finally {
      lock.unlock();
    }
  }

  /** Kills the live query on the server (best effort) and stops delivery. Idempotent. */
  @Override
  public void close() {
    if (closed) {
      return;
    }
    closed = true;
    client.unsubscribe(this);
  }

  boolean isClosed() {
    return closed;
  }

  CompletableFuture<UUID> start() {
    return starter.get().thenApply(id -> liveId = id);
  }

  void deliver(Notification n) {
    lock.lock();
    try {
      if (overflowed || queue.size() >= capacity) {
        overflowed = true;
        dropped++;
        return;
      }
      queue.add(n);
      notEmpty.signalAll();
    } finally {
      lock.unlock();
    }
  }
}
