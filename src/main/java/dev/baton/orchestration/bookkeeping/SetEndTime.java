package dev.baton.orchestration.bookkeeping;

import dev.baton.domain.StateType;
import dev.baton.orchestration.engine.RunDraft;
import dev.baton.orchestration.engine.RuleContext;
import dev.baton.orchestration.engine.UniversalTransform;

/**
 * Terminal → non-terminal clears {@code end_time}; the first terminal state sets it (and
 * {@code start_time} when the run never ran). Terminal → terminal keeps the first {@code end_time}.
 */
public final class SetEndTime extends UniversalTransform {
  @Override
  public void before(RuleContext ctx) {
    if (ctx.isNullified()) {
      return;
    }
    RunDraft run = ctx.run();
    boolean proposedTerminal = ctx.proposed().type().isTerminal();
    if (StateType.isTerminal(ctx.initialType()) && !proposedTerminal) {
      run.setEndTime(null);
    }
    if (proposedTerminal && run.endTime() == null) {
      if (run.startTime() == null) {
        run.setStartTime(ctx.proposed().timestamp());
      }
      run.setEndTime(ctx.proposed().timestamp());
    }
  }
}
