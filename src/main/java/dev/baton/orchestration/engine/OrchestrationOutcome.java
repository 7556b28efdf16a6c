package dev.baton.orchestration.engine;

import dev.baton.domain.OrchestrationDetails;
import dev.baton.domain.OrchestrationStatus;
import dev.baton.domain.State;
import java.util.List;
import java.util.Set;

/**
 * What the engine decided.
 *
 * @param state the state that now holds: the written state when {@code stateWritten}, otherwise the
 *     run's current state (or null)
 * @param stateWritten true when {@code state} is new and must be inserted
 * @param run the run row after all changes
 * @param effects further writes, in emission order (those of fizzled rules already dropped)
 * @param decidedBy the name of the last rule that changed status or details, or null when accepted
 *     untouched
 */
public record OrchestrationOutcome(
    State state,
    boolean stateWritten,
    OrchestrationStatus status,
    OrchestrationDetails details,
    RunDraft run,
    List<Effect> effects,
    String decidedBy) {

  /** True when every effect is covered by one of {@code writers}. */
  public boolean writtenBy(Set<Effect.Writer> writers) {
    for (Effect e : effects) {
      if (!writers.contains(e.writer())) {
        return false;
      }
    }
    return true;
  }

  /** True when some effect is covered by {@code writer}. */
  public boolean has(Effect.Writer writer) {
    for (Effect e : effects) {
      if (e.writer() == writer) {
        return true;
      }
    }
    return false;
  }
}
