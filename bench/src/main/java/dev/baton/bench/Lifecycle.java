package dev.baton.bench;

import dev.baton.bench.Http.Reply;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.json.JsonObject;
import java.util.Map;
import java.util.UUID;

/**
 * One unit of measured work: a fixed sequence of requests ("steps"), each of which, when it
 * succeeds, wrote exactly one state (one transition). Not thread-safe: a lifecycle lives on the
 * event loop of the worker that runs it. Implementations: {@link RunLifecycle} (create, PENDING,
 * RUNNING, COMPLETED), {@link PauseResumeLifecycle}, {@link ContendedLifecycle}.
 */
abstract class Lifecycle {
  /** A request to send: method is always POST. */
  record Request(String kind, String path, Buffer body, int expectedStatus) {}

  /** The run this lifecycle works on (null until created). */
  UUID runId;

  abstract int steps();

  abstract String kind(int step);

  abstract Request request(int step, String api);

  /** Null when the response is what this step expects (a transition); else a short error cause. */
  abstract String check(int step, Reply r, int expectedStatus);

  /**
   * When the answer to {@code step} is an expected WAIT (not an error, no state written): how long
   * to wait, in ms, before proposing the same step again. -1: not a WAIT (then {@link #check} decides).
   */
  long waitMillis(int step, Reply r) {
    return -1;
  }

  /**
   * True when {@code step} must be sent even though the measured window has closed, because the run
   * holds something (a concurrency slot) that only the rest of the lifecycle gives back. Such
   * requests are not recorded.
   */
  boolean mustFinish(int step) {
    return false;
  }

  /** set-state-only: a pre-created task run in SCHEDULED. */
  static Lifecycle existingTaskRun(UUID taskRunId) {
    return RunLifecycle.existingTaskRun(taskRunId);
  }

  /** task-lifecycle: a task run created in the measured loop. */
  static Lifecycle newTaskRun(UUID flowRunId, String taskKey, String dynamicKey) {
    return RunLifecycle.newTaskRun(flowRunId, taskKey, dynamicKey);
  }

  /** flow-lifecycle: a flow run created in the measured loop. */
  static Lifecycle newFlowRun(UUID flowId) {
    return RunLifecycle.newFlowRun(flowId);
  }

  /** Steps per lifecycle of a scenario (open loop: lifecycles/s = rate / steps). */
  static int stepsOf(String scenario) {
    return switch (scenario) {
      case "set-state-only" -> 3;
      case "pause-resume" -> 4;
      case "contended" -> 3;
      default -> 4;
    };
  }

  // -------------------------------------------------------------------------------------------
  // shared response checks

  /** The body's fields ({@link Http#fields}), or null when it is not a JSON object. */
  static Map<String, Object> json(Reply r) {
    return Http.fields(r.body());
  }

  /** A create answered {@code expectedStatus} with an id and the run in {@code type}; sets {@link #runId}. */
  String checkCreated(Reply r, int expectedStatus, String type) {
    if (r.statusCode() != expectedStatus) {
      return "HTTP " + r.statusCode();
    }
    Map<String, Object> body = json(r);
    if (body == null) {
      return "body is not a JSON object";
    }
    if (!(body.get("id") instanceof String id) || !type.equals(body.get("state.type"))) {
      return "created run without id or not " + type;
    }
    try {
      runId = UUID.fromString(id);
    } catch (IllegalArgumentException e) {
      return "created run with id " + id;
    }
    return null;
  }

  /** An orchestration result answered {@code expectedStatus}, ACCEPT, with the state in {@code type}. */
  static String checkAccepted(Reply r, int expectedStatus, String type) {
    if (r.statusCode() != expectedStatus) {
      return "HTTP " + r.statusCode();
    }
    Map<String, Object> body = json(r);
    if (body == null) {
      return "body is not a JSON object";
    }
    Object status = body.get("status");
    if (!"ACCEPT".equals(status)) {
      return "status " + status;
    }
    if (!type.equals(body.get("state.type"))) {
      return "accepted state is not " + type;
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
