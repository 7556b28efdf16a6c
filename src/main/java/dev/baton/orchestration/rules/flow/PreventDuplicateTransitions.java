package dev.baton.orchestration.rules.flow;

import dev.baton.domain.State;
import dev.baton.orchestration.engine.Rule;
import dev.baton.orchestration.engine.RuleContext;
import dev.baton.orchestration.engine.TypeSet;
import java.util.UUID;

/** A repeated flow {@code set_state} (same {@code transition_id} as the current state) is refused. */
public final class PreventDuplicateTransitions extends Rule {

  @Override public TypeSet fromStates() { return TypeSet.ALL; }
  @Override public TypeSet toStates() { return TypeSet.ALL; }

  @Override
  public void before(RuleContext ctx) {
    State initial = ctx.initial();
    State proposed = ctx.proposed();
    if (initial == null || proposed == null) {
      return;
    }
    UUID a = initial.details().transitionId();
    UUID b = proposed.details().transitionId();
    if (a != null && a.equals(b)) {
      ctx.reject(null, "This run has already made this state transition.");
    }
  }
}
