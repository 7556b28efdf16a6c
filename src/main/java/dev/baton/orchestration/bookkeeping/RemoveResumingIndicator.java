package dev.baton.orchestration.bookkeeping;

import dev.baton.domain.ApiVersion;
import dev.baton.domain.StateType;
import dev.baton.orchestration.engine.FlowRunDraft;
import dev.baton.orchestration.engine.RuleContext;
import dev.baton.orchestration.engine.UniversalTransform;

/** Entering RUNNING or a terminal type ends a resume: {@code resuming := false}. After IncrementFlowRunCount. */
public final class RemoveResumingIndicator extends UniversalTransform {
  @Override
  public void before(RuleContext ctx) {
    if (ctx.isNullified() || !ApiVersion.atLeastOrAbsent(ctx.facts().apiVersion(), ApiVersion.V0_8_4)) {
      return;
    }
    StateType t = ctx.proposed().type();
    FlowRunDraft run = ctx.flowRun();
    if ((t == StateType.RUNNING || t.isTerminal()) && run.policy().resuming()) {
      run.setPolicy(run.policy().withResuming(false));
    }
  }
}
