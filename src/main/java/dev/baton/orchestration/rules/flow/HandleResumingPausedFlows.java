package dev.baton.orchestration.rules.flow;

import static dev.baton.domain.StateType.CANCELLED;
import static dev.baton.domain.StateType.COMPLETED;
import static dev.baton.domain.StateType.CRASHED;
import static dev.baton.domain.StateType.FAILED;
import static dev.baton.domain.StateType.RUNNING;
import static dev.baton.domain.StateType.SCHEDULED;

import dev.baton.domain.State;
import dev.baton.domain.StateType;
import dev.baton.orchestration.engine.FlowRunDraft;
import dev.baton.orchestration.engine.Rule;
import dev.baton.orchestration.engine.RuleContext;
import dev.baton.orchestration.engine.TypeSet;
import java.util.EnumSet;
import java.util.Locale;
import java.util.Set;

/**
 * Leaving PAUSED (spec §5.1): only to RUNNING, SCHEDULED or a terminal type; a suspended run needs a
 * deployment; an expired pause fails the run. The after hook marks the run as resuming — also after
 * this rule's own rejections, since TO is ALL (quirk §8.1, kept).
 */
public final class HandleResumingPausedFlows extends Rule {
  private static final TypeSet FROM = TypeSet.of(StateType.PAUSED);
  private static final Set<StateType> ALLOWED = EnumSet.of(RUNNING, SCHEDULED, COMPLETED, FAILED, CANCELLED, CRASHED);

  @Override public TypeSet fromStates() { return FROM; }
  @Override public TypeSet toStates() { return TypeSet.ALL; }

  @Override
  public void before(RuleContext ctx) {
    State initial = ctx.initial();
    State proposed = ctx.proposed();
    if (initial == null || proposed == null) {
      return;
    }
    String display = (proposed.name() != null ? proposed.name() : proposed.type().name()).toLowerCase(Locale.ROOT);
    String verb = PauseVerb.of(proposed);
    if (!ALLOWED.contains(proposed.type())) {
      ctx.reject(null, "This run cannot transition to the StateType." + proposed.type().name()
          + " state from the StateType." + initial.type().name() + " state.");
      return;
    }
    FlowRunDraft run = ctx.flowRun();
    if (initial.details().pauseReschedule() && run.deploymentId() == null) {
      ctx.reject(null, "Cannot reschedule a " + display + " flow run without a deployment.");
      return;
    }
    if (initial.details().pauseTimeout() != null && initial.details().pauseTimeout().isBefore(ctx.now())) {
      ctx.reject(ctx.newState(StateType.FAILED, "Failed", "The flow was " + display + " and never resumed.", null),
          "The flow run " + verb + " has timed out and can no longer resume.");
    }
  }

  @Override
  public void after(RuleContext ctx) {
    FlowRunDraft run = ctx.flowRun();
    run.setPolicy(run.policy().withResuming(true));
  }
}
