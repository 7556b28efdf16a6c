package dev.baton.orchestration.rules.flow;

import dev.baton.domain.State;
import dev.baton.domain.StateType;
import dev.baton.orchestration.engine.Rule;
import dev.baton.orchestration.engine.RuleContext;
import dev.baton.orchestration.engine.TypeSet;

/**
 * Cancelling a run that has no infrastructure to stop (scheduled without a pid, "Resuming", or
 * suspended) goes straight to CANCELLED "Cancelled". Also in the minimal (force) policy.
 */
public final class BypassCancellingFlowRunsWithNoInfra extends Rule {
  private static final TypeSet FROM = TypeSet.of(StateType.SCHEDULED, StateType.PAUSED);
  private static final TypeSet TO = TypeSet.of(StateType.CANCELLING);

  @Override public TypeSet fromStates() { return FROM; }
  @Override public TypeSet toStates() { return TO; }

  @Override
  public void before(RuleContext ctx) {
    State initial = ctx.initial();
    if (initial == null || ctx.proposed() == null) {
      return;
    }
    String pid = ctx.flowRun().infrastructurePid();
    if ((initial.type() == StateType.SCHEDULED && (pid == null || pid.isEmpty()))
        || "Resuming".equals(initial.name())) {
      ctx.reject(cancelled(ctx), "Scheduled flow run has no infrastructure to terminate.");
    } else if (initial.type() == StateType.PAUSED && initial.details().pauseReschedule()) {
      ctx.reject(cancelled(ctx), "Suspended flow run has no infrastructure to terminate.");
    }
  }

  private static State cancelled(RuleContext ctx) {
    return ctx.newState(StateType.CANCELLED, "Cancelled", null, null);
  }
}
