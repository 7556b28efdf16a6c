package dev.baton.orchestration.rules.task;

import dev.baton.domain.State;
import dev.baton.domain.StateDetails;
import dev.baton.domain.StateType;
import dev.baton.orchestration.engine.Facts;
import dev.baton.orchestration.engine.Rule;
import dev.baton.orchestration.engine.RuleContext;
import dev.baton.orchestration.engine.TypeSet;

/**
 * A task may only start while its flow run is RUNNING; under a PAUSED flow run it is parked in a
 * PAUSED "NotReady" state (spec §5.2). A task whose flow run row is missing is treated as having no
 * flow run.
 */
public final class PreventRunningTasksFromStoppedFlows extends Rule {
  private static final TypeSet TO = TypeSet.of(StateType.RUNNING);
  static final String NOT_RUNNING = "The enclosing flow must be running to begin task execution.";

  @Override public TypeSet fromStates() { return TypeSet.ALL; }
  @Override public TypeSet toStates() { return TO; }

  @Override
  public void before(RuleContext ctx) {
    if (ctx.proposed() == null || ctx.taskRun().flowRunId() == null) {
      return;
    }
    Facts.ParentFlowRun flowRun = ctx.facts().parentFlowRun();
    if (flowRun == null) {
      return;
    }
    State flowState = flowRun.state();
    if (flowState == null) {
      ctx.abort(NOT_RUNNING);
    } else if (flowState.type() == StateType.PAUSED) {
      StateDetails details = StateDetails.builder()
          .pauseTimeout(flowState.details().pauseTimeout())
          .pauseReschedule(flowState.details().pauseReschedule())
          .build();
      ctx.reject(ctx.newState(StateType.PAUSED, "NotReady", null, details),
          "The flow is paused, new tasks can execute after resuming flow run: " + flowRun.id() + ".");
    } else if (flowState.type() != StateType.RUNNING) {
      ctx.abort(NOT_RUNNING);
    }
  }
}
