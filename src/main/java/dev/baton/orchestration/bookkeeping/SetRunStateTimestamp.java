package dev.baton.orchestration.bookkeeping;

import dev.baton.orchestration.engine.RuleContext;
import dev.baton.orchestration.engine.UniversalTransform;

/** {@code state_timestamp := proposed.timestamp}. */
public final class SetRunStateTimestamp extends UniversalTransform {
  @Override
  public void before(RuleContext ctx) {
    if (!ctx.isNullified()) {
      ctx.run().setStateTimestamp(ctx.proposed().timestamp());
    }
  }
}
