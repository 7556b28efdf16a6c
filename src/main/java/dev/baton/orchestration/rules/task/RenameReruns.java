package dev.baton.orchestration.rules.task;

import dev.baton.domain.StateType;
import dev.baton.orchestration.engine.Rule;
import dev.baton.orchestration.engine.RuleContext;
import dev.baton.orchestration.engine.TypeSet;

/**
 * A task entering RUNNING again ({@code run_count > 0}) is named "Retrying" after an
 * "AwaitingRetry" state and "Rerunning" otherwise (spec §5.2). Runs after
 * HandleTaskTerminalStateTransitions, whose run-count reset suppresses this rename.
 */
public final class RenameReruns extends Rule {
  private static final TypeSet TO = TypeSet.of(StateType.RUNNING);

  @Override public TypeSet fromStates() { return TypeSet.ALL; }
  @Override public TypeSet toStates() { return TO; }

  @Override
  public void before(RuleContext ctx) {
    if (ctx.initial() == null || ctx.proposed() == null || ctx.run().runCount() <= 0) {
      return;
    }
    ctx.rename("AwaitingRetry".equals(ctx.initial().name()) ? "Retrying" : "Rerunning");
  }
}
