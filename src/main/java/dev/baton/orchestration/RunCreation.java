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
import dev.baton.domain.Deployment;
import dev.baton.domain.Names;
import dev.baton.persistence.DeploymentRepository;
import dev.baton.persistence.FlowRepository;
import dev.baton.persistence.FlowRunRepository;
import dev.baton.persistence.TaskRunRepository;
import io.vertx.core.Future;
import io.vertx.sqlclient.Pool;
import io.vertx.sqlclient.SqlConnection;
import java.time.Instant;

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

  public RunCreation(Pool pool, OrchestrationService service) {
    this.pool = pool;
    this.service = service;
  }

  public Future<Created<FlowRun>> createFlowRun(FlowRunCreate create, ApiVersion apiVersion) {
    Instant now = service.now();
    return pool.withTransaction(conn -> baseLabels(conn, create)
        .compose(base -> {
          ObjectNode labels = JsonNodeFactory.instance.objectNode();
          labels.setAll(base.labels());
          labels.put("prefect.flow.id", create.flowId().toString());
          if (base.deployment() != null) {
            labels.put("prefect.deployment.id", create.deploymentId().toString());
          }
          if (create.labels() != null) {
            labels.setAll(create.labels());
          }
          String name = create.name() == null || create.name().isEmpty() ? Names.slug() : create.name();
          return FlowRunRepository.insert(conn, create, name, labels,
              base.deployment() == null ? null : base.deployment().version());
        })
        .compose(inserted -> {
          if (!inserted.created()) {
            return FlowRunRepository.get(conn, inserted.value()).map(r -> new Created<>(r, false));
          }
          StateCreate initial = create.state() == null ? StateCreate.of(StateType.PENDING) : create.state();
          State proposed = initial.toState(Ids.uuid7(), now);
          return service.orchestrate(conn, RunKind.FLOW_RUN, inserted.value(), proposed, true, apiVersion, null, now)
              .compose(o -> FlowRunRepository.get(conn, inserted.value()))
              .map(r -> new Created<>(r, true));
        }));
  }

  /** Labels a new flow run inherits: its deployment's when it has one, else its flow's. */
  private record Base(ObjectNode labels, Deployment deployment) {}

  private static Future<Base> baseLabels(SqlConnection conn, FlowRunCreate create) {
    Future<Deployment> dep = create.deploymentId() == null
        ? Future.succeededFuture(null)
        : DeploymentRepository.get(conn, create.deploymentId());
    return dep.compose(d -> {
      if (d != null) {
        return Future.succeededFuture(new Base(d.labels() == null ? JsonNodeFactory.instance.objectNode() : d.labels(), d));
      }
      return FlowRepository.get(conn, create.flowId()).map(f -> new Base(
          f == null || f.labels() == null ? JsonNodeFactory.instance.objectNode() : f.labels(), null));
    });
  }

  public Future<Created<TaskRun>> createTaskRun(TaskRunCreate create) {
    Instant now = service.now();
    return pool.withTransaction(conn -> (create.flowRunId() == null
            ? Future.succeededFuture((ObjectNode) null)
            : FlowRunRepository.get(conn, create.flowRunId()).map(r -> r == null ? null : r.labels()))
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
          String name = create.name() == null || create.name().isEmpty() ? Names.slug() : create.name();
          return TaskRunRepository.insertIfAbsent(conn, create, name, labels);
        })
        .compose(inserted -> {
          if (!inserted.created()) {
            return TaskRunRepository.get(conn, inserted.value()).map(r -> new Created<>(r, false));
          }
          StateCreate initial = create.state() == null ? StateCreate.of(StateType.PENDING) : create.state();
          State proposed = initial.toState(Ids.uuid7(), now);
          return service.orchestrate(conn, RunKind.TASK_RUN, inserted.value(), proposed, true, null, null, now)
              .compose(o -> TaskRunRepository.get(conn, inserted.value()))
              .map(r -> new Created<>(r, true));
        }));
  }

}
