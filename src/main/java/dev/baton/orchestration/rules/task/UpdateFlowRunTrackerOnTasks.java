package dev.baton.orchestration.rules.task;

import dev.baton.domain.StateType;
import dev.baton.orchestration.engine.Facts;
import dev.baton.orchestration.engine.ObjectNotFoundException;
import dev.baton.orchestration.engine.Rule;
import dev.baton.orchestration.engine.RuleContext;
import dev.baton.orchestration.engine.TaskRunDraft;
import dev.baton.orchestration.engine.TypeSet;

/**
 * After a task entered RUNNING: remember the parent flow run's {@code run_count} in
 * {@code flow_run_run_count}. A task whose flow run row is gone fails the request with 404.
 */
public final class UpdateFlowRunTrackerOnTasks extends Rule {
  private static final TypeSet TO = TypeSet.of(StateType.RUNNING);

  @Override public TypeSet fromStates() { return TypeSet.ALL; }
  @Override public TypeSet toStates() { return TO; }

  @Override
  public void after(RuleContext ctx) {
    TaskRunDraft run = ctx.taskRun();
    if (run.flowRunId() == null) {
      return;
    }
    Facts.ParentFlowRun flowRun = ctx.facts().parentFlowRun();
    if (ctx.facts().parentFlowRunMissing() || flowRun == null) {
      throw new ObjectNotFoundException("Unable to read flow run associated with task run: " + run.id()
          + ", this flow run might have been deleted");
    }
    run.setFlowRunRunCount(flowRun.runCount());
  }
}
