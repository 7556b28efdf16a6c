package dev.baton.orchestration.rules.task;

import dev.baton.domain.State;
import dev.baton.domain.StateType;
import dev.baton.orchestration.engine.Effect;
import dev.baton.orchestration.engine.Rule;
import dev.baton.orchestration.engine.RuleContext;
import dev.baton.orchestration.engine.TypeSet;

/**
 * A deferred (background) task run that enters SCHEDULED is queued for the task workers subscribed
 * to its task key: the retry queue when the state is {@code AwaitingRetry}, else the scheduled
 * queue, deliverable from its scheduled time on. Prefect pushes it onto an in-memory queue of the
 * server process; Baton's queue is a table written in the same transaction as the state, so a run is
 * queued exactly when its SCHEDULED state commits and is lost neither by a restart nor to the other
 * instances (docs/compatibility.md).
 */
public final class EnqueueScheduledTasks extends Rule {
  private static final TypeSet TO = TypeSet.of(StateType.SCHEDULED);

  @Override public TypeSet fromStates() { return TypeSet.ALL; }
  @Override public TypeSet toStates() { return TO; }

  @Override
  public void after(RuleContext ctx) {
    State validated = ctx.validated();
    if (validated == null || validated.type() != StateType.SCHEDULED || !validated.details().isDeferred()) {
      return;
    }
    ctx.emit(new Effect.EnqueueBackgroundTask(ctx.taskRun().id(), ctx.taskRun().taskKey(),
        "AwaitingRetry".equals(validated.name()),
        validated.details().scheduledTime() != null ? validated.details().scheduledTime() : validated.timestamp()));
  }
}
