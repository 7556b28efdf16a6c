package dev.baton.orchestration.rules.flow;

import dev.baton.domain.State;
import dev.baton.orchestration.engine.RuleContext;
import dev.baton.orchestration.engine.UniversalTransform;

/**
 * Universal (every transition): a proposal that does not name a deployment concurrency lease keeps
 * the lease of the initial state (workers send {@code null} explicitly). Never overwrites a lease id.
 */
public final class PreserveDeploymentConcurrencyLeaseId extends UniversalTransform {

  @Override
  public void before(RuleContext ctx) {
    State initial = ctx.initial();
    State proposed = ctx.proposed();
    if (initial == null || proposed == null) {
      return;
    }
    if (initial.details().deploymentConcurrencyLeaseId() != null
        && proposed.details().deploymentConcurrencyLeaseId() == null) {
      ctx.updateProposedDetails(d -> d.toBuilder()
          .deploymentConcurrencyLeaseId(initial.details().deploymentConcurrencyLeaseId()).build());
    }
  }
}
