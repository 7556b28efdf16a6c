package dev.baton.orchestration.api;

import dev.baton.domain.ApiVersion;
import dev.baton.domain.command.FlowRunCreate;
import java.util.Objects;

/**
 * Create a flow run ({@code POST /api/flow_runs}): inserted, or found by its idempotency key, and
 * a new run gets its initial state (PENDING unless {@code create.state()}) through orchestration.
 *
 * @param apiVersion {@code X-PREFECT-API-VERSION}, null = newest
 */
public record CreateFlowRunCommand(FlowRunCreate create, ApiVersion apiVersion, long deadlineNanos) implements BusCommand {
  public CreateFlowRunCommand {
    Objects.requireNonNull(create, "create");
  }

  public CreateFlowRunCommand(FlowRunCreate create) {
    this(create, null, Deadline.NONE);
  }

  @Override
  public CreateFlowRunCommand withDeadline(long nanos) {
    return new CreateFlowRunCommand(create, apiVersion, nanos);
  }
}
