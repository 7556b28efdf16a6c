package dev.baton.orchestration.bookkeeping;

import dev.baton.domain.StateType;
import dev.baton.orchestration.engine.RuleContext;
import dev.baton.orchestration.engine.UniversalTransform;

/** The first RUNNING state sets {@code start_time}. */
public final class SetStartTime extends UniversalTransform {
  @Override
  public void before(RuleContext ctx) {
    if (ctx.isNullified()) {
      return;
    }
    if (ctx.proposed().type() == StateType.RUNNING && ctx.run().startTime() == null) {
      ctx.run().setStartTime(ctx.proposed().timestamp());
    }
  }
}
