package dev.baton.it;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;

/**
 * The {@code prefect.task-run.<State>} events a Prefect 3 client emits while it orchestrates a
 * task itself (prefect/task_engine.py, emit_task_run_state_change_event): one per state, its id
 * the state's id, {@code occurred} the state's timestamp, the resource the task run (with
 * {@code prefect.orchestration: client}), the flow run and flow as related resources, and a
 * payload of {@code intended}, {@code initial_state}, {@code validated_state} and the client's
 * {@code task_run} (without id, created, updated, flow_run_id and state fields). Built from the
 * facts of Prefect's source; until recorded client traces are available these are the fixtures.
 */
public final class PrefectTaskEvents {
  private static final JsonNodeFactory F = JsonNodeFactory.instance;

  public final UUID taskRunId = UUID.randomUUID();
  public final UUID flowRunId;
  public final UUID flowId;
  public final String taskKey;
  public final String dynamicKey;
  public final String name;
  private final List<ObjectNode> events = new ArrayList<>();
  private Instant clock;
  private String prevType;
  private String prevName;
  private UUID prevId;
  private int runCount;
  private Instant startTime;
  private double totalRunTime;
  private final int retries;

  public PrefectTaskEvents(UUID flowRunId, UUID flowId, String taskKey, String dynamicKey, int retries, Instant start) {
    this.flowRunId = flowRunId;
    this.flowId = flowId;
    this.taskKey = taskKey;
    this.dynamicKey = dynamicKey;
    this.name = taskKey.replaceFirst("-[0-9a-f]+$", "") + "-" + dynamicKey;
    this.retries = retries;
    this.clock = start;
  }

  /** The events so far, in emission order. */
  public List<ObjectNode> events() {
    return events;
  }

  /** Emits the event of entering {@code type}/{@code name}, {@code millis} after the last one. */
  public PrefectTaskEvents state(String type, String stateName, long millis, String message) {
    clock = clock.plusMillis(millis);
    if (type.equals("RUNNING")) {
      runCount++;
      if (startTime == null) {
        startTime = clock;
      }
    }
    if (prevType != null && prevType.equals("RUNNING")) {
      totalRunTime += millis / 1000.0;
    }
    UUID id = UUID.randomUUID();
    ObjectNode e = F.objectNode();
    e.put("occurred", clock.toString());
    e.put("event", "prefect.task-run." + stateName);
    ObjectNode resource = e.putObject("resource");
    resource.put("prefect.resource.id", "prefect.task-run." + taskRunId);
    resource.put("prefect.resource.name", name);
    resource.put("prefect.state-message", message == null ? "" : message);
    resource.put("prefect.state-name", stateName);
    resource.put("prefect.state-timestamp", clock.toString());
    resource.put("prefect.state-type", type);
    resource.put("prefect.orchestration", "client");
    ArrayNode related = e.putArray("related");
    if (flowRunId != null) {
      related.addObject().put("prefect.resource.id", "prefect.flow-run." + flowRunId)
          .put("prefect.resource.role", "flow-run").put("prefect.resource.name", "cheerful-otter");
      related.addObject().put("prefect.resource.id", "prefect.flow." + flowId)
          .put("prefect.resource.role", "flow").put("prefect.resource.name", "etl");
    }
    related.addObject().put("prefect.resource.id", "prefect.tag.nightly").put("prefect.resource.role", "tag");
    ObjectNode payload = e.putObject("payload");
    ObjectNode intended = payload.putObject("intended");
    if (prevType == null) {
      intended.putNull("from");
      payload.putNull("initial_state");
    } else {
      intended.put("from", prevType);
      payload.putObject("initial_state").put("type", prevType).put("name", prevName).putNull("message")
          .putObject("state_details");
    }
    intended.put("to", type);
    ObjectNode validated = payload.putObject("validated_state");
    validated.put("type", type).put("name", stateName);
    if (message == null) {
      validated.putNull("message");
    } else {
      validated.put("message", message);
    }
    ObjectNode details = validated.putObject("state_details");
    if (type.equals("SCHEDULED")) {
      details.put("scheduled_time", clock.plusSeconds(1).toString());
    }
    if (type.equals("COMPLETED")) {
      validated.putObject("data").put("storage_key", "/results/" + id).put("expiration", (String) null)
          .put("serializer", "pickle");
    } else {
      validated.putNull("data");
    }
    ObjectNode tr = payload.putObject("task_run");
    tr.put("name", name);
    tr.put("task_key", taskKey);
    tr.put("dynamic_key", dynamicKey);
    tr.putNull("cache_key");
    tr.putNull("cache_expiration");
    tr.putNull("task_version");
    tr.putObject("empirical_policy").put("max_retries", 0).put("retry_delay_seconds", 0.0).put("retries", retries)
        .put("retry_delay", 1).putNull("retry_jitter_factor");
    tr.putArray("tags").add("nightly");
    tr.putObject("labels");
    tr.putObject("task_inputs").putArray("x");
    tr.put("run_count", runCount);
    tr.put("flow_run_run_count", 1);
    tr.put("expected_start_time", events.isEmpty() ? clock.toString() : events.get(0).get("occurred").asText());
    if (startTime != null) {
      tr.put("start_time", startTime.toString());
    }
    if (type.equals("COMPLETED") || type.equals("FAILED")) {
      tr.put("end_time", clock.toString());
    }
    tr.put("total_run_time", totalRunTime);
    e.put("id", id.toString());
    if (prevId == null) {
      e.putNull("follows");
    } else {
      e.put("follows", prevId.toString());
    }
    events.add(e);
    prevType = type;
    prevName = stateName;
    prevId = id;
    return this;
  }

  /** Pending → Running → Completed. */
  public PrefectTaskEvents succeeds() {
    return state("PENDING", "Pending", 0, null).state("RUNNING", "Running", 5, null)
        .state("COMPLETED", "Completed", 40, null);
  }

  /** Pending → Running → Failed. */
  public PrefectTaskEvents fails() {
    return state("PENDING", "Pending", 0, null).state("RUNNING", "Running", 5, null)
        .state("FAILED", "Failed", 30, "Task run encountered an exception ValueError: boom");
  }

  /** Pending → Running → AwaitingRetry → Retrying → … → Completed, {@code failures} failed attempts. */
  public PrefectTaskEvents retriedThenSucceeds(int failures) {
    state("PENDING", "Pending", 0, null).state("RUNNING", "Running", 5, null);
    for (int i = 0; i < failures; i++) {
      state("SCHEDULED", "AwaitingRetry", 20, "Retry 1/" + retries + " will start 1 second(s) from now");
      state("RUNNING", "Retrying", 1000, null);
    }
    return state("COMPLETED", "Completed", 30, null);
  }
}
