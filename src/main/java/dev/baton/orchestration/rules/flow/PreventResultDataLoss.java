package dev.baton.orchestration.rules.flow;

import dev.baton.domain.State;
import dev.baton.orchestration.engine.Rule;
import dev.baton.orchestration.engine.RuleContext;
import dev.baton.orchestration.engine.TypeSet;

/**
 * Minimal (force) flow policy: a COMPLETED state with a persisted result cannot be overwritten by a
 * COMPLETED state without one. The only data protection that survives {@code force=true}.
 */
public final class PreventResultDataLoss extends Rule {

  @Override public TypeSet fromStates() { return TypeSet.TERMINAL; }
  @Override public TypeSet toStates() { return TypeSet.TERMINAL; }

  @Override
  public void before(RuleContext ctx) {
    State initial = ctx.initial();
    State proposed = ctx.proposed();
    if (initial != null && proposed != null && ResultData.wouldLoseResult(initial, proposed)) {
      ctx.reject(null, ResultData.OVERWRITE_REASON);
    }
  }
}
