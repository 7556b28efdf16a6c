package dev.baton.orchestration.engine;

/** An entry of a policy: an ordinary {@link Rule} or a {@link UniversalTransform}. */
public sealed interface PolicyStep permits Rule, UniversalTransform {

  /** The spec's name of the rule, e.g. {@code RetryFailedTasks}. */
  default String name() {
    return getClass().getSimpleName();
  }
}
