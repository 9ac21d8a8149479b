package io.spooky.ssp.jobs;

import io.spooky.core.json.SurrealJson;
import io.spooky.core.value.ObjectValue;
import io.spooky.core.value.RecordId;
import io.spooky.core.value.SurrealQl;
import io.spooky.core.value.Value;
import io.spooky.surreal.LiveSubscription;
import io.spooky.surreal.Notification;
import io.spooky.surreal.SurrealClient;
import io.spooky.surreal.SurrealException;
import java.net.URI;
import java.security.SecureRandom;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.random.RandomGenerator;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Executes the jobs of the {@code _spooky_job} outbox table: claims due jobs, POSTs each job's
 * {@code payload} as JSON to {@code backendUrl + path}, records the outcome, and retries failures
 * with exponential backoff up to the job's {@code max_attempts} (PROTOCOL.md section 8).
 *
 * <pre>{@code
 * try (JobRunner jobs = JobRunner.start(surreal, JobConfig.defaults(URI.create("http://app:3000")))) {
 *   ... // serve; read jobs.jobsDone() etc. for /metrics
 * }
 * }</pre>
 *
 * <p>Delivery is at least once: a job is executed again when its runner dies (or loses the
 * database) between calling the backend and recording the outcome, once its lease expires. The
 * backend deduplicates with the {@code X-Spooky-Job-Id} header if it must. Several runners (one per
 * SSP) may share one table: a job is claimed by exactly one at a time.
 *
 * <p>The runner does not own the {@link SurrealClient} (it is not closed here); the client's own
 * reconnects are transparent, and database errors while polling are logged and retried at the next
 * poll. {@link #close()} stops claiming, waits for the attempts in flight (each bounded by the
 * request timeout) to be recorded, and stops the live wake-up. Thread-safe.
 */
public final class JobRunner implements AutoCloseable {
  private static final Logger log = LoggerFactory.getLogger(JobRunner.class);

  private final SurrealClient client;
  private final JobConfig config;
  private final JobTable table;
  private final BackendClient backend;
  private final Backoff backoff;
  private final Semaphore slots;
  private final ExecutorService workers = Executors.newVirtualThreadPerTaskExecutor();

  /** At most one pending wake-up signal; a signal sent while dispatching is not lost. */
  private final ArrayBlockingQueue<Boolean> wake = new ArrayBlockingQueue<>(1);

  private final AtomicLong done = new AtomicLong();
  private final AtomicLong failed = new AtomicLong();
  private final AtomicLong retried = new AtomicLong();
  private final AtomicLong leasesExpired = new AtomicLong();
  private final Thread dispatcher;
  private volatile Thread liveThread;
  private volatile LiveSubscription live;

  /** Counted down once the live query is subscribed (or known to be unavailable). */
  private final CountDownLatch liveStarted = new CountDownLatch(1);

  private volatile boolean closed;

  private JobRunner(SurrealClient client, JobConfig config, RandomGenerator random) {
    this.client = client;
    this.config = config;
    this.table = new JobTable(client, config);
    this.backend = new BackendClient(config.requestTimeout(), config.maxResponseChars());
    this.backoff = new Backoff(config.baseBackoff(), config.maxBackoff(), random);
    this.slots = new Semaphore(config.concurrency());
    this.dispatcher =
        Thread.ofPlatform().name("spooky-jobs-" + config.sspId()).unstarted(this::run);
    this.dispatcher.setDaemon(true);
  }

  /**
   * Defines the {@code _spooky_job} table (idempotent) and starts executing jobs.
   *
   * @throws SurrealException when the table cannot be defined (database unreachable or refusing)
   */
  public static JobRunner start(SurrealClient client, JobConfig config) {
    return start(client, config, new SecureRandom());
  }

  /** As {@link #start(SurrealClient, JobConfig)} with the jitter's random source (for tests). */
  static JobRunner start(SurrealClient client, JobConfig config, RandomGenerator random) {
    JobRunner runner = new JobRunner(client, config, random);
    try {
      runner.table.define();
    } catch (RuntimeException e) {
      runner.workers.close();
      runner.backend.close();
      throw e;
    }
    if (config.liveWakeup()) {
      runner.liveThread = Thread.ofVirtual().name("spooky-jobs-live").start(runner::watchLive);
    }
    runner.dispatcher.start();
    log.info(
        "event=jobs_started ssp={} backend={} concurrency={} live={}",
        config.sspId(),
        config.backendUrl(),
        config.concurrency(),
        config.liveWakeup());
    return runner;
  }

  public JobConfig config() {
    return config;
  }

  /** Jobs this runner finished with a 2xx response. */
  public long jobsDone() {
    return done.get();
  }

  /** Jobs this runner marked failed (permanent error, or the last allowed attempt failed). */
  public long jobsFailed() {
    return failed.get();
  }

  /** Failed attempts this runner scheduled for a retry. */
  public long jobsRetried() {
    return retried.get();
  }

  /** Expired leases (of any SSP) this runner took back. */
  public long leasesExpired() {
    return leasesExpired.get();
  }

  /** Attempts in flight right now. */
  public int jobsInFlight() {
    return config.concurrency() - slots.availablePermits();
  }

  // ------------------------------------------------------------ dispatching

  private void run() {
    while (!closed) {
      boolean more = false;
      try {
        more = dispatchOnce();
      } catch (SurrealException e) {
        if (closed) {
          return;
        }
        log.warn("event=jobs_poll_failed ssp={} error=\"{}\"", config.sspId(), e.getMessage());
      } catch (RuntimeException e) {
        log.error("event=jobs_poll_failed ssp={}", config.sspId(), e);
      }
      if (!more) {
        try {
          wake.poll(config.pollInterval().toNanos(), TimeUnit.NANOSECONDS);
        } catch (InterruptedException e) {
          return;
        }
      }
    }
  }

  /**
   * One pass: take back expired leases, then claim due jobs while slots are free.
   *
   * @return true when there may be more due work right away (every candidate claimed)
   */
  private boolean dispatchOnce() {
    int reaped = table.reapExpired();
    if (reaped > 0) {
      leasesExpired.addAndGet(reaped);
      log.warn("event=jobs_leases_expired ssp={} count={}", config.sspId(), reaped);
    }
    int free = slots.availablePermits();
    if (free == 0) {
      return false;
    }
    // Ask for more than we can take, since others may claim some first; shuffled so that SSPs
    // polling at the same moment do not all race for the same rows.
    List<RecordId> candidates = new ArrayList<>(table.due(free * 2));
    Collections.shuffle(candidates);
    int next = 0;
    int claimed = 0;
    while (!closed && next < candidates.size()) {
      int want = Math.min(slots.availablePermits(), candidates.size() - next);
      if (want == 0 || !slots.tryAcquire(want)) {
        break;
      }
      List<CompletableFuture<Optional<JobTable.Claimed>>> claims = new ArrayList<>(want);
      for (RecordId id : candidates.subList(next, next + want)) {
        claims.add(table.claim(id));
      }
      next += want;
      RuntimeException failure = null;
      for (CompletableFuture<Optional<JobTable.Claimed>> c : claims) {
        Optional<JobTable.Claimed> job = Optional.empty();
        try {
          job = c.join();
        } catch (CompletionException e) {
          if (failure == null) {
            failure = e.getCause() instanceof RuntimeException r ? r : e;
          }
        }
        if (job.isPresent()) {
          claimed++;
          JobTable.Claimed j = job.get();
          workers.execute(() -> execute(j));
        } else {
          slots.release();
        }
      }
      if (failure != null) {
        throw failure;
      }
    }
    return claimed > 0 && candidates.size() == free * 2 && slots.availablePermits() > 0;
  }

  private void execute(JobTable.Claimed job) {
    String jobId = SurrealQl.recordId(job.id());
    try {
      log.debug("event=job_attempt ssp={} job={} attempt={}", config.sspId(), jobId, job.attempt());
      BackendOutcome outcome;
      try {
        URI target = config.target(job.path());
        outcome = backend.call(target, jobId, job.attempt(), json(job.payload()));
      } catch (IllegalArgumentException e) {
        outcome = new BackendOutcome.Permanent(0, "invalid path: " + e.getMessage());
      }
      record(job, jobId, outcome);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      log.warn("event=job_abandoned ssp={} job={} reason=stopping", config.sspId(), jobId);
    } catch (SurrealException e) {
      log.warn(
          "event=job_outcome_unrecorded ssp={} job={} error=\"{}\" (the lease will expire)",
          config.sspId(),
          jobId,
          e.getMessage());
    } catch (RuntimeException e) {
      log.error("event=job_outcome_unrecorded ssp={} job={}", config.sspId(), jobId, e);
    } finally {
      slots.release();
      wake.offer(Boolean.TRUE);
    }
  }

  private void record(JobTable.Claimed job, String jobId, BackendOutcome outcome) {
    JobTable.Recorded recorded =
        switch (outcome) {
          case BackendOutcome.Success s -> table.done(job, s.status(), s.body());
          case BackendOutcome.Permanent p -> table.fail(job, p.status(), p.error());
          case BackendOutcome.Retry r -> table.retry(job, r.status(), r.error(), delay(job, r));
        };
    switch (recorded) {
      case DONE -> done.incrementAndGet();
      case FAILED -> failed.incrementAndGet();
      case RETRY_SCHEDULED -> retried.incrementAndGet();
      case LOST -> {}
    }
    String error =
        switch (outcome) {
          case BackendOutcome.Success s -> "";
          case BackendOutcome.Permanent p -> p.error();
          case BackendOutcome.Retry r -> r.error();
        };
    if (recorded == JobTable.Recorded.DONE) {
      log.info(
          "event=job_done ssp={} job={} path={} attempt={}",
          config.sspId(),
          jobId,
          job.path(),
          job.attempt());
    } else {
      log.warn(
          "event=job_{} ssp={} job={} path={} attempt={} max_attempts={} error=\"{}\"",
          recorded.name().toLowerCase(java.util.Locale.ROOT),
          config.sspId(),
          jobId,
          job.path(),
          job.attempt(),
          job.maxAttempts(),
          error);
    }
  }

  private Duration delay(JobTable.Claimed job, BackendOutcome.Retry r) {
    synchronized (backoff) {
      return backoff.next(job.attempt(), r.retryAfter());
    }
  }

  private static String json(Value payload) {
    return payload.isNullish() ? "{}" : SurrealJson.write(payload);
  }

  // ------------------------------------------------------------ live wake-up

  /** Wakes the dispatcher on every change of the table; without it the poll interval applies. */
  private void watchLive() {
    try (LiveSubscription sub = client.live(JobTable.TABLE)) {
      live = sub;
      liveStarted.countDown();
      if (closed) {
        return;
      }
      while (!closed) {
        Notification n = sub.poll(Duration.ofSeconds(1));
        if (n instanceof Notification.Killed) {
          log.warn("event=jobs_live_killed ssp={} (polling only)", config.sspId());
          return;
        }
        if (wakes(n)) {
          wake.offer(Boolean.TRUE);
        }
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    } catch (SurrealException e) {
      log.warn(
          "event=jobs_live_unavailable ssp={} error=\"{}\" (polling only)",
          config.sspId(),
          e.getMessage());
    } finally {
      liveStarted.countDown();
    }
  }

  /** For tests: true once the live wake-up is subscribed, waiting at most {@code timeout}. */
  boolean awaitLiveSubscribed(Duration timeout) throws InterruptedException {
    return liveStarted.await(timeout.toNanos(), TimeUnit.NANOSECONDS) && live != null;
  }

  /**
   * A new or re-queued pending job, or a gap (anything may have changed). Changes to running or
   * finished rows are this or another runner's own bookkeeping and need no dispatch.
   */
  private static boolean wakes(Notification n) {
    return switch (n) {
      case null -> false;
      case Notification.Gap g -> true;
      case Notification.Killed k -> false;
      case Notification.Change c ->
          c.action() != Notification.Action.DELETE
              && c.result() instanceof ObjectValue row
              && Value.of("pending").equals(row.get("status"));
    };
  }

  // ------------------------------------------------------------ lifecycle

  /**
   * Stops claiming, waits for the attempts in flight to finish and be recorded, then releases the
   * HTTP client and the live query. Idempotent.
   */
  @Override
  public void close() {
    if (closed) {
      return;
    }
    closed = true;
    // Not interrupted: a claim cut short could leave a job claimed that nobody runs until its
    // lease expires. The pass in progress ends after its current statement.
    wake.offer(Boolean.TRUE);
    joinQuietly(dispatcher);
    workers.close();
    LiveSubscription sub = live;
    if (sub != null) {
      sub.close();
    }
    Thread lt = liveThread;
    if (lt != null) {
      lt.interrupt();
      joinQuietly(lt);
    }
    backend.close();
    log.info(
        "event=jobs_stopped ssp={} done={} failed={} retried={}",
        config.sspId(),
        done.get(),
        failed.get(),
        retried.get());
  }

  private static void joinQuietly(Thread t) {
    boolean interrupted = false;
    while (true) {
      try {
        t.join();
        break;
      } catch (InterruptedException e) {
        interrupted = true;
      }
    }
    if (interrupted) {
      Thread.currentThread().interrupt();
    }
  }
}
