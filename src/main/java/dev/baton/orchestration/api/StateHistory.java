package dev.baton.orchestration.api;

import dev.baton.domain.State;
import java.util.List;

/** The states of one run, oldest first (empty when the run does not exist, as over REST). */
public record StateHistory(List<State> states) {
  public StateHistory {
    states = List.copyOf(states);
  }
}
