package dev.baton.domain.command;

import com.fasterxml.jackson.databind.node.ObjectNode;
import java.util.List;
import java.util.UUID;

/**
 * {@code POST /api/deployments/{id}/create_flow_run}: what the caller overrides of the deployment
 * (null = the deployment's value, or the default).
 */
public record FlowRunFromDeployment(StateCreate state, String name, ObjectNode parameters, List<String> tags,
    String idempotencyKey, String workQueueName, ObjectNode jobVariables, ObjectNode labels, UUID parentTaskRunId) {}
