package dev.baton.domain;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.time.Instant;
import java.util.List;
import java.util.UUID;

/**
 * A deployment, as far as run orchestration needs it (spec/api.md §9). {@code concurrencyLimitId}
 * links the v2 limit {@code deployment:<id>}; {@code concurrencyOptions} is
 * {@code {collision_strategy, grace_period_seconds}} or null.
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
    JsonNode concurrencyOptions) {}
