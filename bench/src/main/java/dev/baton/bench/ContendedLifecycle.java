package dev.baton.bench;

import io.vertx.core.buffer.Buffer;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.util.Map;
import java.util.UUID;

/**
 * contended: a task run created in PENDING with a tag that has a concurrency limit, then
 * {@code set_state} RUNNING — answered either 201 ACCEPT (a slot was taken) or 200 WAIT (the limit
 * is full: nothing written; the same proposal is sent again after {@code details.retry_after}, else
 * {@code details.delay_seconds}, capped by {@code --max-wait-ms}) — then COMPLETED, which gives the
 * slot back. Three transitions; WAIT answers are counted apart, not as errors. Once RUNNING is
 * accepted the COMPLETED step is sent even after the window closed, so no slot is left held.
 */
final class ContendedLifecycle extends Lifecycle {
  private static final String[] KINDS = {
      "task_run create PENDING", "task_run set_state RUNNING", "task_run set_state COMPLETED"};
  static final Buffer RUNNING_BODY = Buffer.buffer(stateBody("RUNNING", "Running", null).encode());
  static final Buffer COMPLETED_BODY = Buffer.buffer(stateBody("COMPLETED", "Completed", null).encode());

  private final UUID flowRunId;
  private final String taskKey;
  private final String dynamicKey;
  private final String tag;
  private final long maxWaitMs;

  ContendedLifecycle(UUID flowRunId, String taskKey, String dynamicKey, String tag, long maxWaitMs) {
    this.flowRunId = flowRunId;
    this.taskKey = taskKey;
    this.dynamicKey = dynamicKey;
    this.tag = tag;
    this.maxWaitMs = maxWaitMs;
  }

  @Override
  int steps() {
    return KINDS.length;
  }

  @Override
  String kind(int step) {
    return KINDS[step];
  }

  @Override
  Request request(int step, String api) {
    return switch (step) {
      case 0 -> new Request(KINDS[0], api + "/task_runs/", Buffer.buffer(taskRunCreate(flowRunId, taskKey, dynamicKey)
          .put("tags", new JsonArray().add(tag))
          .put("state", new JsonObject().put("type", "PENDING").put("name", "Pending")).encode()), 201);
      case 1 -> new Request(KINDS[1], api + "/task_runs/" + runId + "/set_state", RUNNING_BODY, 201);
      default -> new Request(KINDS[2], api + "/task_runs/" + runId + "/set_state", COMPLETED_BODY, 201);
    };
  }

  @Override
  String check(int step, Http.Reply r, int expectedStatus) {
    return switch (step) {
      case 0 -> checkCreated(r, expectedStatus, "PENDING");
      case 1 -> checkAccepted(r, expectedStatus, "RUNNING");
      default -> checkAccepted(r, expectedStatus, "COMPLETED");
    };
  }

  @Override
  long waitMillis(int step, Http.Reply r) {
    if (step != 1 || r.statusCode() != 200) {
      return -1;
    }
    Map<String, Object> body = json(r);
    if (body == null || !"WAIT".equals(body.get("status"))) {
      return -1;
    }
    return waitFor(body.get("details.retry_after"), body.get("details.delay_seconds"), maxWaitMs);
  }

  /** {@code retry_after} (s) if a number, else {@code delay_seconds}, in ms, capped by {@code maxWaitMs}. */
  static long waitFor(Object retryAfter, Object delaySeconds, long maxWaitMs) {
    double seconds = 0;
    if (retryAfter instanceof Number n) {
      seconds = n.doubleValue();
    } else if (delaySeconds instanceof Number n) {
      seconds = n.doubleValue();
    }
    return Math.max(0, Math.min(maxWaitMs, Math.round(seconds * 1000)));
  }

  @Override
  boolean mustFinish(int step) {
    return step == 2;
  }
}
