package dev.baton.orchestration.bookkeeping;

import dev.baton.orchestration.engine.FlowRunDraft;
import dev.baton.orchestration.engine.RuleContext;
import dev.baton.orchestration.engine.TaskRunDraft;
import dev.baton.orchestration.engine.UniversalTransform;

/**
 * The server owns the run ids in {@code state_details}: flow-run states get {@code flow_run_id :=
 * run.id}; task-run states get {@code flow_run_id := run.flow_run_id}, {@code task_run_id := run.id}.
 */
public final class UpdateStateDetails extends UniversalTransform {
  @Override
  public void before(RuleContext ctx) {
    if (ctx.isNullified()) {
      return;
    }
    if (ctx.run() instanceof FlowRunDraft flow) {
      ctx.updateProposedDetails(d -> d.toBuilder().flowRunId(flow.id()).build());
    } else if (ctx.run() instanceof TaskRunDraft task) {
      ctx.updateProposedDetails(d -> d.toBuilder().flowRunId(task.flowRunId()).taskRunId(task.id()).build());
    }
  }
}
