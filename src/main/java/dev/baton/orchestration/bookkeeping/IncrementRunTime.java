package dev.baton.orchestration.bookkeeping;

import dev.baton.domain.StateType;
import dev.baton.orchestration.engine.RuleContext;
import dev.baton.orchestration.engine.UniversalTransform;
import dev.baton.orchestration.rules.common.Times;

/** Leaving RUNNING (to anything, RUNNING included) adds the time spent in it to {@code total_run_time}. */
public final class IncrementRunTime extends UniversalTransform {
  @Override
  public void before(RuleContext ctx) {
    if (ctx.isNullified() || ctx.initialType() != StateType.RUNNING) {
      return;
    }
    long micros = Times.microsBetween(ctx.initial().timestamp(), ctx.proposed().timestamp());
    ctx.run().setTotalRunTimeMicros(ctx.run().totalRunTimeMicros() + micros);
  }
}
