package dev.baton.domain.command;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.baton.domain.FlowRunPolicy;
import java.util.List;
import java.util.UUID;

/**
 * {@code POST /api/flow_runs/} body (spec/api.md §4.2), validated. {@code name} null/empty means
 * "generate a slug"; {@code state} null means Pending. Labels here are the user's only; the system
 * labels are added by the service.
 */
public record FlowRunCreate(
    UUID flowId,
    String name,
    StateCreate state,
    String flowVersion,
    ObjectNode parameters,
    ObjectNode context,
    UUID parentTaskRunId,
    UUID infrastructureDocumentId,
    FlowRunPolicy empiricalPolicy,
    List<String> tags,
    ObjectNode labels,
    String idempotencyKey,
    String workPoolName,
    String workQueueName,
    JsonNode jobVariables,
    UUID deploymentId,
    JsonNode createdBy) {

  /** A run no one in particular creates ({@code created_by} null: the REST API's and the bus's). */
  public FlowRunCreate(UUID flowId, String name, StateCreate state, String flowVersion, ObjectNode parameters,
      ObjectNode context, UUID parentTaskRunId, UUID infrastructureDocumentId, FlowRunPolicy empiricalPolicy,
      List<String> tags, ObjectNode labels, String idempotencyKey, String workPoolName, String workQueueName,
      JsonNode jobVariables, UUID deploymentId) {
    this(flowId, name, state, flowVersion, parameters, context, parentTaskRunId, infrastructureDocumentId,
        empiricalPolicy, tags, labels, idempotencyKey, workPoolName, workQueueName, jobVariables, deploymentId, null);
  }

  /** This flow run with {@code labels} as its user labels. */
  public FlowRunCreate withLabels(ObjectNode labels) {
    return new FlowRunCreate(flowId, name, state, flowVersion, parameters, context, parentTaskRunId,
        infrastructureDocumentId, empiricalPolicy, tags, labels, idempotencyKey, workPoolName, workQueueName,
        jobVariables, deploymentId, createdBy);
  }

  /**
   * This flow run with its creator ({@code {"id", "type", "display_value"}}: an automation that
   * ran a deployment, as Prefect records it).
   */
  public FlowRunCreate withCreatedBy(JsonNode createdBy) {
    return new FlowRunCreate(flowId, name, state, flowVersion, parameters, context, parentTaskRunId,
        infrastructureDocumentId, empiricalPolicy, tags, labels, idempotencyKey, workPoolName, workQueueName,
        jobVariables, deploymentId, createdBy);
  }

  /**
   * A flow run of {@code flowId} with the REST API's defaults (no parameters, default policy, no
   * tags); {@code name} null = a generated slug, {@code state} null = Pending. For typed
   * event-bus callers.
   */
  public static FlowRunCreate of(UUID flowId, String name, StateCreate state) {
    com.fasterxml.jackson.databind.node.JsonNodeFactory f = com.fasterxml.jackson.databind.node.JsonNodeFactory.instance;
    return new FlowRunCreate(flowId, name, state, null, f.objectNode(), f.objectNode(), null, null,
        FlowRunPolicy.DEFAULT, List.of(), f.objectNode(), null, null, null, null, null);
  }
}
