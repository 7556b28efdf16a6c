package dev.baton.domain;

import com.fasterxml.jackson.databind.JsonNode;
import java.time.Instant;
import java.util.List;
import java.util.UUID;

/** A workspace variable (name → JSON value; {@code value} null means JSON null). */
public record Variable(UUID id, Instant created, Instant updated, String name, JsonNode value, List<String> tags) {}
