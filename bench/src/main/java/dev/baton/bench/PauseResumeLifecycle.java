package dev.baton.bench;

import io.vertx.core.buffer.Buffer;
import io.vertx.core.json.JsonObject;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.UUID;

/**
 * pause-resume: a flow run created in RUNNING, then {@code set_state} PAUSED (a blocking pause: a
 * unique {@code pause_key}, {@code pause_timeout} an hour ahead), then {@code POST .../resume}
 * (expected 201 ACCEPT into RUNNING), then {@code set_state} COMPLETED. Four transitions. Flow-run
 * proposals carry a fresh {@code transition_id}, as the Python client sends them.
 */
final class PauseResumeLifecycle extends Lifecycle {
  private static final String[] KINDS = {
      "flow_run create RUNNING", "flow_run set_state PAUSED", "flow_run resume", "flow_run set_state COMPLETED"};
  private static final Buffer RESUME_BODY = Buffer.buffer(new JsonObject().putNull("run_input").encode());

  private final UUID flowId;
  private final String name;

  PauseResumeLifecycle(UUID flowId, String name) {
    this.flowId = flowId;
    this.name = name;
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
      case 0 -> new Request(KINDS[0], api + "/flow_runs/", Buffer.buffer(new JsonObject()
          .put("flow_id", flowId.toString())
          .put("name", name)
          .put("state", new JsonObject().put("type", "RUNNING").put("name", "Running")).encode()), 201);
      case 1 -> {
        JsonObject body = stateBody("PAUSED", "Paused", UUID.randomUUID());
        body.getJsonObject("state").getJsonObject("state_details")
            .put("pause_key", UUID.randomUUID().toString())
            .put("pause_timeout", Instant.now().plus(1, ChronoUnit.HOURS).toString())
            .put("pause_reschedule", false);
        yield new Request(KINDS[1], api + "/flow_runs/" + runId + "/set_state", Buffer.buffer(body.encode()), 201);
      }
      case 2 -> new Request(KINDS[2], api + "/flow_runs/" + runId + "/resume", RESUME_BODY, 201);
      default -> new Request(KINDS[3], api + "/flow_runs/" + runId + "/set_state",
          Buffer.buffer(stateBody("COMPLETED", "Completed", UUID.randomUUID()).encode()), 201);
    };
  }

  @Override
  String check(int step, Http.Reply r, int expectedStatus) {
    return switch (step) {
      case 0 -> checkCreated(r, expectedStatus, "RUNNING");
      case 1 -> checkAccepted(r, expectedStatus, "PAUSED");
      case 2 -> checkAccepted(r, expectedStatus, "RUNNING");
      default -> checkAccepted(r, expectedStatus, "COMPLETED");
    };
  }
}
