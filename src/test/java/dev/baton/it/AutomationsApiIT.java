package dev.baton.it;

import static dev.baton.it.ApiClient.obj;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.baton.testsupport.Await;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** The automations API (spec/automations.md §1): shapes, status codes, validation, ownership, events. */
class AutomationsApiIT {
  @ClassServer static TestServer server;
  @ClassServer static ApiClient api;

  @AfterEach
  void removeAutomations() {
    Await.await(server.pool().query("DELETE FROM automation").execute());
  }

  /** What Prefect 3.8's client sends for a DeploymentEventTrigger turned into an automation (serve/deploy). */
  static ObjectNode body(String name) {
    return obj("name", name, "description", "", "enabled", true, "tags", List.of(),
        "trigger", obj("type", "event", "match", obj("prefect.resource.id", "prefect.flow-run.*"), "match_related",
            obj(), "after", List.of(), "expect", List.of("prefect.flow-run.Completed"), "for_each", List.of(),
            "posture", "Reactive", "threshold", 1, "within", 0.0, "id", UUID.randomUUID().toString()),
        "actions", List.of(obj("type", "cancel-flow-run")), "actions_on_trigger", List.of(),
        "actions_on_resolve", List.of());
  }

  private static long automations() {
    return Await.await(server.pool().query("SELECT count(*) FROM automation").execute()).iterator().next().getLong(0);
  }

  private static List<String> loc(JsonNode r, int i) {
    List<String> l = new ArrayList<>();
    r.get("exception_detail").get(i).get("loc").forEach(x -> l.add(x.asText()));
    return l;
  }

  @Test
  void createReadAndTheServersTriggerIds() {
    ObjectNode b = body("a-" + UUID.randomUUID());
    String clientTriggerId = b.get("trigger").get("id").asText();
    JsonNode created = api.post("/api/automations/", b).expect(201).body();
    assertNotEquals(clientTriggerId, created.get("trigger").get("id").asText(), "the server assigns trigger ids");
    assertEquals("Reactive", created.get("trigger").get("posture").asText());
    assertEquals(0.0, created.get("trigger").get("within").asDouble());
    assertEquals(List.of("id", "name", "description", "enabled", "tags", "trigger", "actions", "actions_on_trigger",
        "actions_on_resolve", "created", "updated").stream().sorted().toList(),
        iterate(created.fieldNames()).stream().sorted().toList());
    JsonNode read = api.get("/api/automations/" + created.get("id").asText()).expect(200).body();
    assertEquals(created, read);
    JsonNode missing = api.get("/api/automations/" + UUID.randomUUID()).expect(404).body();
    assertEquals("Automation not found", missing.get("exception_message").asText());
    assertEquals(1, eventCount("prefect.automation.created", created.get("id").asText()));
  }

  @Test
  void badBodiesAre422AndWriteNothing() {
    long before = automations();
    ObjectNode withId = body("x");
    withId.put("id", UUID.randomUUID().toString());
    assertEquals(List.of("body", "id"), loc(api.post("/api/automations/", withId).expect(422).body(), 0));

    ObjectNode noPosture = body("x");
    ((ObjectNode) noPosture.get("trigger")).remove("posture");
    assertEquals(List.of("body", "trigger", "EventTrigger", "posture"),
        loc(api.post("/api/automations/", noPosture).expect(422).body(), 0));

    ObjectNode shortProactive = body("x");
    ((ObjectNode) shortProactive.get("trigger")).put("posture", "Proactive").put("within", 5);
    assertTrue(api.post("/api/automations/", shortProactive).expect(422).body().toString()
        .contains("`within` for Proactive triggers must be greater than or equal to 10 seconds"));

    ObjectNode nullWithin = body("x");
    ((ObjectNode) nullWithin.get("trigger")).putNull("within");
    assertTrue(api.post("/api/automations/", nullWithin).expect(422).body().toString()
        .contains("`within` should be a valid timedelta"));

    ObjectNode compound = body("x");
    compound.set("trigger", obj("type", "compound", "require", 3, "within", null, "triggers",
        List.of(body("c").get("trigger"))));
    assertTrue(api.post("/api/automations/", compound).expect(422).body().toString()
        .contains("require must be less than or equal to the number of triggers"));

    ObjectNode noDeployment = body("x");
    noDeployment.set("actions", ApiClient.JSON.valueToTree(List.of(obj("type", "run-deployment", "source", "selected"))));
    assertTrue(api.post("/api/automations/", noDeployment).expect(422).body().toString().contains("deployment_id is required"));

    ObjectNode loop = body("x");
    ((ObjectNode) loop.get("trigger")).set("expect", ApiClient.JSON.valueToTree(List.of("prefect.flow-run.Running")));
    loop.set("actions", ApiClient.JSON.valueToTree(List.of(obj("type", "run-deployment", "source", "inferred"))));
    JsonNode loopAnswer = api.post("/api/automations/", loop).expect(422).body();
    assertEquals(List.of("body"), loc(loopAnswer, 0));
    assertTrue(loopAnswer.toString().contains("infinite loop"));

    ObjectNode badTemplate = body("x");
    badTemplate.set("actions", ApiClient.JSON.valueToTree(List.of(obj("type", "send-notification",
        "block_document_id", UUID.randomUUID().toString(), "body", "{{ unclosed"))));
    assertTrue(api.post("/api/automations/", badTemplate).expect(422).body().toString()
        .contains("'body' is not a valid template"));

    assertEquals(before, automations(), "nothing written");
  }

  @Test
  void putReplacesWhatItGivesAndPatchTogglesEnabled() {
    ObjectNode b = body("p-" + UUID.randomUUID());
    b.set("tags", ApiClient.JSON.valueToTree(List.of("keep")));
    JsonNode created = api.post("/api/automations/", b).expect(201).body();
    String id = created.get("id").asText();
    ObjectNode put = body("renamed");
    put.remove("tags");
    api.put("/api/automations/" + id, put).expect(204);
    JsonNode after = api.get("/api/automations/" + id).expect(200).body();
    assertEquals("renamed", after.get("name").asText());
    assertEquals("keep", after.get("tags").get(0).asText(), "an omitted field keeps its value");
    assertNotEquals(created.get("trigger").get("id"), after.get("trigger").get("id"), "new trigger ids");

    api.patch("/api/automations/" + id, obj("enabled", false)).expect(204);
    assertEquals(false, api.get("/api/automations/" + id).expect(200).body().get("enabled").asBoolean());
    api.patch("/api/automations/" + id, obj()).expect(204);
    api.patch("/api/automations/" + id, obj("name", "x")).expect(422);
    api.patch("/api/automations/" + UUID.randomUUID(), obj("enabled", true)).expect(404);
    api.put("/api/automations/" + UUID.randomUUID(), body("y")).expect(404);

    // an automation created disabled that would loop cannot be enabled
    ObjectNode loop = body("loop");
    loop.put("enabled", false);
    ((ObjectNode) loop.get("trigger")).set("expect", ApiClient.JSON.valueToTree(List.of("prefect.flow-run.Pending")));
    loop.set("actions", ApiClient.JSON.valueToTree(List.of(obj("type", "run-deployment", "source", "inferred"))));
    String loopId = api.post("/api/automations/", loop).expect(201).body().get("id").asText();
    JsonNode refused = api.patch("/api/automations/" + loopId, obj("enabled", true)).expect(422).body();
    assertEquals(0, refused.get("exception_detail").get(0).get("loc").size());
    assertEquals(2, eventCount("prefect.automation.updated", id), "PUT and the first PATCH");
  }

  @Test
  void filterCountDeleteOwnershipAndRelations() {
    String tag = "t-" + UUID.randomUUID();
    ObjectNode one = body("b-one-" + tag);
    one.set("tags", ApiClient.JSON.valueToTree(List.of(tag)));
    String id1 = api.post("/api/automations/", one).expect(201).body().get("id").asText();
    UUID deployment = UUID.randomUUID();
    ObjectNode owned = body("a-two-" + tag);
    owned.put("owner_resource", "prefect.deployment." + deployment);
    String id2 = api.post("/api/automations/", owned).expect(201).body().get("id").asText();

    JsonNode byTag = api.post("/api/automations/filter", obj("automations", obj("tags", obj("all_", List.of(tag)))))
        .expect(200).body();
    assertEquals(1, byTag.size());
    assertEquals(id1, byTag.get(0).get("id").asText());
    JsonNode sorted = api.post("/api/automations/filter", obj("sort", "NAME_DESC", "automations",
        obj("name", obj("any_", List.of("b-one-" + tag, "a-two-" + tag))))).expect(200).body();
    assertEquals(List.of(id1, id2), List.of(sorted.get(0).get("id").asText(), sorted.get(1).get("id").asText()));
    assertEquals("Invalid limit: must be less than or equal to 200.",
        api.post("/api/automations/filter", obj("limit", 201)).expect(422).body().get("detail").asText());
    assertEquals(2, Integer.parseInt(api.post("/api/automations/count", obj()).expect(200).raw().trim()));

    JsonNode related = api.get("/api/automations/related-to/prefect.deployment." + deployment).expect(200).body();
    assertEquals(1, related.size());
    assertEquals(id2, related.get(0).get("id").asText());
    ApiClient.Response gone = api.delete("/api/automations/owned-by/prefect.deployment." + deployment);
    assertEquals(202, gone.status());
    assertEquals("null", gone.raw().trim());
    api.get("/api/automations/" + id2).expect(404);
    assertEquals(202, api.delete("/api/automations/owned-by/prefect.deployment." + UUID.randomUUID()).status());

    api.delete("/api/automations/" + id1).expect(204);
    api.delete("/api/automations/" + id1).expect(404);
    assertEquals(1, eventCount("prefect.automation.deleted", id1));
  }

  private static long eventCount(String name, String automationId) {
    return Await.await(server.pool().preparedQuery("SELECT count(*) FROM event WHERE event = $1 AND resource_id = $2")
        .execute(io.vertx.sqlclient.Tuple.of(name, "prefect.automation." + automationId))).iterator().next().getLong(0);
  }

  private static List<String> iterate(java.util.Iterator<String> it) {
    List<String> out = new ArrayList<>();
    it.forEachRemaining(out::add);
    return out;
  }
}
