package dev.baton.it;

import static dev.baton.it.ApiClient.obj;
import static dev.baton.it.ApiClient.state;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import dev.baton.it.ApiClient.Response;
import dev.baton.testsupport.Poll;
import java.time.Duration;
import java.time.Instant;
import java.util.Map;
import java.util.UUID;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** Deployment concurrency through flow set_state: spec/scenarios.md H (51–59). */
class DeploymentConcurrencyIT {
  @ClassServer static ApiClient api;
  static final Map<String, String> NEW_CLIENT = Map.of("User-Agent", "prefect/3.4.11 (API 0.8.4)");
  static final Map<String, String> OLD_CLIENT = Map.of("User-Agent", "prefect/3.4.10 (API 0.8.4)");

  record Dep(UUID id, UUID flowId, String limitId) {}

  static Dep deployment(Integer limit, Object options) {
    UUID flow = api.createFlow();
    Response r = api.post("/api/deployments/", obj("name", "dep-" + UUID.randomUUID(), "flow_id", flow.toString(),
        "concurrency_limit", limit, "concurrency_options", options)).expect(201);
    JsonNode gcl = r.get("global_concurrency_limit");
    return new Dep(r.id(), flow, gcl == null || gcl.isNull() ? null : gcl.get("id").asText());
  }

  static UUID scheduledRun(Dep d) {
    return api.post("/api/deployments/" + d.id() + "/create_flow_run", obj()).expect(201).id();
  }

  static int slots(Dep d) {
    return api.get("/api/v2/concurrency_limits/" + d.limitId()).expect(200).get("active_slots").asInt();
  }

  static int leases(Dep d) {
    return api.get("/api/v2/concurrency_limits/" + d.limitId() + "/holders").expect(200).body().size();
  }

  static Response set(UUID run, Object state, Map<String, String> headers) {
    return api.post("/api/flow_runs/" + run + "/set_state", obj("state", state), headers);
  }

  @Test
  void h51_h52_enqueueAndCancelNew() {
    Dep d = deployment(2, null);
    assertEquals("deployment:" + d.id(), api.get("/api/v2/concurrency_limits/" + d.limitId()).expect(200).text("name"));
    UUID r1 = scheduledRun(d);
    UUID r2 = scheduledRun(d);
    UUID r3 = scheduledRun(d);
    Response p1 = api.setFlowState(r1, state("PENDING")).expect(201);
    Response p2 = api.setFlowState(r2, state("PENDING")).expect(201);
    assertNotNull(p1.text("state", "state_details", "deployment_concurrency_lease_id"));
    assertNotNull(p2.text("state", "state_details", "deployment_concurrency_lease_id"));
    assertEquals(2, leases(d));
    JsonNode holder = api.get("/api/v2/concurrency_limits/" + d.limitId() + "/holders").expect(200).body().get(0);
    assertEquals(1, holder.get("slots").asInt());
    Instant before = Instant.now();
    Response p3 = api.setFlowState(r3, state("PENDING")).expect(201);
    assertEquals("REJECT", p3.text("status"));
    assertEquals("Deployment concurrency limit reached.", p3.text("details", "reason"));
    assertEquals("SCHEDULED", p3.text("state", "type"));
    assertEquals("AwaitingConcurrencySlot", p3.text("state", "name"));
    Instant scheduled = Instant.parse(p3.text("state", "state_details", "scheduled_time"));
    assertTrue(Duration.between(before, scheduled).toSeconds() >= 29 && Duration.between(before, scheduled).toSeconds() <= 31);
    assertEquals(2, slots(d));

    Dep c = deployment(1, obj("collision_strategy", "CANCEL_NEW"));
    api.setFlowState(scheduledRun(c), state("PENDING")).expect(201);
    Response cancelled = api.setFlowState(scheduledRun(c), state("PENDING")).expect(201);
    assertEquals("REJECT", cancelled.text("status"));
    assertEquals("CANCELLED", cancelled.text("state", "type"));
    assertEquals("Deployment concurrency limit reached.", cancelled.text("state", "message"));
    assertEquals(1, slots(c));
  }

  @Test
  void h53_h54_zeroAndNoLimit() {
    Dep zero = deployment(0, null);
    Response r = api.setFlowState(scheduledRun(zero), state("PENDING")).expect(200);
    assertEquals("ABORT", r.text("status"));
    assertEquals("The deployment concurrency limit is 0. The flow will deadlock if submitted again.", r.text("details", "reason"));
    Dep none = deployment(null, null);
    assertNull(none.limitId());
    Response ok = api.setFlowState(scheduledRun(none), state("PENDING")).expect(201);
    assertNull(ok.text("state", "state_details", "deployment_concurrency_lease_id"));
  }

  @Test
  void h55_fullLifeCycle() {
    Dep d = deployment(1, null);
    UUID run = scheduledRun(d);
    api.setFlowState(run, state("PENDING")).expect(201);
    assertEquals(1, slots(d));
    assertEquals(1, leases(d));
    set(run, state("RUNNING"), NEW_CLIENT).expect(201);
    set(run, state("COMPLETED"), NEW_CLIENT).expect(201);
    assertEquals(0, slots(d));
    assertEquals(0, leases(d));

    UUID other = scheduledRun(d);
    api.setFlowState(other, state("PENDING")).expect(201);
    set(other, state("RUNNING"), NEW_CLIENT).expect(201);
    set(other, state("CANCELLING"), NEW_CLIENT).expect(201);
    assertEquals(1, slots(d));
    set(other, state("CANCELLED"), NEW_CLIENT).expect(201);
    assertEquals(0, slots(d));
    assertEquals(0, leases(d));
  }

  @Test
  void h56_oldClientsKeepTheSlotUntilTheEnd() {
    Dep d = deployment(1, null);
    UUID run = scheduledRun(d);
    api.setFlowState(run, state("PENDING")).expect(201);
    set(run, state("RUNNING"), OLD_CLIENT).expect(201);
    assertEquals(1, slots(d));
    JsonNode lease = api.get("/api/v2/concurrency_limits/" + d.limitId() + "/holders").expect(200).body().get(0);
    assertTrue(lease.get("expiration").isNull(), "an old client's lease never expires: " + lease);
    set(run, state("COMPLETED"), OLD_CLIENT).expect(201);
    assertEquals(0, slots(d));
    assertEquals(0, leases(d));
  }

  @ParameterizedTest
  @ValueSource(strings = {"", "prefect/2.19.3 (API 0.8.4)", "prefect/3.0.4 (API 0.8.4)", "prefect/3.0.0rc20 (API 0.8.4)",
      "prefect/3.0.0 (API 0.8.4)", "prefect/3.0.3 (API 0.8.4)"})
  void h57_selfManagingClients(String userAgent) {
    Dep d = deployment(5, null);
    UUID run = api.post("/api/flow_runs/", obj("flow_id", d.flowId().toString(), "deployment_id", d.id().toString(),
        "state", null)).expect(201).id();
    // created PENDING by force: no slot; go back to SCHEDULED by force to propose PENDING from there
    UUID fresh = api.post("/api/deployments/" + d.id() + "/create_flow_run", obj("state", state("SCHEDULED"))).expect(201).id();
    Map<String, String> h = userAgent.isEmpty() ? Map.of() : Map.of("User-Agent", userAgent);
    set(fresh, state("PENDING"), h).expect(201);
    boolean selfManaging = userAgent.contains("3.0.0") || userAgent.contains("3.0.3");
    assertEquals(selfManaging ? 0 : 1, slots(d));
    assertNotEquals(run, fresh);
  }

  @Test
  void h58_validationAtRunning() {
    Map<String, String> client = Map.of("User-Agent", "prefect/3.5.0 (API 0.8.4)");
    Dep d = deployment(1, null);
    UUID run = scheduledRun(d);
    String lease = api.setFlowState(run, state("PENDING")).expect(201).text("state", "state_details", "deployment_concurrency_lease_id");
    Response running = set(run, state("RUNNING"), client).expect(201);
    assertEquals(lease, running.text("state", "state_details", "deployment_concurrency_lease_id"));

    // lease revoked while PENDING and a free slot: a new lease
    UUID run2 = scheduledRun(deployment(1, null) == null ? null : d);
    set(run, state("COMPLETED"), client).expect(201);
    String lease2 = api.setFlowState(run2, state("PENDING")).expect(201).text("state", "state_details", "deployment_concurrency_lease_id");
    api.post("/api/v2/concurrency_limits/decrement-with-lease", obj("lease_id", lease2)).expect(204);
    assertEquals(0, slots(d));
    Response renewed = set(run2, state("RUNNING"), client).expect(201);
    assertEquals("ACCEPT", renewed.text("status"));
    assertNotEquals(lease2, renewed.text("state", "state_details", "deployment_concurrency_lease_id"));
    assertEquals(1, slots(d));

    // lease revoked and no free slot: cancelled
    Dep e = deployment(1, null);
    UUID run3 = scheduledRun(e);
    String lease3 = api.setFlowState(run3, state("PENDING")).expect(201).text("state", "state_details", "deployment_concurrency_lease_id");
    api.post("/api/v2/concurrency_limits/decrement-with-lease", obj("lease_id", lease3)).expect(204);
    api.post("/api/v2/concurrency_limits/increment", obj("slots", 1, "names", java.util.List.of("deployment:" + e.id()))).expect(200);
    Response lost = set(run3, state("RUNNING"), client).expect(201);
    assertEquals("REJECT", lost.text("status"));
    assertEquals("CANCELLED", lost.text("state", "type"));
    assertTrue(lost.text("state", "message").contains("concurrency slot lost"), lost.raw());
    assertEquals("Deployment concurrency limit reached after lease expiry.", lost.text("details", "reason"));
    assertEquals(1, slots(e), "the cancelled run held nothing; the manual slot remains");
  }

  @Test
  void h59_leaseIdPreserved() {
    Dep d = deployment(3, null);
    UUID run = scheduledRun(d);
    String lease = api.setFlowState(run, state("PENDING")).expect(201).text("state", "state_details", "deployment_concurrency_lease_id");
    Response sub = api.setFlowState(run, state("PENDING", "name", "Submitting",
        "state_details", obj("deployment_concurrency_lease_id", null))).expect(201);
    assertEquals(lease, sub.text("state", "state_details", "deployment_concurrency_lease_id"));
    Response running = api.setFlowState(run, state("RUNNING")).expect(201);
    assertEquals(lease, running.text("state", "state_details", "deployment_concurrency_lease_id"));
    assertEquals(1, slots(d));
  }

  @Test
  void deploymentPatchAndDeleteKeepTheLimitInStep() {
    Dep d = deployment(2, null);
    api.patch("/api/deployments/" + d.id(), obj("concurrency_limit", 4)).expect(204);
    JsonNode read = api.get("/api/deployments/" + d.id()).expect(200).body();
    assertTrue(read.get("concurrency_limit").isNull(), "always null, as Prefect 3.8 renders it");
    assertEquals(4, read.get("global_concurrency_limit").get("limit").asInt());
    api.patch("/api/deployments/" + d.id(), obj("concurrency_options", obj("collision_strategy", "CANCEL_NEW"))).expect(204);
    assertEquals("CANCEL_NEW", api.get("/api/deployments/" + d.id()).expect(200).get("concurrency_options").get("collision_strategy").asText());
    api.patch("/api/deployments/" + d.id(), obj("nope", 1)).expect(422);
    api.patch("/api/deployments/" + UUID.randomUUID(), obj("paused", true)).expect(404);
    api.patch("/api/deployments/" + d.id(), obj("concurrency_limit", null)).expect(204);
    assertTrue(api.get("/api/deployments/" + d.id()).expect(200).get("global_concurrency_limit").isNull());
    api.get("/api/v2/concurrency_limits/" + d.limitId()).expect(404);
    api.delete("/api/deployments/" + d.id()).expect(204);
    api.get("/api/deployments/" + d.id()).expect(404);
  }

  @Test
  void retryAndDeleteReleaseExactlyOnce() {
    Dep d = deployment(2, null);
    UUID a = scheduledRun(d);
    UUID b = scheduledRun(d);
    api.setFlowState(a, state("PENDING")).expect(201);
    api.setFlowState(b, state("PENDING")).expect(201);
    set(a, state("RUNNING"), NEW_CLIENT).expect(201);
    // the lease is released behind the run's back (reaped); its terminal transition must not free b's slot
    String leaseA = api.get("/api/flow_runs/" + a).expect(200).get("state").get("state_details").get("deployment_concurrency_lease_id").asText();
    api.post("/api/v2/concurrency_limits/decrement-with-lease", obj("lease_id", leaseA)).expect(204);
    assertEquals(1, slots(d));
    set(a, state("COMPLETED"), NEW_CLIENT).expect(201);
    assertEquals(1, slots(d), "Prefect decrements again here (freeing b's slot); Baton releases only what a held");
    api.delete("/api/flow_runs/" + b).expect(204);
    assertEquals(0, slots(d));
    assertEquals(0, leases(d));
  }

  /**
   * The late-runs marker goes through the late-runs policy: a run that becomes late while its
   * deployment's CANCEL_NEW limit is full is cancelled instead (EnforceDeploymentConcurrencyOnLate);
   * with a free slot it is just marked Late.
   */
  @Test
  void lateRunsMarkerCancelsLateRunsOfAFullCancelNewDeployment() throws Exception {
    try (TestServer services = TestServer.start(Map.of(
        "BATON_LATE_RUNS_INTERVAL_SECONDS", "0.2", "BATON_LATE_RUNS_AFTER_SECONDS", "1"))) {
      String past = java.time.Instant.now().minusSeconds(60).toString();
      Dep full = deployment(1, obj("collision_strategy", "CANCEL_NEW"));
      UUID holder = scheduledRun(full);
      assertEquals("ACCEPT", set(holder, state("PENDING"), NEW_CLIENT).expect(201).text("status"));
      assertEquals(1, slots(full));
      UUID late = api.post("/api/deployments/" + full.id() + "/create_flow_run",
          obj("state", state("SCHEDULED", "state_details", obj("scheduled_time", past)))).expect(201).id();
      Dep free = deployment(1, obj("collision_strategy", "CANCEL_NEW"));
      UUID lateButFree = api.post("/api/deployments/" + free.id() + "/create_flow_run",
          obj("state", state("SCHEDULED", "state_details", obj("scheduled_time", past)))).expect(201).id();
      Poll.until(10_000, 100, () -> "CANCELLED".equals(api.flowRun(late).get("state_type").asText())
          && "Late".equals(api.flowRun(lateButFree).get("state_name").asText()));
      JsonNode cancelled = api.flowRun(late);
      assertEquals("CANCELLED", cancelled.get("state_type").asText());
      assertEquals("Deployment concurrency limit reached.", cancelled.get("state").get("message").asText());
      assertEquals("Late", api.flowRun(lateButFree).get("state_name").asText());
      assertEquals(1, slots(full), "the holder keeps its slot; the cancelled run never took one");
      assertEquals(0, slots(free));
    }
  }
}
