package dev.baton.it;

import static dev.baton.it.ApiClient.obj;
import static dev.baton.it.ApiClient.state;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import dev.baton.it.ApiClient.Response;
import java.time.Instant;
import java.util.List;
import java.util.UUID;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** Task-run orchestration over real HTTP: spec/scenarios.md sections I, J, K, O and Q. */
class TaskRunSetStateIT {
  @ClassServer static ApiClient api;

  private UUID runningFlowRun() {
    return api.createFlowRun(state("RUNNING"));
  }

  // ---- I. task set_state ----

  @Test
  void i60_noStateToRunningIsAcceptedWithRunCountOne() {
    UUID task = api.createTaskRun(runningFlowRun(), null);
    // created with no state given ⇒ Pending; a second run is created with no state at all via a raw state null
    Response r = api.setTaskState(task, state("RUNNING", "name", "Test State")).expect(201);
    assertEquals("ACCEPT", r.text("status"));
    assertEquals("accept_details", r.text("details", "type"));
    assertEquals("Test State", r.text("state", "name"));
    assertEquals("RUNNING", r.text("state", "type"));
    JsonNode run = api.taskRun(task);
    assertEquals(1, run.get("run_count").asInt());
    assertEquals("Test State", run.get("state").get("name").asText());
    assertEquals(task.toString(), r.text("state", "state_details", "task_run_id"));
  }

  @Test
  void i61_autonomousTaskRuns() {
    UUID task = api.createTaskRun(null, null);
    Response r = api.setTaskState(task, state("RUNNING")).expect(201);
    assertEquals("ACCEPT", r.text("status"));
    assertEquals(1, api.taskRun(task).get("run_count").asInt());
    assertTrue(r.body().get("state").get("state_details").get("flow_run_id").isNull());
  }

  @Test
  void i62_repeatedPendingAndRunningAreAccepted() {
    UUID task = api.createTaskRun(runningFlowRun(), null);
    assertEquals("ACCEPT", api.setTaskState(task, state("PENDING")).expect(201).text("status"));
    assertEquals("ACCEPT", api.setTaskState(task, state("PENDING")).expect(201).text("status"));
    assertEquals("ACCEPT", api.setTaskState(task, state("RUNNING")).expect(201).text("status"));
    Response again = api.setTaskState(task, state("RUNNING")).expect(201);
    assertEquals("ACCEPT", again.text("status"));
    assertEquals("Rerunning", again.text("state", "name"));
    assertEquals(2, api.taskRun(task).get("run_count").asInt());
  }

  @Test
  void i63_failedWithRetriesBecomesAwaitingRetry() {
    UUID task = api.createTaskRun(runningFlowRun(), null, "empirical_policy", obj("retries", 1, "retry_delay", 10));
    api.setTaskState(task, state("RUNNING")).expect(201);
    Instant before = Instant.now();
    Response r = api.setTaskState(task, state("FAILED", "message", "boom")).expect(201);
    assertEquals("REJECT", r.text("status"));
    assertEquals("Retrying", r.text("details", "reason"));
    assertEquals("SCHEDULED", r.text("state", "type"));
    assertEquals("AwaitingRetry", r.text("state", "name"));
    assertEquals("boom", r.text("state", "message"));
    Instant scheduled = Instant.parse(r.text("state", "state_details", "scheduled_time"));
    assertTrue(!scheduled.isBefore(before.plusSeconds(9)), "scheduled ~10 s ahead: " + scheduled);
    assertEquals("SCHEDULED", api.taskRun(task).get("state_type").asText());
  }

  @Test
  void i64_forceSkipsRetries() {
    UUID task = api.createTaskRun(runningFlowRun(), null, "empirical_policy", obj("retries", 1));
    api.setTaskState(task, state("RUNNING")).expect(201);
    Response r = api.setTaskState(task, state("FAILED"), true).expect(201);
    assertEquals("ACCEPT", r.text("status"));
    assertEquals("FAILED", r.text("state", "type"));
  }

  @Test
  void i65_taskOfDeletedFlowRunIs404() {
    UUID flowRun = runningFlowRun();
    UUID task = api.createTaskRun(flowRun, null);
    api.delete("/api/flow_runs/" + flowRun).expect(204);
    Response r = api.setTaskState(task, state("RUNNING")).expect(404);
    assertEquals("Task run with id " + task + " not found", r.text("exception_message"));
  }

  @ParameterizedTest
  @ValueSource(strings = {"PENDING", "RUNNING", "CANCELLED", "CANCELLING"})
  void i66_deferredTasksUseTheBackgroundPolicy(String type) {
    UUID task = api.post("/api/task_runs/", obj("task_key", "bg-" + UUID.randomUUID(), "dynamic_key", "0",
        "state", state("SCHEDULED", "state_details", obj("deferred", true)))).expect(201).id();
    Response first = api.setTaskState(task, state(type, "state_details", obj("deferred", true))).expect(201);
    assertEquals("ACCEPT", first.text("status"));
    Response pending = api.setTaskState(task, state("PENDING", "state_details", obj("deferred", true)));
    if (type.equals("PENDING") || type.equals("RUNNING") || type.equals("CANCELLING") || type.equals("CANCELLED")) {
      pending.expect(200);
      assertEquals("ABORT", pending.text("status"));
    }
  }

  @Test
  void i67_overlongCacheKeyIsRejectedButWritten() {
    UUID task = api.createTaskRun(runningFlowRun(), null);
    api.setTaskState(task, state("RUNNING")).expect(201);
    Response r = api.setTaskState(task, state("COMPLETED", "state_details", obj("cache_key", "k".repeat(5000)))).expect(201);
    assertEquals("REJECT", r.text("status"));
    assertEquals("reject_details", r.text("details", "type"));
    assertEquals("Cache key exceeded maximum allowed length of 2000 characters.", r.text("details", "reason"));
    assertEquals("COMPLETED", api.taskRun(task).get("state_type").asText());
  }

  @ParameterizedTest
  @ValueSource(strings = {"SCHEDULED", "PENDING", "COMPLETED", "FAILED", "CANCELLED", "CRASHED", "CANCELLING"})
  void i68_tasksCannotRunInAStoppedFlow(String flowType) {
    UUID flowRun = api.createFlowRun(state(flowType));
    UUID task = api.createTaskRun(flowRun, null);
    Response r = api.setTaskState(task, state("RUNNING")).expect(200);
    assertEquals("ABORT", r.text("status"));
    assertEquals("The enclosing flow must be running to begin task execution.", r.text("details", "reason"));
    assertEquals("PENDING", r.text("state", "type"));
    assertEquals("PENDING", api.taskRun(task).get("state_type").asText());
  }

  @Test
  void i68_tasksOfAPausedFlowGetNotReady() {
    UUID flowRun = api.createFlowRun(state("RUNNING"));
    String timeout = Instant.now().plusSeconds(600).truncatedTo(java.time.temporal.ChronoUnit.MICROS).toString();
    api.setFlowState(flowRun, state("PAUSED", "state_details", obj("pause_timeout", timeout, "pause_key", "k1")), true).expect(201);
    UUID task = api.createTaskRun(flowRun, null);
    Response r = api.setTaskState(task, state("RUNNING")).expect(201);
    assertEquals("REJECT", r.text("status"));
    assertEquals("PAUSED", r.text("state", "type"));
    assertEquals("NotReady", r.text("state", "name"));
    assertEquals("The flow is paused, new tasks can execute after resuming flow run: " + flowRun + ".", r.text("details", "reason"));
    assertEquals(Instant.parse(timeout), Instant.parse(r.text("state", "state_details", "pause_timeout")));
  }

  // ---- J. retries, renames, terminal handling ----

  @Test
  void j69_listRetryDelays() {
    UUID task = api.createTaskRun(runningFlowRun(), null,
        "empirical_policy", obj("retries", 5, "retry_delay", List.of(2, 3, 5, 7, 11)));
    api.setTaskState(task, state("RUNNING")).expect(201);
    Instant t0 = Instant.now();
    Response r1 = api.setTaskState(task, state("FAILED")).expect(201);
    assertDelayAbout(r1, t0, 2);
    api.setTaskState(task, state("RUNNING"), true).expect(201);
    Instant t1 = Instant.now();
    Response r2 = api.setTaskState(task, state("FAILED")).expect(201);
    assertDelayAbout(r2, t1, 3);
  }

  private static void assertDelayAbout(Response r, Instant before, long seconds) {
    assertEquals("AwaitingRetry", r.text("state", "name"));
    Instant scheduled = Instant.parse(r.text("state", "state_details", "scheduled_time"));
    long delta = scheduled.toEpochMilli() - before.toEpochMilli();
    assertTrue(delta >= seconds * 1000 - 50 && delta <= seconds * 1000 + 2000, "delay " + delta + " ms, expected ~" + seconds + " s");
  }

  @Test
  void j70_retriesExhaustedOrNotRetriable() {
    UUID task = api.createTaskRun(runningFlowRun(), null, "empirical_policy", obj("retries", 2));
    api.setTaskState(task, state("RUNNING")).expect(201);
    Response r = api.setTaskState(task, state("FAILED", "state_details", obj("retriable", false))).expect(201);
    assertEquals("ACCEPT", r.text("status"));
    assertEquals("FAILED", r.text("state", "type"));
  }

  @Test
  void j71_awaitingRetryThenRunningIsRetrying() {
    UUID task = api.createTaskRun(runningFlowRun(), null, "empirical_policy", obj("retries", 1));
    api.setTaskState(task, state("RUNNING")).expect(201);
    assertEquals("AwaitingRetry", api.setTaskState(task, state("FAILED")).expect(201).text("state", "name"));
    Response r = api.setTaskState(task, state("RUNNING")).expect(201);
    assertEquals("ACCEPT", r.text("status"));
    assertEquals("Retrying", r.text("state", "name"));
    assertEquals(2, api.taskRun(task).get("run_count").asInt());
    // the retry failed too; retries are exhausted
    Response last = api.setTaskState(task, state("FAILED")).expect(201);
    assertEquals("ACCEPT", last.text("status"));
  }

  @Test
  void j73_terminalTasks() {
    UUID task = api.createTaskRun(runningFlowRun(), null);
    api.setTaskState(task, state("RUNNING")).expect(201);
    api.setTaskState(task, state("COMPLETED", "data", obj("storage_key", "abc", "serializer", obj("type", "json")))).expect(201);
    for (String t : List.of("CRASHED", "CANCELLING", "PAUSED")) {
      Response r = api.setTaskState(task, state(t)).expect(200);
      assertEquals("ABORT", r.text("status"));
      assertEquals("Run is already COMPLETED.", r.text("details", "reason"));
    }
    for (String t : List.of("RUNNING", "PENDING", "FAILED", "COMPLETED")) {
      Response r = api.setTaskState(task, state(t)).expect(200);
      assertEquals("REJECT", r.text("status"));
      assertEquals("This run is already completed.", r.text("details", "reason"));
      assertEquals("COMPLETED", r.text("state", "type"));
    }
    UUID plain = api.createTaskRun(runningFlowRun(), null);
    api.setTaskState(plain, state("RUNNING")).expect(201);
    api.setTaskState(plain, state("COMPLETED")).expect(201);
    assertEquals("ACCEPT", api.setTaskState(plain, state("RUNNING")).expect(201).text("status"));
    assertEquals(1, api.taskRun(plain).get("run_count").asInt(), "run_count reset to 0 then +1");
  }

  // ---- K. caching ----

  @Test
  void k74_cacheHitReturnsCachedState() {
    UUID flowRun = runningFlowRun();
    String key = "cache-hit-" + UUID.randomUUID();
    UUID a = api.createTaskRun(flowRun, null);
    api.setTaskState(a, state("RUNNING")).expect(201);
    api.setTaskState(a, state("COMPLETED", "data", obj("storage_key", "s3://x"),
        "state_details", obj("cache_key", key, "cache_expiration", Instant.now().plusSeconds(3600).toString()))).expect(201);
    UUID b = api.createTaskRun(flowRun, null);
    Response r = api.setTaskState(b, state("RUNNING", "state_details", obj("cache_key", key))).expect(201);
    assertEquals("REJECT", r.text("status"));
    assertEquals("Retrieved state from cache", r.text("details", "reason"));
    assertEquals("COMPLETED", r.text("state", "type"));
    assertEquals("Cached", r.text("state", "name"));
    assertEquals("s3://x", r.body().get("state").get("data").get("storage_key").asText());
    assertEquals("Cached", api.taskRun(b).get("state_name").asText());
  }

  @Test
  void k74_expiredCacheIsIgnored() {
    UUID flowRun = runningFlowRun();
    String key = "cache-expired-" + UUID.randomUUID();
    UUID a = api.createTaskRun(flowRun, null);
    api.setTaskState(a, state("RUNNING")).expect(201);
    api.setTaskState(a, state("COMPLETED", "state_details", obj("cache_key", key,
        "cache_expiration", Instant.now().minusSeconds(5).toString()))).expect(201);
    UUID b = api.createTaskRun(flowRun, null);
    Response r = api.setTaskState(b, state("RUNNING", "state_details", obj("cache_key", key))).expect(201);
    assertEquals("ACCEPT", r.text("status"));
    assertEquals("Running", r.text("state", "name"));
  }

  @Test
  void k75_k76_onlyCompletedIsCachedAndRefreshSkipsLookup() {
    UUID flowRun = runningFlowRun();
    String key = "cache-" + UUID.randomUUID();
    UUID a = api.createTaskRun(flowRun, null);
    api.setTaskState(a, state("RUNNING")).expect(201);
    api.setTaskState(a, state("FAILED", "state_details", obj("cache_key", key))).expect(201);
    UUID b = api.createTaskRun(flowRun, null);
    assertEquals("ACCEPT", api.setTaskState(b, state("RUNNING", "state_details", obj("cache_key", key))).expect(201).text("status"));
    api.setTaskState(b, state("COMPLETED", "state_details", obj("cache_key", key))).expect(201);
    UUID c = api.createTaskRun(flowRun, null);
    Response refresh = api.setTaskState(c, state("RUNNING", "state_details", obj("cache_key", key, "refresh_cache", true))).expect(201);
    assertEquals("ACCEPT", refresh.text("status"));
    UUID d = api.createTaskRun(flowRun, null);
    assertEquals("Cached", api.setTaskState(d, state("RUNNING", "state_details", obj("cache_key", key))).expect(201).text("state", "name"));
  }

  // ---- O. task run creation ----

  @Test
  void o93_labelsIncludeFlowAndFlowRun() {
    UUID flowId = api.createFlow();
    UUID flowRun = api.post("/api/flow_runs/", obj("flow_id", flowId.toString(), "state", state("RUNNING"))).expect(201).id();
    Response r = api.post("/api/task_runs/", obj("flow_run_id", flowRun.toString(), "task_key", "k", "name", "my-task",
        "dynamic_key", "0", "labels", obj("env", "dev"))).expect(201);
    JsonNode labels = r.body().get("labels");
    assertEquals("dev", labels.get("env").asText());
    assertEquals(flowId.toString(), labels.get("prefect.flow.id").asText());
    assertEquals(flowRun.toString(), labels.get("prefect.flow-run.id").asText());
    assertEquals("my-task", r.text("name"));
  }

  @Test
  void metricsCountOutcomesAndGroupSizes() {
    UUID task = api.createTaskRun(runningFlowRun(), null);
    api.setTaskState(task, state("PENDING")).expect(201);
    String metrics = api.get("/metrics").expect(200).raw();
    assertTrue(metrics.lines().anyMatch(l -> l.startsWith("baton_orchestration_outcomes_total{")
        && l.contains("run_kind=\"task_run\"") && l.contains("status=\"ACCEPT\"")), metrics);
    assertTrue(api.metric("baton_orchestration_group_size_count").orElse(0) >= 1, "group sizes are recorded");
  }

  @Test
  void o93_ownLabelsOverrideInheritedOnes() {
    UUID flowRun = runningFlowRun();
    Response r = api.post("/api/task_runs/", obj("flow_run_id", flowRun.toString(), "task_key", "k", "dynamic_key", "0",
        "labels", obj("prefect.flow-run.id", "mine", "prefect.flow.id", "also-mine"))).expect(201);
    assertEquals("mine", r.body().get("labels").get("prefect.flow-run.id").asText());
    assertEquals("also-mine", r.body().get("labels").get("prefect.flow.id").asText());
    // without a flow run: only the run's own labels
    Response alone = api.post("/api/task_runs/", obj("task_key", "k-" + UUID.randomUUID(), "dynamic_key", "0",
        "labels", obj("a", "b"))).expect(201);
    assertEquals("{\"a\":\"b\"}", alone.body().get("labels").toString());
  }

  @Test
  void o94_naturalKeyIsIdempotent() {
    UUID flowRun = runningFlowRun();
    var body = obj("flow_run_id", flowRun.toString(), "task_key", "same", "dynamic_key", "7");
    UUID first = api.post("/api/task_runs/", body).expect(201).id();
    assertEquals(first, api.post("/api/task_runs/", body).expect(200).id());
    var autonomous = obj("flow_run_id", null, "task_key", "auto-" + UUID.randomUUID(), "dynamic_key", "0");
    UUID a1 = api.post("/api/task_runs/", autonomous).expect(201).id();
    assertEquals(a1, api.post("/api/task_runs/", autonomous).expect(200).id());
  }

  @Test
  void o95_initialState() {
    UUID flowRun = runningFlowRun();
    assertEquals("PENDING", api.taskRun(api.createTaskRun(flowRun, null)).get("state_type").asText());
    UUID running = api.createTaskRun(flowRun, state("RUNNING"));
    JsonNode run = api.taskRun(running);
    assertEquals("RUNNING", run.get("state_type").asText());
    assertEquals(1, run.get("run_count").asInt());
    assertNotNull(run.get("start_time").asText(null));
  }

  @Test
  void o96_policyValidation() {
    Response tooMany = api.post("/api/task_runs/", obj("task_key", "x", "dynamic_key", "0",
        "empirical_policy", obj("retries", 1, "retry_delay", java.util.Collections.nCopies(100, 1)))).expect(422);
    assertTrue(tooMany.body().get("exception_detail").get(0).get("msg").asText().contains("Can not configure more than 50 retry delays per task."));
    Response jitter = api.post("/api/task_runs/", obj("task_key", "x", "dynamic_key", "0",
        "empirical_policy", obj("retry_jitter_factor", -100))).expect(422);
    assertTrue(jitter.body().get("exception_detail").get(0).get("msg").asText().contains("`retry_jitter_factor` must be >= 0."));
  }

  @Test
  void o97_clientIdAndConflicts() {
    UUID flowRun = runningFlowRun();
    UUID id = UUID.randomUUID();
    Response r = api.post("/api/task_runs/", obj("id", id.toString(), "flow_run_id", flowRun.toString(), "task_key", "t", "dynamic_key", "0")).expect(201);
    assertEquals(id, r.id());
    api.post("/api/task_runs/", obj("id", id.toString(), "flow_run_id", flowRun.toString(), "task_key", "t", "dynamic_key", "1")).expect(409);
  }

  @Test
  void o98_contentTypeHandling() {
    api.raw("POST", "/api/task_runs/", "", null, java.util.Map.of()).expect(422);
    String body = ApiClient.toJson(obj("task_key", "ct-" + UUID.randomUUID(), "dynamic_key", "0"));
    api.raw("POST", "/api/task_runs/", body, null, java.util.Map.of()).expect(201);
  }

  // ---- Q. validation, unknown runs ----

  @Test
  void q105_to_q108() {
    UUID task = api.createTaskRun(runningFlowRun(), null);
    Response e1 = api.post("/api/task_runs/" + task + "/set_state", obj("state", obj("type", "NOPE"))).expect(422);
    JsonNode d1 = e1.body().get("exception_detail").get(0);
    assertEquals("enum", d1.get("type").asText());
    assertEquals("[\"body\",\"state\",\"type\"]", d1.get("loc").toString());
    assertEquals("Invalid request received.", e1.text("exception_message"));
    Response e2 = api.post("/api/task_runs/" + task + "/set_state",
        obj("state", obj("type", "RUNNING", "timestamp", Instant.now().toString()))).expect(422);
    JsonNode d2 = e2.body().get("exception_detail").get(0);
    assertEquals("extra_forbidden", d2.get("type").asText());
    assertEquals("[\"body\",\"state\",\"timestamp\"]", d2.get("loc").toString());
    Response e3 = api.post("/api/task_runs/" + task + "/set_state", obj()).expect(422);
    assertEquals("missing", e3.body().get("exception_detail").get(0).get("type").asText());
    assertEquals("[\"body\",\"state\"]", e3.body().get("exception_detail").get(0).get("loc").toString());
    UUID unknown = UUID.randomUUID();
    assertEquals("Task run with id " + unknown + " not found",
        api.setTaskState(unknown, state("RUNNING")).expect(404).text("exception_message"));
    assertEquals("Flow run with id " + unknown + " not found",
        api.setFlowState(unknown, state("RUNNING")).expect(404).text("exception_message"));
    assertEquals("PENDING", api.taskRun(task).get("state_type").asText(), "nothing written by bad requests");
  }

  @Test
  void stateHistoryEndpoints() {
    UUID task = api.createTaskRun(runningFlowRun(), null);
    api.setTaskState(task, state("RUNNING")).expect(201);
    UUID completedId = UUID.fromString(api.setTaskState(task, state("COMPLETED", "data", 42)).expect(201).text("state", "id"));
    assertEquals(completedId.toString(), api.taskRun(task).get("state_id").asText());
    JsonNode history = api.get("/api/task_run_states/?task_run_id=" + task).expect(200).body();
    assertEquals(3, history.size());
    assertEquals(List.of("PENDING", "RUNNING", "COMPLETED"),
        List.of(history.get(0).get("type").asText(), history.get(1).get("type").asText(), history.get(2).get("type").asText()));
    JsonNode one = api.get("/api/task_run_states/" + completedId).expect(200).body();
    assertEquals(42, one.get("data").asInt());
    assertEquals("Flow run state not found", api.get("/api/task_run_states/" + UUID.randomUUID()).expect(404).text("detail"));
    assertEquals(0, api.get("/api/task_run_states/?task_run_id=" + UUID.randomUUID()).expect(200).body().size());
    api.get("/api/task_run_states/").expect(422);
    api.get("/api/task_run_states/?task_run_id=nope").expect(422);
    assertNotEquals(history.get(0).get("id").asText(), history.get(1).get("id").asText());
    assertTrue(history.get(0).get("data").isNull());
  }
}
