package dev.baton.it;

import static dev.baton.it.ApiClient.obj;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.baton.it.ApiClient.Response;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.junit.jupiter.api.Test;

/**
 * The HTTP calls a Prefect 3 client makes while it runs a flow, with the bodies it sends (built as
 * its pydantic models dump them: every StateDetails key, {@code exclude_unset} create bodies, the
 * {@code transition_id} on every flow {@code set_state}), and the response fields its models read.
 * docs/compatibility.md "Prefect 3 client calls" lists the same calls.
 */
class PrefectClientCallsIT {
  @ClassServer static TestServer server;
  @ClassServer static ApiClient api;
  static final Map<String, String> CLIENT = Map.of("User-Agent", "prefect/3.8.4 (API 0.8.4)",
      "X-PREFECT-API-VERSION", "0.8.4");

  static final List<String> FLOW_RUN_FIELDS = List.of("id", "created", "updated", "name", "flow_id", "state_id",
      "deployment_id", "deployment_version", "work_queue_name", "flow_version", "parameters", "idempotency_key",
      "context", "empirical_policy", "tags", "labels", "parent_task_run_id", "state_type", "state_name", "run_count",
      "expected_start_time", "next_scheduled_start_time", "start_time", "end_time", "total_run_time",
      "estimated_run_time", "estimated_start_time_delta", "auto_scheduled", "infrastructure_document_id",
      "infrastructure_pid", "created_by", "work_queue_id", "work_pool_id", "work_pool_name", "state", "job_variables");
  static final List<String> TASK_RUN_FIELDS = List.of("id", "created", "updated", "name", "flow_run_id", "task_key",
      "dynamic_key", "cache_key", "cache_expiration", "task_version", "empirical_policy", "tags", "labels", "state_id",
      "task_inputs", "state_type", "state_name", "run_count", "flow_run_run_count", "expected_start_time",
      "next_scheduled_start_time", "start_time", "end_time", "total_run_time", "estimated_run_time",
      "estimated_start_time_delta", "state");
  static final List<String> STATE_FIELDS = List.of("id", "type", "name", "timestamp", "message", "data", "state_details");

  static Response post(String path, Object body) {
    return api.post(path, body, CLIENT);
  }

  static void has(JsonNode o, List<String> fields, String what) {
    List<String> missing = new ArrayList<>();
    for (String f : fields) {
      if (o == null || !o.has(f)) missing.add(f);
    }
    assertTrue(missing.isEmpty(), () -> what + " lacks " + missing + ": " + o);
  }

  /** {@code to_state_create(state).model_dump(mode="json")}: every StateDetails key is sent. */
  static ObjectNode stateCreate(String type, String name, Object... details) {
    ObjectNode sd = obj("flow_run_id", null, "task_run_id", null, "child_flow_run_id", null, "scheduled_time", null,
        "cache_key", null, "cache_expiration", null, "deferred", false, "untrackable_result", false,
        "pause_timeout", null, "pause_reschedule", false, "pause_key", null, "run_input_keyset", null,
        "refresh_cache", null, "retriable", null, "transition_id", null, "task_parameters_id", null,
        "traceparent", null, "deployment_concurrency_lease_id", null);
    sd.setAll(obj(details));
    return obj("type", type, "name", name, "message", null, "data", null, "state_details", sd);
  }

  /** {@code set_flow_run_state}: flow_run_id and a fresh transition_id in the details. */
  static JsonNode propose(UUID flowRun, ObjectNode state) {
    ObjectNode sd = (ObjectNode) state.get("state_details");
    sd.put("flow_run_id", flowRun.toString());
    sd.put("transition_id", UUID.randomUUID().toString());
    Response r = post("/api/flow_runs/" + flowRun + "/set_state", obj("state", state, "force", false));
    assertTrue(r.status() == 200 || r.status() == 201, r::raw);
    has(r.body(), List.of("state", "status", "details"), "OrchestrationResult");
    has(r.get("state"), STATE_FIELDS, "OrchestrationResult.state");
    assertTrue(r.get("details").has("type"), r::raw);
    return r.body();
  }

  static final ObjectNode FLOW_POLICY = obj("max_retries", 0, "retry_delay_seconds", 0.0, "retries", 0,
      "retry_delay", 0, "pause_keys", List.of(), "resuming", false, "retry_type", null);

  /** {@code client.create_flow_run}: POST /flows/ then POST /flow_runs/ (exclude_unset). */
  static JsonNode createFlowRun(String flowName, UUID parentTaskRun, List<String> tags) {
    Response flow = post("/api/flows/", obj("name", flowName, "tags", List.of(), "labels", obj()));
    assertTrue(flow.status() == 200 || flow.status() == 201, flow::raw);
    has(flow.body(), List.of("id", "name", "tags", "labels", "created", "updated"), "Flow");
    ObjectNode body = obj("flow_id", flow.text("id"), "flow_version", "5f0c1e2d", "parameters", obj("n", 3),
        "context", obj(), "tags", tags, "state", stateCreate("PENDING", null), "empirical_policy", FLOW_POLICY);
    if (parentTaskRun != null) body.put("parent_task_run_id", parentTaskRun.toString());
    JsonNode run = post("/api/flow_runs/", body).expect(201).body();
    has(run, FLOW_RUN_FIELDS, "FlowRun");
    has(run.get("state"), STATE_FIELDS, "FlowRun.state");
    return run;
  }

  @Test
  void handshake() {
    Response csrf = api.get("/api/csrf-token?client=" + UUID.randomUUID());
    // the client turns CSRF support off on exactly this answer
    assertEquals(422, csrf.status());
    assertTrue(csrf.raw().contains("CSRF protection is disabled."), csrf::raw);
    // raise_for_api_version_mismatch compares the major version
    assertTrue(api.get("/api/admin/version").expect(200).body().asText().startsWith("3."));
    api.get("/api/health").expect(200);
  }

  @Test
  void aFlowRunWithASubflowLogsAndTagSlots() {
    JsonNode run = createFlowRun("etl-" + UUID.randomUUID(), null, List.of("nightly"));
    UUID id = UUID.fromString(run.get("id").asText());
    // FlowRunEngine.setup_run_context / load_flow_run
    has(api.get("/api/flow_runs/" + id).expect(200).body(), FLOW_RUN_FIELDS, "FlowRun");
    // flows started from a deployment: update_flow_run(flow_version, empirical_policy); flow_run_name: set_flow_run_name
    api.patch("/api/flow_runs/" + id, obj("flow_version", "5f0c1e2d", "empirical_policy", FLOW_POLICY)).expect(204);
    api.patch("/api/flow_runs/" + id, obj("name", "etl-2026-08-21")).expect(204);
    // RunTelemetry: the traceparent label
    api.patch("/api/flow_runs/" + id + "/labels",
        obj("__OTEL_TRACEPARENT", "00-0af7651916cd43dd8448eb211c80319c-b7ad6b7169203331-01")).expect(204);
    assertEquals("ACCEPT", propose(id, stateCreate("RUNNING", null)).get("status").asText());

    // a tagged task: prefect.concurrency.v1 around the task body (a tag without a limit is ignored)
    String tag = "db-" + UUID.randomUUID();
    post("/api/concurrency_limits/", obj("tag", tag, "concurrency_limit", 1)).expect(201);
    UUID taskRun = UUID.randomUUID();  // client-side task run: its id never reaches /task_runs
    JsonNode acquired = post("/api/concurrency_limits/increment",
        obj("names", List.of(tag, "no-limit-" + UUID.randomUUID()), "task_run_id", taskRun.toString())).expect(200).body();
    assertEquals(1, acquired.size());
    has(acquired.get(0), List.of("id", "name", "limit"), "MinimalConcurrencyLimitResponse");
    assertEquals(tag, acquired.get(0).get("name").asText());
    Response busy = post("/api/concurrency_limits/increment",
        obj("names", List.of(tag), "task_run_id", UUID.randomUUID().toString()));
    assertEquals(423, busy.status());
    assertTrue(busy.header("Retry-After") != null, "the client's retry loop needs Retry-After");
    JsonNode released = post("/api/concurrency_limits/decrement", obj("names", List.of(tag), "task_run_id",
        taskRun.toString(), "occupancy_seconds", 1.25)).expect(200).body();
    has(released.get(0), List.of("id", "name", "limit"), "MinimalConcurrencyLimitResponse");

    // a subflow: its parent task run is created on the server (Task.create_run)
    ObjectNode parentTask = obj("name", "child-flow-0", "flow_run_id", id.toString(), "task_key", "child-0c2f9a11",
        "dynamic_key", "0", "cache_key", null, "cache_expiration", null, "task_version", null,
        "empirical_policy", obj("max_retries", 0, "retry_delay_seconds", 0.0, "retries", 0, "retry_delay", 0,
            "retry_jitter_factor", null),
        "tags", List.of(), "labels", obj(), "state", stateCreate("PENDING", null),
        "task_inputs", obj("items", List.of(obj("input_type", "task_run", "id", UUID.randomUUID().toString())),
            "n", List.of(obj("input_type", "parameter", "name", "n")),
            "k", List.of(obj("input_type", "constant", "type", "int"))));
    JsonNode parent = post("/api/task_runs/", parentTask).expect(201).body();
    has(parent, TASK_RUN_FIELDS, "TaskRun");
    UUID parentId = UUID.fromString(parent.get("id").asText());
    // load_subflow_run: only when the parent task run is already final
    assertEquals(0, post("/api/flow_runs/filter", obj("flows", null, "flow_runs",
        obj("parent_task_run_id", obj("any_", List.of(parentId.toString()))), "task_runs", null, "deployments", null,
        "work_pools", null, "work_pool_queues", null, "sort", "EXPECTED_START_TIME_ASC", "limit", 1, "offset", 0))
        .expect(200).body().size());
    JsonNode child = createFlowRun("child-flow-" + UUID.randomUUID(), parentId, List.of());
    UUID childId = UUID.fromString(child.get("id").asText());
    propose(childId, stateCreate("RUNNING", null));
    ObjectNode done = stateCreate("COMPLETED", null);
    done.set("data", obj("storage_key", "9b1f3c", "expiration", null, "serializer", obj("type", "pickle",
        "picklelib", "cloudpickle", "picklelib_version", null), "prefect_version", "3.8.4", "storage_block_id", null));
    assertEquals("ACCEPT", propose(childId, done).get("status").asText());
    JsonNode mirrored = api.get("/api/task_runs/" + parentId).expect(200).body();
    assertEquals("COMPLETED", mirrored.get("state").get("type").asText());
    assertEquals(childId.toString(), mirrored.get("state").get("state_details").get("child_flow_run_id").asText());

    // the API log handler ships batches; the UI and `prefect flow-run logs` read them back
    String ts = Instant.now().truncatedTo(ChronoUnit.MICROS).toString();
    post("/api/logs/", List.of(obj("name", "prefect.flow_runs", "level", 20, "message", "Beginning flow run 'etl'",
        "timestamp", ts, "flow_run_id", id.toString(), "task_run_id", null, "worker_id", null))).expect(201);
    JsonNode logs = post("/api/logs/filter", obj("logs", obj("flow_run_id", obj("any_", List.of(id.toString()))),
        "sort", "TIMESTAMP_ASC", "limit", 200, "offset", 0)).expect(200).body();
    assertEquals(1, logs.size());
    has(logs.get(0), List.of("id", "created", "updated", "name", "level", "message", "timestamp", "flow_run_id",
        "task_run_id"), "Log");

    assertEquals("ACCEPT", propose(id, stateCreate("COMPLETED", null)).get("status").asText());
    List<String> names = new ArrayList<>();
    api.get("/api/flow_run_states/?flow_run_id=" + id).expect(200).body().forEach(s -> names.add(s.get("name").asText()));
    assertEquals(List.of("Pending", "Running", "Completed"), names);
  }

  @Test
  void globalConcurrencyWithALeaseRenewedAndReleased() {
    String name = "gpu-" + UUID.randomUUID();
    post("/api/v2/concurrency_limits/", obj("name", name, "limit", 1)).expect(201);
    JsonNode run = createFlowRun("gpu-flow-" + UUID.randomUUID(), null, List.of());
    // concurrency(name): increment-with-lease, renewed by maintain_concurrency_lease, released on exit
    JsonNode lease = post("/api/v2/concurrency_limits/increment-with-lease", obj("names", List.of(name), "slots", 1,
        "mode", "concurrency", "lease_duration", 300, "holder", obj("type", "flow_run", "id", run.get("id").asText())))
        .expect(200).body();
    has(lease, List.of("lease_id", "limits"), "ConcurrencyLimitWithLeaseResponse");
    has(lease.get("limits").get(0), List.of("id", "name", "limit"), "MinimalConcurrencyLimitResponse");
    String leaseId = lease.get("lease_id").asText();
    Response full = post("/api/v2/concurrency_limits/increment-with-lease",
        obj("names", List.of(name), "slots", 1, "mode", "concurrency", "lease_duration", 300));
    assertEquals(423, full.status());
    assertTrue(full.header("Retry-After") != null);
    post("/api/v2/concurrency_limits/leases/" + leaseId + "/renew", obj("lease_duration", 300)).expect(204);
    post("/api/v2/concurrency_limits/decrement-with-lease", obj("lease_id", leaseId)).expect(204);
    JsonNode limit = api.get("/api/v2/concurrency_limits/" + name).expect(200).body();
    has(limit, List.of("id", "active", "name", "limit", "active_slots", "slot_decay_per_second"),
        "GlobalConcurrencyLimitResponse");
    assertEquals(0, limit.get("active_slots").asInt());
    // rate_limit(name): a one-shot increment on a limit with slot decay, nothing to release
    String rate = "api-calls-" + UUID.randomUUID();
    post("/api/v2/concurrency_limits/", obj("name", rate, "limit", 5, "slot_decay_per_second", 1.0)).expect(201);
    assertEquals(rate, post("/api/v2/concurrency_limits/increment", obj("names", List.of(rate), "slots", 1,
        "mode", "rate_limit")).expect(200).body().get(0).get("name").asText());
  }

  @Test
  void pauseForInputAndResumeFromAnotherClient() {
    JsonNode run = createFlowRun("approval-" + UUID.randomUUID(), null, List.of());
    UUID id = UUID.fromString(run.get("id").asText());
    propose(id, stateCreate("RUNNING", null));
    // pause_flow_run(wait_for_input=Approval): the schema as a flow-run input, then a Paused proposal
    ObjectNode keyset = obj("description", "paused-1-description", "response", "paused-1-response",
        "schema", "paused-1-schema");
    String schema = "{\"title\":\"Approval\",\"type\":\"object\",\"properties\":{\"ok\":{\"title\":\"Ok\","
        + "\"type\":\"boolean\"}},\"required\":[\"ok\"]}";
    post("/api/flow_runs/" + id + "/input", obj("key", "paused-1-schema", "value", schema, "sender", null)).expect(201);
    String timeout = Instant.now().plus(1, ChronoUnit.HOURS).truncatedTo(ChronoUnit.MICROS).toString();
    JsonNode paused = propose(id, stateCreate("PAUSED", "Paused", "pause_timeout", timeout, "pause_key", "1",
        "run_input_keyset", keyset));
    assertEquals("ACCEPT", paused.get("status").asText());
    // the paused client polls read_flow_run
    assertEquals("PAUSED", api.get("/api/flow_runs/" + id).expect(200).body().get("state").get("type").asText());
    // another client: resume_flow_run(run_input=...)
    Response bad = post("/api/flow_runs/" + id + "/resume", obj("run_input", obj("ok", "not a bool")));
    assertEquals("REJECT", bad.text("status"), bad::raw);
    JsonNode resumed = post("/api/flow_runs/" + id + "/resume", obj("run_input", obj("ok", true))).body();
    assertEquals("ACCEPT", resumed.get("status").asText(), resumed::toString);
    has(resumed.get("state"), STATE_FIELDS, "OrchestrationResult.state");
    // the paused client sees RUNNING and loads the response input
    assertEquals("RUNNING", api.get("/api/flow_runs/" + id).expect(200).body().get("state").get("type").asText());
    assertEquals(true, api.get("/api/flow_runs/" + id + "/input/paused-1-response").expect(200).body().get("ok").asBoolean());
    JsonNode inputs = post("/api/flow_runs/" + id + "/input/filter",
        obj("prefix", "paused-1", "limit", 10, "exclude_keys", List.of())).expect(200).body();
    has(inputs.get(0), List.of("id", "created", "updated", "flow_run_id", "key", "value", "sender"), "FlowRunInput");
  }

  @Test
  void variableGetAndSetWithOverwrite() {
    String name = "v_" + UUID.randomUUID().toString().replace("-", "_");
    // Variable.set: read by name (404), create
    assertEquals(404, api.get("/api/variables/name/" + name).status());
    post("/api/variables/", obj("name", name, "value", obj("a", 1), "tags", List.of())).expect(201);
    // Variable.set(overwrite=True): update_variable(VariableUpdate) then read back
    api.patch("/api/variables/name/" + name, obj("name", name, "value", List.of(1, 2), "tags", List.of("x"))).expect(204);
    JsonNode v = api.get("/api/variables/name/" + name).expect(200).body();
    assertEquals("[1,2]", v.get("value").toString());
    assertEquals("[\"x\"]", v.get("tags").toString());
    // only present keys change; explicit null value is stored as null
    api.patch("/api/variables/name/" + name, obj("tags", List.of())).expect(204);
    assertEquals("[1,2]", api.get("/api/variables/name/" + name).expect(200).body().get("value").toString());
    api.patch("/api/variables/name/" + name, obj("value", null)).expect(204);
    assertTrue(api.get("/api/variables/name/" + name).expect(200).body().get("value").isNull());
    assertEquals("Variable not found.", api.patch("/api/variables/name/nope-" + UUID.randomUUID(), obj("value", 1))
        .expect(404).text("detail"));
    // a rename onto a taken name is a conflict; bad bodies are 422; none of them writes
    String other = "w_" + UUID.randomUUID().toString().replace("-", "_");
    post("/api/variables/", obj("name", other, "value", 1)).expect(201);
    String before = server.fingerprint();
    assertEquals(409, api.patch("/api/variables/name/" + name, obj("name", other)).status());
    assertEquals(422, api.patch("/api/variables/name/" + name, obj("colour", "red")).status());
    assertEquals(422, api.patch("/api/variables/name/" + name, obj("tags", "x")).status());
    assertEquals(422, api.patch("/api/variables/name/" + name, obj("name", "Not Valid")).status());
    assertEquals(before, server.fingerprint());
  }

  @Test
  void runDeploymentByName() {
    String flowName = "reports-" + UUID.randomUUID();
    UUID flowId = post("/api/flows/", obj("name", flowName)).id();
    JsonNode dep = post("/api/deployments/", obj("name", "daily", "flow_id", flowId.toString())).body();
    // run_deployment("<flow>/<deployment>"): read_deployment_by_name, then create_flow_run_from_deployment
    JsonNode byName = api.get("/api/deployments/name/" + flowName + "/daily").expect(200).body();
    assertEquals(dep.get("id").asText(), byName.get("id").asText());
    assertEquals(flowId.toString(), byName.get("flow_id").asText());
    assertEquals("Deployment not found", api.get("/api/deployments/name/" + flowName + "/weekly").expect(404).text("detail"));
    assertEquals(404, api.get("/api/deployments/name/no-such-flow-" + UUID.randomUUID() + "/daily").status());
    JsonNode run = post("/api/deployments/" + byName.get("id").asText() + "/create_flow_run",
        obj("state", stateCreate("SCHEDULED", null), "parameters", obj())).body();
    has(run, FLOW_RUN_FIELDS, "FlowRun");
    assertEquals(byName.get("id").asText(), run.get("deployment_id").asText());
    assertFalse(run.get("state").isNull());
  }
}
