package dev.baton.orchestration.api;

import dev.baton.domain.ApiVersion;
import dev.baton.domain.RunKind;
import dev.baton.domain.command.StateCreate;
import java.util.Objects;
import java.util.UUID;

/**
 * A state proposal for one run, as it travels on the event bus.
 *
 * @param apiVersion flow runs only: {@code X-PREFECT-API-VERSION}, null = newest
 * @param clientVersion flow runs only: Prefect client version from {@code User-Agent}, or null
 * @param deadlineNanos past it the proposal is refused, nothing written ({@link Deadline}; 0 = none)
 */
public record SetStateCommand(
    RunKind kind,
    UUID runId,
    StateCreate state,
    boolean force,
    ApiVersion apiVersion,
    String clientVersion,
    long deadlineNanos) {

  public SetStateCommand {
    Objects.requireNonNull(kind, "kind");
    Objects.requireNonNull(runId, "runId");
    Objects.requireNonNull(state, "state");
  }

  public static SetStateCommand task(UUID runId, StateCreate state, boolean force) {
    return new SetStateCommand(RunKind.TASK_RUN, runId, state, force, null, null, Deadline.NONE);
  }

  public static SetStateCommand flow(UUID runId, StateCreate state, boolean force, ApiVersion apiVersion, String clientVersion) {
    return new SetStateCommand(RunKind.FLOW_RUN, runId, state, force, apiVersion, clientVersion, Deadline.NONE);
  }

  /** This proposal with a deadline. */
  public SetStateCommand withDeadline(long nanos) {
    return new SetStateCommand(kind, runId, state, force, apiVersion, clientVersion, nanos);
  }

  public boolean deadlinePassed() {
    return Deadline.passed(deadlineNanos);
  }

  public String address() {
    return kind == RunKind.TASK_RUN ? Addresses.TASK_RUN_SET_STATE : Addresses.FLOW_RUN_SET_STATE;
  }
}
