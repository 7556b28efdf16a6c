package dev.baton.persistence;

import java.util.UUID;

/** A client-chosen task-run id already belongs to a different (flow_run_id, task_key, dynamic_key). */
public final class TaskRunIdConflictException extends RuntimeException {
  private final UUID id;

  public TaskRunIdConflictException(UUID id) {
    super("Task run id " + id + " already exists for a different task", null, false, false);
    this.id = id;
  }

  public UUID id() {
    return id;
  }
}
