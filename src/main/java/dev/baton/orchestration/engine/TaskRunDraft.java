package dev.baton.orchestration.engine;

import dev.baton.domain.RunKind;
import dev.baton.domain.StateType;
import dev.baton.domain.TaskRunPolicy;
import java.time.Instant;
import java.util.List;
import java.util.UUID;

/** Working copy of a task-run row. */
public final class TaskRunDraft extends RunDraft {
  private final UUID flowRunId;
  private final String taskKey;
  private final TaskRunPolicy policy;
  private int flowRunRunCount;

  public TaskRunDraft(UUID id, UUID flowRunId, String taskKey, TaskRunPolicy policy,
      List<String> tags, UUID stateId, StateType stateType, String stateName,
      Instant stateTimestamp, int runCount, int flowRunRunCount, Instant expectedStartTime,
      Instant nextScheduledStartTime, Instant startTime, Instant endTime, long totalRunTimeMicros) {
    super(id, tags, stateId, stateType, stateName, stateTimestamp, runCount, expectedStartTime,
        nextScheduledStartTime, startTime, endTime, totalRunTimeMicros);
    this.flowRunId = flowRunId;
    this.taskKey = taskKey;
    this.policy = policy == null ? TaskRunPolicy.DEFAULT : policy;
    this.flowRunRunCount = flowRunRunCount;
  }

  /** A run with no state yet, for tests and for creation. */
  public static TaskRunDraft fresh(UUID id, UUID flowRunId, TaskRunPolicy policy, List<String> tags) {
    return new TaskRunDraft(id, flowRunId, "task", policy, tags, null, null, null, null, 0, 0, null,
        null, null, null, 0L);
  }

  @Override
  public RunKind kind() {
    return RunKind.TASK_RUN;
  }

  public UUID flowRunId() { return flowRunId; }
  public String taskKey() { return taskKey; }
  public TaskRunPolicy policy() { return policy; }
  public int flowRunRunCount() { return flowRunRunCount; }

  public void setFlowRunRunCount(int v) {
    int o = flowRunRunCount;
    record(() -> flowRunRunCount = o);
    flowRunRunCount = v;
  }
}
