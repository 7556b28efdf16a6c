package dev.baton.domain;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.time.Instant;
import java.util.List;
import java.util.UUID;

/**
 * A deployment as Prefect stores it (dispatch.md §1.2). {@code concurrencyLimitId} links the v2
 * limit {@code deployment:<id>}; {@code concurrencyOptions} is {@code {collision_strategy,
 * grace_period_seconds}} or null; {@code schedules} newest-updated first; {@code workQueueId} is
 * the work-pool linkage's (null until work pools assign one).
 */
public record Deployment(
    UUID id,
    Instant created,
    Instant updated,
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
    UUID concurrencyLimitId,
    JsonNode concurrencyOptions,
    String path,
    String entrypoint,
    JsonNode pullSteps,
    ObjectNode jobVariables,
    JsonNode parameterOpenapiSchema,
    boolean enforceParameterSchema,
    JsonNode versionInfo,
    UUID storageDocumentId,
    UUID infrastructureDocumentId,
    DeploymentStatus status,
    Instant lastPolled,
    JsonNode createdBy,
    JsonNode updatedBy,
    UUID workQueueId,
    List<DeploymentSchedule> schedules) {

  /** The fields orchestration reads, the rest at their defaults (tests, run creation). */
  public Deployment(UUID id, Instant created, Instant updated, String name, UUID flowId, String version,
      String description, boolean paused, List<String> tags, ObjectNode labels, ObjectNode parameters,
      String workPoolName, String workQueueName, Integer concurrencyLimit, UUID concurrencyLimitId,
      JsonNode concurrencyOptions) {
    this(id, created, updated, name, flowId, version, description, paused, tags, labels, parameters, workPoolName,
        workQueueName, concurrencyLimit, concurrencyLimitId, concurrencyOptions, null, null, null, null, null, true,
        null, null, null, DeploymentStatus.NOT_READY, null, null, null, null, List.of());
  }

  /** This deployment with {@code schedules}. */
  public Deployment withSchedules(List<DeploymentSchedule> s) {
    return new Deployment(id, created, updated, name, flowId, version, description, paused, tags, labels, parameters,
        workPoolName, workQueueName, concurrencyLimit, concurrencyLimitId, concurrencyOptions, path, entrypoint,
        pullSteps, jobVariables, parameterOpenapiSchema, enforceParameterSchema, versionInfo, storageDocumentId,
        infrastructureDocumentId, status, lastPolled, createdBy, updatedBy, workQueueId, List.copyOf(s));
  }
}
