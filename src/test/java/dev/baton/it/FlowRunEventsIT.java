package dev.baton.it;

import static dev.baton.it.ApiClient.obj;
import static dev.baton.it.ApiClient.state;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.UUID;
import org.junit.jupiter.api.Test;

/**
 * Server-side flow-run state events (spec/dispatch.md §0.1): every flow-run transition that writes a
 * state emits {@code prefect.flow-run.<state name>} into the event store, in the transition's own
 * transaction, with Prefect's resource, related resources and payload; live subscribers of every
 * instance on the database receive it (PostgreSQL notifications), which is how Prefect's runner and
 * workers learn of a cancellation.
 */
class FlowRunEventsIT {
  @ClassServer static TestServer a;
  @ClassServer static TestServer b;


  private static JsonNode nextEvent(WsClient c) throws Exception {
    String m = c.nextMessage(10);
    assertTrue(m != null, "no event within 10 s");
    JsonNode frame = ApiClient.JSON.readTree(m);
    assertEquals("event", frame.get("type").asText());
    return frame.get("event");
  }

  private static String label(JsonNode resource, String key) {
    return resource.path(key).isMissingNode() ? null : resource.get(key).asText();
  }

  @Test
  void aCancellingFlowRunIsAnnouncedToTheSubscribersOfEveryInstance() throws Exception {
    ApiClient api = a.api();
    String tag = "ev-" + UUID.randomUUID();
    UUID flowId = api.createFlow();
    UUID run = api.post("/api/flow_runs/", obj("flow_id", flowId.toString(), "tags", List.of(tag, "alpha"),
        "state", state("PENDING"))).expect(201).id();
    JsonNode filter = obj("event", obj("name", List.of("prefect.flow-run.Cancelling")),
        "resource", obj("id", List.of("prefect.flow-run." + run)));
    try (WsClient onA = WsClient.subscribe(a, filter); WsClient onB = WsClient.subscribe(b, filter)) {
      JsonNode running = api.post("/api/flow_runs/" + run + "/set_state", obj("state", state("RUNNING")))
          .expect(201).body().get("state");
      JsonNode cancelling = api.post("/api/flow_runs/" + run + "/set_state", obj("state", state("CANCELLING")))
          .expect(201).body().get("state");
      for (WsClient c : List.of(onA, onB)) {
        JsonNode e = nextEvent(c);
        assertEquals("prefect.flow-run.Cancelling", e.get("event").asText());
        assertEquals(cancelling.get("id").asText(), e.get("id").asText(), "the event's id is the state's");
        assertEquals(running.get("id").asText(), e.get("follows").asText());
        JsonNode r = e.get("resource");
        assertEquals("prefect.flow-run." + run, label(r, "prefect.resource.id"));
        assertEquals("CANCELLING", label(r, "prefect.state-type"));
        assertEquals("Cancelling", label(r, "prefect.state-name"));
        assertEquals("", label(r, "prefect.state-message"));
        assertEquals("1", label(r, "prefect.run-count"));
        assertTrue(label(r, "prefect.state-timestamp").endsWith("+00:00"), label(r, "prefect.state-timestamp"));
        assertFalse(label(r, "prefect.resource.name").isEmpty());
        List<String> related = new ArrayList<>();
        e.get("related").forEach(x -> related.add(x.get("prefect.resource.id").asText() + "/"
            + x.get("prefect.resource.role").asText()));
        assertEquals(List.of("prefect.flow." + flowId + "/flow", "prefect.tag.alpha/tag", "prefect.tag." + tag + "/tag"),
            related, "flow first, then the tags sorted");
        JsonNode p = e.get("payload");
        assertEquals("RUNNING", p.get("intended").get("from").asText());
        assertEquals("CANCELLING", p.get("intended").get("to").asText());
        assertEquals("Running", p.get("initial_state").get("name").asText());
        assertEquals("CANCELLING", p.get("validated_state").get("type").asText());
      }
    }
  }

  @Test
  void everyWrittenStateIsStoredAsAnEventAndNothingElseIs() throws Exception {
    ApiClient api = a.api();
    UUID run = api.createFlowRun(state("PENDING"));
    // Pending again is a duplicate submission: ABORT, no state written, no event
    String again = api.post("/api/flow_runs/" + run + "/set_state", obj("state", state("PENDING"))).expect(200)
        .body().get("status").asText();
    assertEquals("ABORT", again);
    api.post("/api/flow_runs/" + run + "/set_state", obj("state", state("RUNNING"))).expect(201);
    api.post("/api/flow_runs/" + run + "/set_state", obj("state", state("COMPLETED"))).expect(201);
    Set<String> stateIds = new HashSet<>();
    api.get("/api/flow_run_states/?flow_run_id=" + run).expect(200).body()
        .forEach(s -> stateIds.add(s.get("id").asText()));
    assertEquals(3, stateIds.size());

    JsonNode page = b.api().post("/api/events/filter", obj("filter", obj(
        "resource", obj("id", List.of("prefect.flow-run." + run))))).expect(200).body();
    List<String> names = new ArrayList<>();
    Set<String> ids = new HashSet<>();
    page.get("events").forEach(e -> {
      names.add(e.get("event").asText());
      ids.add(e.get("id").asText());
    });
    names.sort(null);
    assertEquals(List.of("prefect.flow-run.Completed", "prefect.flow-run.Pending", "prefect.flow-run.Running"), names);
    assertEquals(stateIds, ids, "one event per written state, with the state's id");
  }

  @Test
  void theFirstStateOfARunHasNoInitialStateAndFollowsNothing() throws Exception {
    ApiClient api = a.api();
    UUID run = api.createFlowRun(state("SCHEDULED"));
    JsonNode page = api.post("/api/events/filter", obj("filter", obj(
        "resource", obj("id", List.of("prefect.flow-run." + run))))).expect(200).body();
    assertEquals(1, page.get("events").size());
    JsonNode e = page.get("events").get(0);
    assertEquals("prefect.flow-run.Scheduled", e.get("event").asText());
    assertTrue(e.get("payload").get("initial_state").isNull());
    assertTrue(e.get("payload").get("intended").get("from").isNull());
    assertTrue(e.path("follows").isNull() || e.path("follows").isMissingNode());
  }
}
