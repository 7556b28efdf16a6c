package dev.baton.domain.command;

import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.baton.domain.FlowRunPolicy;
import java.util.List;
import java.util.UUID;

/**
 * {@code POST /api/deployments/{id}/create_flow_run}: what the caller overrides of the deployment
 * (null = the deployment's value, or the default). {@code parameters} are laid over the
 * deployment's, {@code tags} added to its tags; {@code context} and {@code empiricalPolicy} are the
 * run's own.
 */
public record FlowRunFromDeployment(StateCreate state, String name, ObjectNode parameters, List<String> tags,
    String idempotencyKey, String workQueueName, ObjectNode jobVariables, ObjectNode labels, UUID parentTaskRunId,
    ObjectNode context, FlowRunPolicy empiricalPolicy, UUID infrastructureDocumentId) {}
