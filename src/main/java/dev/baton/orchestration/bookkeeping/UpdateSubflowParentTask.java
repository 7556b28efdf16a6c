package dev.baton.orchestration.bookkeeping;

import dev.baton.domain.State;
import dev.baton.orchestration.engine.Effect;
import dev.baton.orchestration.engine.FlowRunDraft;
import dev.baton.orchestration.engine.RuleContext;
import dev.baton.orchestration.engine.UniversalTransform;

/**
 * After a subflow's state was written, mirror it onto the parent task run: a fresh copy carrying
 * {@code child_flow_run_id}, force-set through task orchestration (minimal policy) by the service.
 */
public final class UpdateSubflowParentTask extends UniversalTransform {
  @Override
  public void after(RuleContext ctx) {
    FlowRunDraft run = ctx.flowRun();
    State validated = ctx.validated();
    if (run.parentTaskRunId() == null || validated == null || ctx.proposed() == null) {
      return;
    }
    State mirror = validated.freshCopy(ctx.newId(), ctx.now())
        .mapDetails(d -> d.toBuilder().childFlowRunId(run.id()).build());
    ctx.emit(new Effect.OrchestrateParentTaskRun(run.parentTaskRunId(), mirror));
  }
}
