package dev.baton.orchestration.rules.concurrency;

import dev.baton.domain.State;
import dev.baton.domain.StateDetails;
import dev.baton.domain.StateType;
import dev.baton.orchestration.engine.ConcurrencyEffect;
import dev.baton.orchestration.engine.ConcurrencyFacts;
import dev.baton.orchestration.engine.ConcurrencyFacts.Limit;
import dev.baton.orchestration.engine.FlowRunDraft;
import dev.baton.orchestration.engine.Rule;
import dev.baton.orchestration.engine.RuleContext;
import dev.baton.orchestration.engine.TypeSet;
import java.util.List;
import java.util.UUID;

/**
 * Deployment concurrency on entering PENDING (spec/concurrency.md §3.1). FROM any but
 * PENDING/RUNNING/CANCELLING, TO PENDING. The slot and its lease are one effect that commits with
 * the PENDING state; the lease id is chosen here and written into the proposal. Baton's lease names
 * the flow run as holder (Prefect: no holder), so every slot can be traced to its run.
 */
public final class SecureFlowConcurrencySlots extends Rule {
  private static final TypeSet FROM = TypeSet.allExcept(StateType.PENDING, StateType.RUNNING, StateType.CANCELLING);
  private static final TypeSet TO = TypeSet.of(StateType.PENDING);

  public static final String LIMIT_REACHED = "Deployment concurrency limit reached.";

  @Override public TypeSet fromStates() { return FROM; }
  @Override public TypeSet toStates() { return TO; }

  @Override
  public void before(RuleContext ctx) {
    if (ctx.proposed() == null) {
      return;
    }
    FlowRunDraft run = ctx.flowRun();
    if (run.deploymentId() == null || Slots.selfManaging(ctx.facts().clientVersion())) {
      return;
    }
    ConcurrencyFacts cf = Slots.facts(ctx);
    if (cf == null) {
      return;
    }
    ConcurrencyFacts.Deployment dep = cf.deployment();
    if (dep == null) {
      ctx.abort("Deployment not found.");
      return;
    }
    Limit limit = dep.limit();
    if (limit == null) {
      return;
    }
    if (limit.limit() == 0) {
      ctx.abort("The deployment concurrency limit is 0. The flow will deadlock if submitted again.");
      return;
    }
    // a run that still holds a slot on this limit keeps it (no second slot)
    for (ConcurrencyFacts.Lease l : cf.heldBy(run.id())) {
      if (l.resourceIds().contains(limit.id())) {
        setLease(ctx, l.id());
        return;
      }
    }
    if (limit.fits(1)) {
      UUID leaseId = ctx.newId();
      ctx.emit(new ConcurrencyEffect.AcquireSlots(List.of(limit.id()), 1, leaseId, grace(ctx, dep),
          ConcurrencyEffect.HOLDER_FLOW_RUN, run.id()));
      setLease(ctx, leaseId);
      return;
    }
    ctx.emit(new ConcurrencyEffect.RecordDenied(List.of(limit.id()), 1));
    if (dep.cancelNew()) {
      ctx.reject(ctx.newState(StateType.CANCELLED, "Cancelled", LIMIT_REACHED, null), LIMIT_REACHED);
    } else {
      State awaiting = ctx.newState(StateType.SCHEDULED, "AwaitingConcurrencySlot", null,
          StateDetails.builder()
              .scheduledTime(ctx.now().plusSeconds(ctx.settings().deploymentConcurrencySlotWaitSeconds()))
              .build());
      ctx.reject(awaiting, LIMIT_REACHED);
    }
  }

  static void setLease(RuleContext ctx, UUID leaseId) {
    ctx.updateProposedDetails(d -> d.toBuilder().deploymentConcurrencyLeaseId(leaseId).build());
  }

  /** The deployment's grace period, or the server's initial deployment lease duration. */
  static double grace(RuleContext ctx, ConcurrencyFacts.Deployment dep) {
    return dep.gracePeriodSeconds() != null ? dep.gracePeriodSeconds() : ctx.settings().deploymentLeaseSeconds();
  }
}
