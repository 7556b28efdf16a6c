package dev.baton.orchestration.creation;

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
import dev.baton.persistence.OrchestrationStore;
import dev.baton.persistence.TaskRunRepository;
import dev.baton.persistence.Transactions;
import dev.baton.persistence.Upserted;
import io.vertx.core.Future;
import io.vertx.sqlclient.Pool;
import io.vertx.sqlclient.SqlConnection;
import java.time.Instant;
import java.util.UUID;
import dev.baton.orchestration.run.Proposal;
import dev.baton.orchestration.run.RunOrchestrator;

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
  private final RunOrchestrator runs;

  public RunCreation(Pool pool, RunOrchestrator runs) {
    this.pool = pool;
    this.runs = runs;
  }

  public Future<Created<FlowRun>> createFlowRun(FlowRunCreate create, ApiVersion apiVersion) {
    Instant now = runs.now();
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
          Proposal p = Proposal.forced(RunKind.FLOW_RUN, inserted.value(), proposed, now).withApiVersion(apiVersion);
          return runs.lockAndOrchestrate(conn, p, RunOrchestrator.Ending.IN_TRANSACTION)
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

  /**
   * Three round trips for a new task run: BEGIN, the insert (labels inherited from the flow run
   * inside it) and the lock-and-load of the new row, pipelined; the initial state's write; the
   * read-back and COMMIT, pipelined. A run found by its natural key costs a few more.
   */
  public Future<Created<TaskRun>> createTaskRun(TaskRunCreate create) {
    Instant now = runs.now();
    UUID id = create.id() != null ? create.id() : Ids.uuid7();
    String name = create.name() == null || create.name().isEmpty() ? Names.slug() : create.name();
    StateCreate initial = create.state() == null ? StateCreate.of(StateType.PENDING) : create.state();
    State proposed = initial.toState(Ids.uuid7(), now);
    return Transactions.pipelined(pool, (conn, begun) -> {
      Future<Upserted<UUID>> inserted = TaskRunRepository.insertInheritingLabels(conn, id, create, name, create.labels());
      // null when the insert found an existing run by its natural key (under another id)
      Future<OrchestrationStore.LoadedRun> loaded = OrchestrationStore.lockTaskRun(conn, id, null, now);
      return Future.all(begun, inserted, loaded)
          .compose(all -> {
            Upserted<UUID> run = inserted.result();
            Proposal p = Proposal.forced(RunKind.TASK_RUN, id, proposed, now);
            Future<Boolean> created = run.created()
                ? RunOrchestrator.lockedOrReloaded(conn, p, loaded.result())
                    .compose(locked -> runs.orchestrateLocked(conn, p, locked, RunOrchestrator.Ending.IN_TRANSACTION))
                    .map(true)
                : Future.succeededFuture(false);
            return created.compose(isNew -> Transactions.commitBehind(conn, TaskRunRepository.get(conn, run.value()))
                .map(read -> new Created<>(read, isNew)));
          });
    });
  }

}
