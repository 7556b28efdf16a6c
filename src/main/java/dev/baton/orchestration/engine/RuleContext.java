package dev.baton.orchestration.engine;

import dev.baton.domain.OrchestrationDetails;
import dev.baton.domain.OrchestrationStatus;
import dev.baton.domain.State;
import dev.baton.domain.StateDetails;
import dev.baton.domain.StateType;
import java.time.Instant;
import java.util.UUID;
import java.util.function.UnaryOperator;
import java.util.random.RandomGenerator;

/**
 * What a rule sees and may do during one orchestration call. The decision primitives act on behalf
 * of the rule whose hook is running (spec/orchestration.md §2.2).
 */
public interface RuleContext {

  /** The run's current state, or null when it has none. */
  State initial();

  /** The proposal as it stands now (after earlier rules), or null once nullified. */
  State proposed();

  /** The state that holds after validation; null before validation. */
  State validated();

  default StateType initialType() {
    State s = initial();
    return s == null ? null : s.type();
  }

  default StateType proposedType() {
    State s = proposed();
    return s == null ? null : s.type();
  }

  /** True when the proposal has been taken away (WAIT, ABORT, REJECT with no state, error). */
  default boolean isNullified() {
    return proposed() == null;
  }

  OrchestrationStatus status();

  OrchestrationDetails details();

  RunDraft run();

  /** The run as a flow run; fails for task runs. */
  default FlowRunDraft flowRun() {
    return (FlowRunDraft) run();
  }

  /** The run as a task run; fails for flow runs. */
  default TaskRunDraft taskRun() {
    return (TaskRunDraft) run();
  }

  Facts facts();

  OrchestrationSettings settings();

  Instant now();

  /** A new id for a state the server builds (time-ordered). */
  UUID newId();

  RandomGenerator random();

  /**
   * REJECT. With a replacement state, that state is written instead of the proposal; with null,
   * nothing is written and the current state is returned (an error when the run has no state).
   */
  void reject(State replacement, String reason);

  /** WAIT {@code seconds}: nothing is written. */
  default void delay(int seconds, String reason) {
    delay(seconds, reason, null);
  }

  /** WAIT {@code seconds} with a {@code retry_after} hint (seconds, may be null): nothing is written. */
  void delay(int seconds, String reason, Double retryAfter);

  /** ABORT: nothing is written. */
  void abort(String reason);

  /** Renames the proposal (no-op when nullified); never fizzles anything. */
  void rename(String name);

  /** Edits the proposal's state details (no-op when nullified); never fizzles anything. */
  void updateProposedDetails(UnaryOperator<StateDetails> change);

  /**
   * Replaces the proposal with a state of the same type (bookkeeping: e.g. a bumped timestamp).
   * Only for universal transforms.
   */
  void replaceProposed(State sameType);

  /** Records a write for the service; dropped if the emitting rule fizzles. */
  void emit(Effect effect);

  /** A state built by the server now, with a new id, the given type and name, default details. */
  default State newState(StateType type, String name, String message, StateDetails details) {
    return new State(newId(), type, name == null ? type.defaultName() : name, now(), message, null,
        details == null ? StateDetails.EMPTY : details);
  }
}
