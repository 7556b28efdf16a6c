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

  /**
   * The same three in JSON, reachable cluster-wide ({@code dev.baton.orchestration.JsonBusVerticle},
   * docs/cluster.md): {@code {"task_run_id", "state", "force"}} → the REST body {@code {state,
   * status, details}}.
   */
  public static final String TASK_RUN_SET_STATE_JSON = TASK_RUN_SET_STATE + ".json";

  /** {@code {"flow_run_id", "state", "force"}} → {@code {state, status, details}}. */
  public static final String FLOW_RUN_SET_STATE_JSON = FLOW_RUN_SET_STATE + ".json";

  /** {@code {"flow_run_id", "run_input"}} → {@code {state, status, details}}. */
  public static final String FLOW_RUN_RESUME_JSON = FLOW_RUN_RESUME + ".json";
}
