package dev.baton.orchestration.run;

import dev.baton.domain.Ids;
import dev.baton.domain.RunKind;
import dev.baton.domain.State;
import dev.baton.domain.StateDetails;
import dev.baton.domain.StateType;
import dev.baton.orchestration.api.OrchestrationException;
import dev.baton.orchestration.api.OrchestrationFailure;
import dev.baton.orchestration.engine.ConcurrencyEffect;
import dev.baton.orchestration.engine.Effect;
import dev.baton.orchestration.engine.OrchestrationOutcome;
import dev.baton.persistence.ServerEventStore.FlowRunStateEvent;
import dev.baton.persistence.concurrency.SlotStore;
import dev.baton.persistence.OrchestrationStore;
import io.vertx.core.Future;
import io.vertx.sqlclient.SqlConnection;
import java.time.Instant;
import java.util.UUID;

/**
 * Writes an engine outcome and applies its effects in the caller's transaction, each by the writer
 * it names ({@link Effect#writer}): the state, run row and cache entries in one statement ({@link
 * OutcomeRows}), then slot and lease changes, the legacy flow-retry reset and the mirroring of a
 * subflow's state onto its parent task run — the last two orchestrate other runs through {@link
 * Nested}. Denied slots never join the transaction: they go to the batched recorder ({@link
 * DeniedSlots}).
 */
public final class EffectApplier {

  /** Orchestrates a nested proposal (forced, for another run) in the caller's transaction. */
  @FunctionalInterface
  interface Nested {
    Future<OrchestrationOutcome> orchestrate(SqlConnection conn, Proposal nested);
  }

  private final DeniedSlots denied;
  private final Nested nested;

  EffectApplier(DeniedSlots denied, Nested nested) {
    this.denied = denied;
    this.nested = nested;
  }

  /** Writes an outcome (and its flow-run state event; null: none), then applies its effects, in the caller's transaction. */
  public Future<Void> writeAndApply(SqlConnection conn, OrchestrationOutcome outcome, FlowRunStateEvent event,
      Instant now) {
    return OutcomeRows.write(conn, outcome, event).compose(v -> applyEffects(conn, outcome, now));
  }

  /** Hands the outcome's denied slots to the batched recorder ({@link DeniedSlots}); returns it. */
  public OrchestrationOutcome recordDenials(OrchestrationOutcome o) {
    for (Effect e : o.effects()) {
      if (e instanceof ConcurrencyEffect.RecordDenied d) {
        denied.add(d.limitIds(), d.slots());
      }
    }
    return o;
  }

  /** Effects the store does not write itself: slots and leases, nested orchestration of other runs. */
  private Future<Void> applyEffects(SqlConnection conn, OrchestrationOutcome outcome, Instant now) {
    Future<Void> chain = Future.succeededFuture();
    for (Effect e : outcome.effects()) {
      if (e instanceof ConcurrencyEffect.RecordDenied d) {
        denied.add(d.limitIds(), d.slots()); // batched, never in this transaction (DeniedSlots)
      } else if (e instanceof ConcurrencyEffect c) {
        chain = chain.compose(v -> applyConcurrency(conn, c));
      } else if (e instanceof Effect.ResetFailedTaskRunsForFlowRetry r) {
        chain = chain.compose(v -> resetFailedTaskRuns(conn, r, now));
      } else if (e instanceof Effect.OrchestrateParentTaskRun p) {
        chain = chain.compose(v -> nested.orchestrate(conn, Proposal.forced(RunKind.TASK_RUN, p.taskRunId(), p.state(), now))
            .<Void>mapEmpty()
            .recover(t -> t instanceof OrchestrationException oe && oe.failure() == OrchestrationFailure.NOT_FOUND
                ? Future.succeededFuture() // the parent task run is gone: nothing to mirror
                : Future.failedFuture(t)));
      }
    }
    return chain;
  }

  /** Applies one slot or lease change of the concurrency rules, in the caller's transaction. */
  static Future<Void> applyConcurrency(SqlConnection c, ConcurrencyEffect e) {
    if (e instanceof ConcurrencyEffect.AcquireSlots a) {
      return SlotStore.incrementOrFail(c, a.limitIds(), a.slots(), a.leaseId(), a.ttlSeconds(), a.holderType(),
              a.holderId());
    }
    if (e instanceof ConcurrencyEffect.ReleaseLeases r) {
      return SlotStore.releaseLeases(c, r.leaseIds()).mapEmpty();
    }
    if (e instanceof ConcurrencyEffect.RenewLease r) {
      return SlotStore.renew(c, r.leaseId(), r.ttlSeconds()).mapEmpty();
    }
    if (e instanceof ConcurrencyEffect.RecordDenied d) {
      return SlotStore.recordDenied(c, d.limitIds(), d.slots());
    }
    if (e instanceof ConcurrencyEffect.AddLegacySlot a) {
      return SlotStore.addLegacySlot(c, a.legacyIds(), a.taskRunId());
    }
    if (e instanceof ConcurrencyEffect.RemoveLegacySlots r) {
      return SlotStore.removeLegacySlots(c, r.taskRunId());
    }
    return Future.failedFuture(new IllegalArgumentException("unknown effect " + e));
  }

  /**
   * Legacy flow retries (api-version < 0.8.3): every FAILED task run of the flow run is force-set
   * to AwaitingRetry at the flow's retry time and its run_count reset to 0.
   */
  private Future<Void> resetFailedTaskRuns(SqlConnection conn, Effect.ResetFailedTaskRunsForFlowRetry r, Instant now) {
    return OrchestrationStore.failedTaskRunIds(conn, r.flowRunId()).compose(ids -> {
      Future<Void> chain = Future.succeededFuture();
      for (UUID taskRunId : ids) {
        State awaiting = new State(Ids.uuid7(), StateType.SCHEDULED, "AwaitingRetry", now, null, null,
            StateDetails.builder().scheduledTime(r.scheduledTime()).build());
        chain = chain.compose(v -> nested.orchestrate(conn, Proposal.forced(RunKind.TASK_RUN, taskRunId, awaiting, now)))
            .compose(o -> OrchestrationStore.resetRunCount(conn, taskRunId));
      }
      return chain;
    });
  }
}
