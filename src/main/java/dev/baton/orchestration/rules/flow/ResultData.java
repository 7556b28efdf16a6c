package dev.baton.orchestration.rules.flow;

import dev.baton.domain.State;
import dev.baton.domain.StateType;

/** The data-protection check shared by HandleFlowTerminalStateTransitions and PreventResultDataLoss. */
final class ResultData {
  static final String OVERWRITE_REASON =
      "Cannot overwrite a COMPLETED state that carries persisted result data with one that does not.";

  private ResultData() {}

  /** COMPLETED with a persisted result → COMPLETED without one. */
  static boolean wouldLoseResult(State initial, State proposed) {
    return initial.type() == StateType.COMPLETED && proposed.type() == StateType.COMPLETED
        && initial.hasPersistedResult() && !proposed.hasPersistedResult();
  }
}
