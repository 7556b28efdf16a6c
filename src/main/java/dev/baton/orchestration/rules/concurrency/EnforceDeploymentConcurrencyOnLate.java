package dev.baton.orchestration.rules.concurrency;

import dev.baton.domain.StateType;
import dev.baton.orchestration.engine.ConcurrencyFacts;
import dev.baton.orchestration.engine.Rule;
import dev.baton.orchestration.engine.RuleContext;
import dev.baton.orchestration.engine.TypeSet;

/**
 * MarkLateRunsPolicy (spec/concurrency.md §3.5): marking a run "Late" while its deployment's limit is
 * full and uses CANCEL_NEW cancels it instead.
 */
public final class EnforceDeploymentConcurrencyOnLate extends Rule {
  private static final TypeSet SCHEDULED = TypeSet.of(StateType.SCHEDULED);

  @Override public TypeSet fromStates() { return SCHEDULED; }
  @Override public TypeSet toStates() { return SCHEDULED; }

  @Override
  public void before(RuleContext ctx) {
    if (ctx.proposed() == null || !"Late".equals(ctx.proposed().name()) || ctx.flowRun().deploymentId() == null) {
      return;
    }
    ConcurrencyFacts cf = ctx.facts().concurrency();
    ConcurrencyFacts.Deployment dep = cf == null ? null : cf.deployment();
    if (dep == null || dep.limit() == null || !dep.cancelNew() || dep.limit().activeSlots() < dep.limit().limit()) {
      return;
    }
    ctx.reject(ctx.newState(StateType.CANCELLED, "Cancelled", SecureFlowConcurrencySlots.LIMIT_REACHED, null),
        "Deployment concurrency limit is full and uses the CANCEL_NEW strategy.");
  }
}
