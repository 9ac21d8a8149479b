package io.spooky.ssp.jobs;

import io.spooky.core.value.ArrayValue;
import io.spooky.core.value.IntValue;
import io.spooky.core.value.ObjectValue;
import io.spooky.core.value.RecordId;
import io.spooky.core.value.StringValue;
import io.spooky.core.value.Value;
import io.spooky.surreal.QueryException;
import io.spooky.surreal.QueryResult;
import io.spooky.surreal.SurrealClient;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;

/**
 * The {@code _spooky_job} table and every statement the runner runs on it (row shape in PROTOCOL.md
 * section 8). All times are the database's clock ({@code time::now()}), so SSPs with skewed clocks
 * agree on what is due and which leases expired.
 *
 * <p>Every state change is one conditional {@code UPDATE} of one record: a claim only succeeds on a
 * due {@code pending} row, and an outcome is only recorded while the row still carries the claim's
 * token ({@code claim}). The engine runs each statement in its own transaction and rejects the
 * loser of two concurrent writes to the same record with a retryable write conflict, so two SSPs
 * never both claim one job, and a runner whose lease was taken back cannot overwrite the new
 * owner's state.
 */
final class JobTable {
  static final String TABLE = "_spooky_job";

  /** Idempotent; run by every runner at start. SCHEMAFULL so that a malformed job is rejected. */
  static final String DEFINE =
      """
      DEFINE TABLE IF NOT EXISTS _spooky_job SCHEMAFULL;
      DEFINE FIELD IF NOT EXISTS path ON _spooky_job TYPE string
          ASSERT string::starts_with($value, '/');
      DEFINE FIELD IF NOT EXISTS payload ON _spooky_job TYPE object FLEXIBLE DEFAULT {};
      DEFINE FIELD IF NOT EXISTS status ON _spooky_job TYPE string DEFAULT 'pending'
          ASSERT $value IN ['pending', 'running', 'done', 'failed'];
      DEFINE FIELD IF NOT EXISTS attempts ON _spooky_job TYPE int DEFAULT 0;
      DEFINE FIELD IF NOT EXISTS max_attempts ON _spooky_job TYPE option<int>
          ASSERT $value = NONE OR $value >= 1;
      DEFINE FIELD IF NOT EXISTS next_attempt_at ON _spooky_job TYPE datetime
          DEFAULT time::now();
      DEFINE FIELD IF NOT EXISTS errors ON _spooky_job TYPE array<object> DEFAULT [];
      DEFINE FIELD IF NOT EXISTS errors[*].attempt ON _spooky_job TYPE int;
      DEFINE FIELD IF NOT EXISTS errors[*].at ON _spooky_job TYPE datetime;
      DEFINE FIELD IF NOT EXISTS errors[*].ssp ON _spooky_job TYPE option<string>;
      DEFINE FIELD IF NOT EXISTS errors[*].status ON _spooky_job TYPE option<int>;
      DEFINE FIELD IF NOT EXISTS errors[*].error ON _spooky_job TYPE string;
      DEFINE FIELD IF NOT EXISTS claimed_by ON _spooky_job TYPE option<string>;
      DEFINE FIELD IF NOT EXISTS claim ON _spooky_job TYPE option<uuid>;
      DEFINE FIELD IF NOT EXISTS lease_until ON _spooky_job TYPE option<datetime>;
      DEFINE FIELD IF NOT EXISTS tried_by ON _spooky_job TYPE array<string> DEFAULT [];
      DEFINE FIELD IF NOT EXISTS response_status ON _spooky_job TYPE option<int>;
      DEFINE FIELD IF NOT EXISTS response_body ON _spooky_job TYPE option<string>;
      DEFINE FIELD IF NOT EXISTS created_at ON _spooky_job TYPE datetime DEFAULT time::now();
      DEFINE FIELD IF NOT EXISTS finished_at ON _spooky_job TYPE option<datetime>;
      DEFINE INDEX IF NOT EXISTS _spooky_job_due ON _spooky_job FIELDS status, next_attempt_at;
      """;

  /**
   * Whether this SSP may take a due pending row now. With {@code $prefer}, a row this SSP already
   * tried is left to others for {@code $grace} past its due time.
   */
  private static final String ELIGIBLE =
      "status = 'pending' AND next_attempt_at <= time::now()"
          + " AND ($prefer = false OR tried_by CONTAINSNOT $me"
          + " OR next_attempt_at <= time::now() - $grace)";

  private static final String DUE =
      "SELECT id, next_attempt_at FROM _spooky_job WHERE " + ELIGIBLE + " LIMIT $limit";

  private static final String CLAIM =
      "UPDATE $id SET status = 'running', attempts += 1,"
          + " max_attempts = max_attempts ?? $default_max, claimed_by = $me, claim = $claim,"
          + " lease_until = time::now() + $lease, tried_by = array::union(tried_by, [$me])"
          + " WHERE "
          + ELIGIBLE
          + " RETURN AFTER";

  /** An error entry for the attempt that just ended, appended and bounded to the last $keep. */
  private static final String PUSH_ERROR =
      "errors = array::slice(array::append(errors, {attempt: attempts, at: time::now(),"
          + " ssp: claimed_by, status: $http_status, error: $error}), -$keep)";

  private static final String DONE =
      "UPDATE $id SET status = 'done', response_status = $http_status, response_body = $body,"
          + " finished_at = time::now(), lease_until = NONE, claim = NONE"
          + " WHERE claim = $claim AND status = 'running' RETURN AFTER";

  private static final String RETRY =
      "UPDATE $id SET "
          + PUSH_ERROR
          + ", status = IF attempts >= max_attempts THEN 'failed' ELSE 'pending' END,"
          + " finished_at = IF attempts >= max_attempts THEN time::now() ELSE NONE END,"
          + " next_attempt_at = time::now() + $delay, lease_until = NONE, claim = NONE"
          + " WHERE claim = $claim AND status = 'running' RETURN AFTER";

  private static final String FAIL =
      "UPDATE $id SET "
          + PUSH_ERROR
          + ", status = 'failed', finished_at = time::now(), lease_until = NONE, claim = NONE"
          + " WHERE claim = $claim AND status = 'running' RETURN AFTER";

  /** Takes back rows whose owner let the lease expire: the lost attempt counts and is recorded. */
  private static final String REAP =
      "UPDATE _spooky_job SET errors = array::slice(array::append(errors, {attempt: attempts,"
          + " at: time::now(), ssp: claimed_by, error: 'lease expired: the attempt by '"
          + " + (claimed_by ?? '?') + ' did not finish'}), -$keep),"
          + " status = IF attempts >= max_attempts THEN 'failed' ELSE 'pending' END,"
          + " finished_at = IF attempts >= max_attempts THEN time::now() ELSE NONE END,"
          + " next_attempt_at = time::now(), lease_until = NONE, claim = NONE"
          + " WHERE status = 'running' AND lease_until < time::now() RETURN AFTER";

  /** A job this runner holds: what it needs to call the backend and to record the outcome. */
  record Claimed(
      RecordId id, UUID claim, String path, Value payload, int attempt, int maxAttempts) {}

  /** Whether a recorded outcome left the job to be retried or finished it. */
  enum Recorded {
    DONE,
    RETRY_SCHEDULED,
    FAILED,
    /** The row no longer carried this claim: the lease had been taken back. */
    LOST
  }

  private final SurrealClient client;
  private final JobConfig config;

  JobTable(SurrealClient client, JobConfig config) {
    this.client = client;
    this.config = config;
  }

  void define() {
    for (QueryResult r : client.query(DEFINE)) {
      r.orThrow();
    }
  }

  /**
   * Ids of due rows this SSP may claim, in the index's order (by {@code next_attempt_at} within
   * {@code pending}). No {@code ORDER BY}: on 3.0.2 it makes the planner sort every pending row on
   * every poll, while the plain index scan stops at the limit.
   */
  List<RecordId> due(int limit) {
    Map<String, Object> vars = eligibility();
    vars.put("limit", limit);
    List<RecordId> ids = new ArrayList<>();
    if (client.queryValue(DUE, vars) instanceof ArrayValue rows) {
      for (Value row : rows.items()) {
        if (row instanceof ObjectValue o && o.get("id") instanceof RecordId id) {
          ids.add(id);
        }
      }
    }
    return ids;
  }

  /**
   * Claims {@code id} if it is still eligible; completes with empty when another SSP was first.
   * Asynchronous so that one dispatch pass claims several rows in one round trip's time.
   */
  CompletableFuture<Optional<Claimed>> claim(RecordId id) {
    UUID claim = UUID.randomUUID();
    Map<String, Object> vars = eligibility();
    vars.put("id", id);
    vars.put("claim", claim);
    vars.put("lease", config.leaseTimeout());
    vars.put("default_max", config.defaultMaxAttempts());
    return client.queryAsync(CLAIM, vars).thenApply(results -> claimed(id, claim, results.get(0)));
  }

  private static Optional<Claimed> claimed(RecordId id, UUID claim, QueryResult r) {
    if (r.error().isPresent()) {
      if (isWriteConflict(r.error().get())) {
        return Optional.empty();
      }
      throw r.error().get();
    }
    if (!(r.value() instanceof ArrayValue rows) || rows.size() != 1) {
      return Optional.empty();
    }
    ObjectValue row = (ObjectValue) rows.get(0);
    return Optional.of(
        new Claimed(
            id,
            claim,
            ((StringValue) row.get("path")).value(),
            row.get("payload"),
            (int) ((IntValue) row.get("attempts")).value(),
            (int) ((IntValue) row.get("max_attempts")).value()));
  }

  Recorded done(Claimed job, int status, String body) {
    Map<String, Object> vars = owned(job);
    vars.put("http_status", status);
    vars.put("body", body);
    return record(DONE, vars);
  }

  Recorded retry(Claimed job, int status, String error, Duration delay) {
    Map<String, Object> vars = withError(job, status, error);
    vars.put("delay", delay);
    return record(RETRY, vars);
  }

  Recorded fail(Claimed job, int status, String error) {
    return record(FAIL, withError(job, status, error));
  }

  /** Takes back every expired lease; returns how many rows went back to pending or failed. */
  int reapExpired() {
    QueryResult r = client.query(REAP, Map.of("keep", config.maxErrorsKept())).get(0);
    if (r.error().isPresent()) {
      if (isWriteConflict(r.error().get())) {
        return 0; // another SSP is reaping or claiming the same rows; the next pass sees them
      }
      throw r.error().get();
    }
    return r.value() instanceof ArrayValue a ? a.size() : 0;
  }

  private Map<String, Object> eligibility() {
    Map<String, Object> vars = new HashMap<>();
    vars.put("me", config.sspId());
    vars.put("prefer", config.preferOtherSsp());
    vars.put("grace", config.pollInterval().multipliedBy(3));
    return vars;
  }

  private static Map<String, Object> owned(Claimed job) {
    Map<String, Object> vars = new HashMap<>();
    vars.put("id", job.id());
    vars.put("claim", job.claim());
    return vars;
  }

  private Map<String, Object> withError(Claimed job, int status, String error) {
    Map<String, Object> vars = owned(job);
    vars.put("http_status", status == 0 ? Optional.empty() : status);
    vars.put("error", error);
    vars.put("keep", config.maxErrorsKept());
    return vars;
  }

  /** Runs an outcome update, repeating it on write conflicts (it is conditional, so repeatable). */
  private Recorded record(String surql, Map<String, Object> vars) {
    for (int conflicts = 0; ; conflicts++) {
      QueryResult r = client.query(surql, vars).get(0);
      if (r.error().isPresent()) {
        if (isWriteConflict(r.error().get()) && conflicts < 10) {
          continue;
        }
        throw r.error().get();
      }
      if (!(r.value() instanceof ArrayValue rows) || rows.size() != 1) {
        return Recorded.LOST;
      }
      String status = ((StringValue) ((ObjectValue) rows.get(0)).get("status")).value();
      return switch (status) {
        case "done" -> Recorded.DONE;
        case "failed" -> Recorded.FAILED;
        default -> Recorded.RETRY_SCHEDULED;
      };
    }
  }

  /** The engine's "Transaction conflict: ... This transaction can be retried" (seen on 3.0.2). */
  static boolean isWriteConflict(QueryException e) {
    String m = e.serverMessage();
    return m != null && m.contains("conflict") && m.contains("retried");
  }
}
