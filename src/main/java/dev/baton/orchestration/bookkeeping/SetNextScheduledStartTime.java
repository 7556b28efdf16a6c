package dev.baton.orchestration.bookkeeping;

import dev.baton.domain.StateType;
import dev.baton.orchestration.engine.RuleContext;
import dev.baton.orchestration.engine.UniversalTransform;

/** {@code next_scheduled_start_time} = the scheduled time while SCHEDULED, null otherwise. */
public final class SetNextScheduledStartTime extends UniversalTransform {
  @Override
  public void before(RuleContext ctx) {
    if (ctx.isNullified()) {
      return;
    }
    if (ctx.initialType() == StateType.SCHEDULED) {
      ctx.run().setNextScheduledStartTime(null);
    }
    if (ctx.proposed().type() == StateType.SCHEDULED) {
      ctx.run().setNextScheduledStartTime(ctx.proposed().details().scheduledTime());
    }
  }
}
