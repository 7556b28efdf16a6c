package dev.baton.orchestration.rules.concurrency;

import dev.baton.domain.State;
import dev.baton.domain.StateType;
import dev.baton.orchestration.engine.ConcurrencyEffect;
import dev.baton.orchestration.engine.ConcurrencyFacts;
import dev.baton.orchestration.engine.RuleContext;
import dev.baton.orchestration.engine.UniversalTransform;
import java.util.ArrayList;
import java.util.EnumSet;
import java.util.List;
import java.util.Set;
import java.util.UUID;

/**
 * Universal, Core and Minimal flow policies (spec/concurrency.md §3.4): a deployment run whose
 * written state leaves PENDING/RUNNING/CANCELLING gives back its slot. Baton releases exactly the
 * leases the run holds — the current state's lease and every lease naming the run as holder — and
 * never decrements blindly: a lease that is gone was already given back (by the reaper, or an
 * earlier release), so a second release is a no-op instead of freeing someone else's slot.
 */
public final class ReleaseFlowConcurrencySlots extends UniversalTransform {
  private static final Set<StateType> HOLDING = EnumSet.of(StateType.PENDING, StateType.RUNNING, StateType.CANCELLING);

  @Override
  public void after(RuleContext ctx) {
    State validated = ctx.validated();
    if (ctx.isNullified() || validated == null || ctx.initial() == null
        || !HOLDING.contains(ctx.initialType()) || HOLDING.contains(validated.type())
        || ctx.flowRun().deploymentId() == null) {
      return;
    }
    ConcurrencyFacts cf = ctx.facts().concurrency();
    if (cf == null) {
      return;
    }
    UUID runId = ctx.run().id();
    List<UUID> release = new ArrayList<>();
    ConcurrencyFacts.Lease current = cf.lease(ctx.initial().details().deploymentConcurrencyLeaseId());
    if (current != null && (current.holderId() == null || current.holderId().equals(runId))) {
      release.add(current.id());
    }
    for (ConcurrencyFacts.Lease l : cf.heldBy(runId)) {
      if (!release.contains(l.id())) {
        release.add(l.id());
      }
    }
    if (!release.isEmpty()) {
      ctx.emit(new ConcurrencyEffect.ReleaseLeases(release));
    }
  }
}
