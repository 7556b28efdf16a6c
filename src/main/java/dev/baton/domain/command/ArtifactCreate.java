package dev.baton.domain.command;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.Map;
import java.util.UUID;

/**
 * A validated {@code POST /api/artifacts/} body: {@code key} null makes a keyless artifact;
 * {@code data} null is JSON null; metadata values are already cut to Prefect's 500 characters.
 */
public record ArtifactCreate(String key, String type, String description, JsonNode data, Map<String, String> metadata,
    UUID flowRunId, UUID taskRunId) {}
