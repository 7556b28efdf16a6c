package dev.baton.orchestration.bookkeeping;

import dev.baton.domain.State;
import dev.baton.domain.StateType;
import dev.baton.orchestration.engine.RuleContext;
import dev.baton.orchestration.engine.UniversalTransform;

/**
 * The first written state sets {@code expected_start_time}: its scheduled time when SCHEDULED, else
 * its timestamp.
 */
public final class SetExpectedStartTime extends UniversalTransform {
  @Override
  public void before(RuleContext ctx) {
    if (ctx.isNullified() || ctx.run().expectedStartTime() != null) {
      return;
    }
    State p = ctx.proposed();
    ctx.run().setExpectedStartTime(p.type() == StateType.SCHEDULED && p.details().scheduledTime() != null
        ? p.details().scheduledTime()
        : p.timestamp());
  }
}
