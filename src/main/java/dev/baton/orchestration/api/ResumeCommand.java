package dev.baton.orchestration.api;

import com.fasterxml.jackson.databind.JsonNode;
import dev.baton.domain.ApiVersion;
import java.util.Objects;
import java.util.UUID;

/**
 * Resume a paused flow run ({@code POST /api/flow_runs/{id}/resume}).
 *
 * @param runInput the request's {@code run_input} object, or null
 */
public record ResumeCommand(UUID flowRunId, JsonNode runInput, ApiVersion apiVersion, String clientVersion) {
  public ResumeCommand {
    Objects.requireNonNull(flowRunId, "flowRunId");
  }
}
