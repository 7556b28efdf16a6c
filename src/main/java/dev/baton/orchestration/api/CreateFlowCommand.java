package dev.baton.orchestration.api;

import dev.baton.domain.command.FlowCreate;
import java.util.List;
import java.util.Objects;

/** Create a flow, or find it by its name ({@code POST /api/flows}). */
public record CreateFlowCommand(FlowCreate create, long deadlineNanos) implements BusCommand {
  public CreateFlowCommand {
    Objects.requireNonNull(create, "create");
  }

  /** The flow named {@code name}, no tags or labels. */
  public CreateFlowCommand(String name) {
    this(new FlowCreate(name, List.of(), null), Deadline.NONE);
  }

  @Override
  public CreateFlowCommand withDeadline(long nanos) {
    return new CreateFlowCommand(create, nanos);
  }
}
