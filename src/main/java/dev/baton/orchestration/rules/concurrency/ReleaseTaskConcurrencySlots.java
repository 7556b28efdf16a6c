package dev.baton.orchestration.rules.concurrency;

import dev.baton.domain.State;
import dev.baton.domain.StateType;
import dev.baton.orchestration.engine.ConcurrencyEffect;
import dev.baton.orchestration.engine.ConcurrencyFacts;
import dev.baton.orchestration.engine.RuleContext;
import dev.baton.orchestration.engine.UniversalTransform;
import java.util.List;
import java.util.UUID;

/**
 * Universal, every task policy (spec/concurrency.md §2.2): when a state is written whose type is
 * neither RUNNING nor CANCELLING, the task run gives back every lease it holds (by holder id, so a
 * second release finds nothing: idempotent) and leaves every legacy row.
 */
public final class ReleaseTaskConcurrencySlots extends UniversalTransform {

  @Override
  public void after(RuleContext ctx) {
    State validated = ctx.validated();
    if (ctx.isNullified() || validated == null
        || validated.type() == StateType.RUNNING || validated.type() == StateType.CANCELLING) {
      return;
    }
    ConcurrencyFacts cf = ctx.facts().concurrency();
    if (cf == null) {
      return; // nothing can be held: the service loads facts whenever the run may hold slots
    }
    UUID runId = ctx.run().id();
    List<UUID> leases = cf.heldBy(runId).stream().map(ConcurrencyFacts.Lease::id).toList();
    if (!leases.isEmpty()) {
      ctx.emit(new ConcurrencyEffect.ReleaseLeases(leases));
    }
    if (cf.legacyLimits().stream().anyMatch(r -> r.activeSlots().contains(runId))) {
      ctx.emit(new ConcurrencyEffect.RemoveLegacySlots(runId));
    }
  }
}
