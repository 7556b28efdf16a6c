package dev.baton.orchestration.rules.common;

import dev.baton.domain.State;
import dev.baton.domain.StateType;
import dev.baton.orchestration.engine.Rule;
import dev.baton.orchestration.engine.RuleContext;
import dev.baton.orchestration.engine.TypeSet;

/** SCHEDULED → PENDING: a proposal without {@code scheduled_time} inherits the initial one. */
public final class CopyScheduledTime extends Rule {
  private static final TypeSet FROM = TypeSet.of(StateType.SCHEDULED);
  private static final TypeSet TO = TypeSet.of(StateType.PENDING);

  @Override public TypeSet fromStates() { return FROM; }
  @Override public TypeSet toStates() { return TO; }

  @Override
  public void before(RuleContext ctx) {
    State initial = ctx.initial();
    State proposed = ctx.proposed();
    if (initial == null || proposed == null || proposed.details().scheduledTime() != null) {
      return;
    }
    ctx.updateProposedDetails(d -> d.toBuilder().scheduledTime(initial.details().scheduledTime()).build());
  }
}
