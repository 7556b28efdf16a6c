package dev.baton.orchestration.engine;

import dev.baton.domain.FlowRunPolicy;
import dev.baton.domain.RunKind;
import dev.baton.domain.StateType;
import java.time.Instant;
import java.util.List;
import java.util.UUID;

/** Working copy of a flow-run row. */
public final class FlowRunDraft extends RunDraft {
  private final UUID flowId;
  private final UUID deploymentId;
  private final UUID parentTaskRunId;
  private final String infrastructurePid;
  private FlowRunPolicy policy;

  public FlowRunDraft(UUID id, UUID flowId, UUID deploymentId, UUID parentTaskRunId,
      String infrastructurePid, FlowRunPolicy policy, List<String> tags, UUID stateId,
      StateType stateType, String stateName, Instant stateTimestamp, int runCount,
      Instant expectedStartTime, Instant nextScheduledStartTime, Instant startTime, Instant endTime,
      long totalRunTimeMicros) {
    super(id, tags, stateId, stateType, stateName, stateTimestamp, runCount, expectedStartTime,
        nextScheduledStartTime, startTime, endTime, totalRunTimeMicros);
    this.flowId = flowId;
    this.deploymentId = deploymentId;
    this.parentTaskRunId = parentTaskRunId;
    this.infrastructurePid = infrastructurePid;
    this.policy = policy == null ? FlowRunPolicy.DEFAULT : policy;
  }

  /** A run with no state yet, for tests and for creation. */
  public static FlowRunDraft fresh(UUID id, UUID flowId, UUID deploymentId, FlowRunPolicy policy) {
    return new FlowRunDraft(id, flowId, deploymentId, null, null, policy, List.of(), null, null, null,
        null, 0, null, null, null, null, 0L);
  }

  @Override
  public RunKind kind() {
    return RunKind.FLOW_RUN;
  }

  public UUID flowId() { return flowId; }
  public UUID deploymentId() { return deploymentId; }
  public UUID parentTaskRunId() { return parentTaskRunId; }
  public String infrastructurePid() { return infrastructurePid; }
  public FlowRunPolicy policy() { return policy; }

  public void setPolicy(FlowRunPolicy v) {
    FlowRunPolicy o = policy;
    record(() -> policy = o);
    policy = v;
  }
}
