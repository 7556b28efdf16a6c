package dev.baton.orchestration.rules.flow;

import dev.baton.domain.State;
import dev.baton.domain.StateType;
import dev.baton.orchestration.engine.FlowRunDraft;
import dev.baton.orchestration.engine.Rule;
import dev.baton.orchestration.engine.RuleContext;
import dev.baton.orchestration.engine.TypeSet;
import java.util.UUID;

/**
 * Entering PAUSED (spec §5.1): only from RUNNING, each pause key once, suspending
 * ({@code pause_reschedule}) only for top-level runs of a deployment.
 *
 * <p>Prefect records the key in its after hook. This stateless rule records it at the end of a
 * successful before hook instead: the engine reverts the change if the rule fizzles (later rule or
 * failed validation), so the key is kept exactly when the PAUSED state is written, as in Prefect.
 */
public final class HandlePausingFlows extends Rule {
  private static final TypeSet TO = TypeSet.of(StateType.PAUSED);

  @Override public TypeSet fromStates() { return TypeSet.ALL; }
  @Override public TypeSet toStates() { return TO; }

  @Override
  public void before(RuleContext ctx) {
    State initial = ctx.initial();
    State proposed = ctx.proposed();
    if (proposed == null) {
      return;
    }
    String verb = PauseVerb.of(proposed);
    if (initial == null) {
      ctx.abort("Cannot " + verb + " flows with no state.");
      return;
    }
    if (initial.type() != StateType.RUNNING) {
      ctx.reject(null, "Cannot " + verb + " flows that are not currently running.");
      return;
    }
    FlowRunDraft run = ctx.flowRun();
    String key = proposed.details().pauseKey();
    if (key == null) {
      key = new UUID(ctx.random().nextLong() & 0xffffffffffff0fffL | 0x0000000000004000L,
          ctx.random().nextLong() & 0x3fffffffffffffffL | 0x8000000000000000L).toString();
    }
    if (run.policy().pauseKeys().contains(key)) {
      ctx.reject(null, "This " + verb + " has already fired.");
      return;
    }
    if (proposed.details().pauseReschedule()) {
      if (run.parentTaskRunId() != null) {
        ctx.abort("Cannot " + verb + " subflows.");
        return;
      }
      if (run.deploymentId() == null) {
        ctx.abort("Cannot " + verb + " flows without a deployment.");
        return;
      }
    }
    run.setPolicy(FlowPolicyEdits.addPauseKey(run.policy(), key));
  }
}
