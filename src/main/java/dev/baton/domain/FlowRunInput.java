package dev.baton.domain;

import java.time.Instant;
import java.util.UUID;

/** One stored flow run input ({@code /flow_runs/{id}/input}): a key and its value as JSON text. */
public record FlowRunInput(UUID id, Instant created, Instant updated, UUID flowRunId, String key, String value,
    String sender) {}
