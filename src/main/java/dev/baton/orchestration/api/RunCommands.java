package dev.baton.orchestration.api;

import dev.baton.domain.Flow;
import dev.baton.domain.FlowRun;
import dev.baton.domain.TaskRun;
import io.vertx.core.Future;
import java.util.UUID;

/**
 * What a worker needs around set-state and resume: create flows and runs, read runs and their
 * state histories. Served once, by orchestration, for the HTTP routes and for the event-bus API
 * (whose typed client, {@link OrchestrationClient}, offers the same calls to other verticles).
 * Expected failures are {@link OrchestrationException}s.
 */
public interface RunCommands {
  /** A flow by its name, created when there is none ({@code created} false when found). */
  Future<CreatedRun<Flow>> createFlow(CreateFlowCommand cmd);

  /** A flow run, inserted or found by its idempotency key; a new one gets its initial state through orchestration. */
  Future<CreatedRun<FlowRun>> createFlowRun(CreateFlowRunCommand cmd);

  /** A task run, inserted or found by its id or natural key; a new one gets its initial state through orchestration. */
  Future<CreatedRun<TaskRun>> createTaskRun(CreateTaskRunCommand cmd);

  /** NOT_FOUND ("Flow run not found") when there is none. */
  Future<FlowRun> readFlowRun(UUID id);

  /** NOT_FOUND ("Task run not found") when there is none. */
  Future<TaskRun> readTaskRun(UUID id);

  /** The run's states, oldest first (empty for an unknown run). */
  Future<StateHistory> flowRunStates(UUID id);

  /** The run's states, oldest first (empty for an unknown run). */
  Future<StateHistory> taskRunStates(UUID id);
}
