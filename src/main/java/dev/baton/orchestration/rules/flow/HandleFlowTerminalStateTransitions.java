package dev.baton.orchestration.rules.flow;

import static dev.baton.domain.StateType.CANCELLING;
import static dev.baton.domain.StateType.COMPLETED;
import static dev.baton.domain.StateType.CRASHED;
import static dev.baton.domain.StateType.PAUSED;
import static dev.baton.domain.StateType.SCHEDULED;

import dev.baton.domain.ApiVersion;
import dev.baton.domain.State;
import dev.baton.domain.StateType;
import dev.baton.orchestration.engine.FlowRunDraft;
import dev.baton.orchestration.engine.Rule;
import dev.baton.orchestration.engine.RuleContext;
import dev.baton.orchestration.engine.TypeSet;
import java.util.EnumSet;
import java.util.Set;

/**
 * Leaving a terminal flow state (spec §5.1): no CANCELLING/PAUSED/CRASHED, no re-run of a COMPLETED
 * run with a persisted result, no losing that result, no rescheduling without a deployment. A manual
 * re-run resets the pause/retry bookkeeping of {@code empirical_policy} (restored by the engine if
 * this rule fizzles). {@code run_count} is kept.
 */
public final class HandleFlowTerminalStateTransitions extends Rule {
  private static final Set<StateType> NOT_FROM_TERMINAL = EnumSet.of(CANCELLING, PAUSED, CRASHED);

  @Override public TypeSet fromStates() { return TypeSet.TERMINAL; }
  @Override public TypeSet toStates() { return TypeSet.ALL; }

  @Override
  public void before(RuleContext ctx) {
    State initial = ctx.initial();
    State proposed = ctx.proposed();
    if (initial == null || proposed == null) {
      return;
    }
    if (NOT_FROM_TERMINAL.contains(proposed.type())) {
      ctx.abort("Run is already in terminal state " + initial.type().name() + ".");
      return;
    }
    if (initial.type() == COMPLETED && !proposed.type().isTerminal() && initial.hasPersistedResult()) {
      ctx.reject(null, "Run is already COMPLETED.");
      return;
    }
    if (ResultData.wouldLoseResult(initial, proposed)) {
      ctx.reject(null, ResultData.OVERWRITE_REASON);
      return;
    }
    FlowRunDraft run = ctx.flowRun();
    if (proposed.type() == SCHEDULED && run.deploymentId() == null) {
      ctx.abort("Cannot reschedule a run without an associated deployment.");
      return;
    }
    if (!proposed.type().isTerminal() && ApiVersion.atLeastOrAbsent(ctx.facts().apiVersion(), ApiVersion.V0_8_4)) {
      run.setPolicy(FlowPolicyEdits.resetForRerun(run.policy(),
          proposed.type() == SCHEDULED ? "reschedule" : null));
    }
  }
}
