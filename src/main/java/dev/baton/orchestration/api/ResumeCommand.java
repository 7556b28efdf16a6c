package dev.baton.orchestration.api;

import com.fasterxml.jackson.databind.JsonNode;
import dev.baton.domain.ApiVersion;
import java.util.Objects;
import java.util.UUID;

/**
 * Resume a paused flow run ({@code POST /api/flow_runs/{id}/resume}).
 *
 * @param runInput the request's {@code run_input} object, or null
 * @param deadlineNanos past it the resume is refused, nothing written ({@link Deadline}; 0 = none)
 */
public record ResumeCommand(UUID flowRunId, JsonNode runInput, ApiVersion apiVersion, String clientVersion,
    long deadlineNanos) {
  public ResumeCommand {
    Objects.requireNonNull(flowRunId, "flowRunId");
  }

  /** Without a deadline. */
  public ResumeCommand(UUID flowRunId, JsonNode runInput, ApiVersion apiVersion, String clientVersion) {
    this(flowRunId, runInput, apiVersion, clientVersion, Deadline.NONE);
  }

  public ResumeCommand withDeadline(long nanos) {
    return new ResumeCommand(flowRunId, runInput, apiVersion, clientVersion, nanos);
  }

  public boolean deadlinePassed() {
    return Deadline.passed(deadlineNanos);
  }
}
