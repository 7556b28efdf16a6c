package dev.baton.orchestration.group;

import dev.baton.orchestration.engine.OrchestrationOutcome;

/** What a set-state group decided for one of its proposals. */
sealed interface Verdict {
  /** Decided in the group and written by its transaction: the answer once it commits. */
  record Written(OrchestrationOutcome outcome) implements Verdict {}

  /** Left untouched by the group: orchestrated alone, in its own transaction, after the group. */
  record Alone() implements Verdict {}

  /** As {@link Alone}, trying the lock-free WAIT first (a contended tag limit). */
  record AloneWaitFirst() implements Verdict {}

  /** Refused without a write: the run does not exist, or the proposal's deadline passed. */
  record Failed(Throwable cause) implements Verdict {}

  Verdict ALONE = new Alone();
  Verdict ALONE_WAIT_FIRST = new AloneWaitFirst();
}
