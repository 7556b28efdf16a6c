package dev.baton.orchestration.rules.flow;

import dev.baton.domain.State;
import dev.baton.domain.StateType;
import dev.baton.orchestration.engine.Rule;
import dev.baton.orchestration.engine.RuleContext;
import dev.baton.orchestration.engine.TypeSet;

/** Only a SCHEDULED run not yet named "Late" can be marked SCHEDULED "Late". */
public final class EnsureOnlyScheduledFlowsMarkedLate extends Rule {
  private static final TypeSet TO = TypeSet.of(StateType.SCHEDULED);

  @Override public TypeSet fromStates() { return TypeSet.ALL; }
  @Override public TypeSet toStates() { return TO; }

  @Override
  public void before(RuleContext ctx) {
    State initial = ctx.initial();
    State proposed = ctx.proposed();
    if (initial == null || proposed == null || !"Late".equals(proposed.name())) {
      return; // null → Late is accepted
    }
    if (initial.type() != StateType.SCHEDULED) {
      ctx.reject(null, "Only scheduled flows can be marked late.");
    } else if ("Late".equals(initial.name())) {
      ctx.reject(null, "This flow run is already marked late.");
    }
  }
}
