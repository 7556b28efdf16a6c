package dev.baton.it;

import static dev.baton.it.ApiClient.obj;
import static dev.baton.it.ApiClient.state;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.baton.it.ApiClient.Response;
import dev.baton.testsupport.Poll;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * Pause and resume over real HTTP: spec/scenarios.md F and G, the checklist of resume.md §7,
 * flow run input, bulk state changes, and concurrent resumes from two instances.
 */
class PauseResumeIT {
  @ClassServer static TestServer a;
  @ClassServer static TestServer b;
  static ApiClient api;

  @BeforeAll
  static void start() {
    api = a.api();
  }

  private static String in(long seconds) {
    return Instant.now().plusSeconds(seconds).toString();
  }

  /** A RUNNING run (optionally of a new deployment) paused with the given details. */
  private UUID pausedRun(boolean deployment, String name, ObjectNode details) {
    UUID flowId = api.createFlow();
    ObjectNode body = obj("flow_id", flowId.toString(), "state", state("RUNNING"));
    if (deployment) {
      body.put("deployment_id", api.createDeployment(flowId).toString());
    }
    UUID run = api.post("/api/flow_runs/", body).expect(201).id();
    ObjectNode paused = state("PAUSED", "state_details", details);
    if (name != null) {
      paused.put("name", name);
    }
    assertEquals("ACCEPT", api.setFlowState(run, paused).expect(201).text("status"));
    return run;
  }

  private UUID blockingPause() {
    return pausedRun(true, null, obj("pause_timeout", in(300), "pause_key", "k-" + UUID.randomUUID()));
  }

  private Response resume(UUID run, Object body) {
    return api.post("/api/flow_runs/" + run + "/resume", body);
  }

  // ---- F. pausing rules over HTTP ----

  @Test
  void f40_f41_pauseKeys() {
    UUID run = api.createFlowRun(state("RUNNING"));
    ObjectNode paused = state("PAUSED", "state_details", obj("pause_key", "hello", "pause_timeout", in(1000)));
    assertEquals("ACCEPT", api.setFlowState(run, paused).expect(201).text("status"));
    assertEquals("hello", api.flowRun(run).get("empirical_policy").get("pause_keys").get(0).asText());
    api.setFlowState(run, state("RUNNING"), true).expect(201);
    Response again = api.setFlowState(run, paused).expect(200);
    assertEquals("REJECT", again.text("status"));
    assertEquals("This pause has already fired.", again.text("details", "reason"));
    assertEquals("RUNNING", again.text("state", "type"));
    UUID other = api.createFlowRun(state("RUNNING"));
    api.setFlowState(other, state("PAUSED")).expect(201);
    assertEquals(1, api.flowRun(other).get("empirical_policy").get("pause_keys").size());
  }

  @Test
  void f42_f43_pauseRefusals() {
    UUID fresh = api.post("/api/flow_runs/", obj("flow_id", api.createFlow().toString())).expect(201).id();
    api.setFlowState(fresh, state("COMPLETED"), true).expect(201);
    Response notRunning = api.setFlowState(fresh, state("PAUSED")).expect(200);
    assertEquals("ABORT", notRunning.text("status"), "terminal → PAUSED is refused first by the terminal rule");
    UUID pending = api.createFlowRun(state("PENDING"));
    Response r = api.setFlowState(pending, state("PAUSED")).expect(200);
    assertEquals("Cannot pause flows that are not currently running.", r.text("details", "reason"));
    UUID noDeployment = api.createFlowRun(state("RUNNING"));
    Response suspend = api.setFlowState(noDeployment, state("PAUSED", "name", "Suspended",
        "state_details", obj("pause_reschedule", true))).expect(200);
    assertEquals("ABORT", suspend.text("status"));
    assertEquals("Cannot suspend flows without a deployment.", suspend.text("details", "reason"));
  }

  @Test
  void f44_pausedToPendingIsRefused() {
    UUID run = blockingPause();
    Response r = api.setFlowState(run, state("PENDING")).expect(200);
    assertEquals("REJECT", r.text("status"));
    assertEquals("This run cannot transition to the StateType.PENDING state from the StateType.PAUSED state.",
        r.text("details", "reason"));
  }

  // ---- resume.md §7 ----

  @Test
  void r1_blockingPauseResumesToRunning() {
    UUID run = blockingPause();
    Response r = resume(run, obj("run_input", null)).expect(201);
    assertEquals("ACCEPT", r.text("status"));
    assertEquals("RUNNING", r.text("state", "type"));
    JsonNode after = api.flowRun(run);
    assertEquals("RUNNING", after.get("state_type").asText());
    assertEquals(2, after.get("run_count").asInt(), "a blocking-pause resume counts as a run (Prefect quirk kept)");
    assertTrue(after.get("empirical_policy").get("resuming").asBoolean());
  }

  @Test
  void r2_suspendedRunIsRescheduled() {
    UUID run = pausedRun(true, "Suspended", obj("pause_reschedule", true, "pause_timeout", in(300), "pause_key", "s1"));
    Response r = resume(run, null).expect(201);
    assertEquals("SCHEDULED", r.text("state", "type"));
    assertEquals("Resuming", r.text("state", "name"));
    api.setFlowState(run, state("PENDING")).expect(201);
    api.setFlowState(run, state("RUNNING")).expect(201);
    JsonNode after = api.flowRun(run);
    assertEquals(1, after.get("run_count").asInt(), "resuming a suspended run does not count a new run");
    assertTrue(!after.get("empirical_policy").get("resuming").asBoolean());
  }

  @Test
  void r3_suspendedWithoutDeploymentStaysPaused() {
    UUID flowId = api.createFlow();
    UUID dep = api.createDeployment(flowId);
    UUID run = api.post("/api/flow_runs/", obj("flow_id", flowId.toString(), "deployment_id", dep.toString(),
        "state", state("RUNNING"))).expect(201).id();
    api.setFlowState(run, state("PAUSED", "name", "Suspended", "state_details", obj("pause_reschedule", true))).expect(201);
    api.delete("/api/deployments/" + dep).expect(204);
    Response r = resume(run, null).expect(200);
    assertEquals("REJECT", r.text("status"));
    assertEquals("reject_details", r.text("details", "type"));
    assertEquals("Cannot reschedule a resuming flow run without a deployment.", r.text("details", "reason"));
    assertEquals("PAUSED", api.flowRun(run).get("state_type").asText());
  }

  @Test
  void r4_r5_notPaused() {
    UUID noState = api.post("/api/flow_runs/", obj("flow_id", api.createFlow().toString())).expect(201).id();
    api.setFlowState(noState, state("FAILED"), true).expect(201);
    Response r = resume(noState, null).expect(200);
    assertEquals("ABORT", r.text("status"));
    assertTrue(r.body().get("state").isNull());
    assertEquals("Cannot resume a flow run that is not paused.", r.text("details", "reason"));
    assertEquals("FAILED", api.flowRun(noState).get("state_type").asText());
  }

  @Test
  void timedOutPauseFailsOnResume() {
    UUID run = pausedRun(true, null, obj("pause_timeout", Instant.now().minusSeconds(300).toString()));
    Response r = resume(run, null).expect(201);
    assertEquals("REJECT", r.text("status"));
    assertEquals("FAILED", r.text("state", "type"));
    assertEquals("The flow was running and never resumed.", r.text("state", "message"));
    assertEquals("The flow run pause has timed out and can no longer resume.", r.text("details", "reason"));
  }

  private UUID pausedForInput(String schema) {
    String key = "1";
    UUID run = pausedRun(true, null, obj("pause_timeout", in(300), "pause_key", key,
        "run_input_keyset", obj("description", "paused-1-description", "response", "paused-1-response", "schema", "paused-1-schema")));
    if (schema != null) {
      api.post("/api/flow_runs/" + run + "/input", obj("key", "paused-1-schema", "value", schema)).expect(201);
    }
    return run;
  }

  static final String REQUIRED_BOOL = "{\"type\":\"object\",\"properties\":{\"approved\":{\"type\":\"boolean\"}},\"required\":[\"approved\"]}";

  @Test
  void r6_schemaWithDefaultsAcceptsNoInput() {
    UUID run = pausedForInput("{\"type\":\"object\",\"properties\":{\"approved\":{\"type\":\"boolean\",\"default\":false}}}");
    assertEquals("ACCEPT", resume(run, null).expect(201).text("status"));
    api.get("/api/flow_runs/" + run + "/input/paused-1-response").expect(404);
  }

  @Test
  void r7_r10_invalidInputIsRejectedAndNothingWritten() {
    UUID run = pausedForInput(REQUIRED_BOOL);
    String pausedId = api.flowRun(run).get("state_id").asText();
    String before = a.fingerprint();
    Response missing = resume(run, null).expect(200);
    assertEquals("REJECT", missing.text("status"));
    assertEquals("abort_details", missing.text("details", "type"));
    assertTrue(missing.text("details", "reason").contains("'approved' is a required property"), missing.raw());
    assertEquals(pausedId, missing.text("state", "id"));
    Response wrongType = resume(run, obj("run_input", obj("approved", "not a bool!"))).expect(200);
    assertTrue(wrongType.text("details", "reason").contains("'not a bool!' is not of type 'boolean'"), wrongType.raw());
    Response badHydration = resume(run, obj("run_input", obj("approved", obj("__prefect_kind", "json", "value", "{\"invalid\": json}")))).expect(200);
    assertTrue(badHydration.text("details", "reason").startsWith("Error hydrating run input: Invalid JSON"), badHydration.raw());
    assertEquals(before, a.fingerprint(), "rejected resumes write nothing");
  }

  @Test
  void r8_r9_missingOrBrokenSchema() {
    UUID run = pausedForInput(REQUIRED_BOOL);
    api.delete("/api/flow_runs/" + run + "/input/paused-1-schema").expect(204);
    assertEquals("Run input schema not found.",
        resume(run, obj("run_input", obj("approved", true))).expect(200).text("details", "reason"));
    api.post("/api/flow_runs/" + run + "/input", obj("key", "paused-1-schema", "value", "not json")).expect(201);
    assertEquals("Run input schema is not valid JSON.",
        resume(run, obj("run_input", obj("approved", true))).expect(200).text("details", "reason"));
  }

  @Test
  void r11_validInputIsStored() {
    UUID run = pausedForInput(REQUIRED_BOOL);
    String pausedId = api.flowRun(run).get("state_id").asText();
    Response r = resume(run, obj("run_input", obj("approved", true))).expect(201);
    assertEquals("ACCEPT", r.text("status"));
    assertNotEquals(pausedId, r.text("state", "id"));
    Response stored = api.get("/api/flow_runs/" + run + "/input/paused-1-response").expect(200);
    assertTrue(stored.header("content-type").startsWith("text/plain"));
    assertEquals(obj("approved", true), stored.body());
  }

  @Test
  void r12_hydrationWithANullValuedVariableInTheWorkspace() {
    String empty = "empty_" + UUID.randomUUID().toString().replace("-", "");
    String name = "my_variable_" + UUID.randomUUID().toString().replace("-", "");
    api.post("/api/variables/", obj("name", empty, "value", null)).expect(201);
    api.post("/api/variables/", obj("name", name, "value", "my_value")).expect(201);
    String anyString = "{\"type\":\"object\",\"properties\":{\"how_many\":{\"type\":\"string\"}},\"required\":[\"how_many\"]}";
    UUID run = pausedForInput(anyString);
    assertEquals("ACCEPT", resume(run, obj("run_input", obj("how_many",
        obj("__prefect_kind", "workspace_variable", "variable_name", name)))).expect(201).text("status"));
    assertEquals(obj("how_many", "my_value"), api.get("/api/flow_runs/" + run + "/input/paused-1-response").expect(200).body());
  }

  @Test
  void r12_hydration() {
    String name = "my_variable_" + UUID.randomUUID().toString().replace("-", "");
    api.post("/api/variables/", obj("name", name, "value", "my_value")).expect(201);
    String anyString = "{\"type\":\"object\",\"properties\":{\"how_many\":{\"type\":\"string\"}},\"required\":[\"how_many\"]}";
    Map<ObjectNode, String> cases = Map.of(
        obj("__prefect_kind", "json", "value", "\"3\""), "3",
        obj("__prefect_kind", "jinja", "template", "{{ 2 + 2 }}"), "4",
        obj("__prefect_kind", "workspace_variable", "variable_name", name), "my_value");
    for (var c : cases.entrySet()) {
      UUID run = pausedForInput(anyString);
      assertEquals("ACCEPT", resume(run, obj("run_input", obj("how_many", c.getKey()))).expect(201).text("status"));
      assertEquals(obj("how_many", c.getValue()), api.get("/api/flow_runs/" + run + "/input/paused-1-response").expect(200).body());
    }
  }

  @Test
  void twentyConcurrentResumesFromTwoInstancesResumeOnce() {
    UUID run = blockingPause();
    HttpClient client = HttpClient.newHttpClient();
    List<CompletableFuture<HttpResponse<String>>> fs = new ArrayList<>();
    for (int i = 0; i < 20; i++) {
      int port = (i % 2 == 0 ? a : b).port();
      fs.add(client.sendAsync(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + "/api/flow_runs/" + run + "/resume"))
          .header("Content-Type", "application/json").POST(HttpRequest.BodyPublishers.ofString("{\"run_input\": null}")).build(),
          HttpResponse.BodyHandlers.ofString()));
    }
    int accepted = 0;
    int aborted = 0;
    for (var f : fs) {
      HttpResponse<String> r = f.join();
      String body = r.body();
      if (body.contains("\"ACCEPT\"")) {
        accepted++;
        assertEquals(201, r.statusCode());
      } else if (body.contains("Cannot resume a flow run that is not paused.")) {
        aborted++;
        assertEquals(200, r.statusCode());
      }
    }
    assertEquals(1, accepted, "exactly one resume wins");
    assertEquals(19, aborted);
    assertEquals(2, api.get("/api/flow_run_states/?flow_run_id=" + run).expect(200).body().size() - 1,
        "history: RUNNING, PAUSED, RUNNING");
  }

  // ---- flow run input endpoints ----

  @Test
  void flowRunInputEndpoints() {
    UUID run = api.createFlowRun(state("RUNNING"));
    String base = "/api/flow_runs/" + run + "/input";
    assertTrue(api.post(base, obj("key", "a-1", "value", "x")).expect(201).body().isNull());
    api.post(base, obj("key", "a-2", "value", "y", "sender", "me")).expect(201);
    api.post(base, obj("key", "b-1", "value", "z")).expect(201);
    assertEquals("A flow run input with this key already exists.", api.post(base, obj("key", "a-1", "value", "again")).expect(409).text("detail"));
    String before = a.fingerprint();
    Response badKey = api.post(base, obj("key", "Bad Key!", "value", "x")).expect(422);
    assertEquals("value_error", badKey.body().get("exception_detail").get(0).get("type").asText());
    assertEquals(before, a.fingerprint());
    assertEquals("Flow run not found", api.post("/api/flow_runs/" + UUID.randomUUID() + "/input", obj("key", "k", "value", "v")).expect(404).text("detail"));
    JsonNode filtered = api.post(base + "/filter", obj("prefix", "a-", "limit", 10, "exclude_keys", List.of("a-2"))).expect(200).body();
    assertEquals(1, filtered.size());
    assertEquals("a-1", filtered.get(0).get("key").asText());
    assertEquals(1, api.post(base + "/filter", obj("prefix", "a-")).expect(200).body().size(), "limit defaults to 1");
    assertEquals("x", api.get(base + "/a-1").expect(200).raw());
    api.delete(base + "/a-1").expect(204);
    assertEquals("Flow run input not found", api.get(base + "/a-1").expect(404).text("detail"));
    api.delete(base + "/a-1").expect(404);
    assertEquals(0, api.post("/api/flow_runs/" + UUID.randomUUID() + "/input/filter", obj("prefix", "a")).expect(200).body().size());
  }

  // ---- G. late runs ----

  @Test
  void g50_lateMarking() {
    UUID run = api.createFlowRun(state("SCHEDULED"));
    assertEquals("ACCEPT", api.setFlowState(run, state("SCHEDULED", "name", "Late")).expect(201).text("status"));
    Response again = api.setFlowState(run, state("SCHEDULED", "name", "Late")).expect(200);
    assertEquals("This flow run is already marked late.", again.text("details", "reason"));
    UUID running = api.createFlowRun(state("RUNNING"));
    assertEquals("Only scheduled flows can be marked late.",
        api.setFlowState(running, state("SCHEDULED", "name", "Late")).expect(200).text("details", "reason"));
  }

  @Test
  void lateRunsAndExpiredPausesAreHandledByTheServices() throws Exception {
    try (TestServer services = TestServer.start(Map.of(
        "BATON_LATE_RUNS_INTERVAL_SECONDS", "0.2", "BATON_LATE_RUNS_AFTER_SECONDS", "1",
        "BATON_PAUSE_EXPIRATIONS_INTERVAL_SECONDS", "0.2"))) {
      UUID due = api.createFlowRun(state("SCHEDULED", "state_details", obj("scheduled_time", Instant.now().minusSeconds(30).toString())));
      UUID notYet = api.createFlowRun(state("SCHEDULED", "state_details", obj("scheduled_time", Instant.now().plusSeconds(3600).toString())));
      UUID expired = pausedRun(false, null, obj("pause_timeout", Instant.now().minusSeconds(1).toString()));
      UUID waiting = blockingPause();
      Poll.until(10_000, 100, () -> "Late".equals(api.flowRun(due).get("state_name").asText())
          && "FAILED".equals(api.flowRun(expired).get("state_type").asText()));
      JsonNode late = api.flowRun(due);
      assertEquals("SCHEDULED", late.get("state_type").asText());
      assertEquals("Late", late.get("state_name").asText());
      assertEquals("Scheduled", api.flowRun(notYet).get("state_name").asText());
      JsonNode failed = api.flowRun(expired);
      assertEquals("FAILED", failed.get("state_type").asText());
      assertEquals("The flow was paused and never resumed.", failed.get("state").get("message").asText());
      assertEquals("PAUSED", api.flowRun(waiting).get("state_type").asText());
    }
  }

  // ---- bulk ----

  @Test
  void bulkSetStateAndDelete() {
    String tag = "bulk-" + UUID.randomUUID();
    List<UUID> runs = new ArrayList<>();
    for (int i = 0; i < 3; i++) {
      runs.add(api.createFlowRun(state("RUNNING"), "tags", List.of(tag)));
    }
    UUID completed = api.createFlowRun(state("COMPLETED", "data", obj("storage_key", "k")), "tags", List.of(tag));
    Response r = api.post("/api/flow_runs/bulk_set_state", obj("flow_runs", obj("tags", obj("all_", List.of(tag))),
        "state", state("CANCELLING"))).expect(200);
    JsonNode results = r.body().get("results");
    assertEquals(4, results.size());
    int accepted = 0;
    for (JsonNode e : results) {
      if (UUID.fromString(e.get("flow_run_id").asText()).equals(completed)) {
        assertEquals("ABORT", e.get("status").asText());
      } else {
        assertEquals("ACCEPT", e.get("status").asText());
        accepted++;
      }
    }
    assertEquals(3, accepted);
    api.post("/api/flow_runs/bulk_set_state", obj("state", state("RUNNING"), "limit", 51)).expect(422);
    JsonNode deleted = api.post("/api/flow_runs/bulk_delete", obj("flow_runs", obj("tags", obj("all_", List.of(tag))), "limit", 2)).expect(200).body().get("deleted");
    assertEquals(2, deleted.size());
    assertEquals(2, api.post("/api/flow_runs/count", obj("flow_runs", obj("tags", obj("all_", List.of(tag))))).expect(200).body().asInt());
  }
}
