package dev.baton.service;

import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.baton.domain.ApiVersion;
import dev.baton.domain.Deployment;
import dev.baton.domain.DeploymentWithLimit;
import dev.baton.domain.FlowRun;
import dev.baton.domain.FlowRunPolicy;
import dev.baton.domain.StateType;
import dev.baton.domain.command.DeploymentCreate;
import dev.baton.domain.command.FlowRunCreate;
import dev.baton.domain.command.FlowRunFromDeployment;
import dev.baton.domain.command.StateCreate;
import dev.baton.orchestration.api.CreateFlowRunCommand;
import dev.baton.orchestration.api.Deadline;
import dev.baton.orchestration.api.RunCommands;
import dev.baton.orchestration.api.CreatedRun;
import dev.baton.persistence.DeploymentConcurrency;
import dev.baton.persistence.DeploymentRepository;
import io.vertx.core.Future;
import io.vertx.sqlclient.Pool;
import dev.baton.filter.Filters;
import dev.baton.persistence.filter.FilterSql;
import java.util.List;
import java.util.Map;
import java.util.UUID;

/**
 * Deployments as far as orchestration needs them (spec/api.md §9): upsert, read (by id or by
 * flow and deployment name), PATCH, delete, create a flow run — {@code concurrency_limit} kept as
 * the v2 limit {@code deployment:<id>} in the same transaction as the deployment.
 */
public final class Deployments {
  public static final String NOT_FOUND = "Deployment not found";
  /** The PATCH key that is synced to the linked limit rather than written as a column. */
  static final String CONCURRENCY_LIMIT = "concurrency_limit";

  /** A saved deployment and whether this call created it. */
  public record Saved(DeploymentWithLimit deployment, boolean created) {}

  private final Pool pool;
  private final RunCommands runs;

  public Deployments(Pool pool, RunCommands runs) {
    this.pool = pool;
    this.runs = runs;
  }

  /** Creates or replaces (by flow and name), with its limit, in one transaction. */
  public Future<Saved> upsert(DeploymentCreate body) {
    return pool.withTransaction(c -> DeploymentRepository.upsert(c, body)
        .compose(up -> DeploymentConcurrency.sync(c, up.value().id(), up.value().concurrencyLimitId(), body.concurrencyLimit())
            .compose(v -> DeploymentConcurrency.get(c, up.value().id()))
            .map(w -> new Saved(domain(w), up.created()))));
  }

  /** NOT_FOUND when there is no such deployment. */
  public Future<DeploymentWithLimit> get(UUID id) {
    return Found.orNotFound(DeploymentConcurrency.get(pool, id), NOT_FOUND).map(Deployments::domain);
  }

  /** Deployments the filter matches, with their limits. */
  public Future<List<DeploymentWithLimit>> list(Filters.ListRequest<Filters.DeploymentSort> q) {
    FilterSql.Where w = FilterSql.deployments(q.filter(), "deployment", 1);
    return DeploymentConcurrency.list(pool, w.sql(), w.params(), FilterSql.orderBy(q.sort(), "deployment"), q.limit(),
        q.offset()).map(l -> l.stream().map(Deployments::domain).toList());
  }

  /** The page and the total the filter matches, read concurrently. */
  public Future<Page<DeploymentWithLimit>> page(Filters.ListRequest<Filters.DeploymentSort> q) {
    return Page.of(list(q), count(q.filter()));
  }

  public Future<Long> count(Filters.Query q) {
    FilterSql.Where w = FilterSql.deployments(q, "deployment", 1);
    return DeploymentRepository.count(pool, w.sql(), w.params());
  }

  /** {@code run_deployment("flow/deployment")}'s lookup; NOT_FOUND when there is no such deployment. */
  public Future<DeploymentWithLimit> byName(String flowName, String deploymentName) {
    return Found.orNotFound(DeploymentRepository.idByName(pool, flowName, deploymentName), NOT_FOUND).compose(this::get);
  }

  /**
   * Writes the present columns ({@code present}: PATCH key → decoded value; {@code concurrency_limit}
   * syncs the linked limit), in one transaction. NOT_FOUND when there is no such deployment.
   */
  public Future<Void> update(UUID id, Map<String, Object> present) {
    return Found.touched(pool.withTransaction(c -> DeploymentRepository.get(c, id).compose(d -> {
      if (d == null) {
        return Future.succeededFuture(false);
      }
      return DeploymentConcurrency.patch(c, id, present)
          .compose(ok -> present.containsKey(CONCURRENCY_LIMIT)
              ? DeploymentConcurrency.sync(c, id, d.concurrencyLimitId(), (Integer) present.get(CONCURRENCY_LIMIT))
              : Future.succeededFuture())
          .map(v -> true);
    })), NOT_FOUND);
  }

  /** Deletes the deployment and the limit it owns, in one transaction; NOT_FOUND when there is no such deployment. */
  public Future<Void> delete(UUID id) {
    return Found.touched(pool.withTransaction(c -> DeploymentRepository.get(c, id).compose(d -> d == null
        ? Future.succeededFuture(false)
        : DeploymentConcurrency.sync(c, id, d.concurrencyLimitId(), null).compose(v -> DeploymentRepository.delete(c, id)))),
        NOT_FOUND);
  }

  /**
   * A flow run of the deployment, through run creation (orchestration of its initial state);
   * NOT_FOUND when there is no such deployment.
   */
  public Future<CreatedRun<FlowRun>> createFlowRun(UUID deploymentId, FlowRunFromDeployment b, ApiVersion apiVersion) {
    return Found.orNotFound(DeploymentRepository.get(pool, deploymentId), NOT_FOUND)
        .map(d -> {
          FlowRunCreate c = flowRunCreate(d, b);
          return c.labels() != null ? c : c.withLabels(JsonNodeFactory.instance.objectNode()); // none given: none added
        })
        .compose(c -> runs.createFlowRun(new CreateFlowRunCommand(c, apiVersion, Deadline.NONE)));
  }

  /**
   * The run {@code b} asks for of deployment {@code d}: its parameters over the deployment's, the
   * deployment's tags and then its own (Prefect takes their union), its work queue when given, else
   * the deployment's; its context, policy and infrastructure document; SCHEDULED unless a state is
   * given.
   */
  static FlowRunCreate flowRunCreate(Deployment d, FlowRunFromDeployment b) {
    ObjectNode params = d.parameters() == null ? JsonNodeFactory.instance.objectNode() : d.parameters().deepCopy();
    if (b.parameters() != null) {
      params.setAll(b.parameters());
    }
    java.util.LinkedHashSet<String> tags = new java.util.LinkedHashSet<>(d.tags() == null ? List.of() : d.tags());
    if (b.tags() != null) {
      tags.addAll(b.tags());
    }
    StateCreate state = b.state() != null ? b.state() : StateCreate.of(StateType.SCHEDULED);
    return new FlowRunCreate(d.flowId(), b.name(), state, null, params,
        b.context() == null ? JsonNodeFactory.instance.objectNode() : b.context(), b.parentTaskRunId(),
        b.infrastructureDocumentId(), b.empiricalPolicy() == null ? FlowRunPolicy.DEFAULT : b.empiricalPolicy(),
        List.copyOf(tags), b.labels(), b.idempotencyKey(), null,
        b.workQueueName() != null ? b.workQueueName() : d.workQueueName(), b.jobVariables(), d.id());
  }

  private static DeploymentWithLimit domain(DeploymentConcurrency.WithLimit w) {
    return new DeploymentWithLimit(w.deployment(), w.limit());
  }
}
