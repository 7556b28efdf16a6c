package dev.baton.orchestration.rules.concurrency;

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
 * PENDING → RUNNING (spec/concurrency.md §3.2): the proposal carries the PENDING state's lease;
 * clients ≥ 3.4.11 get it renewed for the grace period, or — when it was reaped — a new slot, or
 * the run is cancelled because no slot is left.
 */
public final class ValidateDeploymentConcurrencyAtRunning extends Rule {
  private static final TypeSet FROM = TypeSet.of(StateType.PENDING);
  private static final TypeSet TO = TypeSet.of(StateType.RUNNING);

  @Override public TypeSet fromStates() { return FROM; }
  @Override public TypeSet toStates() { return TO; }

  @Override
  public void before(RuleContext ctx) {
    if (ctx.initial() == null || ctx.proposed() == null) {
      return;
    }
    UUID leaseId = ctx.initial().details().deploymentConcurrencyLeaseId();
    ctx.updateProposedDetails(d -> d.toBuilder().deploymentConcurrencyLeaseId(leaseId).build());
    FlowRunDraft run = ctx.flowRun();
    if (leaseId == null || !Slots.renewsLeases(ctx.facts().clientVersion()) || run.deploymentId() == null) {
      return;
    }
    ConcurrencyFacts cf = Slots.facts(ctx);
    ConcurrencyFacts.Deployment dep = cf == null ? null : cf.deployment();
    if (dep == null || dep.limit() == null) {
      return;
    }
    double grace = SecureFlowConcurrencySlots.grace(ctx, dep);
    if (cf.lease(leaseId) != null) {
      ctx.emit(new ConcurrencyEffect.RenewLease(leaseId, grace));
      return;
    }
    Limit limit = dep.limit();
    if (limit.fits(1)) {
      UUID fresh = ctx.newId();
      ctx.emit(new ConcurrencyEffect.AcquireSlots(List.of(limit.id()), 1, fresh, grace,
          ConcurrencyEffect.HOLDER_FLOW_RUN, run.id()));
      SecureFlowConcurrencySlots.setLease(ctx, fresh);
      return;
    }
    ctx.reject(ctx.newState(StateType.CANCELLED, "Cancelled",
        "Deployment concurrency slot lost during provisioning - no slots available to continue execution", null),
        "Deployment concurrency limit reached after lease expiry.");
  }
}
