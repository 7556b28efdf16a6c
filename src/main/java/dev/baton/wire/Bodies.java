package dev.baton.wire;

import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonToken;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.NullNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.baton.domain.FlowRunPolicy;
import dev.baton.domain.StateDetails;
import dev.baton.domain.StateType;
import dev.baton.domain.TaskRunPolicy;
import dev.baton.domain.command.DeploymentCreate;
import dev.baton.domain.command.FlowCreate;
import dev.baton.domain.command.FlowRunCreate;
import dev.baton.domain.command.StateCreate;
import dev.baton.domain.command.TaskRunCreate;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import static dev.baton.wire.Types.*;

/**
 * Decoders for every action body Baton accepts (api.md §4–§5, §9, logs). Each entry point takes
 * the parsed body (null for an empty body) and returns the typed value or the 422 errors.
 */
public final class Bodies {
  private Bodies() {}

  // ---- records owned by this package ---------------------------------------------------------

  /** {@code POST …/set_state} body. */
  public record SetState(StateCreate state, boolean force) {}

  /**
   * {@code PATCH /flow_runs/{id}}: only keys present in the body are written ({@link #has}). An
   * explicit {@code "name": null} is kept as present-with-null (the service generates a slug).
   */
  public record FlowRunUpdate(java.util.Set<String> present, String name, String flowVersion, ObjectNode parameters,
      FlowRunPolicy empiricalPolicy, List<String> tags, String infrastructurePid, ObjectNode jobVariables) {
    public boolean has(String key) {
      return present.contains(key);
    }
  }

  /** {@code PATCH /task_runs/{id}} body. */
  public record TaskRunUpdate(boolean hasName, String name) {}

  /** One {@code POST /logs/} entry. */
  public record LogCreate(String name, int level, String message, Instant timestamp, UUID flowRunId, UUID taskRunId) {}

  // ---- nested models -----------------------------------------------------------------------

  private static final Type<String> NSTR = STR.nullable();
  private static final Type<UUID> NUUID = UUID_T.nullable();
  private static final Type<Instant> NTIME = DATETIME.nullable().map(Times::micros);
  private static final Type<Boolean> NBOOL = BOOL.nullable();

  /** {@code state_details}: a "full" model, unknown keys ignored. */
  public static final Model<StateDetails> STATE_DETAILS = Model.<StateDetails>ignore("StateDetails")
      .opt("flow_run_id", NUUID)
      .opt("task_run_id", NUUID)
      .opt("child_flow_run_id", NUUID)
      .opt("scheduled_time", NTIME)
      .opt("cache_key", NSTR)
      .opt("cache_expiration", NTIME)
      .opt("deferred", NBOOL, Boolean.FALSE)
      .opt("untrackable_result", BOOL, false)
      .opt("pause_timeout", NTIME)
      .opt("pause_reschedule", BOOL, false)
      .opt("pause_key", NSTR)
      .opt("run_input_keyset", STR_MAP.nullable())
      .opt("refresh_cache", NBOOL)
      .opt("retriable", NBOOL)
      .opt("transition_id", NUUID)
      .opt("task_parameters_id", NUUID)
      .opt("traceparent", NSTR)
      .opt("deployment_concurrency_lease_id", NUUID)
      .build(v -> new StateDetails(v.get("flow_run_id"), v.get("task_run_id"), v.get("child_flow_run_id"),
          v.get("scheduled_time"), v.get("cache_key"), v.get("cache_expiration"), v.get("deferred"),
          v.get("untrackable_result"), v.get("pause_timeout"), v.get("pause_reschedule"), v.get("pause_key"),
          v.<Map<String, String>>get("run_input_keyset"), v.get("refresh_cache"), v.get("retriable"),
          v.get("transition_id"), v.get("task_parameters_id"), v.get("traceparent"),
          v.get("deployment_concurrency_lease_id")));

  /** {@code StateCreate}: extra keys (including id and timestamp) forbidden. */
  public static final Model<StateCreate> STATE_CREATE = Model.<StateCreate>forbid("StateCreate")
      .req("type", enumOf(StateType.class))
      .opt("name", NSTR)
      .opt("message", NSTR)
      .opt("data", ANY.nullable())
      .opt("state_details", STATE_DETAILS, StateDetails.EMPTY)
      .build(v -> new StateCreate(v.get("type"), v.get("name"), v.get("message"), v.get("data"),
          v.get("state_details", StateDetails.EMPTY)));

  /** {@code flow_run.empirical_policy}: full model, unknown keys ignored, deprecated-field mapping applied. */
  public static final Model<FlowRunPolicy> FLOW_RUN_POLICY = Model.<FlowRunPolicy>ignore("FlowRunPolicy")
      .opt("max_retries", INT32, 0)
      .opt("retry_delay_seconds", FLOAT, 0.0)
      .opt("retries", INT32.nullable())
      .opt("retry_delay", INT32.nullable())
      .opt("pause_keys", set(STR).nullable())
      .opt("resuming", NBOOL, false)
      .opt("retry_type", literal("in_process", "reschedule").nullable())
      .build(v -> FlowRunPolicy.normalized(v.get("max_retries"), v.get("retry_delay_seconds"), v.get("retries"),
          v.get("retry_delay"), v.get("pause_keys"), Boolean.TRUE.equals(v.get("resuming")), v.get("retry_type")));

  private static final Type<Object> RETRY_DELAY = (n, c) -> {
    if (n.isArray()) {
      if (n.size() > 50) {
        c.valueError("Can not configure more than 50 retry delays per task.", n);
        return null;
      }
      return list(FLOAT).decode(n, c);
    }
    return FLOAT.decode(n, c);
  };

  /** {@code task_run.empirical_policy}: full model; retry_delay number|list (≤ 50); jitter ≥ 0. */
  public static final Model<TaskRunPolicy> TASK_RUN_POLICY = Model.<TaskRunPolicy>ignore("TaskRunPolicy")
      .opt("max_retries", INT32, 0)
      .opt("retry_delay_seconds", FLOAT, 0.0)
      .opt("retries", INT32.nullable())
      .opt("retry_delay", RETRY_DELAY.nullable())
      .opt("retry_jitter_factor", FLOAT.nullable().check(f -> f != null && f < 0
          ? "`retry_jitter_factor` must be >= 0." : null))
      .build(v -> {
        Object delay = v.get("retry_delay");
        @SuppressWarnings("unchecked")
        List<Double> delays = delay instanceof List<?> l ? (List<Double>) l : null;
        return TaskRunPolicy.normalized(v.get("max_retries"), v.get("retry_delay_seconds"), v.get("retries"),
            delay instanceof Double d ? d : null, delays, v.get("retry_jitter_factor"));
      });

  // ---- action bodies -----------------------------------------------------------------------

  static final Model<SetState> SET_STATE = Model.<SetState>embedded("set_state")
      .req("state", STATE_CREATE)
      .opt("force", BOOL, false)
      .build(v -> new SetState(v.get("state"), v.get("force")));

  /** Python's {@code repr()} of a str (quote choice and escapes of the common characters). */
  static String pyRepr(String s) {
    char q = s.indexOf('\'') >= 0 && s.indexOf('"') < 0 ? '"' : '\'';
    StringBuilder sb = new StringBuilder().append(q);
    for (int i = 0; i < s.length(); i++) {
      char ch = s.charAt(i);
      switch (ch) {
        case '\\' -> sb.append("\\\\");
        case '\n' -> sb.append("\\n");
        case '\r' -> sb.append("\\r");
        case '\t' -> sb.append("\\t");
        default -> {
          if (ch == q) sb.append('\\').append(ch);
          else if (ch < 0x20 || ch == 0x7f) sb.append(String.format("\\x%02x", (int) ch));
          else sb.append(ch);
        }
      }
    }
    return sb.append(q).toString();
  }

  static final String NAME_PATTERN = "^[^/%&><]+$";
  private static final java.util.regex.Pattern NAME_CHARS = java.util.regex.Pattern.compile("[^/%&><]+");

  /** Prefect's {@code Name}: {@code Field(pattern="^[^/%&><]+$")}, so also not empty. */
  static final Type<String> NAME = (n, c) -> {
    String s = str(n, c);
    if (s == null) return null;
    if (!NAME_CHARS.matcher(s).matches()) {
      c.error("string_pattern_mismatch", "String should match pattern '" + NAME_PATTERN + "'", n,
          Ctx.ctx("pattern", NAME_PATTERN));
      return null;
    }
    return s;
  };

  static final Model<FlowCreate> FLOW_CREATE = Model.<FlowCreate>forbid("FlowCreate")
      .req("name", NAME)
      .opt("tags", STR_LIST, List.of())
      .opt("labels", LABELS.nullable(), null)
      .build(v -> new FlowCreate(v.get("name"), v.get("tags"), v.get("labels", emptyObject())));

  static ObjectNode emptyObject() {
    return JsonNodeFactory.instance.objectNode();
  }

  /** Serialized JSON size in bytes, as the parameter-size limit measures it. */
  static long jsonSize(JsonNode n) {
    return n.toString().getBytes(StandardCharsets.UTF_8).length;
  }

  /** Prefect's SizedParameters: a JSON object at most {@code maxParameterBytes} long serialized (0 = unlimited). */
  static Type<ObjectNode> parameters(long maxParameterBytes) {
    return OBJECT.check(p -> maxParameterBytes > 0 && jsonSize(p) > maxParameterBytes
        ? "Flow run parameters must be less than " + maxParameterBytes + " bytes when serialized." : null);
  }

  private static Model<FlowRunCreate> flowRunCreate(long maxParameterBytes) {
    Type<ObjectNode> params = parameters(maxParameterBytes);
    return Model.<FlowRunCreate>forbid("FlowRunCreate")
        .opt("state", STATE_CREATE.nullable())
        .opt("name", NSTR)
        .req("flow_id", UUID_T)
        .opt("deployment_id", NUUID)
        .opt("flow_version", NSTR)
        .opt("parameters", params)
        .opt("context", OBJECT)
        .opt("parent_task_run_id", NUUID)
        .opt("infrastructure_document_id", NUUID)
        .opt("empirical_policy", FLOW_RUN_POLICY, FlowRunPolicy.DEFAULT)
        .opt("tags", STR_LIST, List.of())
        .opt("labels", LABELS.nullable())
        .opt("idempotency_key", NSTR)
        .opt("work_pool_name", NSTR)
        .opt("work_queue_name", NSTR)
        .opt("job_variables", OBJECT.nullable())
        .build(v -> new FlowRunCreate(v.get("flow_id"), v.get("name"), v.get("state"), v.get("flow_version"),
            v.get("parameters", emptyObject()), v.get("context", emptyObject()), v.get("parent_task_run_id"),
            v.get("infrastructure_document_id"), v.get("empirical_policy"), v.get("tags"),
            v.get("labels", emptyObject()), v.get("idempotency_key"), v.get("work_pool_name"),
            v.get("work_queue_name"), v.get("job_variables"), v.get("deployment_id")));
  }

  /** PREFECT_SERVER_API_MAX_PARAMETER_SIZE's default. */
  static final long DEFAULT_MAX_PARAMETER_BYTES = 524_288L;

  private static final Model<FlowRunCreate> FLOW_RUN_CREATE_DEFAULT = flowRunCreate(DEFAULT_MAX_PARAMETER_BYTES);

  private static Model<FlowRunUpdate> flowRunUpdate(long maxParameterBytes) {
    Type<ObjectNode> params = parameters(maxParameterBytes);
    String[] keys = {"name", "flow_version", "parameters", "empirical_policy", "tags", "infrastructure_pid",
        "job_variables"};
    return Model.<FlowRunUpdate>forbid("FlowRunUpdate")
        .opt("name", NSTR)
        .opt("flow_version", NSTR)
        .opt("parameters", params)
        .opt("empirical_policy", FLOW_RUN_POLICY)
        .opt("tags", STR_LIST)
        .opt("infrastructure_pid", NSTR)
        .opt("job_variables", OBJECT.nullable())
        .build(v -> {
          java.util.Set<String> present = new java.util.LinkedHashSet<>();
          for (String k : keys) {
            if (v.has(k)) present.add(k);
          }
          return new FlowRunUpdate(java.util.Set.copyOf(present), v.get("name"), v.get("flow_version"),
              v.get("parameters"), v.get("empirical_policy"), v.get("tags"), v.get("infrastructure_pid"),
              v.get("job_variables"));
        });
  }

  private static Model<TaskRunCreate> taskRunCreate(int maxCacheKeyLength) {
    Type<String> cacheKey = STR.check(k -> k.length() > maxCacheKeyLength
        ? "Cache key exceeded maximum allowed length of " + maxCacheKeyLength + " characters." : null);
    return Model.<TaskRunCreate>forbid("TaskRunCreate")
        .opt("id", NUUID)
        .opt("state", STATE_CREATE.nullable())
        .opt("name", NSTR)
        .opt("flow_run_id", NUUID)
        .req("task_key", STR)
        .req("dynamic_key", STR)
        .opt("cache_key", cacheKey.nullable())
        .opt("cache_expiration", NTIME)
        .opt("task_version", NSTR)
        .opt("empirical_policy", TASK_RUN_POLICY, TaskRunPolicy.DEFAULT)
        .opt("tags", STR_LIST, List.of())
        .opt("labels", LABELS.nullable())
        .opt("task_inputs", TASK_INPUTS)
        .build(v -> new TaskRunCreate(v.get("id"), v.get("state"), v.get("name"), v.get("flow_run_id"),
            v.get("task_key"), v.get("dynamic_key"), v.get("cache_key"), v.get("cache_expiration"),
            v.get("task_version"), v.get("empirical_policy"), v.get("tags"), v.get("labels", emptyObject()),
            v.get("task_inputs", emptyObject())));
  }

  /** One member of the task-input union: its {@code input_type} literal and its one other field. */
  private record TaskInputKind(String model, String inputType, String field, Type<?> type) {}

  private static final List<TaskInputKind> TASK_INPUT_KINDS = List.of(
      new TaskInputKind("TaskRunResult", "task_run", "id", UUID_T),
      new TaskInputKind("FlowRunResult", "flow_run", "id", UUID_T),
      new TaskInputKind("Parameter", "parameter", "name", STR),
      new TaskInputKind("Constant", "constant", "type", STR));

  /**
   * {@code TaskRunResult | FlowRunResult | Parameter | Constant}, pydantic's smart union: each
   * member is tried (its {@code input_type} defaults to its own literal, unknown keys are dropped);
   * of those that fit, the one with more fields given wins, the first on a tie; when none fits,
   * every member's errors are reported under the member's name. The result is the member as
   * Prefect writes it back ({@code input_type} first).
   */
  static final Type<ObjectNode> TASK_INPUT = (n, c) -> {
    int mark = c.mark();
    ObjectNode best = null;
    int bestSet = -1;
    for (TaskInputKind k : TASK_INPUT_KINDS) {
      c.push(k.model());
      if (!n.isObject()) {
        c.error("model_attributes_type", "Input should be a valid dictionary or object to extract fields from", n);
        c.pop();
        continue;
      }
      int m = c.mark();
      JsonNode it = n.get("input_type");
      if (it != null) {
        c.push("input_type");
        literal(k.inputType()).decode(it, c);
        c.pop();
      }
      JsonNode f = n.get(k.field());
      Object value = null;
      c.push(k.field());
      if (f == null) {
        c.missing(n);
      } else {
        value = k.type().decode(f, c);
      }
      c.pop();
      c.pop();
      int set = (it != null ? 1 : 0) + 1;
      if (!c.failedSince(m) && set > bestSet) {
        best = emptyObject();
        best.put("input_type", k.inputType());
        best.put(k.field(), value.toString());
        bestSet = set;
      }
    }
    if (best != null) {
      c.rewind(mark);
    }
    return best;
  };

  /** {@code task_inputs: dict[str, list[TaskInput]]}, rewritten as Prefect stores it. */
  static final Type<ObjectNode> TASK_INPUTS = dict(list(TASK_INPUT)).map(m -> {
    ObjectNode o = emptyObject();
    m.forEach((key, inputs) -> o.putArray(key).addAll(inputs));
    return o;
  });

  private static final Model<TaskRunCreate> TASK_RUN_CREATE_DEFAULT = taskRunCreate(2000);

  /** A null or empty {@code name} asks for a new slug (Prefect's get_or_create_run_name). */
  static final Model<TaskRunUpdate> TASK_RUN_UPDATE = Model.<TaskRunUpdate>forbid("TaskRunUpdate")
      .opt("name", NSTR)
      .build(v -> new TaskRunUpdate(v.has("name"), v.get("name")));

  static final Model<ObjectNode> CONCURRENCY_OPTIONS = Model.<ObjectNode>ignore("ConcurrencyOptions")
      .req("collision_strategy", literal("ENQUEUE", "CANCEL_NEW"))
      .opt("grace_period_seconds", range(INT32, 60, 86400).nullable())
      .build(v -> {
        ObjectNode o = emptyObject();
        o.put("collision_strategy", v.<String>get("collision_strategy"));
        Integer grace = v.get("grace_period_seconds");
        if (grace == null) o.putNull("grace_period_seconds");
        else o.put("grace_period_seconds", grace);
        return o;
      });

  /** Prefect's ParameterSchema: null or {} is {@code {"type": "object", "properties": {}}}. */
  static final Type<JsonNode> PARAMETER_SCHEMA = (n, c) -> {
    if (n.isNull() || n.isObject() && n.isEmpty()) {
      ObjectNode o = emptyObject();
      o.put("type", "object");
      o.putObject("properties");
      return o;
    }
    return OBJECT.decode(n, c);
  };

  /** Prefect's VersionInfo: {@code type} and {@code version} required, other keys kept. */
  static final Type<JsonNode> VERSION_INFO = (n, c) -> {
    int m = c.mark();
    ObjectNode o = OBJECT.decode(n, c);
    if (o == null || c.failedSince(m)) return null;
    for (String k : new String[] {"type", "version"}) {
      c.push(k);
      if (!o.has(k)) c.missing(o);
      else STR.decode(o.get(k), c);
      c.pop();
    }
    return c.failedSince(m) ? null : o;
  };

  /** {@code pull_steps}: a list of objects, kept as the JSON array given. */
  static final Type<JsonNode> PULL_STEPS = (n, c) -> {
    int m = c.mark();
    if (list(OBJECT).decode(n, c) == null || c.failedSince(m)) return null;
    return n;
  };

  /** DeploymentCreate's keys, in its field order. */
  private static final String[] DEPLOYMENT_CREATE_KEYS = {"name", "flow_id", "paused", "schedules", "concurrency_limit",
      "concurrency_options", "global_concurrency_limit_id", "enforce_parameter_schema", "parameter_openapi_schema",
      "parameters", "tags", "labels", "pull_steps", "work_queue_name", "work_pool_name", "storage_document_id",
      "infrastructure_document_id", "description", "path", "version", "entrypoint", "job_variables", "version_info"};

  static final Model<DeploymentCreate> DEPLOYMENT_CREATE = Model.<DeploymentCreate>forbid("DeploymentCreate")
      .req("name", STR)
      .req("flow_id", UUID_T)
      .opt("paused", BOOL, false)
      .opt("schedules", ScheduleBodies.SCHEDULE_CREATES, List.of())
      .opt("concurrency_limit", range(INT32, 0, null).nullable())
      .opt("concurrency_options", CONCURRENCY_OPTIONS.nullable())
      .opt("global_concurrency_limit_id", NUUID)
      .opt("enforce_parameter_schema", BOOL, true)
      .opt("parameter_openapi_schema", PARAMETER_SCHEMA, null)
      .opt("parameters", OBJECT)
      .opt("tags", STR_LIST, List.of())
      .opt("labels", LABELS.nullable())
      .opt("pull_steps", PULL_STEPS.nullable())
      .opt("work_queue_name", NSTR)
      .opt("work_pool_name", NSTR)
      .opt("storage_document_id", NUUID)
      .opt("infrastructure_document_id", NUUID)
      .opt("description", NSTR)
      .opt("path", NSTR)
      .opt("version", NSTR)
      .opt("entrypoint", NSTR)
      .opt("job_variables", OBJECT)
      .opt("version_info", VERSION_INFO.nullable())
      .validate(v -> v.get("concurrency_limit") != null && v.get("global_concurrency_limit_id") != null
          ? "A deployment cannot have both a concurrency limit and a global concurrency limit." : null)
      .build(v -> {
        java.util.Set<String> present = new java.util.LinkedHashSet<>();
        for (String k : DEPLOYMENT_CREATE_KEYS) {
          if (v.has(k)) present.add(k);
        }
        JsonNode schema = v.get("parameter_openapi_schema");
        if (schema == null) {
          schema = PARAMETER_SCHEMA.decode(com.fasterxml.jackson.databind.node.NullNode.instance, new Ctx("default"));
        }
        return new DeploymentCreate(v.get("name"), v.get("flow_id"), v.get("version"), v.get("description"),
            v.get("paused"), v.get("tags"), v.get("labels", emptyObject()), v.get("parameters", emptyObject()),
            v.get("work_pool_name"), v.get("work_queue_name"), v.get("concurrency_limit"),
            v.get("concurrency_options"), v.get("schedules"), v.get("path"), v.get("entrypoint"),
            v.get("pull_steps"),
            v.get("job_variables", emptyObject()), schema, v.<Boolean>get("enforce_parameter_schema"),
            v.get("version_info"), v.get("storage_document_id"), v.get("infrastructure_document_id"),
            java.util.Set.copyOf(present));
      });

  static final Model<LogCreate> LOG_CREATE = Model.<LogCreate>forbid("LogCreate")
      .req("name", STR)
      .req("level", INT32)
      .req("message", STR)
      .req("timestamp", DATETIME.map(Times::micros))
      .opt("flow_run_id", NUUID)
      .opt("task_run_id", NUUID)
      .opt("worker_id", NUUID)
      .build(v -> new LogCreate(v.get("name"), v.get("level"), v.get("message"), v.get("timestamp"),
          v.get("flow_run_id"), v.get("task_run_id")));

  private static final Type<List<LogCreate>> LOGS = list(LOG_CREATE);

  // ---- public entry points -------------------------------------------------------------------

  /** {@code POST /flow_runs/{id}/set_state}, {@code /task_runs/{id}/set_state}: {@code {state, force}}. */
  public static Decoded<SetState> setState(JsonNode body) {
    return SET_STATE.decodeBody(body);
  }

  /**
   * The set_state body decoded straight from its bytes, without a tree — or null, and then
   * {@link #setState(JsonNode)} on the parsed body decides (it does for everything but a valid
   * body: errors, and the 422 echoing the body, come from there). For a body this returns non-null,
   * it returns what the tree path returns (SetStateFastTest compares both on generated bodies).
   */
  public static SetState setStateFast(byte[] body) {
    if (body == null || body.length == 0 || body.length > Json.MAX_BODY_BYTES) {
      return null;
    }
    try (JsonParser p = Json.FACTORY.createParser(body)) {
      if (p.nextToken() != JsonToken.START_OBJECT) {
        return null;
      }
      SetState s = SET_STATE.decodeStream(p, new Ctx("body"));
      return p.nextToken() == null ? s : null; // trailing data: the tree parse answers "Extra data"
    } catch (IOException | Model.NotSimple | RuntimeException e) {
      return null;
    }
  }

  /** A StateCreate on its own (e.g. inside other bodies), loc rooted at {@code body}. */
  public static Decoded<StateCreate> stateCreate(JsonNode body) {
    return STATE_CREATE.decodeBody(body);
  }

  public static Decoded<FlowCreate> flowCreate(JsonNode body) {
    return FLOW_CREATE.decodeBody(body);
  }

  /** @param maxParameterBytes PREFECT_SERVER_API_MAX_PARAMETER_SIZE; 0 = unlimited */
  public static Decoded<FlowRunCreate> flowRunCreate(JsonNode body, long maxParameterBytes) {
    Model<FlowRunCreate> m = maxParameterBytes == DEFAULT_MAX_PARAMETER_BYTES
        ? FLOW_RUN_CREATE_DEFAULT : flowRunCreate(maxParameterBytes);
    return m.decodeBody(body);
  }

  public static Decoded<FlowRunUpdate> flowRunUpdate(JsonNode body, long maxParameterBytes) {
    return flowRunUpdate(maxParameterBytes).decodeBody(body);
  }

  /** @param maxCacheKeyLength PREFECT_SERVER_TASKS_MAX_CACHE_KEY_LENGTH (default 2000) */
  public static Decoded<TaskRunCreate> taskRunCreate(JsonNode body, int maxCacheKeyLength) {
    return (maxCacheKeyLength == 2000 ? TASK_RUN_CREATE_DEFAULT : taskRunCreate(maxCacheKeyLength)).decodeBody(body);
  }

  public static Decoded<TaskRunUpdate> taskRunUpdate(JsonNode body) {
    return TASK_RUN_UPDATE.decodeBody(body);
  }

  public static Decoded<DeploymentCreate> deploymentCreate(JsonNode body) {
    return DEPLOYMENT_CREATE.decodeBody(body);
  }

  /** {@code POST /logs/}: a JSON array of LogCreate (loc {@code ["body", i, field]}). */
  public static Decoded<List<LogCreate>> logs(JsonNode body) {
    Ctx c = new Ctx("body");
    if (body == null || body.isNull()) {
      c.missing(NullNode.instance);
      return Decoded.invalid(c.errors());
    }
    if (!body.isArray()) {
      // Prefect declares the body a Sequence[LogCreate]
      c.error("is_instance_of", "Input should be an instance of Sequence", body, Ctx.ctx("class", "Sequence"));
      return Decoded.invalid(c.errors());
    }
    List<LogCreate> l = LOGS.decode(body, c);
    return c.ok() ? Decoded.ok(l) : Decoded.invalid(c.errors());
  }

  /** {@code PATCH /flow_runs/{id}/labels}: a label object (loc {@code ["body", key]}). */
  public static Decoded<ObjectNode> labels(JsonNode body) {
    Ctx c = new Ctx("body");
    if (body == null || body.isNull()) {
      c.missing(NullNode.instance);
      return Decoded.invalid(c.errors());
    }
    ObjectNode o = LABELS.decode(body, c);
    return c.ok() ? Decoded.ok(o) : Decoded.invalid(c.errors());
  }

  // ---- stored JSON (jsonb columns) ------------------------------------------------------------

  /** Reads stored {@code state_details} jsonb (lenient: unknown keys ignored). */
  public static StateDetails readStateDetails(JsonNode n) {
    return readStored(STATE_DETAILS, n, StateDetails.EMPTY);
  }

  public static FlowRunPolicy readFlowRunPolicy(JsonNode n) {
    return readStored(FLOW_RUN_POLICY, n, FlowRunPolicy.DEFAULT);
  }

  public static TaskRunPolicy readTaskRunPolicy(JsonNode n) {
    return readStored(TASK_RUN_POLICY, n, TaskRunPolicy.DEFAULT);
  }

  private static <R> R readStored(Model<R> m, JsonNode n, R empty) {
    if (n == null || n.isNull() || n.isMissingNode()) return empty;
    Ctx c = new Ctx("stored");
    R r = m.decode(n, c);
    if (!c.ok()) throw new IllegalArgumentException("invalid stored " + m.name() + ": " + c.errors());
    return r;
  }

  static ArrayNode emptyArray() {
    return JsonNodeFactory.instance.arrayNode();
  }
}
