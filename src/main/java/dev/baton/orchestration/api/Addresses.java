package dev.baton.orchestration.api;

/** Event-bus addresses of the orchestration verticle, defined once. */
public final class Addresses {
  private Addresses() {}

  /** Typed {@link SetStateCommand} for a task run → {@link OrchestrationResult}. */
  public static final String TASK_RUN_SET_STATE = "baton.orchestration.task-run.set-state";

  /** Typed {@link SetStateCommand} for a flow run → {@link OrchestrationResult}. */
  public static final String FLOW_RUN_SET_STATE = "baton.orchestration.flow-run.set-state";

  /** Typed {@link ResumeCommand} → {@link OrchestrationResult}. */
  public static final String FLOW_RUN_RESUME = "baton.orchestration.flow-run.resume";
}
