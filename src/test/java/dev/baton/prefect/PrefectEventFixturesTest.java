package dev.baton.prefect;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * The client-event fixtures in {@code src/test/resources/prefect-events/} hold together the way a
 * Prefect 3 client's events do (README.md there): event name and resource labels follow the
 * validated state, each event's initial state is the run's previous state, {@code follows} chains a
 * run's events, and the task run in the payload counts runs and times the way the task engine does.
 * Editing a fixture by hand without keeping these true fails here.
 */
class PrefectEventFixturesTest {
  static final ObjectMapper JSON = new ObjectMapper();
  static final List<String> EVENT_KEYS = List.of("occurred", "event", "resource", "related", "payload", "id", "follows");
  static final Set<String> FINAL = Set.of("COMPLETED", "FAILED", "CANCELLED", "CRASHED");

  static Stream<String> files() {
    return Stream.of("task-retry-delay.jsonl", "task-retry-immediate.jsonl", "task-failed.jsonl", "task-map-20.jsonl",
        "subflow.jsonl", "flow-run-heartbeat.jsonl");
  }

  static List<JsonNode> load(String file) throws IOException {
    List<JsonNode> out = new ArrayList<>();
    try (InputStream in = PrefectEventFixturesTest.class.getResourceAsStream("/prefect-events/" + file)) {
      assertNotNull(in, file);
      BufferedReader r = new BufferedReader(new InputStreamReader(in, StandardCharsets.UTF_8));
      for (String line; (line = r.readLine()) != null; ) {
        out.add(JSON.readTree(line));
      }
    }
    return out;
  }

  static Instant instant(String s) {
    return OffsetDateTime.parse(s).toInstant();
  }

  @ParameterizedTest
  @MethodSource("files")
  void everyLineIsAnEventAsTheClientSerialisesIt(String file) throws IOException {
    for (JsonNode e : load(file)) {
      List<String> keys = new ArrayList<>();
      e.fieldNames().forEachRemaining(keys::add);
      assertEquals(EVENT_KEYS, keys, file);
      UUID.fromString(e.get("id").asText());
      assertTrue(e.get("occurred").asText().endsWith("Z"), "pydantic writes UTC with Z");
      assertFalse(e.get("resource").get("prefect.resource.id").asText().isEmpty());
      for (JsonNode rel : e.get("related")) {
        assertTrue(rel.has("prefect.resource.id") && rel.has("prefect.resource.role"), rel::toString);
      }
    }
  }

  @ParameterizedTest
  @MethodSource("files")
  void taskRunEventsFollowTheTaskEngine(String file) throws IOException {
    Map<String, JsonNode> previous = new HashMap<>();
    Map<String, Integer> running = new HashMap<>();
    Map<String, Instant> firstRunning = new HashMap<>();
    for (JsonNode e : load(file)) {
      String resource = e.get("resource").get("prefect.resource.id").asText();
      if (!resource.startsWith("prefect.task-run.")) {
        continue;
      }
      JsonNode p = e.get("payload");
      JsonNode v = p.get("validated_state");
      JsonNode res = e.get("resource");
      assertEquals("prefect.task-run." + v.get("name").asText(), e.get("event").asText());
      assertEquals(v.get("name").asText(), res.get("prefect.state-name").asText());
      assertEquals(v.get("type").asText(), res.get("prefect.state-type").asText());
      assertEquals(v.get("message").asText(), res.get("prefect.state-message").asText());
      assertEquals("client", res.get("prefect.orchestration").asText());
      assertEquals(p.get("task_run").get("run_count").asText(), res.get("prefect.run-count").asText());
      List<String> tags = new ArrayList<>();
      e.get("related").forEach(r -> {
        if (r.get("prefect.resource.role").asText().equals("tag")) tags.add(r.get("prefect.resource.id").asText());
      });
      assertEquals(tags.stream().sorted().toList(), tags, "tags sorted");
      p.get("task_run").get("tags").forEach(t -> assertTrue(tags.contains("prefect.tag." + t.asText()), "task tags are related"));
      // the label is Python's isoformat (+00:00), occurred is pydantic's (Z): the same instant
      assertEquals(instant(e.get("occurred").asText()), instant(res.get("prefect.state-timestamp").asText()));
      assertEquals(v.get("type").asText(), p.get("intended").get("to").asText());
      long flowRuns = 0;
      for (JsonNode rel : e.get("related")) {
        if (rel.get("prefect.resource.role").asText().equals("flow-run")) flowRuns++;
        assertFalse(rel.get("prefect.resource.id").asText().equals(resource), "the run is not its own related resource");
      }
      assertEquals(1, flowRuns, "one related flow run");

      JsonNode prev = previous.get(resource);
      if (prev == null) {
        assertEquals("PENDING", v.get("type").asText());
        assertTrue(p.get("initial_state").isNull() && p.get("intended").get("from").isNull() && e.get("follows").isNull());
      } else {
        JsonNode pv = prev.get("payload").get("validated_state");
        JsonNode initial = p.get("initial_state");
        for (String k : List.of("type", "name", "message", "state_details")) {
          assertEquals(pv.get(k), initial.get(k), k);
        }
        assertEquals(pv.get("type").asText(), p.get("intended").get("from").asText());
        assertEquals(prev.get("id").asText(), e.get("follows").asText());
        assertTrue(instant(e.get("occurred").asText()).isAfter(instant(prev.get("occurred").asText())));
      }
      JsonNode tr = p.get("task_run");
      if (v.get("type").asText().equals("RUNNING")) {
        running.merge(resource, 1, Integer::sum);
        firstRunning.putIfAbsent(resource, instant(e.get("occurred").asText()));
      }
      assertEquals(running.getOrDefault(resource, 0).intValue(), tr.get("run_count").asInt(), "run_count");
      assertEquals(tr.get("name").asText(), res.get("prefect.resource.name").asText());
      assertTrue(tr.get("name").asText().endsWith("-" + tr.get("dynamic_key").asText().substring(0, 3)));
      if (firstRunning.containsKey(resource)) {
        assertEquals(firstRunning.get(resource), instant(tr.get("start_time").asText()));
      } else {
        assertFalse(tr.has("start_time"));
      }
      assertEquals(FINAL.contains(v.get("type").asText()), tr.has("end_time"), "end_time only once final");
      for (String excluded : List.of("id", "flow_run_id", "state_id", "state_type", "state_name", "state", "created",
          "updated", "estimated_run_time", "estimated_start_time_delta")) {
        assertFalse(tr.has(excluded), excluded);
      }
      previous.put(resource, e);
    }
  }

  @Test
  void eventIdsAreUniqueAcrossFixtures() throws IOException {
    Set<String> ids = new HashSet<>();
    int n = 0;
    for (String f : files().toList()) {
      for (JsonNode e : load(f)) {
        ids.add(e.get("id").asText());
        n++;
      }
    }
    assertEquals(n, ids.size());
    assertEquals(81, n);
  }

  @Test
  void mappedTasksAreTwentyDistinctRunsOfOneTask() throws IOException {
    Set<String> runs = new HashSet<>();
    Set<String> keys = new HashSet<>();
    Set<String> taskKeys = new HashSet<>();
    for (JsonNode e : load("task-map-20.jsonl")) {
      runs.add(e.get("resource").get("prefect.resource.id").asText());
      keys.add(e.get("payload").get("task_run").get("dynamic_key").asText());
      taskKeys.add(e.get("payload").get("task_run").get("task_key").asText());
    }
    assertEquals(20, runs.size());
    assertEquals(20, keys.size());
    assertEquals(Set.of("double-2b7d0e44"), taskKeys);
  }
}
