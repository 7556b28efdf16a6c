package dev.baton.domain.command;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.util.List;
import java.util.UUID;

/** {@code POST /api/deployments/} body, as far as orchestration needs it (spec/api.md §9). */
public record DeploymentCreate(
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
    JsonNode concurrencyOptions) {}
