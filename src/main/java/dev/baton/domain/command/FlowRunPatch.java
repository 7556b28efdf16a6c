package dev.baton.domain.command;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.baton.domain.FlowRunPolicy;
import java.util.List;
import java.util.Optional;

/**
 * {@code PATCH /api/flow_runs/{id}}: a field that is null was not sent (left unchanged); a sent
 * {@code null} is {@code Optional.empty()} — for {@code name} that means "give the run a new slug".
 */
public record FlowRunPatch(
    Optional<String> name,
    Optional<String> flowVersion,
    Optional<ObjectNode> parameters,
    Optional<FlowRunPolicy> empiricalPolicy,
    Optional<List<String>> tags,
    Optional<String> infrastructurePid,
    Optional<JsonNode> jobVariables) {}
