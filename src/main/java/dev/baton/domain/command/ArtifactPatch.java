package dev.baton.domain.command;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.Map;

/**
 * A validated {@code PATCH /api/artifacts/{id}} body: only the fields flagged present change (a
 * present null clears the field); an empty patch still touches {@code updated}, as in Prefect.
 */
public record ArtifactPatch(boolean hasData, JsonNode data, boolean hasDescription, String description,
    boolean hasMetadata, Map<String, String> metadata) {}
