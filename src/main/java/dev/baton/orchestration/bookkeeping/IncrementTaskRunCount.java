package dev.baton.orchestration.bookkeeping;

import dev.baton.domain.StateType;
import dev.baton.orchestration.engine.RuleContext;
import dev.baton.orchestration.engine.UniversalTransform;

/** Each written RUNNING task state counts an attempt. */
public final class IncrementTaskRunCount extends UniversalTransform {
  @Override
  public void before(RuleContext ctx) {
    if (!ctx.isNullified() && ctx.proposed().type() == StateType.RUNNING) {
      ctx.run().setRunCount(ctx.run().runCount() + 1);
    }
  }
}
