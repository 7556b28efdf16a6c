package dev.baton.bench;

import io.vertx.core.buffer.Buffer;
import io.vertx.core.json.DecodeException;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.client.HttpResponse;
import java.util.UUID;

/**
 * One run taken through its states: optionally created (initial state SCHEDULED), then proposed
 * PENDING, RUNNING, COMPLETED through {@code set_state} (force=false, so the core policy runs).
 * Every step that succeeds wrote exactly one state, i.e. is one transition. Not thread-safe: a
 * lifecycle lives on the event loop of the worker that runs it.
 */
final class Lifecycle {
  static final String[] TARGETS = {"PENDING", "RUNNING", "COMPLETED"};
  private static final String[] NAMES = {"Pending", "Running", "Completed"};
  private static final Buffer[] TASK_BODIES = new Buffer[TARGETS.length];

  static {
    for (int i = 0; i < TARGETS.length; i++) {
      TASK_BODIES[i] = Buffer.buffer(stateBody(TARGETS[i], NAMES[i], null).encode());
    }
  }

  /** A request to send: method is always POST. */
  record Request(String kind, String path, Buffer body, int expectedStatus) {}

  final boolean flow;
  private final boolean create;
  private final UUID parentFlowRunId; // task runs: the RUNNING flow run they belong to
  private final UUID flowId;          // flow runs: their flow
  private final String taskKey;
  private final String dynamicKey;
  UUID runId;
  private final String[] kinds;

  private Lifecycle(boolean flow, boolean create, UUID runId, UUID parentFlowRunId, UUID flowId,
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
  static Lifecycle existingTaskRun(UUID taskRunId) {
    return new Lifecycle(false, false, taskRunId, null, null, null, null);
  }

  /** task-lifecycle: a task run created in the measured loop. */
  static Lifecycle newTaskRun(UUID flowRunId, String taskKey, String dynamicKey) {
    return new Lifecycle(false, true, null, flowRunId, null, taskKey, dynamicKey);
  }

  /** flow-lifecycle: a flow run created in the measured loop. */
  static Lifecycle newFlowRun(UUID flowId) {
    return new Lifecycle(true, true, null, null, flowId, null, null);
  }

  int steps() {
    return (create ? 1 : 0) + TARGETS.length;
  }

  String kind(int step) {
    return kinds[step];
  }

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

  /** Null when the response is what this step expects; else a short error cause. */
  String check(int step, HttpResponse<Buffer> r, int expectedStatus) {
    if (r.statusCode() != expectedStatus) {
      return "HTTP " + r.statusCode();
    }
    JsonObject body;
    try {
      body = r.bodyAsJsonObject();
    } catch (DecodeException | ClassCastException e) {
      return "body is not a JSON object";
    }
    if (body == null) {
      return "empty body";
    }
    if (create && step == 0) {
      String id = body.getString("id");
      JsonObject state = body.getJsonObject("state");
      if (id == null || state == null || !"SCHEDULED".equals(state.getString("type"))) {
        return "created run without id or not SCHEDULED";
      }
      runId = UUID.fromString(id);
      return null;
    }
    int t = create ? step - 1 : step;
    String status = body.getString("status");
    if (!"ACCEPT".equals(status)) {
      return "status " + status;
    }
    JsonObject state = body.getJsonObject("state");
    if (state == null || !TARGETS[t].equals(state.getString("type"))) {
      return "accepted state is not " + TARGETS[t];
    }
    return null;
  }

  static JsonObject stateBody(String type, String name, UUID transitionId) {
    JsonObject details = new JsonObject();
    if (transitionId != null) {
      details.put("transition_id", transitionId.toString());
    }
    return new JsonObject()
        .put("state", new JsonObject()
            .put("type", type)
            .put("name", name)
            .put("message", null)
            .put("data", null)
            .put("state_details", details))
        .put("force", false);
  }

  static JsonObject scheduledState() {
    return new JsonObject().put("type", "SCHEDULED").put("name", "Scheduled");
  }

  static JsonObject taskRunCreate(UUID flowRunId, String taskKey, String dynamicKey) {
    return new JsonObject()
        .put("flow_run_id", flowRunId.toString())
        .put("task_key", taskKey)
        .put("dynamic_key", dynamicKey)
        .put("name", "bench-task")
        .put("state", scheduledState());
  }

  static JsonObject flowRunCreate(UUID flowId) {
    return new JsonObject()
        .put("flow_id", flowId.toString())
        .put("name", "bench-flow-run")
        .put("state", scheduledState());
  }
}
