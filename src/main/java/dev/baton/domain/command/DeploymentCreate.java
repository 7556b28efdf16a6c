package dev.baton.domain.command;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.util.List;
import java.util.Set;
import java.util.UUID;

/**
 * {@code POST /api/deployments/} body (DeploymentCreate). {@code present} holds the keys the body
 * gave: an upsert onto an existing deployment writes only those (Prefect's {@code exclude_unset});
 * a new one takes the defaults for the rest. {@code schedules} replace the deployment's (absent = none).
 */
public record DeploymentCreate(
    String name,
    UUID flowId,
    String version,
    String description,
    boolean paused,
    List<String> tags,
    ObjectNode labels,
    ObjectNode parameters,
    String workPoolName,
    String workQueueName,
    Integer concurrencyLimit,
    JsonNode concurrencyOptions,
    List<ScheduleCreate> schedules,
    String path,
    String entrypoint,
    JsonNode pullSteps,
    ObjectNode jobVariables,
    JsonNode parameterOpenapiSchema,
    boolean enforceParameterSchema,
    JsonNode versionInfo,
    UUID storageDocumentId,
    UUID infrastructureDocumentId,
    Set<String> present) {

  /** Every field given (no schedules, Prefect's defaults for the newer fields). */
  public DeploymentCreate(String name, UUID flowId, String version, String description, boolean paused,
      List<String> tags, ObjectNode labels, ObjectNode parameters, String workPoolName, String workQueueName,
      Integer concurrencyLimit, JsonNode concurrencyOptions) {
    this(name, flowId, version, description, paused, tags, labels, parameters, workPoolName, workQueueName,
        concurrencyLimit, concurrencyOptions, List.of(), null, null, null, null, null, true, null, null, null,
        Set.of("name", "flow_id", "version", "description", "paused", "tags", "labels", "parameters", "work_pool_name",
            "work_queue_name", "concurrency_limit", "concurrency_options"));
  }

  public boolean has(String key) {
    return present.contains(key);
  }
}
