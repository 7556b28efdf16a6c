package dev.baton.orchestration.rules.flow;

import dev.baton.domain.State;

/** "suspend" for a proposal named "Suspended", else "pause": the wording of pause-related reasons. */
final class PauseVerb {
  private PauseVerb() {}

  static String of(State proposed) {
    return "Suspended".equals(proposed.name()) ? "suspend" : "pause";
  }
}
