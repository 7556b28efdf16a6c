package dev.baton.orchestration.api;

import java.util.Objects;
import java.util.UUID;

/** Read one run or its state history, by the run's id (the address says which). */
public record ReadCommand(UUID id, long deadlineNanos) implements BusCommand {
  public ReadCommand {
    Objects.requireNonNull(id, "id");
  }

  public ReadCommand(UUID id) {
    this(id, Deadline.NONE);
  }

  @Override
  public ReadCommand withDeadline(long nanos) {
    return new ReadCommand(id, nanos);
  }
}
