package dev.baton.orchestration;

import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.baton.domain.ApiVersion;
import dev.baton.domain.FlowRun;
import dev.baton.domain.Ids;
import dev.baton.domain.RunKind;
import dev.baton.domain.State;
import dev.baton.domain.StateType;
import dev.baton.domain.TaskRun;
import dev.baton.domain.command.FlowRunCreate;
import dev.baton.domain.command.StateCreate;
import dev.baton.domain.command.TaskRunCreate;
import dev.baton.orchestration.api.OrchestrationException;
import dev.baton.orchestration.api.OrchestrationFailure;
import dev.baton.persistence.FlowRunRepository;
import dev.baton.persistence.TaskRunRepository;
import io.vertx.core.Future;
import io.vertx.sqlclient.Pool;
import java.time.Instant;
import java.util.UUID;

/**
 * Creating a flow run or a task run: insert (or find the existing run for an idempotency key /
 * natural key), then — for a new run only — apply its initial state through orchestration with
 * {@code force} (minimal policy, or the background policy for deferred tasks), all in one
 * transaction.
 */
public final class RunCreation {
  /** A run and whether this request created it (201) or found it (200). */
  public record Created<T>(T run, boolean created) {}

  private final Pool pool;
  private final OrchestrationService service;
  private final FlowRunRepository flowRuns;
  private final TaskRunRepository taskRuns;

  public RunCreation(Pool pool, OrchestrationService service, FlowRunRepository flowRuns, TaskRunRepository taskRuns) {
    this.pool = pool;
    this.service = service;
    this.flowRuns = flowRuns;
    this.taskRuns = taskRuns;
  }

  public Future<Created<FlowRun>> createFlowRun(FlowRunCreate create, ApiVersion apiVersion) {
    if (create.workPoolName() != null) {
      // Baton has no work pools: any named pool is unknown
      return Future.failedFuture(new OrchestrationException(OrchestrationFailure.NOT_FOUND,
          "Work pool \"" + create.workPoolName() + "\" not found."));
    }
    Instant now = service.now();
    return pool.withTransaction(conn -> flowRuns.baseLabels(conn, create.flowId(), create.deploymentId())
        .compose(base -> {
          ObjectNode labels = JsonNodeFactory.instance.objectNode();
          if (base != null) {
            labels.setAll(base);
          }
          labels.put("prefect.flow.id", create.flowId().toString());
          if (create.deploymentId() != null && base != null) {
            labels.put("prefect.deployment.id", create.deploymentId().toString());
          }
          if (create.labels() != null) {
            labels.setAll(create.labels());
          }
          return flowRuns.insert(conn, create, labels);
        })
        .compose(inserted -> {
          if (!inserted.created()) {
            return flowRuns.get(conn, inserted.id(), now).map(r -> new Created<>(r, false));
          }
          StateCreate initial = create.state() == null ? StateCreate.of(StateType.PENDING) : create.state();
          State proposed = initial.toState(Ids.uuid7(), now);
          return service.orchestrate(conn, RunKind.FLOW_RUN, inserted.id(), proposed, true, apiVersion, null, now)
              .compose(o -> flowRuns.get(conn, inserted.id(), now))
              .map(r -> new Created<>(r, true));
        }));
  }

  public Future<Created<TaskRun>> createTaskRun(TaskRunCreate create) {
    Instant now = service.now();
    return pool.withTransaction(conn -> (create.flowRunId() == null
            ? Future.succeededFuture((ObjectNode) null)
            : flowRuns.labels(conn, create.flowRunId()))
        .compose(parentLabels -> {
          ObjectNode labels = JsonNodeFactory.instance.objectNode();
          if (parentLabels != null) {
            labels.setAll(parentLabels);
          }
          if (create.flowRunId() != null) {
            labels.put("prefect.flow-run.id", create.flowRunId().toString());
          }
          if (create.labels() != null) {
            labels.setAll(create.labels());
          }
          return taskRuns.insertIfAbsent(conn, create, labels);
        })
        .compose(inserted -> {
          if (!inserted.created()) {
            return taskRuns.get(conn, inserted.id(), now).map(r -> new Created<>(r, false));
          }
          StateCreate initial = create.state() == null ? StateCreate.of(StateType.PENDING) : create.state();
          State proposed = initial.toState(Ids.uuid7(), now);
          return service.orchestrate(conn, RunKind.TASK_RUN, inserted.id(), proposed, true, null, null, now)
              .compose(o -> taskRuns.get(conn, inserted.id(), now))
              .map(r -> new Created<>(r, true));
        }));
  }

}
