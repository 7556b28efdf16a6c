package dev.baton.it;

import static dev.baton.it.ApiClient.obj;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collections;
import java.util.Comparator;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.UUID;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;

/**
 * Replays the event files a Prefect 3 client sends (src/test/resources/prefect-events, see its
 * README and FIXTURES.md) over the /api/events/in websocket and checks what the task-run
 * recorder made of them through the REST API: each task run and its state history. Every UUID of
 * a file is replaced by a fresh one (consistently), and the flow runs are created first through
 * the API under their new ids' place, so the test can run any number of times on one database.
 */
class PrefectEventsReplayIT {
  @ClassServer static TestServer server;
  @ClassServer static ApiClient api;
  private static final Pattern UUID_RE =
      Pattern.compile("[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}");

  /** One fixture file, its UUIDs renewed and its flow runs created. */
  record Replay(List<ObjectNode> events, Map<String, String> ids) {
    String id(String original) {
      return ids.get(original);
    }
  }

  static Replay load(String file) throws IOException {
    String text;
    try (InputStream in = PrefectEventsReplayIT.class.getResourceAsStream("/prefect-events/" + file)) {
      text = new String(in.readAllBytes(), StandardCharsets.UTF_8);
    }
    Map<String, String> ids = new HashMap<>();
    // flow runs first: a flow run created through the API gets its own id
    Matcher fr = Pattern.compile("prefect\\.flow-run\\.(" + UUID_RE.pattern() + ")").matcher(text);
    while (fr.find()) {
      ids.computeIfAbsent(fr.group(1), k -> {
        UUID flowId = api.createFlow();
        return api.post("/api/flow_runs/", obj("flow_id", flowId.toString(), "state", ApiClient.state("RUNNING")))
            .expect(201).id().toString();
      });
    }
    Matcher m = UUID_RE.matcher(text);
    StringBuilder renewed = new StringBuilder();
    while (m.find()) {
      m.appendReplacement(renewed, ids.computeIfAbsent(m.group(), k -> UUID.randomUUID().toString()));
    }
    m.appendTail(renewed);
    List<ObjectNode> events = new ArrayList<>();
    for (String line : renewed.toString().split("\n")) {
      if (!line.isBlank()) {
        events.add((ObjectNode) ApiClient.JSON.readTree(line));
      }
    }
    return new Replay(events, ids);
  }

  /** Sends the events over one socket (auth first) and waits for the pong that confirms them. */
  static void replay(List<ObjectNode> events) throws Exception {
    try (WsClient c = WsClient.connect(server.vertx(), server.port(), "/api/events/in")) {
      c.send("{\"type\":\"auth\",\"token\":null}");
      assertEquals("{\"type\":\"auth_success\"}", c.nextMessage(10));
      for (ObjectNode e : events) {
        c.send(e.toString());
      }
      c.ping("checkpoint");
      assertEquals("checkpoint", c.nextPong(30));
    }
  }

  /**
   * Checks every task run of the events against them: the run's fields come from the newest
   * event's {@code task_run}, its state is the newest event's, its history one state per event
   * (id = event id), oldest first.
   */
  static void assertRecorded(List<ObjectNode> events) {
    Map<String, List<ObjectNode>> byRun = new LinkedHashMap<>();
    for (ObjectNode e : events) {
      if (e.get("event").asText().startsWith("prefect.task-run.")) {
        String rid = e.get("resource").get("prefect.resource.id").asText();
        byRun.computeIfAbsent(rid.substring("prefect.task-run.".length()), k -> new ArrayList<>()).add(e);
      }
    }
    for (Map.Entry<String, List<ObjectNode>> r : byRun.entrySet()) {
      List<ObjectNode> evs = new ArrayList<>(r.getValue());
      evs.sort(Comparator.comparing(e -> Instant.parse(e.get("occurred").asText())));
      ObjectNode last = evs.get(evs.size() - 1);
      JsonNode tr = last.get("payload").get("task_run");
      JsonNode run = api.taskRun(UUID.fromString(r.getKey()));
      String flowRun = null;
      for (JsonNode rel : last.get("related")) {
        if (rel.get("prefect.resource.role").asText().equals("flow-run")) {
          flowRun = rel.get("prefect.resource.id").asText().substring("prefect.flow-run.".length());
        }
      }
      assertEquals(flowRun, run.get("flow_run_id").asText());
      for (String f : List.of("name", "task_key", "dynamic_key")) {
        assertEquals(tr.get(f).asText(), run.get(f).asText(), f);
      }
      assertEquals(tr.get("run_count").asInt(), run.get("run_count").asInt());
      assertEquals(tr.get("flow_run_run_count").asInt(), run.get("flow_run_run_count").asInt());
      assertEquals(tr.get("total_run_time").asDouble(), run.get("total_run_time").asDouble(), 1e-6);
      assertEquals(tr.get("tags"), run.get("tags"));
      assertEquals(tr.get("task_inputs"), run.get("task_inputs"));
      assertEquals(tr.get("empirical_policy").get("retries"), run.get("empirical_policy").get("retries"));
      for (String f : List.of("expected_start_time", "start_time", "end_time")) {
        if (tr.has(f)) {
          assertEquals(Instant.parse(tr.get(f).asText()), Instant.parse(run.get(f).asText()), f);
        }
      }
      JsonNode vs = last.get("payload").get("validated_state");
      assertEquals(vs.get("type").asText(), run.get("state_type").asText());
      assertEquals(vs.get("name").asText(), run.get("state_name").asText());
      assertEquals(last.get("id").asText(), run.get("state_id").asText());
      JsonNode history = api.get("/api/task_run_states/?task_run_id=" + r.getKey()).expect(200).body();
      assertEquals(evs.size(), history.size(), "history of " + r.getKey());
      for (int i = 0; i < evs.size(); i++) {
        JsonNode s = history.get(i);
        JsonNode expected = evs.get(i).get("payload").get("validated_state");
        assertEquals(evs.get(i).get("id").asText(), s.get("id").asText());
        assertEquals(expected.get("type").asText(), s.get("type").asText());
        assertEquals(expected.get("name").asText(), s.get("name").asText());
        assertEquals(Instant.parse(evs.get(i).get("occurred").asText()), Instant.parse(s.get("timestamp").asText()));
        assertEquals(r.getKey(), s.get("state_details").get("task_run_id").asText());
        assertEquals(flowRun, s.get("state_details").get("flow_run_id").asText());
        JsonNode details = expected.get("state_details");
        details.fields().forEachRemaining(d -> {
          if (d.getKey().equals("scheduled_time")) {
            assertEquals(Instant.parse(d.getValue().asText()), Instant.parse(s.get("state_details").get(d.getKey()).asText()));
          } else {
            assertEquals(d.getValue(), s.get("state_details").get(d.getKey()), d.getKey());
          }
        });
        if (expected.get("data").isNull()) {
          assertTrue(s.get("data").isNull());
        } else {
          assertEquals(expected.get("data").get("storage_key"), s.get("data").get("storage_key"));
        }
      }
    }
  }

  @Test
  void retryAfterADelay() throws Exception {
    Replay r = load("task-retry-delay.jsonl");
    replay(r.events());
    assertRecorded(r.events());
    JsonNode run = api.taskRun(UUID.fromString(r.id("01a02526-2983-7614-875b-80efa844dd83")));
    assertEquals("COMPLETED", run.get("state_type").asText());
    assertEquals(2, run.get("run_count").asInt());
    assertEquals(0.617849, run.get("total_run_time").asDouble(), 1e-9);
  }

  @Test
  void immediateRetry() throws Exception {
    Replay r = load("task-retry-immediate.jsonl");
    replay(r.events());
    assertRecorded(r.events());
    JsonNode states = api.get("/api/task_run_states/?task_run_id=" + r.id("01a02529-5b32-7c1d-8ef5-d683565ac9de"))
        .expect(200).body();
    assertEquals("Retrying", states.get(2).get("name").asText());
  }

  @Test
  void failure() throws Exception {
    Replay r = load("task-failed.jsonl");
    replay(r.events());
    assertRecorded(r.events());
    UUID id = UUID.fromString(r.id("01a02531-b9ff-70aa-927a-3601c39b941e"));
    assertEquals("FAILED", api.taskRun(id).get("state_type").asText());
    JsonNode failed = api.get("/api/task_run_states/?task_run_id=" + id).expect(200).body().get(2);
    assertEquals("Task run encountered an exception ValueError: boom", failed.get("message").asText());
    assertFalse(failed.get("state_details").get("retriable").asBoolean(true));
  }

  @Test
  void twentyMappedTasksInAnyOrderAndTwice() throws Exception {
    Replay r = load("task-map-20.jsonl");
    List<ObjectNode> shuffled = new ArrayList<>(r.events());
    Collections.shuffle(shuffled, new Random(7));
    replay(shuffled);
    // a client that reconnects sends what it had no confirmation for again
    replay(r.events().subList(0, 30));
    assertRecorded(r.events());
    String flowRun = r.id("01a02543-d99e-77f2-bf8f-40f7c8660f25");
    JsonNode runs = api.post("/api/task_runs/filter",
        obj("flow_runs", obj("id", obj("any_", List.of(flowRun))))).expect(200).body();
    assertEquals(20, runs.size());
    runs.forEach(run -> assertEquals("COMPLETED", run.get("state_type").asText()));
    assertEquals(60, api.post("/api/events/filter", obj("filter", obj(
        "related", obj("id", List.of("prefect.flow-run." + flowRun))), "limit", 1)).expect(200).body().get("total").asInt());
  }

  @Test
  void subflowTasksBelongToTheirOwnFlowRuns() throws Exception {
    Replay r = load("subflow.jsonl");
    replay(r.events());
    assertRecorded(r.events());
  }

  @Test
  void heartbeatsAreStoredAndRecordNothing() throws Exception {
    Replay r = load("flow-run-heartbeat.jsonl");
    replay(r.events());
    String flowRun = r.id("01a0257a-b978-7fd7-bb37-19773b57237e");
    JsonNode page = api.post("/api/events/filter", obj("filter", obj(
        "resource", obj("id", List.of("prefect.flow-run." + flowRun)),
        "event", obj("name", List.of("prefect.flow-run.heartbeat")), "order", "ASC"))).expect(200).body();
    assertEquals(3, page.get("total").asInt());
    for (int i = 0; i < 3; i++) {
      assertEquals(r.events().get(i).get("id").asText(), page.get("events").get(i).get("id").asText());
      assertEquals(r.events().get(i).get("related"), page.get("events").get(i).get("related"));
    }
    // the flow run is untouched
    assertEquals("RUNNING", api.flowRun(UUID.fromString(flowRun)).get("state_type").asText());
  }
}
