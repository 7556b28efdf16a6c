package dev.baton.orchestration.bookkeeping;

import dev.baton.orchestration.engine.FlowRunDraft;
import dev.baton.orchestration.engine.RuleContext;
import dev.baton.orchestration.engine.UniversalTransform;

/** A subflow's states point at the parent task run: {@code task_run_id := parent_task_run_id}. */
public final class UpdateSubflowStateDetails extends UniversalTransform {
  @Override
  public void before(RuleContext ctx) {
    if (ctx.isNullified()) {
      return;
    }
    FlowRunDraft run = ctx.flowRun();
    if (run.parentTaskRunId() != null) {
      ctx.updateProposedDetails(d -> d.toBuilder().taskRunId(run.parentTaskRunId()).build());
    }
  }
}
