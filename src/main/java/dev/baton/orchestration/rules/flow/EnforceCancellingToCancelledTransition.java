package dev.baton.orchestration.rules.flow;

import dev.baton.domain.StateType;
import dev.baton.orchestration.engine.Rule;
import dev.baton.orchestration.engine.RuleContext;
import dev.baton.orchestration.engine.TypeSet;

/** A CANCELLING flow run may only become CANCELLED. */
public final class EnforceCancellingToCancelledTransition extends Rule {
  private static final TypeSet FROM = TypeSet.of(StateType.CANCELLING);
  private static final TypeSet TO = TypeSet.allExcept(StateType.CANCELLED);

  @Override public TypeSet fromStates() { return FROM; }
  @Override public TypeSet toStates() { return TO; }

  @Override
  public void before(RuleContext ctx) {
    if (ctx.initial() == null || ctx.proposed() == null) {
      return;
    }
    ctx.reject(null, "Cannot transition flows that are cancelling to a state other than Cancelled.");
  }
}
