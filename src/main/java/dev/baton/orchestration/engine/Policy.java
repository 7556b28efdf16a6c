package dev.baton.orchestration.engine;

import java.util.List;

/** An ordered, immutable list of rules and universal transforms. */
public record Policy(String name, List<PolicyStep> steps) {
  public Policy {
    steps = List.copyOf(steps);
  }

  public static Policy of(String name, PolicyStep... steps) {
    return new Policy(name, List.of(steps));
  }

  public boolean contains(Class<? extends PolicyStep> type) {
    return steps.stream().anyMatch(type::isInstance);
  }
}
