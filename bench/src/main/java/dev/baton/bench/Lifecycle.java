package dev.baton.bench;

import io.vertx.core.buffer.Buffer;
import io.vertx.core.json.DecodeException;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.client.HttpResponse;
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
  abstract String check(int step, HttpResponse<Buffer> r, int expectedStatus);

  /**
   * When the answer to {@code step} is an expected WAIT (not an error, no state written): how long
   * to wait, in ms, before proposing the same step again. -1: not a WAIT (then {@link #check} decides).
   */
  long waitMillis(int step, HttpResponse<Buffer> r) {
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

  /** The body as a JSON object, or null. */
  static JsonObject json(HttpResponse<Buffer> r) {
    try {
      return r.bodyAsJsonObject();
    } catch (DecodeException | ClassCastException e) {
      return null;
    }
  }

  /** A create answered {@code expectedStatus} with an id and the run in {@code type}; sets {@link #runId}. */
  String checkCreated(HttpResponse<Buffer> r, int expectedStatus, String type) {
    if (r.statusCode() != expectedStatus) {
      return "HTTP " + r.statusCode();
    }
    JsonObject body = json(r);
    if (body == null) {
      return "body is not a JSON object";
    }
    String id = body.getString("id");
    JsonObject state = body.getJsonObject("state");
    if (id == null || state == null || !type.equals(state.getString("type"))) {
      return "created run without id or not " + type;
    }
    runId = UUID.fromString(id);
    return null;
  }

  /** An orchestration result answered {@code expectedStatus}, ACCEPT, with the state in {@code type}. */
  static String checkAccepted(HttpResponse<Buffer> r, int expectedStatus, String type) {
    if (r.statusCode() != expectedStatus) {
      return "HTTP " + r.statusCode();
    }
    JsonObject body = json(r);
    if (body == null) {
      return "body is not a JSON object";
    }
    String status = body.getString("status");
    if (!"ACCEPT".equals(status)) {
      return "status " + status;
    }
    JsonObject state = body.getJsonObject("state");
    if (state == null || !type.equals(state.getString("type"))) {
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
