package dev.baton.orchestration.bookkeeping;

import dev.baton.orchestration.engine.RuleContext;
import dev.baton.orchestration.engine.UniversalTransform;

/** {@code state_name := proposed.name}. */
public final class SetRunStateName extends UniversalTransform {
  @Override
  public void before(RuleContext ctx) {
    if (!ctx.isNullified()) {
      ctx.run().setStateName(ctx.proposed().name());
    }
  }
}
