package dev.baton.orchestration.api;

import dev.baton.domain.command.TaskRunCreate;
import java.util.Objects;

/**
 * Create a task run ({@code POST /api/task_runs}): inserted, or found by its natural key
 * (flow run, task key, dynamic key), and a new run gets its initial state through orchestration.
 */
public record CreateTaskRunCommand(TaskRunCreate create, long deadlineNanos) implements BusCommand {
  public CreateTaskRunCommand {
    Objects.requireNonNull(create, "create");
  }

  public CreateTaskRunCommand(TaskRunCreate create) {
    this(create, Deadline.NONE);
  }

  @Override
  public CreateTaskRunCommand withDeadline(long nanos) {
    return new CreateTaskRunCommand(create, nanos);
  }
}
