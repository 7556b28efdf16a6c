package dev.baton.wire;

import static dev.baton.wire.Types.*;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.baton.domain.FlowRunPolicy;
import dev.baton.domain.command.StateCreate;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;

/** {@code PATCH /deployments/{id}} and {@code POST /deployments/{id}/create_flow_run} bodies. */
public final class DeploymentBodies {
  private DeploymentBodies() {}

  /** Only the keys present in the body; values already validated (JSON null allowed where Prefect allows it). */
  public record DeploymentUpdate(Map<String, Object> present) {
    public boolean has(String key) {
      return present.containsKey(key);
    }

    @SuppressWarnings("unchecked")
    public <T> T get(String key) {
      return (T) present.get(key);
    }
  }

  private static final String[] WRITABLE = {"version", "description", "paused", "schedules", "tags", "labels",
      "parameters", "work_pool_name", "work_queue_name", "concurrency_limit", "concurrency_options",
      "parameter_openapi_schema", "path", "job_variables", "pull_steps", "entrypoint", "storage_document_id",
      "infrastructure_document_id", "enforce_parameter_schema", "version_info"};

  static final Model<DeploymentUpdate> UPDATE = Model.<DeploymentUpdate>forbid("DeploymentUpdate")
      .opt("version", STR.nullable())
      .opt("version_info", Bodies.VERSION_INFO.nullable())
      .opt("description", STR.nullable())
      .opt("paused", BOOL.nullable())
      .opt("schedules", ScheduleBodies.SCHEDULE_UPDATES.nullable())
      .opt("concurrency_limit", range(INT32, 0, null).nullable())
      .opt("concurrency_options", Bodies.CONCURRENCY_OPTIONS.nullable())
      .opt("global_concurrency_limit_id", UUID_T.nullable())
      .opt("parameters", OBJECT.nullable())
      .opt("parameter_openapi_schema", Bodies.PARAMETER_SCHEMA)
      .opt("tags", STR_LIST.nullable())
      .opt("labels", LABELS.nullable())
      .opt("work_queue_name", STR.nullable())
      .opt("work_pool_name", STR.nullable())
      .opt("path", STR.nullable())
      .opt("job_variables", OBJECT.nullable())
      .opt("pull_steps", Bodies.PULL_STEPS.nullable())
      .opt("entrypoint", STR.nullable())
      .opt("storage_document_id", UUID_T.nullable())
      .opt("infrastructure_document_id", UUID_T.nullable())
      .opt("enforce_parameter_schema", BOOL.nullable())
      .validate(v -> v.get("concurrency_limit") != null && v.get("global_concurrency_limit_id") != null
          ? "A deployment cannot have both a concurrency limit and a global concurrency limit." : null)
      .build(v -> {
        Map<String, Object> m = new LinkedHashMap<>();
        for (String k : WRITABLE) {
          if (v.has(k)) {
            m.put(k, v.get(k));
          }
        }
        return new DeploymentUpdate(m);
      });

  /** {@code POST /deployments/get_scheduled_flow_runs}. */
  public record ScheduledRunsQuery(List<UUID> deploymentIds, java.time.Instant scheduledBefore, int limit) {}

  private static final Model<ScheduledRunsQuery> SCHEDULED_RUNS = Model.<ScheduledRunsQuery>embedded("get_scheduled_flow_runs")
      .req("deployment_ids", list(UUID_T))
      .opt("scheduled_before", DATETIME.nullable().map(Times::micros))
      .opt("limit", ANY)
      .build(v -> new ScheduledRunsQuery(v.get("deployment_ids"), v.get("scheduled_before"), 0));

  /** The limit rule is the filter endpoints' (absent ⇒ {@code maxLimit}, out of range ⇒ a detail 422). */
  public static Decoded<ScheduledRunsQuery> scheduledRuns(JsonNode body, int maxLimit) {
    Ctx c = new Ctx("body");
    FilterBodies.Limit lim = FilterBodies.limit(body, maxLimit, c);
    if (lim.detail() != null) {
      return Decoded.detail(lim.detail());
    }
    ScheduledRunsQuery q = SCHEDULED_RUNS.decode(body, c);
    if (!c.ok()) {
      return Decoded.invalid(c.errors());
    }
    return Decoded.ok(new ScheduledRunsQuery(q.deploymentIds(), q.scheduledBefore(), lim.value()));
  }

  /** {@code POST /deployments/{id}/schedule}: every field optional ({@code min_time} in float seconds). */
  public record ScheduleRequest(java.time.Instant startTime, java.time.Instant endTime, Double minTimeSeconds,
      Integer minRuns, Integer maxRuns) {}

  private static final Model<ScheduleRequest> SCHEDULE_REQUEST = Model.<ScheduleRequest>embedded("schedule_deployment")
      .opt("start_time", DATETIME.map(Times::micros))
      .opt("end_time", DATETIME.map(Times::micros))
      .opt("min_time", FLOAT)
      .opt("min_runs", INT32)
      .opt("max_runs", INT32)
      .build(v -> new ScheduleRequest(v.get("start_time"), v.get("end_time"), v.get("min_time"), v.get("min_runs"),
          v.get("max_runs")));

  public static Decoded<ScheduleRequest> scheduleRequest(JsonNode body) {
    return SCHEDULE_REQUEST.decodeBody(body);
  }

  /**
   * create_flow_run: Prefect's DeploymentFlowRunCreate (field order, nullability and defaults).
   * {@code enforce_parameter_schema} is accepted and not acted on (deployments keep no parameter
   * schema yet).
   */
  public record FlowRunFromDeployment(StateCreate state, String name, ObjectNode parameters, List<String> tags,
      String idempotencyKey, String workQueueName, ObjectNode jobVariables, ObjectNode labels, UUID parentTaskRunId,
      ObjectNode context, FlowRunPolicy empiricalPolicy, UUID infrastructureDocumentId) {}

  private static Model<FlowRunFromDeployment> createFlowRun(long maxParameterBytes) {
    return Model.<FlowRunFromDeployment>forbid("DeploymentFlowRunCreate")
        .opt("state", Bodies.STATE_CREATE.nullable())
        .opt("name", STR.nullable())
        .opt("parameters", Bodies.parameters(maxParameterBytes))
        .opt("enforce_parameter_schema", BOOL.nullable())
        .opt("context", OBJECT)
        .opt("infrastructure_document_id", UUID_T.nullable())
        .opt("empirical_policy", Bodies.FLOW_RUN_POLICY, FlowRunPolicy.DEFAULT)
        .opt("tags", STR_LIST, List.of())
        .opt("idempotency_key", STR.nullable())
        .opt("labels", LABELS.nullable())
        .opt("parent_task_run_id", UUID_T.nullable())
        .opt("work_queue_name", STR.nullable())
        .opt("job_variables", OBJECT.nullable())
        .build(v -> new FlowRunFromDeployment(v.get("state"), v.get("name"), v.get("parameters"), v.get("tags"),
            v.get("idempotency_key"), v.get("work_queue_name"), v.get("job_variables"), v.get("labels"),
            v.get("parent_task_run_id"), v.get("context", Bodies.emptyObject()), v.get("empirical_policy"),
            v.get("infrastructure_document_id")));
  }

  private static final Model<FlowRunFromDeployment> CREATE_FLOW_RUN = createFlowRun(Bodies.DEFAULT_MAX_PARAMETER_BYTES);

  public static Decoded<DeploymentUpdate> update(JsonNode body) {
    return UPDATE.decodeBody(body);
  }

  /**
   * An empty body is an empty DeploymentFlowRunCreate.
   *
   * @param maxParameterBytes PREFECT_SERVER_API_MAX_PARAMETER_SIZE; 0 = unlimited
   */
  public static Decoded<FlowRunFromDeployment> createFlowRun(JsonNode body, long maxParameterBytes) {
    if (body == null || body.isNull()) {
      body = com.fasterxml.jackson.databind.node.JsonNodeFactory.instance.objectNode();
    }
    return (maxParameterBytes == Bodies.DEFAULT_MAX_PARAMETER_BYTES ? CREATE_FLOW_RUN : createFlowRun(maxParameterBytes))
        .decodeBody(body);
  }
}
