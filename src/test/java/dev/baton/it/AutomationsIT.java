package dev.baton.it;

import static dev.baton.it.ApiClient.obj;
import static dev.baton.it.ApiClient.state;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.baton.testsupport.Await;
import dev.baton.testsupport.Poll;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.UUID;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * Automations evaluated in the server (spec/automations.md §2–§3), on two instances sharing one
 * database: a reactive trigger acts within a second of its event, a proactive one when its window
 * ends without the expected event, and every firing is acted on once whichever instance evaluates it.
 */
class AutomationsIT {
  @ClassServer(env = "BATON_AUTOMATIONS_INTERVAL_SECONDS=1") static TestServer a;
  @ClassServer(env = "BATON_AUTOMATIONS_INTERVAL_SECONDS=1") static TestServer b;

  @AfterEach
  void removeAutomations() {
    Await.await(a.pool().query("DELETE FROM automation").execute());
  }

  private static ObjectNode eventTrigger(String posture, List<String> after, List<String> expect, ObjectNode match,
      double within) {
    return obj("type", "event", "posture", posture, "after", after, "expect", expect, "match", match,
        "for_each", List.of("prefect.resource.id"), "threshold", 1, "within", within);
  }

  private static UUID create(ApiClient api, ObjectNode trigger, ObjectNode... actions) {
    ArrayNode acts = ApiClient.JSON.createArrayNode();
    for (ObjectNode x : actions) {
      acts.add(x);
    }
    return api.post("/api/automations/", obj("name", "auto-" + UUID.randomUUID(), "trigger", trigger, "actions", acts))
        .expect(201).id();
  }

  private static String stateOf(ApiClient api, UUID flowRun) {
    return api.get("/api/flow_runs/" + flowRun).expect(200).text("state_type");
  }

  private static List<JsonNode> events(ApiClient api, String name, String resourceId) {
    JsonNode page = api.post("/api/events/filter", obj("filter", obj("event", obj("name", List.of(name)),
        "resource", obj("id", List.of(resourceId))), "limit", 50)).expect(200).body();
    List<JsonNode> out = new ArrayList<>();
    page.get("events").forEach(out::add);
    return out;
  }

  @Test
  void aReactiveTriggerActsWithinASecondOfItsEvent() throws Exception {
    String tag = "react-" + UUID.randomUUID();
    ObjectNode match = obj("prefect.resource.id", "prefect.flow-run.*");
    ObjectNode trigger = eventTrigger("Reactive", List.of(), List.of("prefect.flow-run.Running"), match, 0);
    trigger.set("match_related", obj("prefect.resource.id", "prefect.tag." + tag));
    UUID automation = create(a.api(), trigger, obj("type", "change-flow-run-state", "state", "FAILED",
        "message", "failed by the automation"));
    UUID run = a.api().createFlowRun(state("PENDING"), "tags", List.of(tag));
    UUID other = a.api().createFlowRun(state("PENDING"));
    long t0 = System.nanoTime();
    // the event comes from instance b; either instance may evaluate it
    b.api().post("/api/flow_runs/" + run + "/set_state", obj("state", state("RUNNING"))).expect(201);
    b.api().post("/api/flow_runs/" + other + "/set_state", obj("state", state("RUNNING"))).expect(201);
    Poll.eventually(5_000, 20, () -> assertEquals("FAILED", stateOf(a.api(), run)));
    long ms = (System.nanoTime() - t0) / 1_000_000;
    System.out.println("AutomationsIT: Running → FAILED by the automation in " + ms + " ms");
    assertTrue(ms < 3_000, ms + " ms");
    assertEquals("RUNNING", stateOf(a.api(), other), "a run without the tag is not touched");
    String resource = "prefect.automation." + automation;
    Poll.eventually(5_000, () -> assertEquals(1, events(a.api(), "prefect.automation.action.executed", resource).size()));
    assertEquals(1, events(a.api(), "prefect.automation.triggered", resource).size());
    JsonNode executed = events(a.api(), "prefect.automation.action.executed", resource).get(0);
    assertEquals("change-flow-run-state", executed.get("payload").get("action_type").asText());
    Set<String> roles = new HashSet<>();
    executed.get("related").forEach(r -> roles.add(r.get("prefect.resource.role").asText()));
    assertTrue(roles.containsAll(Set.of("target", "automation-triggered-event", "triggering-event")), roles.toString());
  }

  @Test
  void aProactiveTriggerCancelsARunStuckInPending() throws Exception {
    String tag = "stuck-" + UUID.randomUUID();
    ObjectNode trigger = eventTrigger("Proactive", List.of("prefect.flow-run.Pending"), List.of("prefect.flow-run.*"),
        obj("prefect.resource.id", "prefect.flow-run.*"), 10);
    trigger.set("match_related", obj("prefect.resource.id", "prefect.tag." + tag));
    create(a.api(), trigger, obj("type", "cancel-flow-run"));
    UUID stuck = a.api().createFlowRun(state("PENDING"), "tags", List.of(tag));
    UUID moving = a.api().createFlowRun(state("PENDING"), "tags", List.of(tag));
    b.api().post("/api/flow_runs/" + moving + "/set_state", obj("state", state("RUNNING"))).expect(201);
    Thread.sleep(8_000);
    assertEquals("PENDING", stateOf(a.api(), stuck), "not before its window ends");
    Poll.eventually(15_000, 200, () -> assertEquals("CANCELLING", stateOf(a.api(), stuck)));
    assertEquals("RUNNING", stateOf(a.api(), moving), "the run that moved on is left alone");
  }

  @Test
  void twoInstancesActOncePerFiring() throws Exception {
    String kind = "test.tick." + UUID.randomUUID();
    UUID automation = create(a.api(), obj("type", "event", "posture", "Reactive", "expect", List.of(kind),
        "threshold", 1, "within", 0), obj("type", "do-nothing"));
    int n = 60;
    List<String> ids = new ArrayList<>();
    for (int i = 0; i < n; i++) {
      String id = UUID.randomUUID().toString();
      ids.add(id);
      ArrayNode batch = ApiClient.JSON.createArrayNode();
      batch.add(obj("id", id, "occurred", Instant.now().toString(), "event", kind,
          "resource", obj("prefect.resource.id", "test.thing." + i), "related", List.of(), "payload", obj()));
      (i % 2 == 0 ? a : b).api().post("/api/events", batch).expect(204);
    }
    String resource = "prefect.automation." + automation;
    Poll.eventually(20_000, 200, () -> assertEquals(n, count(a, resource, "prefect.automation.action.executed")));
    Thread.sleep(1_500); // nothing more arrives
    assertEquals(n, count(a, resource, "prefect.automation.action.executed"));
    assertEquals(n, count(a, resource, "prefect.automation.triggered"));
    assertEquals(0L, Await.await(a.pool().query("SELECT count(*) FROM automation_inbox").execute())
        .iterator().next().getLong(0), "every event evaluated");
  }

  private static void post(TestServer s, String name) {
    ArrayNode batch = ApiClient.JSON.createArrayNode();
    batch.add(obj("id", UUID.randomUUID().toString(), "occurred", Instant.now().toString(), "event", name,
        "resource", obj("prefect.resource.id", "test.thing"), "related", List.of(), "payload", obj()));
    s.api().post("/api/events", batch).expect(204);
  }

  private static ObjectNode child(String name) {
    return obj("type", "event", "posture", "Reactive", "expect", List.of(name), "threshold", 1, "within", 0);
  }

  @Test
  void compoundAndSequenceTriggersFireOnTheirChildren() throws Exception {
    String p = "test.composite." + UUID.randomUUID() + ".";
    UUID compound = create(a.api(), obj("type", "compound", "require", "all", "within", null,
        "triggers", List.of(child(p + "a"), child(p + "b"))), obj("type", "do-nothing"));
    UUID sequence = create(a.api(), obj("type", "sequence", "within", 60,
        "triggers", List.of(child(p + "c"), child(p + "d"))), obj("type", "do-nothing"));
    String compoundRes = "prefect.automation." + compound;
    String sequenceRes = "prefect.automation." + sequence;

    post(a, p + "a");
    Thread.sleep(1_500);
    assertEquals(0, count(a, compoundRes, "prefect.automation.triggered"), "one of two children");
    post(b, p + "b");
    Poll.eventually(5_000, 100, () -> assertEquals(1, count(a, compoundRes, "prefect.automation.triggered")));

    post(a, p + "d");
    Thread.sleep(300);
    post(a, p + "c");
    Thread.sleep(1_500);
    assertEquals(0, count(a, sequenceRes, "prefect.automation.triggered"), "out of order");
    post(b, p + "d");
    Poll.eventually(5_000, 100, () -> assertEquals(1, count(a, sequenceRes, "prefect.automation.triggered")));
  }

  @Test
  void runDeploymentRunsItWithTemplatedParametersAsTheAutomationThenPausesIt() throws Exception {
    UUID flow = a.api().createFlow();
    UUID deployment = a.api().post("/api/deployments/", obj("name", "target-" + UUID.randomUUID(), "flow_id",
        flow.toString(), "parameters", obj("x", 1, "who", "nobody"))).id();
    String kind = "test.run." + UUID.randomUUID();
    ArrayNode actions = ApiClient.JSON.createArrayNode();
    actions.add(obj("type", "run-deployment", "source", "selected", "deployment_id", deployment.toString(),
        "parameters", obj("who", "{{ event.resource.id }}", "n", "{{ event.payload.n }}"), "job_variables", null));
    actions.add(obj("type", "pause-deployment", "source", "selected", "deployment_id", deployment.toString()));
    String name = "runner-" + UUID.randomUUID();
    UUID automation = a.api().post("/api/automations/", obj("name", name, "trigger", obj("type", "event", "posture",
        "Reactive", "expect", List.of(kind), "threshold", 1, "within", 0), "actions", actions)).expect(201).id();
    ArrayNode batch = ApiClient.JSON.createArrayNode();
    batch.add(obj("id", UUID.randomUUID().toString(), "occurred", Instant.now().toString(), "event", kind,
        "resource", obj("prefect.resource.id", "thing.7"), "related", List.of(), "payload", obj("n", 7)));
    b.api().post("/api/events", batch).expect(204);

    JsonNode[] runs = new JsonNode[1];
    Poll.eventually(15_000, 100, () -> {
      runs[0] = a.api().post("/api/flow_runs/filter", obj("flow_runs", obj("deployment_id",
          obj("any_", List.of(deployment.toString()))))).expect(200).body();
      assertEquals(1, runs[0].size(), runs[0].toString());
    });
    JsonNode run = runs[0].get(0);
    assertEquals("SCHEDULED", run.at("/state/type").asText());
    assertEquals(obj("x", 1, "who", "thing.7", "n", 7), run.get("parameters"), "the deployment's, then the templated ones");
    assertEquals("AUTOMATION", run.at("/created_by/type").asText());
    assertEquals(automation.toString(), run.at("/created_by/id").asText());
    assertEquals(name, run.at("/created_by/display_value").asText());
    assertTrue(run.get("idempotency_key").asText().startsWith("automation " + automation + ", action 0, invocation "));
    Poll.eventually(10_000, 100, () -> assertTrue(a.api().get("/api/deployments/" + deployment).expect(200)
        .body().get("paused").asBoolean(), "the second action paused it"));
    // the run's Scheduled event names the automation that created it
    String runResource = "prefect.flow-run." + run.get("id").asText();
    Poll.eventually(10_000, 100, () -> {
      List<JsonNode> scheduled = events(a.api(), "prefect.flow-run.Scheduled", runResource);
      assertEquals(1, scheduled.size());
      Set<String> related = new HashSet<>();
      scheduled.get(0).get("related").forEach(r -> related.add(r.get("prefect.resource.id").asText() + "/"
          + r.get("prefect.resource.role").asText()));
      assertTrue(related.contains("prefect.automation." + automation + "/creator"), related.toString());
    });
  }

  private static long count(TestServer s, String resourceId, String name) {
    return Await.await(s.pool().preparedQuery("SELECT count(*) FROM event WHERE resource_id = $1 AND event = $2")
        .execute(io.vertx.sqlclient.Tuple.of(resourceId, name))).iterator().next().getLong(0);
  }
}
