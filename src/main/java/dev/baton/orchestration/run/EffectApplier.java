package dev.baton.orchestration.run;

import dev.baton.domain.Ids;
import dev.baton.domain.State;
import dev.baton.domain.StateDetails;
import dev.baton.domain.StateType;
import dev.baton.orchestration.api.OrchestrationException;
import dev.baton.orchestration.api.OrchestrationFailure;
import dev.baton.orchestration.engine.ConcurrencyEffect;
import dev.baton.orchestration.engine.Effect;
import dev.baton.orchestration.engine.OrchestrationOutcome;
import dev.baton.persistence.concurrency.SlotStore;
import dev.baton.persistence.OrchestrationStore;
import io.vertx.core.Future;
import io.vertx.sqlclient.SqlConnection;
import java.time.Instant;
import java.util.UUID;

/**
 * Writes an engine outcome and applies its effects in the caller's transaction: the state, run row
 * and cache entries ({@link OutcomeRows}), then slot and lease changes, the
 * legacy flow-retry reset and the mirroring of a subflow's state onto its parent task run — the
 * last two orchestrate other runs through {@link Nested}. Denied slots never join the transaction:
 * they go to the batched recorder ({@link DeniedSlots}).
 */
public final class EffectApplier {

  /** Orchestrates a forced proposal for a task run in the caller's transaction. */
  @FunctionalInterface
  interface Nested {
    Future<OrchestrationOutcome> orchestrateTaskRun(SqlConnection conn, UUID taskRunId, State proposed, Instant now);
  }

  private final DeniedSlots denied;
  private final Nested nested;

  EffectApplier(DeniedSlots denied, Nested nested) {
    this.denied = denied;
    this.nested = nested;
  }

  /** Writes an outcome, then applies its effects, in the caller's transaction. */
  public Future<Void> writeAndApply(SqlConnection conn, OrchestrationOutcome outcome, Instant now) {
    return OutcomeRows.write(conn, outcome).compose(v -> applyEffects(conn, outcome, now));
  }

  /**
   * True when {@link OutcomeRows#write} writes the whole outcome (no statement depends
   * on another); denied slots are recorded after the commit, in batches ({@link #recordDenials}).
   */
  public static boolean writtenByStoreAlone(OrchestrationOutcome o) {
    return effectsAllOf(o, STORE_WRITES);
  }

  /** What {@link OutcomeRows#write} covers beside the state and the run row (denials: batched). */
  static final Class<?>[] STORE_WRITES = {Effect.InsertCacheEntry.class, ConcurrencyEffect.RecordDenied.class};

  /** True when every effect of {@code o} is of one of {@code kinds}. */
  public static boolean effectsAllOf(OrchestrationOutcome o, Class<?>[] kinds) {
    for (Effect e : o.effects()) {
      if (!isOneOf(e, kinds)) {
        return false;
      }
    }
    return true;
  }

  private static boolean isOneOf(Effect e, Class<?>[] kinds) {
    for (Class<?> k : kinds) {
      if (k.isInstance(e)) {
        return true;
      }
    }
    return false;
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
  Future<Void> applyEffects(SqlConnection conn, OrchestrationOutcome outcome, Instant now) {
    Future<Void> chain = Future.succeededFuture();
    for (Effect e : outcome.effects()) {
      if (e instanceof ConcurrencyEffect.RecordDenied d) {
        denied.add(d.limitIds(), d.slots()); // batched, never in this transaction (DeniedSlots)
      } else if (e instanceof ConcurrencyEffect c) {
        chain = chain.compose(v -> applyConcurrency(conn, c));
      } else if (e instanceof Effect.ResetFailedTaskRunsForFlowRetry r) {
        chain = chain.compose(v -> resetFailedTaskRuns(conn, r, now));
      } else if (e instanceof Effect.OrchestrateParentTaskRun p) {
        chain = chain.compose(v -> nested.orchestrateTaskRun(conn, p.taskRunId(), p.state(), now)
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
        chain = chain.compose(v -> nested.orchestrateTaskRun(conn, taskRunId, awaiting, now))
            .compose(o -> OrchestrationStore.resetRunCount(conn, taskRunId));
      }
      return chain;
    });
  }
}
