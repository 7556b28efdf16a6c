package dev.baton.wire;

import com.fasterxml.jackson.core.JsonGenerator;
import com.fasterxml.jackson.core.util.ByteArrayBuilder;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.baton.domain.Deployment;
import dev.baton.domain.Flow;
import dev.baton.domain.FlowRun;
import dev.baton.domain.FlowRunPolicy;
import dev.baton.domain.Log;
import dev.baton.domain.OrchestrationDetails;
import dev.baton.domain.OrchestrationStatus;
import dev.baton.domain.State;
import dev.baton.domain.StateDetails;
import dev.baton.domain.StateType;
import dev.baton.domain.TaskRun;
import dev.baton.domain.TaskRunPolicy;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.time.Instant;
import java.util.Collection;
import java.util.List;
import java.util.Map;
import java.util.UUID;

/**
 * Response serializers, streaming into a Jackson {@link JsonGenerator}. Datetimes are UTC with
 * microsecond precision ({@link Times#format}), UUIDs lowercase dashed, enums by value, durations
 * float seconds. The {@code byte[]} helpers produce a complete UTF-8 body.
 */
public final class Render {
  private Render() {}

  /** Writes one JSON document with {@code body} and returns its UTF-8 bytes. */
  public static byte[] bytes(Body body) {
    try (ByteArrayBuilder out = new ByteArrayBuilder(512);
         JsonGenerator g = Json.MAPPER.createGenerator(out)) {
      body.write(g);
      g.flush();
      return out.toByteArray();
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /** A JSON writer callback. */
  @FunctionalInterface
  public interface Body {
    void write(JsonGenerator g) throws IOException;
  }

  /** Writes an element of a list. */
  @FunctionalInterface
  public interface Item<T> {
    void write(JsonGenerator g, T item) throws IOException;
  }

  // ---- scalars ---------------------------------------------------------------------------

  private static final ThreadLocal<char[]> TIME_BUF = ThreadLocal.withInitial(() -> new char[32]);

  static void time(JsonGenerator g, Instant t) throws IOException {
    if (t == null) {
      g.writeNull();
    } else {
      char[] buf = TIME_BUF.get();
      int n = Times.format(t, buf);
      g.writeString(buf, 0, n);
    }
  }

  static void time(JsonGenerator g, String key, Instant t) throws IOException {
    g.writeFieldName(key);
    time(g, t);
  }

  static void uuid(JsonGenerator g, String key, UUID id) throws IOException {
    g.writeFieldName(key);
    if (id == null) g.writeNull();
    else g.writeString(id.toString());
  }

  static void str(JsonGenerator g, String key, String s) throws IOException {
    g.writeFieldName(key);
    if (s == null) g.writeNull();
    else g.writeString(s);
  }

  static void bool(JsonGenerator g, String key, Boolean b) throws IOException {
    g.writeFieldName(key);
    if (b == null) g.writeNull();
    else g.writeBoolean(b);
  }

  static void integer(JsonGenerator g, String key, Integer i) throws IOException {
    g.writeFieldName(key);
    if (i == null) g.writeNull();
    else g.writeNumber(i);
  }

  /** A number the way a smart union of int|float echoes it: integral values as ints. */
  static void number(JsonGenerator g, Double d) throws IOException {
    if (d == null) g.writeNull();
    else if (d == Math.rint(d) && Math.abs(d) < 1e15) g.writeNumber(d.longValue());
    else g.writeNumber(d);
  }

  static void json(JsonGenerator g, String key, JsonNode n) throws IOException {
    g.writeFieldName(key);
    if (n == null) g.writeNull();
    else g.writeTree(n);
  }

  /** JSON object field that must be an object in responses: null becomes {}. */
  static void object(JsonGenerator g, String key, JsonNode n) throws IOException {
    g.writeFieldName(key);
    if (n == null || n.isNull()) {
      g.writeStartObject();
      g.writeEndObject();
    } else {
      g.writeTree(n);
    }
  }

  static void strings(JsonGenerator g, String key, Collection<String> l) throws IOException {
    g.writeFieldName(key);
    g.writeStartArray();
    if (l != null) {
      for (String s : l) g.writeString(s);
    }
    g.writeEndArray();
  }

  static void seconds(JsonGenerator g, String key, long micros) throws IOException {
    g.writeFieldName(key);
    g.writeNumber(micros / 1_000_000.0);
  }

  static long micros(Instant from, Instant to) {
    return Math.addExact(Math.multiplyExact(to.getEpochSecond() - from.getEpochSecond(), 1_000_000L),
        (to.getNano() - from.getNano()) / 1000L);
  }

  // ---- states ----------------------------------------------------------------------------

  public static void state(JsonGenerator g, State s) throws IOException {
    if (s == null) {
      g.writeNull();
      return;
    }
    g.writeStartObject();
    uuid(g, "id", s.id());
    g.writeStringField("type", s.type().name());
    str(g, "name", s.name());
    time(g, "timestamp", s.timestamp());
    str(g, "message", s.message());
    json(g, "data", s.data());
    g.writeFieldName("state_details");
    stateDetails(g, s.details());
    g.writeEndObject();
  }

  /** All eighteen keys, always. Also the jsonb stored in {@code *_state.state_details}. */
  public static void stateDetails(JsonGenerator g, StateDetails d) throws IOException {
    g.writeStartObject();
    uuid(g, "flow_run_id", d.flowRunId());
    uuid(g, "task_run_id", d.taskRunId());
    uuid(g, "child_flow_run_id", d.childFlowRunId());
    time(g, "scheduled_time", d.scheduledTime());
    str(g, "cache_key", d.cacheKey());
    time(g, "cache_expiration", d.cacheExpiration());
    bool(g, "deferred", d.deferred());
    bool(g, "untrackable_result", d.untrackableResult());
    time(g, "pause_timeout", d.pauseTimeout());
    bool(g, "pause_reschedule", d.pauseReschedule());
    str(g, "pause_key", d.pauseKey());
    g.writeFieldName("run_input_keyset");
    if (d.runInputKeyset() == null) {
      g.writeNull();
    } else {
      g.writeStartObject();
      for (Map.Entry<String, String> e : new java.util.TreeMap<>(d.runInputKeyset()).entrySet()) {
        g.writeStringField(e.getKey(), e.getValue());
      }
      g.writeEndObject();
    }
    bool(g, "refresh_cache", d.refreshCache());
    bool(g, "retriable", d.retriable());
    uuid(g, "transition_id", d.transitionId());
    uuid(g, "task_parameters_id", d.taskParametersId());
    str(g, "traceparent", d.traceparent());
    uuid(g, "deployment_concurrency_lease_id", d.deploymentConcurrencyLeaseId());
    g.writeEndObject();
  }

  public static void details(JsonGenerator g, OrchestrationDetails d) throws IOException {
    g.writeStartObject();
    g.writeStringField("type", d.kind().wire());
    switch (d.kind()) {
      case ACCEPT -> { }
      case WAIT -> {
        g.writeNumberField("delay_seconds", d.delaySeconds() == null ? 0 : d.delaySeconds());
        str(g, "reason", d.reason());
        if (d.retryAfter() != null) {
          g.writeNumberField("retry_after", d.retryAfter());
        }
      }
      default -> str(g, "reason", d.reason());
    }
    g.writeEndObject();
  }

  /** {@code {state, status, details}}: the set_state / resume response. */
  public static void orchestrationResult(JsonGenerator g, State state, OrchestrationStatus status,
      OrchestrationDetails details) throws IOException {
    g.writeStartObject();
    g.writeFieldName("state");
    state(g, state);
    g.writeStringField("status", status.name());
    g.writeFieldName("details");
    details(g, details);
    g.writeEndObject();
  }

  public static byte[] orchestrationResult(State state, OrchestrationStatus status, OrchestrationDetails details) {
    return bytes(g -> orchestrationResult(g, state, status, details));
  }

  /** One entry of {@code bulk_set_state}'s {@code results}: {@code {flow_run_id, status, state, details}}. */
  public static void bulkEntry(JsonGenerator g, UUID flowRunId, State state, OrchestrationStatus status,
      OrchestrationDetails details) throws IOException {
    g.writeStartObject();
    uuid(g, "flow_run_id", flowRunId);
    g.writeStringField("status", status.name());
    g.writeFieldName("state");
    state(g, state);
    g.writeFieldName("details");
    details(g, details);
    g.writeEndObject();
  }

  // ---- policies ----------------------------------------------------------------------------

  public static void flowRunPolicy(JsonGenerator g, FlowRunPolicy p) throws IOException {
    if (p == null) p = FlowRunPolicy.DEFAULT;
    g.writeStartObject();
    g.writeNumberField("max_retries", p.maxRetries());
    g.writeNumberField("retry_delay_seconds", p.retryDelaySeconds());
    integer(g, "retries", p.retries());
    integer(g, "retry_delay", p.retryDelay());
    strings(g, "pause_keys", p.pauseKeys());
    g.writeBooleanField("resuming", p.resuming());
    str(g, "retry_type", p.retryType());
    g.writeEndObject();
  }

  public static void taskRunPolicy(JsonGenerator g, TaskRunPolicy p) throws IOException {
    if (p == null) p = TaskRunPolicy.DEFAULT;
    g.writeStartObject();
    g.writeNumberField("max_retries", p.maxRetries());
    g.writeNumberField("retry_delay_seconds", p.retryDelaySeconds());
    integer(g, "retries", p.retries());
    g.writeFieldName("retry_delay");
    if (p.retryDelayList() != null) {
      g.writeStartArray();
      for (Double d : p.retryDelayList()) number(g, d);
      g.writeEndArray();
    } else {
      number(g, p.retryDelay());
    }
    g.writeFieldName("retry_jitter_factor");
    if (p.retryJitterFactor() == null) g.writeNull();
    else g.writeNumber(p.retryJitterFactor());
    g.writeEndObject();
  }

  // ---- objects -----------------------------------------------------------------------------

  public static void flow(JsonGenerator g, Flow f) throws IOException {
    g.writeStartObject();
    uuid(g, "id", f.id());
    time(g, "created", f.created());
    time(g, "updated", f.updated());
    g.writeStringField("name", f.name());
    strings(g, "tags", f.tags());
    object(g, "labels", f.labels());
    g.writeEndObject();
  }

  /** A deployment without its limit ({@link DeploymentRender} has the whole response). */
  public static void deployment(JsonGenerator g, Deployment d) throws IOException {
    DeploymentRender.deployment(g, d, null);
  }

  /** {@code estimated_run_time}: total plus (now − state timestamp) while RUNNING, in µs. */
  static long estimatedRunTime(long totalMicros, StateType type, State state, Instant now) {
    if (type == StateType.RUNNING && state != null && state.timestamp() != null) {
      return totalMicros + Math.max(0, micros(state.timestamp(), now));
    }
    return totalMicros;
  }

  /** {@code estimated_start_time_delta} (api.md §2.8), in µs. */
  static long estimatedStartTimeDelta(Instant start, Instant expected, StateType type, Instant now) {
    if (start != null && expected != null && start.isAfter(expected)) {
      return micros(expected, start);
    }
    if (start == null && expected != null && expected.isBefore(now) && !StateType.isTerminal(type)) {
      return micros(expected, now);
    }
    return 0;
  }

  public static void flowRun(JsonGenerator g, FlowRun r, Instant now) throws IOException {
    g.writeStartObject();
    uuid(g, "id", r.id());
    time(g, "created", r.created());
    time(g, "updated", r.updated());
    g.writeStringField("name", r.name());
    uuid(g, "flow_id", r.flowId());
    uuid(g, "state_id", r.stateId());
    uuid(g, "deployment_id", r.deploymentId());
    str(g, "deployment_version", r.deploymentVersion());
    uuid(g, "work_queue_id", null);
    str(g, "work_queue_name", r.workQueueName());
    uuid(g, "work_pool_id", null);
    str(g, "work_pool_name", r.workPoolName());
    str(g, "flow_version", r.flowVersion());
    object(g, "parameters", r.parameters());
    str(g, "idempotency_key", r.idempotencyKey());
    object(g, "context", r.context());
    g.writeFieldName("empirical_policy");
    flowRunPolicy(g, r.empiricalPolicy());
    strings(g, "tags", r.tags());
    object(g, "labels", r.labels());
    uuid(g, "parent_task_run_id", r.parentTaskRunId());
    str(g, "state_type", r.stateType() == null ? null : r.stateType().name());
    str(g, "state_name", r.stateName());
    g.writeNumberField("run_count", r.runCount());
    time(g, "expected_start_time", r.expectedStartTime());
    time(g, "next_scheduled_start_time", r.nextScheduledStartTime());
    time(g, "start_time", r.startTime());
    time(g, "end_time", r.endTime());
    seconds(g, "total_run_time", r.totalRunTimeMicros());
    seconds(g, "estimated_run_time", estimatedRunTime(r.totalRunTimeMicros(), r.stateType(), r.state(), now));
    seconds(g, "estimated_start_time_delta",
        estimatedStartTimeDelta(r.startTime(), r.expectedStartTime(), r.stateType(), now));
    g.writeBooleanField("auto_scheduled", r.autoScheduled());
    uuid(g, "infrastructure_document_id", r.infrastructureDocumentId());
    str(g, "infrastructure_pid", r.infrastructurePid());
    json(g, "created_by", r.createdBy());
    json(g, "job_variables", r.jobVariables());
    g.writeFieldName("state");
    state(g, r.state());
    g.writeEndObject();
  }

  public static void taskRun(JsonGenerator g, TaskRun r, Instant now) throws IOException {
    g.writeStartObject();
    uuid(g, "id", r.id());
    time(g, "created", r.created());
    time(g, "updated", r.updated());
    g.writeStringField("name", r.name());
    uuid(g, "flow_run_id", r.flowRunId());
    g.writeStringField("task_key", r.taskKey());
    g.writeStringField("dynamic_key", r.dynamicKey());
    str(g, "cache_key", r.cacheKey());
    time(g, "cache_expiration", r.cacheExpiration());
    str(g, "task_version", r.taskVersion());
    g.writeFieldName("empirical_policy");
    taskRunPolicy(g, r.empiricalPolicy());
    strings(g, "tags", r.tags());
    object(g, "labels", r.labels());
    uuid(g, "state_id", r.stateId());
    object(g, "task_inputs", r.taskInputs());
    str(g, "state_type", r.stateType() == null ? null : r.stateType().name());
    str(g, "state_name", r.stateName());
    g.writeNumberField("run_count", r.runCount());
    g.writeNumberField("flow_run_run_count", r.flowRunRunCount());
    time(g, "expected_start_time", r.expectedStartTime());
    time(g, "next_scheduled_start_time", r.nextScheduledStartTime());
    time(g, "start_time", r.startTime());
    time(g, "end_time", r.endTime());
    seconds(g, "total_run_time", r.totalRunTimeMicros());
    seconds(g, "estimated_run_time", estimatedRunTime(r.totalRunTimeMicros(), r.stateType(), r.state(), now));
    seconds(g, "estimated_start_time_delta",
        estimatedStartTimeDelta(r.startTime(), r.expectedStartTime(), r.stateType(), now));
    g.writeFieldName("state");
    state(g, r.state());
    g.writeEndObject();
  }

  // ---- convenience byte[] bodies -----------------------------------------------------------

  public static byte[] state(State s) {
    return bytes(g -> state(g, s));
  }

  public static byte[] flow(Flow f) {
    return bytes(g -> flow(g, f));
  }

  public static byte[] deployment(Deployment d) {
    return bytes(g -> deployment(g, d));
  }

  public static byte[] flowRun(FlowRun r, Instant now) {
    return bytes(g -> flowRun(g, r, now));
  }

  public static byte[] taskRun(TaskRun r, Instant now) {
    return bytes(g -> taskRun(g, r, now));
  }

  /** Prefect's Log: a log row has no separate update time, so {@code updated} = {@code created}. */
  public static void log(JsonGenerator g, Log l) throws IOException {
    g.writeStartObject();
    uuid(g, "id", l.id());
    time(g, "created", l.created());
    time(g, "updated", l.created());
    g.writeStringField("name", l.name());
    g.writeNumberField("level", l.level());
    g.writeStringField("message", l.message());
    time(g, "timestamp", l.timestamp());
    uuid(g, "flow_run_id", l.flowRunId());
    uuid(g, "task_run_id", l.taskRunId());
    g.writeEndObject();
  }

  public static <T> void list(JsonGenerator g, List<T> items, Item<T> item) throws IOException {
    g.writeStartArray();
    for (T t : items) item.write(g, t);
    g.writeEndArray();
  }

  public static <T> byte[] list(List<T> items, Item<T> item) {
    return bytes(g -> list(g, items, item));
  }

  /** {@code {"results": […], "count": n, "limit": l, "pages": ceil(n/l) (0 if l == 0), "page": p}}. */
  public static <T> byte[] page(List<T> items, long count, int limit, int page, Item<T> item) {
    return bytes(g -> {
      g.writeStartObject();
      g.writeFieldName("results");
      list(g, items, item);
      g.writeNumberField("count", count);
      g.writeNumberField("limit", limit);
      g.writeNumberField("pages", limit == 0 ? 0 : (count + limit - 1) / limit);
      g.writeNumberField("page", page);
      g.writeEndObject();
    });
  }

  // ---- error bodies ------------------------------------------------------------------------

  /** 422 {@code {"exception_message": "Invalid request received.", "exception_detail": […], "request_body": …}}. */
  public static ObjectNode validationErrorNode(List<ValidationError> errors, JsonNode requestBody) {
    ObjectNode o = JsonNodeFactory.instance.objectNode();
    o.put("exception_message", "Invalid request received.");
    var arr = o.putArray("exception_detail");
    for (ValidationError e : errors) arr.add(e.toJson());
    o.set("request_body", requestBody == null || requestBody.isMissingNode() ? null : requestBody);
    if (o.get("request_body") == null) o.putNull("request_body");
    return o;
  }

  public static byte[] validationError(List<ValidationError> errors, JsonNode requestBody) {
    return bytes(g -> g.writeTree(validationErrorNode(errors, requestBody)));
  }

  public static ObjectNode detailNode(String detail) {
    return JsonNodeFactory.instance.objectNode().put("detail", detail);
  }

  /** {@code {"detail": "<text>"}}. */
  public static byte[] detail(String detail) {
    return bytes(g -> {
      g.writeStartObject();
      g.writeStringField("detail", detail);
      g.writeEndObject();
    });
  }

  /** {@code {"exception_message": "<text>"}}. */
  public static byte[] exceptionMessage(String message) {
    return bytes(g -> {
      g.writeStartObject();
      g.writeStringField("exception_message", message);
      g.writeEndObject();
    });
  }
}
