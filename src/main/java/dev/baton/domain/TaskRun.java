package dev.baton.domain;

import com.fasterxml.jackson.databind.node.ObjectNode;
import java.time.Instant;
import java.util.List;
import java.util.UUID;

/** A task run as read from the database (spec/api.md §2.9). {@code state} may be null. */
public record TaskRun(
    UUID id,
    Instant created,
    Instant updated,
    String name,
    UUID flowRunId,
    String taskKey,
    String dynamicKey,
    String cacheKey,
    Instant cacheExpiration,
    String taskVersion,
    TaskRunPolicy empiricalPolicy,
    List<String> tags,
    ObjectNode labels,
    ObjectNode taskInputs,
    UUID stateId,
    StateType stateType,
    String stateName,
    int runCount,
    int flowRunRunCount,
    Instant expectedStartTime,
    Instant nextScheduledStartTime,
    Instant startTime,
    Instant endTime,
    long totalRunTimeMicros,
    State state) {}
