package dev.baton.orchestration.bookkeeping;

import dev.baton.orchestration.engine.RuleContext;
import dev.baton.orchestration.engine.UniversalTransform;

/** {@code state_type := proposed.type}. */
public final class SetRunStateType extends UniversalTransform {
  @Override
  public void before(RuleContext ctx) {
    if (!ctx.isNullified()) {
      ctx.run().setStateType(ctx.proposed().type());
    }
  }
}
