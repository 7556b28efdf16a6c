package dev.baton.events;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.baton.domain.Event;
import dev.baton.domain.StateDetails;
import dev.baton.domain.StateType;
import dev.baton.domain.TaskRunPolicy;
import java.time.Instant;
import java.util.List;
import java.util.UUID;

/**
 * What a client-orchestrated {@code prefect.task-run.*} event says about its task run: the run as
 * the client holds it ({@code payload.task_run}, id from the resource, flow run from the related
 * {@code flow-run} resource) and the state it entered ({@code payload.validated_state}, whose id
 * is the event id and whose timestamp is {@code occurred}) — the facts Prefect's task-run recorder
 * takes from the same event.
 */
public record TaskRunEvent(
    Event event,
    UUID taskRunId,
    UUID flowRunId,
    String name,
    String taskKey,
    String dynamicKey,
    String cacheKey,
    Instant cacheExpiration,
    String taskVersion,
    TaskRunPolicy empiricalPolicy,
    List<String> tags,
    ObjectNode labels,
    ObjectNode taskInputs,
    int runCount,
    int flowRunRunCount,
    Instant expectedStartTime,
    Instant nextScheduledStartTime,
    Instant startTime,
    Instant endTime,
    long totalRunTimeMicros,
    StateType stateType,
    String stateName,
    String stateMessage,
    StateDetails stateDetails,
    JsonNode stateData) {

  /** The state's id: the event's. */
  public UUID stateId() {
    return event.id();
  }

  /** The state's timestamp: when the event occurred. */
  public Instant stateTimestamp() {
    return event.occurred();
  }

  /** The same facts for another task-run id (a natural key already stored under that id). */
  public TaskRunEvent withTaskRunId(UUID id) {
    return new TaskRunEvent(event, id, flowRunId, name, taskKey, dynamicKey, cacheKey, cacheExpiration, taskVersion,
        empiricalPolicy, tags, labels, taskInputs, runCount, flowRunRunCount, expectedStartTime,
        nextScheduledStartTime, startTime, endTime, totalRunTimeMicros, stateType, stateName, stateMessage,
        stateDetails.toBuilder().taskRunId(id).build(), stateData);
  }
}
