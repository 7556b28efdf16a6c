package dev.baton.domain;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.time.Instant;
import java.util.List;
import java.util.UUID;

/**
 * A flow run as read from the database (spec/api.md §2.8). The computed fields
 * ({@code estimated_run_time}, {@code estimated_start_time_delta}) are derived at serialization time.
 * {@code state} is the current state with its data, or null.
 */
public record FlowRun(
    UUID id,
    Instant created,
    Instant updated,
    String name,
    UUID flowId,
    UUID deploymentId,
    String deploymentVersion,
    String workQueueName,
    String workPoolName,
    String flowVersion,
    ObjectNode parameters,
    String idempotencyKey,
    ObjectNode context,
    FlowRunPolicy empiricalPolicy,
    List<String> tags,
    ObjectNode labels,
    UUID parentTaskRunId,
    UUID stateId,
    StateType stateType,
    String stateName,
    int runCount,
    Instant expectedStartTime,
    Instant nextScheduledStartTime,
    Instant startTime,
    Instant endTime,
    long totalRunTimeMicros,
    boolean autoScheduled,
    UUID infrastructureDocumentId,
    String infrastructurePid,
    JsonNode createdBy,
    JsonNode jobVariables,
    State state) {}
