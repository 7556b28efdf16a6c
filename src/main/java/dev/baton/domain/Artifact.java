package dev.baton.domain;

import com.fasterxml.jackson.databind.JsonNode;
import java.time.Instant;
import java.util.Map;
import java.util.UUID;

/**
 * One artifact (one version of a key, or a keyless artifact). {@code data} null means none (JSON
 * null); {@code metadata} null means none.
 */
public record Artifact(UUID id, Instant created, Instant updated, String key, String type, String description,
    JsonNode data, Map<String, String> metadata, UUID flowRunId, UUID taskRunId) {}
