package dev.baton.orchestration.bookkeeping;

import dev.baton.domain.State;
import dev.baton.orchestration.engine.RuleContext;
import dev.baton.orchestration.engine.UniversalTransform;
import java.time.temporal.ChronoUnit;

/**
 * Keeps each run's state history strictly time-ordered. Baton version (deliberate deviation): Prefect
 * only bumps a flow-run proposal by 1 µs while another state of the run has exactly the same
 * timestamp; Baton moves any proposal whose timestamp is not after the current state's to the
 * current state's timestamp + 1 µs, and applies this to task runs as well (both global policies).
 */
public final class EnsureFlowRunStateTimestampIsUnique extends UniversalTransform {

  @Override
  public void before(RuleContext ctx) {
    State initial = ctx.initial();
    State proposed = ctx.proposed();
    if (initial == null || proposed == null) {
      return;
    }
    if (!proposed.timestamp().isAfter(initial.timestamp())) {
      ctx.replaceProposed(proposed.withTimestamp(initial.timestamp().plus(1, ChronoUnit.MICROS)));
    }
  }
}
