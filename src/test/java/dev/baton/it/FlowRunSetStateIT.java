package dev.baton.it;

import static dev.baton.it.ApiClient.obj;
import static dev.baton.it.ApiClient.state;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import dev.baton.it.ApiClient.Response;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.UUID;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** Flow-run creation and orchestration over real HTTP: spec/scenarios.md sections A–E and M. */
class FlowRunSetStateIT {
  @ClassServer static ApiClient api;

  // ---- A. creation / reading ----

  @Test
  void a1_a2_createWithStateAndLabels() {
    UUID flowId = api.createFlow();
    Response r = api.post("/api/flow_runs/", obj("flow_id", flowId.toString(), "name", "run-1",
        "state", state("PENDING"), "labels", obj("env", "dev"))).expect(201);
    assertEquals("PENDING", r.text("state", "type"));
    assertEquals(obj("env", "dev", "prefect.flow.id", flowId.toString()), r.body().get("labels"));
    Response bare = api.post("/api/flow_runs/", obj("flow_id", flowId.toString())).expect(201);
    assertEquals("PENDING", bare.text("state", "type"));
    assertEquals("Pending", bare.text("state", "name"));
    assertEquals(obj(), bare.body().get("job_variables"));
    assertTrue(bare.text("name").length() > 0, "a generated name");
  }

  @Test
  void a3_idempotencyKey() {
    UUID flowId = api.createFlow();
    var body = obj("flow_id", flowId.toString(), "idempotency_key", "test-key");
    UUID first = api.post("/api/flow_runs/", body).expect(201).id();
    assertEquals(first, api.post("/api/flow_runs/", body).expect(200).id());
    UUID other = api.post("/api/flow_runs/", obj("flow_id", api.createFlow().toString(), "idempotency_key", "test-key")).expect(201).id();
    assertNotEquals(first, other);
  }

  @Test
  void a4_createRunning() {
    JsonNode run = api.flowRun(api.createFlowRun(state("RUNNING")));
    assertEquals(1, run.get("run_count").asInt());
    assertTrue(run.hasNonNull("start_time"));
    assertEquals("RUNNING", run.get("state_type").asText());
  }

  @Test
  void a5_clientTimestampsAreNotAccepted() {
    api.post("/api/flow_runs/", obj("flow_id", api.createFlow().toString(),
        "state", state("COMPLETED", "timestamp", Instant.now().plus(Duration.ofDays(30)).toString()))).expect(422);
  }

  @Test
  void a6_parameterSizeLimit() {
    api.post("/api/flow_runs/", obj("flow_id", api.createFlow().toString(),
        "parameters", obj("big", "x".repeat(600_000)))).expect(422);
  }

  @Test
  void a7_unknownWorkPool() {
    Response r = api.post("/api/flow_runs/", obj("flow_id", api.createFlow().toString(),
        "work_pool_name", "non-existent-work-pool")).expect(404);
    assertTrue(r.text("detail").contains("Work pool \"non-existent-work-pool\" not found"), r.raw());
  }

  @Test
  void a8_readUnknown() {
    assertEquals("Not Found", api.get("/api/flow_runs/THISAINTIT").expect(404).text("detail"));
    assertEquals("Flow run not found", api.get("/api/flow_runs/" + UUID.randomUUID()).expect(404).text("detail"));
  }

  @Test
  void flowsCanBeRetaggedAndDeleted() {
    UUID flow = api.createFlow();
    api.patch("/api/flows/" + flow, obj("tags", List.of("a", "b"))).expect(204);
    assertEquals(List.of("a", "b"), List.of(api.get("/api/flows/" + flow).expect(200).body().get("tags").get(0).asText(),
        api.get("/api/flows/" + flow).body().get("tags").get(1).asText()));
    api.patch("/api/flows/" + flow, obj()).expect(204);
    assertEquals(2, api.get("/api/flows/" + flow).body().get("tags").size(), "no tags sent: unchanged");
    api.patch("/api/flows/" + flow, obj("tags", 5)).expect(422);
    api.patch("/api/flows/" + UUID.randomUUID(), obj("tags", List.of())).expect(404);
    api.delete("/api/flows/" + flow).expect(204);
    assertEquals("Flow not found", api.get("/api/flows/" + flow).expect(404).text("detail"));
  }

  @Test
  void unknownFlowIsAConflict() {
    api.post("/api/flow_runs/", obj("flow_id", UUID.randomUUID().toString())).expect(409);
  }

  // ---- B. basic set_state ----

  @Test
  void b10_b11_pendingTwiceAndRunningToPendingAbort() {
    UUID run = api.createFlowRun(state("RUNNING"));
    Response r = api.setFlowState(run, state("PENDING")).expect(200);
    assertEquals("ABORT", r.text("status"));
    assertEquals("This run is in a RUNNING state and cannot transition to a PENDING state.", r.text("details", "reason"));
    UUID p = api.createFlowRun(state("PENDING", "name", "Test State"));
    Response again = api.setFlowState(p, state("PENDING", "name", "Test State")).expect(200);
    assertEquals("This run is in a PENDING state and cannot transition to a PENDING state.", again.text("details", "reason"));
  }

  @Test
  void b13_pendingSubStates() {
    UUID run = api.createFlowRun(state("SCHEDULED", "state_details", obj("scheduled_time", Instant.now().minusSeconds(60).toString())));
    Response pending = api.setFlowState(run, state("PENDING")).expect(201);
    String scheduled = pending.text("state", "state_details", "scheduled_time");
    Response submitting = api.setFlowState(run, state("PENDING", "name", "Submitting")).expect(201);
    assertEquals("ACCEPT", submitting.text("status"));
    assertEquals(Instant.parse(scheduled), Instant.parse(submitting.text("state", "state_details", "scheduled_time")));
    assertEquals("ACCEPT", api.setFlowState(run, state("PENDING", "name", "InfrastructurePending")).expect(201).text("status"));
    assertEquals("ABORT", api.setFlowState(run, state("PENDING", "name", "Pending")).expect(200).text("status"));
  }

  @Test
  void b15_duplicateTransitionId() {
    UUID run = api.createFlowRun(null);
    String tid = UUID.randomUUID().toString();
    Response first = api.setFlowState(run, state("RUNNING", "state_details", obj("transition_id", tid))).expect(201);
    Response dup = api.setFlowState(run, state("COMPLETED", "state_details", obj("transition_id", tid))).expect(200);
    assertEquals("REJECT", dup.text("status"));
    assertEquals("This run has already made this state transition.", dup.text("details", "reason"));
    assertEquals(first.text("state", "id"), dup.text("state", "id"));
    assertEquals("ACCEPT", api.setFlowState(run, state("COMPLETED", "state_details", obj("transition_id", UUID.randomUUID().toString()))).expect(201).text("status"));
  }

  @Test
  void b16_b17_waitForScheduledTimeAndForce() {
    UUID run = api.createFlowRun(state("SCHEDULED", "state_details",
        obj("scheduled_time", Instant.now().plus(Duration.ofDays(1)).toString())));
    assertEquals("ACCEPT", api.setFlowState(run, state("PENDING")).expect(201).text("status"));
    Response wait = api.setFlowState(run, state("RUNNING")).expect(200);
    assertEquals("WAIT", wait.text("status"));
    assertEquals("wait_details", wait.text("details", "type"));
    assertEquals("Scheduled time is in the future", wait.text("details", "reason"));
    long delay = wait.body().get("details").get("delay_seconds").asLong();
    assertTrue(86400 - delay >= 0 && 86400 - delay <= 30, "delay " + delay);
    assertEquals("PENDING", wait.text("state", "type"));
    assertEquals("ACCEPT", api.setFlowState(run, state("RUNNING"), true).expect(201).text("status"));
  }

  @Test
  void b20_dataRoundTrips() {
    for (Object data : List.of(1, "test", obj("foo", "bar"))) {
      UUID run = api.createFlowRun(null);
      Response r = api.setFlowState(run, state("COMPLETED", "data", data)).expect(201);
      assertEquals("ACCEPT", r.text("status"));
      assertEquals(ApiClient.JSON.valueToTree(data), api.flowRun(run).get("state").get("data"));
    }
  }

  // ---- C. terminal states, data protection, manual retries ----

  @ParameterizedTest
  @ValueSource(strings = {"COMPLETED", "FAILED", "CANCELLED", "CRASHED"})
  void c21_terminalToCrashedOrCancellingAborts(String terminal) {
    UUID run = api.createFlowRun(state(terminal));
    for (String to : List.of("CRASHED", "CANCELLING")) {
      Response r = api.setFlowState(run, state(to)).expect(200);
      assertEquals("ABORT", r.text("status"));
      assertEquals("Run is already in terminal state " + terminal + ".", r.text("details", "reason"));
    }
  }

  @Test
  void c22_completedWithResultCannotRerun() {
    UUID plain = api.createFlowRun(state("COMPLETED"));
    assertEquals("ACCEPT", api.setFlowState(plain, state("RUNNING")).expect(201).text("status"));
    UUID withResult = api.createFlowRun(state("COMPLETED", "data", obj("storage_key", "k")));
    Response r = api.setFlowState(withResult, state("RUNNING")).expect(200);
    assertEquals("REJECT", r.text("status"));
    assertEquals("Run is already COMPLETED.", r.text("details", "reason"));
  }

  @Test
  void c23_c26_resultDataLossIsPreventedEvenWithForce() {
    UUID run = api.createFlowRun(null);
    api.setFlowState(run, state("COMPLETED", "data", obj("storage_key", "old")), true).expect(201);
    Response r = api.setFlowState(run, state("COMPLETED"), true).expect(200);
    assertEquals("REJECT", r.text("status"));
    assertEquals("old", api.flowRun(run).get("state").get("data").get("storage_key").asText());
    assertEquals("REJECT", api.setFlowState(run, state("COMPLETED", "data", 1), true).expect(200).text("status"));
    assertEquals("ACCEPT", api.setFlowState(run, state("COMPLETED", "data", obj("storage_key", "new-key")), true).expect(201).text("status"));
  }

  @Test
  void c25_scalarDataIsNotAPersistedResult() {
    UUID run = api.createFlowRun(null);
    api.setFlowState(run, state("COMPLETED", "data", List.of(1, 2, 3)), true).expect(201);
    assertEquals("ACCEPT", api.setFlowState(run, state("COMPLETED"), true).expect(201).text("status"));
  }

  @Test
  void c28_c30_manualRetries() {
    UUID flowId = api.createFlow();
    UUID dep = api.createDeployment(flowId);
    UUID run = api.post("/api/flow_runs/", obj("flow_id", flowId.toString(), "deployment_id", dep.toString(),
        "state", state("RUNNING"))).expect(201).id();
    api.setFlowState(run, state("FAILED")).expect(201);
    Response retry = api.setFlowState(run, state("SCHEDULED", "name", "AwaitingRetry")).expect(201);
    assertEquals("ACCEPT", retry.text("status"));
    JsonNode after = api.flowRun(run);
    assertEquals("SCHEDULED", after.get("state_type").asText());
    assertEquals(1, after.get("run_count").asInt());
    assertEquals("reschedule", after.get("empirical_policy").get("retry_type").asText());

    UUID noDep = api.createFlowRun(state("RUNNING"));
    api.setFlowState(noDep, state("FAILED")).expect(201);
    Response refused = api.setFlowState(noDep, state("SCHEDULED", "name", "AwaitingRetry")).expect(200);
    assertEquals("ABORT", refused.text("status"));
    assertEquals("Cannot reschedule a run without an associated deployment.", refused.text("details", "reason"));
    assertEquals("FAILED", api.flowRun(noDep).get("state_type").asText());
  }

  // ---- D. automatic retries ----

  @Test
  void d32_d34_retriesInProcess() {
    UUID run = api.createFlowRun(state("RUNNING"), "empirical_policy", obj("retries", 1, "retry_delay", 5));
    Instant before = Instant.now();
    Response r = api.setFlowState(run, state("FAILED", "message", "boom", "data", obj("storage_key", "err"))).expect(201);
    assertEquals("REJECT", r.text("status"));
    assertEquals("Retrying", r.text("details", "reason"));
    assertEquals("SCHEDULED", r.text("state", "type"));
    assertEquals("AwaitingRetry", r.text("state", "name"));
    assertEquals("boom", r.text("state", "message"));
    Instant at = Instant.parse(r.text("state", "state_details", "scheduled_time"));
    assertTrue(!at.isBefore(before.plusSeconds(4)) && at.isBefore(Instant.now().plusSeconds(6)), at.toString());
    JsonNode policy = api.flowRun(run).get("empirical_policy");
    assertEquals("in_process", policy.get("retry_type").asText());
    assertEquals(0, policy.get("pause_keys").size());
    assertEquals(false, policy.get("resuming").asBoolean());
    // d34: the retry runs without a rename; run_count +1
    Response rerun = api.setFlowState(run, state("RUNNING"), true).expect(201);
    assertEquals("Running", rerun.text("state", "name"));
    assertEquals(2, api.flowRun(run).get("run_count").asInt());
    // d33: retries exhausted
    Response fail = api.setFlowState(run, state("FAILED")).expect(201);
    assertEquals("ACCEPT", fail.text("status"));
    assertTrue(api.flowRun(run).get("empirical_policy").get("retry_type").isNull());
  }

  @Test
  void legacyClientsRetryFailedTaskRunsWithTheFlow() {
    UUID run = api.createFlowRun(state("RUNNING"), "empirical_policy", obj("retries", 1, "retry_delay", 0));
    UUID failedTask = api.createTaskRun(run, state("RUNNING"));
    api.setTaskState(failedTask, state("FAILED")).expect(201);
    UUID completedTask = api.createTaskRun(run, state("RUNNING"));
    api.setTaskState(completedTask, state("COMPLETED")).expect(201);
    Response r = api.post("/api/flow_runs/" + run + "/set_state", obj("state", state("FAILED")),
        java.util.Map.of("X-PREFECT-API-VERSION", "0.8.2")).expect(201);
    assertEquals("REJECT", r.text("status"));
    assertEquals("AwaitingRetry", r.text("state", "name"));
    JsonNode task = api.taskRun(failedTask);
    assertEquals("SCHEDULED", task.get("state_type").asText(), "the failed task run is retried with its flow");
    assertEquals("AwaitingRetry", task.get("state_name").asText());
    assertEquals(0, task.get("run_count").asInt());
    assertEquals("COMPLETED", api.taskRun(completedTask).get("state_type").asText(), "other task runs untouched");
    // a current client (no header / 0.8.4) leaves task runs alone
    UUID current = api.createFlowRun(state("RUNNING"), "empirical_policy", obj("retries", 1));
    UUID task2 = api.createTaskRun(current, state("RUNNING"));
    api.setTaskState(task2, state("FAILED")).expect(201);
    api.setFlowState(current, state("FAILED")).expect(201);
    assertEquals("FAILED", api.taskRun(task2).get("state_type").asText());
  }

  // ---- E. cancellation ----

  @Test
  void e35_cancellingOnlyToCancelled() {
    UUID run = api.createFlowRun(state("RUNNING"));
    api.setFlowState(run, state("CANCELLING")).expect(201);
    for (String to : List.of("COMPLETED", "RUNNING")) {
      Response r = api.setFlowState(run, state(to)).expect(200);
      assertEquals("REJECT", r.text("status"));
      assertEquals("Cannot transition flows that are cancelling to a state other than Cancelled.", r.text("details", "reason"));
      assertEquals("CANCELLING", r.text("state", "type"));
    }
    assertEquals("ACCEPT", api.setFlowState(run, state("CANCELLED")).expect(201).text("status"));
  }

  @Test
  void e36_scheduledWithoutInfrastructureIsCancelledDirectly() {
    UUID run = api.createFlowRun(state("SCHEDULED"));
    Response r = api.setFlowState(run, state("CANCELLING")).expect(201);
    assertEquals("REJECT", r.text("status"));
    assertEquals("CANCELLED", r.text("state", "type"));
    assertEquals("Cancelled", r.text("state", "name"));
    assertEquals("Scheduled flow run has no infrastructure to terminate.", r.text("details", "reason"));
    UUID withPid = api.createFlowRun(state("SCHEDULED"));
    api.patch("/api/flow_runs/" + withPid, obj("infrastructure_pid", "pid-1")).expect(204);
    assertEquals("ACCEPT", api.setFlowState(withPid, state("CANCELLING")).expect(201).text("status"));
  }

  // ---- M. bookkeeping ----

  @Test
  void m85_m87_runColumns() {
    Instant t = Instant.parse("2030-01-01T00:00:00Z");
    UUID run = api.createFlowRun(state("SCHEDULED", "state_details", obj("scheduled_time", t.toString())));
    JsonNode r0 = api.flowRun(run);
    assertEquals("Scheduled", r0.get("state_name").asText());
    assertEquals(t, Instant.parse(r0.get("expected_start_time").asText()));
    assertEquals(t, Instant.parse(r0.get("next_scheduled_start_time").asText()));
    assertTrue(r0.get("start_time").isNull());
    api.setFlowState(run, state("PENDING")).expect(201);
    assertTrue(api.flowRun(run).get("next_scheduled_start_time").isNull());
    api.setFlowState(run, state("RUNNING"), true).expect(201);
    JsonNode r2 = api.flowRun(run);
    assertTrue(r2.hasNonNull("start_time"));
    assertEquals(1, r2.get("run_count").asInt());
    api.setFlowState(run, state("COMPLETED")).expect(201);
    JsonNode r3 = api.flowRun(run);
    assertTrue(r3.hasNonNull("end_time"));
    assertTrue(r3.get("total_run_time").asDouble() > 0);
    assertEquals(r3.get("total_run_time").asDouble(), r3.get("estimated_run_time").asDouble(), 1e-9);
    api.setFlowState(run, state("RUNNING")).expect(201);
    assertTrue(api.flowRun(run).get("end_time").isNull());
  }

  @Test
  void m88_subflowStatesAreMirroredOnTheParentTask() {
    UUID parent = api.createFlowRun(state("RUNNING"));
    UUID task = api.createTaskRun(parent, state("RUNNING"));
    UUID flowId = api.createFlow();
    UUID sub = api.post("/api/flow_runs/", obj("flow_id", flowId.toString(), "parent_task_run_id", task.toString(),
        "state", state("RUNNING"))).expect(201).id();
    Response failed = api.setFlowState(sub, state("FAILED")).expect(201);
    assertEquals(task.toString(), failed.text("state", "state_details", "task_run_id"));
    JsonNode taskRun = api.taskRun(task);
    assertEquals("FAILED", taskRun.get("state_type").asText());
    assertEquals(sub.toString(), taskRun.get("state").get("state_details").get("child_flow_run_id").asText());
  }

  // ---- history ----

  @Test
  void flowRunStateHistory() {
    UUID run = api.createFlowRun(state("RUNNING"));
    api.setFlowState(run, state("COMPLETED")).expect(201);
    JsonNode h = api.get("/api/flow_run_states/?flow_run_id=" + run).expect(200).body();
    assertEquals(2, h.size());
    assertEquals("RUNNING", h.get(0).get("type").asText());
    assertEquals("COMPLETED", h.get(1).get("type").asText());
    assertTrue(Instant.parse(h.get(0).get("timestamp").asText()).isBefore(Instant.parse(h.get(1).get("timestamp").asText())));
    assertEquals(run.toString(), h.get(1).get("state_details").get("flow_run_id").asText());
    String id = h.get(1).get("id").asText();
    assertEquals("COMPLETED", api.get("/api/flow_run_states/" + id).expect(200).text("type"));
    assertEquals("Flow run state not found", api.get("/api/flow_run_states/" + UUID.randomUUID()).expect(404).text("detail"));
  }
}
