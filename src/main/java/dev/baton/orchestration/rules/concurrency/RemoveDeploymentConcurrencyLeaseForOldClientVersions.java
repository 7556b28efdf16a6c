package dev.baton.orchestration.rules.concurrency;

import dev.baton.domain.StateType;
import dev.baton.orchestration.engine.ConcurrencyEffect;
import dev.baton.orchestration.engine.ConcurrencyFacts;
import dev.baton.orchestration.engine.Rule;
import dev.baton.orchestration.engine.RuleContext;
import dev.baton.orchestration.engine.TypeSet;
import java.util.UUID;

/**
 * PENDING → RUNNING/CANCELLING, after (spec/concurrency.md §3.3): clients older than 3.4.11 never
 * renew the deployment lease, so it must not expire under them. Prefect deletes the lease without
 * giving the slot back (and later releases the slot by a blind decrement, which can free another
 * run's slot); Baton keeps the lease but makes it never expire, so the slot is released exactly
 * once, through the lease, when the run leaves PENDING/RUNNING/CANCELLING (or is deleted).
 */
public final class RemoveDeploymentConcurrencyLeaseForOldClientVersions extends Rule {
  private static final TypeSet FROM = TypeSet.of(StateType.PENDING);
  private static final TypeSet TO = TypeSet.of(StateType.RUNNING, StateType.CANCELLING);

  @Override public TypeSet fromStates() { return FROM; }
  @Override public TypeSet toStates() { return TO; }

  @Override
  public void after(RuleContext ctx) {
    if (ctx.initial() == null || Slots.renewsLeases(ctx.facts().clientVersion())) {
      return;
    }
    UUID leaseId = ctx.initial().details().deploymentConcurrencyLeaseId();
    ConcurrencyFacts cf = ctx.facts().concurrency();
    if (leaseId == null || cf == null || cf.lease(leaseId) == null) {
      return;
    }
    ctx.emit(new ConcurrencyEffect.RenewLease(leaseId, null));
  }
}
