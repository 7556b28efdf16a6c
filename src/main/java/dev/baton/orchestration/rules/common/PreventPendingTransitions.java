package dev.baton.orchestration.rules.common;

import static dev.baton.domain.StateType.CANCELLED;
import static dev.baton.domain.StateType.CANCELLING;
import static dev.baton.domain.StateType.PENDING;
import static dev.baton.domain.StateType.RUNNING;

import dev.baton.domain.State;
import dev.baton.orchestration.engine.Rule;
import dev.baton.orchestration.engine.RuleContext;
import dev.baton.orchestration.engine.TypeSet;
import java.util.Objects;

/**
 * Refuses re-entering PENDING from PENDING/CANCELLING/RUNNING/CANCELLED, except a named PENDING
 * sub-state (Pending → Submitting → InfrastructurePending), which inherits the scheduled time and
 * the deployment concurrency lease. Core flow policy and background task policy (spec §5.1).
 */
public final class PreventPendingTransitions extends Rule {
  private static final TypeSet FROM = TypeSet.of(PENDING, CANCELLING, RUNNING, CANCELLED);
  private static final TypeSet TO = TypeSet.of(PENDING);

  @Override public TypeSet fromStates() { return FROM; }
  @Override public TypeSet toStates() { return TO; }

  @Override
  public void before(RuleContext ctx) {
    State initial = ctx.initial();
    State proposed = ctx.proposed();
    if (initial == null || proposed == null) {
      return;
    }
    if (initial.type() == PENDING && !Objects.equals(initial.name(), proposed.name())
        && !"Pending".equals(proposed.name())) {
      ctx.updateProposedDetails(d -> d.toBuilder()
          .scheduledTime(initial.details().scheduledTime())
          .deploymentConcurrencyLeaseId(initial.details().deploymentConcurrencyLeaseId())
          .build());
      return;
    }
    ctx.abort("This run is in a " + initial.type().name() + " state and cannot transition to a PENDING state.");
  }
}
