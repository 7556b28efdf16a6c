package dev.baton.orchestration.run;

import dev.baton.domain.OrchestrationStatus;
import dev.baton.observability.OrchestrationMetrics;
import dev.baton.orchestration.api.Deadline;
import dev.baton.orchestration.api.SetStateCommand;
import dev.baton.orchestration.engine.ConcurrencyFacts;
import dev.baton.orchestration.engine.Effect;
import dev.baton.orchestration.engine.OrchestrationOutcome;
import dev.baton.persistence.concurrency.ConcurrencyFactsStore;
import io.vertx.core.Future;
import io.vertx.sqlclient.Pool;
import java.util.EnumSet;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A set-state proposal in a transaction of its own: BEGIN and the lock-and-load in one round trip,
 * then {@link RunOrchestrator#orchestrateLocked} to the commit; the whole transaction run again on
 * a deadlock or serialization failure. Also the lock-free WAIT a group tries first for a contended
 * tag limit ({@link #waitFirst}), and the answer every set-state proposal gets, with its metrics
 * ({@link #answered}).
 */
public final class LoneSetState {
  private static final Logger LOG = LoggerFactory.getLogger("dev.baton.orchestration");
  private static final String ENDPOINT = "set_state";

  private final Pool pool;
  private final TransactionRunner tx;
  private final RunOrchestrator runs;
  private final OrchestrationMetrics metrics;

  public LoneSetState(Pool pool, TransactionRunner tx, RunOrchestrator runs, OrchestrationMetrics metrics) {
    this.pool = pool;
    this.tx = tx;
    this.runs = runs;
    this.metrics = metrics;
  }

  /** Orchestrates one proposal in its own transaction, answered with its metrics. */
  public Future<Noted> setState(SetStateCommand cmd) {
    return answered(cmd, System.nanoTime(), outcome(cmd));
  }

  /** The committed outcome of one proposal alone; retried on deadlock/serialization failure. */
  public Future<OrchestrationOutcome> outcome(SetStateCommand cmd) {
    return TransactionRunner.retryOnConflict(() -> attempt(cmd));
  }

  private Future<OrchestrationOutcome> attempt(SetStateCommand cmd) {
    Proposal p = Proposal.of(cmd, runs.now());
    if (p.deadlinePassed()) {
      return Future.failedFuture(Deadline.exceeded());
    }
    return tx.pipelined((conn, begun) -> {
      if (p.deadlinePassed()) { // waited too long for a connection
        return Future.failedFuture(Deadline.exceeded());
      }
      // BEGIN and the lock-and-load statement go out together (one round trip); the write is sent
      // only once both have succeeded, so nothing ever runs outside the transaction.
      Future<LockedRun> locked = RunOrchestrator.lock(conn, p);
      return Future.all(begun, locked)
          .compose(both -> runs.orchestrateLocked(conn, p, locked.result(), RunOrchestrator.Ending.COMMIT));
    });
  }

  /**
   * A tagged task run's RUNNING proposal, seen by a group: first decided from a snapshot, the run
   * and its limits read without any lock and outside a transaction. When that decision is a WAIT
   * that writes nothing (the limit is full: only its denied slot is recorded, in a batch), it is the
   * answer — the WAIT cost the database one round trip of reads, no lock and no commit. Any other
   * decision is thrown away and the proposal is orchestrated alone, under the locks, as usual.
   * The snapshot's WAIT is the answer the proposal would have had at the moment of the read.
   */
  public Future<OrchestrationOutcome> waitFirst(SetStateCommand cmd) {
    Proposal p = Proposal.of(cmd, runs.now());
    if (p.deadlinePassed()) {
      return Future.failedFuture(Deadline.exceeded());
    }
    return pool.withConnection(conn -> {
      Future<LockedRun> run = LoadedRuns.readTaskRun(conn, p.runId(), p.cacheKeyToLookUp(), p.now());
      Future<ConcurrencyFacts> cf = ConcurrencyFactsStore.readTaskFacts(conn, p.runId(), true).map(ConcurrencyFactRows::facts);
      return Future.all(run, cf).map(both -> {
        if (run.result() == null) {
          return null;
        }
        OrchestrationOutcome o = runs.decide(p, run.result(), cf.result());
        return writesNothingButDenials(o, run.result()) ? o : null;
      });
    }).transform(ar -> ar.succeeded() && ar.result() != null
        ? Future.succeededFuture(runs.effects().recordDenials(ar.result()))
        : outcome(cmd));
  }

  /** A WAIT whose only effect is denied slots, and that changed nothing of the run. */
  private static boolean writesNothingButDenials(OrchestrationOutcome o, LockedRun run) {
    return o.status() == OrchestrationStatus.WAIT && !o.stateWritten() && !run.draft().changed()
        && o.writtenBy(EnumSet.of(Effect.Writer.AFTER_COMMIT));
  }

  /** A proposal's answer once orchestrated: metrics and a debug line, or the classified failure. */
  public Future<Noted> answered(SetStateCommand cmd, long startNanos, Future<OrchestrationOutcome> outcome) {
    return outcome
        .map(o -> {
          metrics.outcome(cmd.kind(), ENDPOINT, o.status(), o.decidedBy(), System.nanoTime() - startNanos);
          if (o.status() != OrchestrationStatus.ACCEPT) {
            metrics.refused(cmd.kind(), cmd.runId(), String.valueOf(cmd.state().type()), o.status(), o.decidedBy(),
                o.details() == null ? null : o.details().reason(), o.state() == null ? null : String.valueOf(o.state().type()),
                o.state() == null ? null : o.state().name());
          }
          if (LOG.isDebugEnabled()) {
            LOG.debug("event=orchestrated run_kind={} run_id={} proposed={} status={} rule={} state={} written={}",
                cmd.kind(), cmd.runId(), cmd.state().type(), o.status(), o.decidedBy(),
                o.state() == null ? null : o.state().type(), o.stateWritten());
          }
          return Noted.of(cmd, o);
        })
        .recover(t -> tx.failed(cmd.kind(), ENDPOINT, cmd.runId(), t));
  }
}
