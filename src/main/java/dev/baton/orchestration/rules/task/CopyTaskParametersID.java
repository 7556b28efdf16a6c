package dev.baton.orchestration.rules.task;

import dev.baton.domain.State;
import dev.baton.domain.StateType;
import dev.baton.orchestration.engine.Rule;
import dev.baton.orchestration.engine.RuleContext;
import dev.baton.orchestration.engine.TypeSet;

/** Background tasks: a proposal without {@code task_parameters_id} keeps the initial one. */
public final class CopyTaskParametersID extends Rule {
  private static final TypeSet FROM = TypeSet.of(StateType.SCHEDULED, StateType.PENDING);
  private static final TypeSet TO = TypeSet.of(StateType.PENDING, StateType.RUNNING);

  @Override public TypeSet fromStates() { return FROM; }
  @Override public TypeSet toStates() { return TO; }

  @Override
  public void before(RuleContext ctx) {
    State initial = ctx.initial();
    State proposed = ctx.proposed();
    if (initial == null || proposed == null || proposed.details().taskParametersId() != null) {
      return;
    }
    ctx.updateProposedDetails(d -> d.toBuilder().taskParametersId(initial.details().taskParametersId()).build());
  }
}
