package dev.baton.bench;

import io.vertx.core.buffer.Buffer;
import java.util.UUID;

/**
 * One run taken through its states: optionally created (initial state SCHEDULED), then proposed
 * PENDING, RUNNING, COMPLETED through {@code set_state} (force=false, so the core policy runs).
 * Every step that succeeds wrote exactly one state, i.e. is one transition.
 */
final class RunLifecycle extends Lifecycle {
  static final String[] TARGETS = {"PENDING", "RUNNING", "COMPLETED"};
  private static final String[] NAMES = {"Pending", "Running", "Completed"};
  private static final Buffer[] TASK_BODIES = new Buffer[TARGETS.length];

  static {
    for (int i = 0; i < TARGETS.length; i++) {
      TASK_BODIES[i] = Buffer.buffer(stateBody(TARGETS[i], NAMES[i], null).encode());
    }
  }

  final boolean flow;
  private final boolean create;
  private final UUID parentFlowRunId; // task runs: the RUNNING flow run they belong to
  private final UUID flowId;          // flow runs: their flow
  private final String taskKey;
  private final String dynamicKey;
  private final String[] kinds;

  private RunLifecycle(boolean flow, boolean create, UUID runId, UUID parentFlowRunId, UUID flowId,
      String taskKey, String dynamicKey) {
    this.flow = flow;
    this.create = create;
    this.runId = runId;
    this.parentFlowRunId = parentFlowRunId;
    this.flowId = flowId;
    this.taskKey = taskKey;
    this.dynamicKey = dynamicKey;
    String noun = flow ? "flow_run" : "task_run";
    kinds = new String[steps()];
    int i = 0;
    if (create) {
      kinds[i++] = noun + " create SCHEDULED";
    }
    for (String t : TARGETS) {
      kinds[i++] = noun + " set_state " + t;
    }
  }

  /** set-state-only: a pre-created task run in SCHEDULED. */
  static RunLifecycle existingTaskRun(UUID taskRunId) {
    return new RunLifecycle(false, false, taskRunId, null, null, null, null);
  }

  /** task-lifecycle: a task run created in the measured loop. */
  static RunLifecycle newTaskRun(UUID flowRunId, String taskKey, String dynamicKey) {
    return new RunLifecycle(false, true, null, flowRunId, null, taskKey, dynamicKey);
  }

  /** flow-lifecycle: a flow run created in the measured loop. */
  static RunLifecycle newFlowRun(UUID flowId) {
    return new RunLifecycle(true, true, null, null, flowId, null, null);
  }

  @Override
  int steps() {
    return (create ? 1 : 0) + TARGETS.length;
  }

  @Override
  String kind(int step) {
    return kinds[step];
  }

  @Override
  Request request(int step, String api) {
    if (create && step == 0) {
      return flow
          ? new Request(kinds[0], api + "/flow_runs/", Buffer.buffer(flowRunCreate(flowId).encode()), 201)
          : new Request(kinds[0], api + "/task_runs/",
              Buffer.buffer(taskRunCreate(parentFlowRunId, taskKey, dynamicKey).encode()), 201);
    }
    int t = create ? step - 1 : step;
    String path = api + (flow ? "/flow_runs/" : "/task_runs/") + runId + "/set_state";
    // The Python client sends a fresh transition_id with every flow-run proposal.
    Buffer body = flow
        ? Buffer.buffer(stateBody(TARGETS[t], NAMES[t], UUID.randomUUID()).encode())
        : TASK_BODIES[t];
    return new Request(kinds[step], path, body, 201);
  }

  @Override
  String check(int step, Http.Reply r, int expectedStatus) {
    if (create && step == 0) {
      return checkCreated(r, expectedStatus, "SCHEDULED");
    }
    return checkAccepted(r, expectedStatus, TARGETS[create ? step - 1 : step]);
  }
}
