package dev.baton.orchestration.rules.task;

import static dev.baton.domain.StateType.CANCELLING;
import static dev.baton.domain.StateType.COMPLETED;
import static dev.baton.domain.StateType.CRASHED;
import static dev.baton.domain.StateType.PAUSED;
import static dev.baton.domain.StateType.RUNNING;

import dev.baton.domain.State;
import dev.baton.domain.StateType;
import dev.baton.orchestration.engine.Facts;
import dev.baton.orchestration.engine.Rule;
import dev.baton.orchestration.engine.RuleContext;
import dev.baton.orchestration.engine.TaskRunDraft;
import dev.baton.orchestration.engine.TypeSet;
import java.util.EnumSet;
import java.util.Set;

/**
 * Leaving a terminal task state (spec §5.2): no CANCELLING/PAUSED/CRASHED, nothing after a
 * COMPLETED state with a persisted result, and a re-run resets {@code run_count} (the engine restores
 * it if this rule fizzles). A re-run caused by a parent flow retry is named "Retrying".
 */
public final class HandleTaskTerminalStateTransitions extends Rule {
  private static final Set<StateType> NOT_FROM_TERMINAL = EnumSet.of(CANCELLING, PAUSED, CRASHED);

  @Override public TypeSet fromStates() { return TypeSet.TERMINAL; }
  @Override public TypeSet toStates() { return TypeSet.ALL; }

  @Override
  public void before(RuleContext ctx) {
    State initial = ctx.initial();
    State proposed = ctx.proposed();
    if (initial == null || proposed == null) {
      return;
    }
    if (NOT_FROM_TERMINAL.contains(proposed.type())) {
      ctx.abort("Run is already " + initial.type().name() + ".");
      return;
    }
    // Deviation (compatibility quirk 4): Prefect throws (HTTP 500) when a COMPLETED task state
    // carries truthy non-object data (number, string, list). Baton treats such data like the flow
    // variant does: it never counts as a persisted result, so the transition continues.
    if (initial.type() == COMPLETED && initial.hasPersistedResult()) {
      ctx.reject(null, "This run is already completed.");
      return;
    }
    TaskRunDraft run = ctx.taskRun();
    if (!proposed.type().isTerminal()) {
      run.setRunCount(0);
    }
    Facts.ParentFlowRun flowRun = ctx.facts().parentFlowRun();
    if (proposed.type() == RUNNING && run.flowRunId() != null && flowRun != null
        && run.flowRunRunCount() < flowRun.runCount()) {
      ctx.rename("Retrying");
    }
  }
}
