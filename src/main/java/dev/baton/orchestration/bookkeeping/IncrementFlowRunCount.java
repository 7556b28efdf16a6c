package dev.baton.orchestration.bookkeeping;

import dev.baton.domain.ApiVersion;
import dev.baton.domain.StateType;
import dev.baton.orchestration.engine.FlowRunDraft;
import dev.baton.orchestration.engine.RuleContext;
import dev.baton.orchestration.engine.UniversalTransform;

/** Each written RUNNING flow state counts an attempt, except the entry of a resuming run. */
public final class IncrementFlowRunCount extends UniversalTransform {
  @Override
  public void before(RuleContext ctx) {
    if (ctx.isNullified() || ctx.proposed().type() != StateType.RUNNING) {
      return;
    }
    FlowRunDraft run = ctx.flowRun();
    boolean resuming = ApiVersion.atLeastOrAbsent(ctx.facts().apiVersion(), ApiVersion.V0_8_4)
        && run.policy().resuming();
    if (!resuming) {
      run.setRunCount(run.runCount() + 1);
    }
  }
}
