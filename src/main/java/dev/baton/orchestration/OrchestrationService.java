package dev.baton.orchestration;

import dev.baton.domain.ApiVersion;
import dev.baton.domain.Ids;
import dev.baton.domain.RunKind;
import dev.baton.domain.State;
import dev.baton.domain.StateType;
import dev.baton.observability.OrchestrationMetrics;
import dev.baton.orchestration.api.OrchestrationException;
import dev.baton.orchestration.api.OrchestrationFailure;
import dev.baton.orchestration.api.OrchestrationResult;
import dev.baton.orchestration.api.SetStateCommand;
import dev.baton.orchestration.engine.ConcurrencyEffect;
import dev.baton.orchestration.engine.ConcurrencyFacts;
import dev.baton.orchestration.engine.Effect;
import dev.baton.orchestration.engine.Engine;
import dev.baton.orchestration.engine.EngineEnv;
import dev.baton.orchestration.engine.Facts;
import dev.baton.orchestration.engine.ObjectNotFoundException;
import dev.baton.orchestration.engine.OrchestrationOutcome;
import dev.baton.orchestration.engine.OrchestrationSettings;
import dev.baton.orchestration.engine.Policy;
import dev.baton.orchestration.engine.StateValidator;
import dev.baton.orchestration.policies.PolicySelector;
import dev.baton.orchestration.rules.task.CacheRetrieval;
import dev.baton.persistence.ConcurrencyStore;
import dev.baton.persistence.OrchestrationStore;
import dev.baton.persistence.SqlErrors;
import dev.baton.persistence.TaskRunIdConflictException;
import io.vertx.core.Future;
import io.vertx.sqlclient.Pool;
import io.vertx.sqlclient.SqlConnection;
import java.time.Clock;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.SplittableRandom;
import java.util.UUID;
import java.util.random.RandomGenerator;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Owns the transaction of every proposal: lock the run row, load the facts, run the engine, write
 * the outcome and its effects, commit — then metrics and logs. Correctness under concurrency comes
 * from the PostgreSQL row lock, so any number of Baton instances may share one database.
 */
public final class OrchestrationService {
  private static final Logger LOG = LoggerFactory.getLogger(OrchestrationService.class);
  private static final int MAX_ATTEMPTS = 3;

  private final Pool pool;
  private final OrchestrationSettings settings;
  private final OrchestrationMetrics metrics;
  private final Clock clock;
  private final Engine engine = new Engine();

  public OrchestrationService(Pool pool, OrchestrationSettings settings,
      OrchestrationMetrics metrics, Clock clock) {
    this.pool = pool;
    this.settings = settings;
    this.metrics = metrics;
    this.clock = clock;
  }

  /** Microsecond-precision "now", matching PostgreSQL timestamptz. */
  public Instant now() {
    return clock.instant().truncatedTo(ChronoUnit.MICROS);
  }

  /** Orchestrates one proposal in its own transaction; retried on deadlock/serialization failure. */
  public Future<OrchestrationResult> setState(SetStateCommand cmd) {
    long start = System.nanoTime();
    String endpoint = "set_state";
    return attempt(cmd, 1)
        .map(o -> {
          metrics.outcome(cmd.kind(), endpoint, o.status(), o.decidedBy(), System.nanoTime() - start);
          if (LOG.isDebugEnabled()) {
            LOG.debug("event=orchestrated run_kind={} run_id={} proposed={} status={} rule={} state={} written={}",
                cmd.kind(), cmd.runId(), cmd.state().type(), o.status(), o.decidedBy(),
                o.state() == null ? null : o.state().type(), o.stateWritten());
          }
          return new OrchestrationResult(o.state(), o.status(), o.details(), o.stateWritten());
        })
        .recover(t -> {
          OrchestrationException e = classify(t);
          metrics.failure(cmd.kind(), endpoint, e.failure().name());
          if (e.failure() == OrchestrationFailure.INTERNAL) {
            LOG.error("event=orchestration_failed run_kind={} run_id={} error=\"{}\"", cmd.kind(), cmd.runId(), t.toString(), t);
          } else if (e.failure() == OrchestrationFailure.UNAVAILABLE) {
            LOG.warn("event=orchestration_unavailable run_kind={} run_id={} error=\"{}\"", cmd.kind(), cmd.runId(), t.toString());
          }
          return Future.failedFuture(e);
        });
  }

  private Future<OrchestrationOutcome> attempt(SetStateCommand cmd, int n) {
    Instant now = now();
    State proposed = cmd.state().toState(Ids.uuid7(), now);
    return pool.withTransaction(conn -> orchestrate(conn, cmd.kind(), cmd.runId(), proposed, cmd.force(),
            cmd.apiVersion(), cmd.clientVersion(), now))
        .recover(t -> n < MAX_ATTEMPTS && isTransactionConflict(t)
            ? attempt(cmd, n + 1)
            : Future.failedFuture(t));
  }

  /**
   * Orchestrates {@code proposed} for one run inside the caller's transaction: row lock, facts,
   * engine, writes, effects. Used by set_state, by run creation (initial state, force) and by
   * subflow mirroring.
   */
  public Future<OrchestrationOutcome> orchestrate(SqlConnection conn, RunKind kind, UUID runId, State proposed,
      boolean force, ApiVersion apiVersion, String clientVersion, Instant now) {
    Policy policy = PolicySelector.select(kind, force, proposed.details().isDeferred());
    Future<OrchestrationStore.LoadedRun> loaded = kind == RunKind.TASK_RUN
        ? OrchestrationStore.lockTaskRun(conn, runId, cacheKeyToLookUp(policy, proposed), now)
        : OrchestrationStore.lockFlowRun(conn, runId);
    // issued now, pipelined behind the run lock: leases, then limits in id order (ConcurrencyFacts)
    Future<ConcurrencyFacts> concurrency = ConcurrencyLoading.load(conn, kind, runId, policy, proposed);
    return loaded.compose(run -> concurrency.compose(cf -> {
      if (run == null) {
        return Future.failedFuture(OrchestrationException.notFound(
            (kind == RunKind.TASK_RUN ? "Task run" : "Flow run") + " with id " + runId + " not found"));
      }
      Facts facts = run.facts().withApiVersion(apiVersion).withClientVersion(clientVersion)
          .withConcurrency(ConcurrencyLoading.ordered(cf, run.draft()));
      OrchestrationOutcome outcome = engine.orchestrate(policy, PolicySelector.global(kind), run.draft(),
          run.current(), proposed, facts, env(now));
      return OrchestrationStore.writeOutcome(conn, outcome)
          .compose(v -> applyEffects(conn, outcome, now))
          .map(outcome);
    }));
  }

  /** Only the policies with CacheRetrieval look up the cache, and only for RUNNING proposals. */
  private static String cacheKeyToLookUp(Policy policy, State proposed) {
    if (proposed.type() != StateType.RUNNING || proposed.details().cacheKey() == null
        || Boolean.TRUE.equals(proposed.details().refreshCache())
        || !policy.contains(CacheRetrieval.class)) {
      return null;
    }
    return proposed.details().cacheKey();
  }

  private EngineEnv env(Instant now) {
    RandomGenerator random = new SplittableRandom();
    return new EngineEnv(now, Ids::uuid7, random, settings, StateValidator.NONE);
  }

  /** Effects the store does not write itself: nested orchestration of other runs. */
  private Future<Void> applyEffects(SqlConnection conn, OrchestrationOutcome outcome, Instant now) {
    Future<Void> chain = Future.succeededFuture();
    for (Effect e : outcome.effects()) {
      if (e instanceof ConcurrencyEffect c) {
        chain = chain.compose(v -> ConcurrencyStore.apply(conn, c));
      } else if (e instanceof Effect.ResetFailedTaskRunsForFlowRetry r) {
        chain = chain.compose(v -> resetFailedTaskRuns(conn, r, now));
      } else if (e instanceof Effect.OrchestrateParentTaskRun p) {
        chain = chain.compose(v -> orchestrate(conn, RunKind.TASK_RUN, p.taskRunId(), p.state(), true, null, null, now)
            .<Void>mapEmpty()
            .recover(t -> t instanceof OrchestrationException oe && oe.failure() == OrchestrationFailure.NOT_FOUND
                ? Future.succeededFuture() // the parent task run is gone: nothing to mirror
                : Future.failedFuture(t)));
      }
    }
    return chain;
  }

  private static final String FAILED_TASK_RUNS =
      "SELECT id FROM task_run WHERE flow_run_id = $1 AND state_type = 'FAILED' ORDER BY id";
  private static final String RESET_RUN_COUNT = "UPDATE task_run SET run_count = 0 WHERE id = $1";

  /**
   * Legacy flow retries (api-version < 0.8.3): every FAILED task run of the flow run is force-set
   * to AwaitingRetry at the flow's retry time and its run_count reset to 0.
   */
  private Future<Void> resetFailedTaskRuns(SqlConnection conn, Effect.ResetFailedTaskRunsForFlowRetry r, Instant now) {
    return conn.preparedQuery(FAILED_TASK_RUNS).execute(io.vertx.sqlclient.Tuple.of(r.flowRunId())).compose(rows -> {
      Future<Void> chain = Future.succeededFuture();
      for (io.vertx.sqlclient.Row row : rows) {
        UUID taskRunId = row.getUUID(0);
        State awaiting = new State(Ids.uuid7(), StateType.SCHEDULED, "AwaitingRetry", now, null, null,
            dev.baton.domain.StateDetails.builder().scheduledTime(r.scheduledTime()).build());
        chain = chain.compose(v -> orchestrate(conn, RunKind.TASK_RUN, taskRunId, awaiting, true, null, null, now))
            .compose(o -> conn.preparedQuery(RESET_RUN_COUNT).execute(io.vertx.sqlclient.Tuple.of(taskRunId)))
            .mapEmpty();
      }
      return chain;
    });
  }

  /**
   * Deadlock or serialization failure: the transaction was rolled back by PostgreSQL and may be
   * retried as a whole. (Connection errors are not retried: a lost COMMIT may have succeeded.)
   */
  private static boolean isTransactionConflict(Throwable t) {
    io.vertx.pgclient.PgException e = SqlErrors.pgException(t);
    return e != null && ("40P01".equals(e.getSqlState()) || "40001".equals(e.getSqlState()));
  }

  /** Maps any failure to the closed set of orchestration failures. */
  public static OrchestrationException classify(Throwable t) {
    if (t instanceof OrchestrationException oe) {
      return oe;
    }
    if (t instanceof ObjectNotFoundException nf) {
      return new OrchestrationException(OrchestrationFailure.NOT_FOUND, nf.getMessage());
    }
    if (t instanceof StateValidator.RetryableException) {
      return new OrchestrationException(OrchestrationFailure.UNAVAILABLE, "Service Unavailable", t);
    }
    if (t instanceof TaskRunIdConflictException) {
      return new OrchestrationException(OrchestrationFailure.CONFLICT, t.getMessage(), t);
    }
    if (SqlErrors.isRetryable(t)) {
      return new OrchestrationException(OrchestrationFailure.UNAVAILABLE, "Service Unavailable", t);
    }
    if (SqlErrors.isUniqueViolation(t) || SqlErrors.isForeignKeyViolation(t)) {
      return new OrchestrationException(OrchestrationFailure.CONFLICT,
          "Data integrity conflict. This usually means a unique or foreign key constraint was violated. See server logs for details.", t);
    }
    return new OrchestrationException(OrchestrationFailure.INTERNAL, "Internal Server Error", t);
  }
}
