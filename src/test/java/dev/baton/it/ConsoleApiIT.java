package dev.baton.it;

import static dev.baton.it.ApiClient.obj;
import static dev.baton.it.ApiClient.state;
import static dev.baton.testsupport.Await.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.baton.domain.TaskRun;
import dev.baton.filter.Filters;
import dev.baton.it.ApiClient.Response;
import dev.baton.service.Console;
import dev.baton.testsupport.Poll;
import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.net.HttpURLConnection;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/**
 * The console's endpoints over real HTTP and PostgreSQL: keyset pages (order, cursors, filters,
 * the bounded windows of unindexed filters), bad bodies, the overview's counts against the API's,
 * the live stream (one snapshot a second, run changes), the refused-decision timeline, and the page
 * and its API with the auth string on.
 */
class ConsoleApiIT {
  static final String SECRET = "console-secret ✓";
  @ClassServer(emptyDatabase = true) static TestServer server;
  @ClassServer(env = {"BATON_API_AUTH_STRING=" + SECRET}) static TestServer secured;
  static ApiClient api;

  @org.junit.jupiter.api.BeforeAll
  static void client() {
    api = server.api();
  }

  /** A flow run created SCHEDULED at {@code t} (so its expected start time is {@code t}). */
  private static UUID scheduledAt(UUID flow, Instant t, Object... extra) {
    ObjectNode body = obj("flow_id", flow.toString(), "state", state("SCHEDULED", "state_details", obj("scheduled_time", t.toString())));
    body.setAll(obj(extra));
    return api.post("/api/flow_runs/", body).expect(201).id();
  }

  private static List<String> ids(JsonNode page) {
    List<String> out = new ArrayList<>();
    page.get("results").forEach(r -> out.add(r.get("id").asText()));
    return out;
  }

  @Test
  void flowRunPagesWalkTheKeysetOrder() {
    UUID flow = api.createFlow();
    String tag = "keyset-" + UUID.randomUUID();
    Instant base = Instant.parse("2031-01-01T00:00:00Z");
    List<String> expected = new ArrayList<>();
    for (int i = 0; i < 7; i++) {
      expected.add(0, scheduledAt(flow, base.plusSeconds(i), "tags", List.of(tag)).toString());
    }
    ObjectNode filter = obj("flow_runs", obj("tags", obj("all_", List.of(tag))), "limit", 3);
    List<String> seen = new ArrayList<>();
    String after = null;
    int pages = 0;
    do {
      ObjectNode body = filter.deepCopy();
      if (after != null) {
        body.put("after", after);
      }
      JsonNode page = api.post("/api/console/flow_runs", body).expect(200).body();
      seen.addAll(ids(page));
      after = page.get("next").isNull() ? null : page.get("next").asText();
      pages++;
    } while (after != null && pages < 10);
    assertEquals(expected, seen, "newest expected start first, every run once");
    assertEquals(3, pages);

    JsonNode first = api.post("/api/console/flow_runs", filter).body();
    assertEquals(3, first.get("results").size());
    assertEquals(expected.get(0), first.get("results").get(0).get("id").asText());
    // the results are the API's flow-run bodies
    assertEquals(api.flowRun(UUID.fromString(expected.get(0))).get("name"), first.get("results").get(0).get("name"));

    // an upper bound on the expected start time starts the walk there
    JsonNode bounded = api.post("/api/console/flow_runs", obj("flow_runs", obj("tags", obj("all_", List.of(tag)),
        "expected_start_time", obj("before_", base.plusSeconds(2).toString())))).expect(200).body();
    assertEquals(expected.subList(4, 7), ids(bounded));
  }

  @Test
  void runsWithoutAnExpectedStartTimeComeFirst() {
    String tag = "nulls-" + UUID.randomUUID();
    // runs made before their first state (e.g. recorded from events) may have no expected start time
    UUID flowRun = api.createFlowRun(state("RUNNING"));
    List<String> untimed = new ArrayList<>();
    for (int i = 0; i < 3; i++) {
      UUID id = api.createTaskRun(flowRun, state("PENDING"), "tags", List.of(tag));
      await(server.pool().query("UPDATE task_run SET expected_start_time = NULL WHERE id = '" + id + "'").execute());
      untimed.add(id.toString());
    }
    UUID timedTask = api.createTaskRun(flowRun, state("PENDING"), "tags", List.of(tag));
    untimed.sort(java.util.Comparator.reverseOrder()); // PostgreSQL orders uuids as their hex text
    ObjectNode body = obj("task_runs", obj("flow_run_id", obj("any_", List.of(flowRun.toString()))), "limit", 2);
    JsonNode p1 = api.post("/api/console/task_runs", body).expect(200).body();
    assertEquals(List.of(untimed.get(0), untimed.get(1)), ids(p1));
    assertTrue(p1.get("next").asText().startsWith("null_"), p1.toString());
    body.put("after", p1.get("next").asText());
    JsonNode p2 = api.post("/api/console/task_runs", body).expect(200).body();
    assertEquals(List.of(untimed.get(2), timedTask.toString()), ids(p2));
    assertTrue(p2.get("next").isNull(), "the last page: " + p2);
  }

  /** A filter without an index is cut from windows; a page that used them up says so, and its cursor goes on. */
  @Test
  void sparseFiltersAreScannedInBoundedWindows() {
    UUID flowRun = api.createFlowRun(state("RUNNING"));
    String tag = "sparse-" + UUID.randomUUID();
    List<UUID> all = new ArrayList<>();
    for (int i = 0; i < 12; i++) {
      // one in four is tagged
      all.add(api.createTaskRun(flowRun, state("PENDING"), "tags", i % 4 == 0 ? List.of(tag) : List.of()));
    }
    Console console = new Console(server.pool(), new int[] {2, 3});
    Filters.TaskRunFilter f = new Filters.TaskRunFilter(Filters.Op.AND, null, null,
        new Filters.Tags(Filters.Op.AND, List.of(tag), null, null), null, null, null, null, null, null);
    Filters.Query q = new Filters.Query(null, null, f, null, null, null);
    List<UUID> found = new ArrayList<>();
    dev.baton.filter.Keyset after = null;
    int partial = 0;
    for (int guard = 0; guard < 40; guard++) {
      Console.KeysetPage<TaskRun> page = await(console.taskRuns(q, after, 10));
      page.items().forEach(t -> found.add(t.id()));
      if (page.partial()) {
        partial++;
        assertTrue(page.scanned() <= 5, "at most the windows' rows: " + page.scanned());
      }
      after = page.next();
      if (after == null) {
        break;
      }
    }
    List<UUID> tagged = new ArrayList<>();
    for (int i = all.size() - 1; i >= 0; i--) {
      if (i % 4 == 0) {
        tagged.add(all.get(i));
      }
    }
    // every tagged run, newest first, though no page read past its windows (the test server holds other runs too)
    List<UUID> mine = found.stream().filter(tagged::contains).toList();
    assertEquals(tagged, mine);
    assertEquals(tagged.size(), found.size());
    assertTrue(partial > 0, "some page stopped at its windows");
  }

  @Test
  void badBodiesAre422WithPrefectsShape() {
    String before = server.fingerprint();
    Response cursor = api.post("/api/console/flow_runs", obj("after", "not-a-cursor")).expect(422);
    assertEquals("Invalid request received.", cursor.text("exception_message"));
    assertEquals("body", cursor.body().get("exception_detail").get(0).get("loc").get(0).asText());
    assertEquals("after", cursor.body().get("exception_detail").get(0).get("loc").get(1).asText());
    assertEquals("not-a-cursor", cursor.body().get("request_body").get("after").asText());
    Response limit = api.post("/api/console/task_runs", obj("limit", 0)).expect(422);
    assertEquals("greater_than_equal", limit.body().get("exception_detail").get(0).get("type").asText());
    api.post("/api/console/task_runs", obj("limit", 201)).expect(422);
    Response unknown = api.post("/api/console/flow_runs", obj("flow_runs", obj("no_such_key", 1))).expect(422);
    assertEquals("extra_forbidden", unknown.body().get("exception_detail").get(0).get("type").asText());
    api.raw("POST", "/api/console/flow_runs", "{", "application/json", Map.of()).expect(422);
    assertEquals(before, server.fingerprint(), "a refused body changed nothing");
    api.get("/api/console/decisions/not-a-uuid").expect(404);
  }

  @Test
  void overviewCountsAreTheApisCounts() throws Exception {
    UUID a = api.createFlowRun(state("RUNNING"));
    api.createFlowRun(state("FAILED"));
    api.createTaskRun(a, state("RUNNING"));
    api.createTaskRun(a, state("COMPLETED"));
    Instant made = Instant.now();
    // counts are taken at most once a second (more seldom on a large database): those after the writes
    JsonNode counts = Poll.until(10_000, 200, () -> {
      JsonNode o = api.get("/api/console/overview").expect(200).body();
      return o.get("counts").isNull() || Instant.parse(o.get("counts").get("at").asText()).isBefore(made) ? null : o.get("counts");
    }, java.util.Objects::nonNull);
    assertNotNull(counts, "fresh counts within 10 s");
    for (String kind : new String[] {"flow_runs", "task_runs"}) {
      long total = 0;
      for (String type : new String[] {"SCHEDULED", "PENDING", "RUNNING", "PAUSED", "CANCELLING", "COMPLETED", "FAILED",
          "CANCELLED", "CRASHED"}) {
        long viaApi = Long.parseLong(api.post("/api/" + kind + "/count",
            obj(kind, obj("state", obj("type", obj("any_", List.of(type)))))).expect(200).raw());
        assertEquals(viaApi, counts.get(kind).path(type).asLong(0), kind + " " + type);
        total += viaApi;
      }
      long all = Long.parseLong(api.post("/api/" + kind + "/count", obj()).expect(200).raw());
      assertEquals(all, total + counts.get(kind).path("NONE").asLong(0), kind + " in all");
    }
  }

  /** The live stream: a snapshot at once, then about one a second, carrying the run changes of that second. */
  @Test
  void liveStreamPushesOneSnapshotASecondWithTheChanges() throws Exception {
    UUID run = api.createFlowRun(state("PENDING"));
    BlockingQueue<JsonNode> events = new ArrayBlockingQueue<>(100);
    HttpURLConnection c = (HttpURLConnection) URI.create("http://127.0.0.1:" + server.port() + "/api/console/live").toURL()
        .openConnection();
    c.setReadTimeout(10_000);
    assertEquals(200, c.getResponseCode());
    assertTrue(c.getContentType().startsWith("text/event-stream"), c.getContentType());
    Thread reader = new Thread(() -> {
      try (BufferedReader r = new BufferedReader(new InputStreamReader(c.getInputStream(), StandardCharsets.UTF_8))) {
        String line;
        while ((line = r.readLine()) != null) {
          if (line.startsWith("data: ")) {
            events.add(ApiClient.JSON.readTree(line.substring(6)));
          }
        }
      } catch (Exception ignored) {
        // closed by the test
      }
    });
    reader.setDaemon(true);
    reader.start();
    try {
      JsonNode first = events.poll(5, TimeUnit.SECONDS);
      assertNotNull(first, "a snapshot at once");
      long t0 = System.nanoTime();
      api.setFlowState(run, state("RUNNING")).expect(201);
      JsonNode changed = null;
      List<JsonNode> seen = new ArrayList<>();
      while (changed == null && System.nanoTime() - t0 < TimeUnit.SECONDS.toNanos(8)) {
        JsonNode e = events.poll(3, TimeUnit.SECONDS);
        assertNotNull(e, "a snapshot every second");
        seen.add(e);
        for (JsonNode ch : e.get("changes")) {
          if (ch.get("id").asText().equals(run.toString())) {
            changed = ch;
          }
        }
      }
      assertNotNull(changed, "the state change reached the stream: " + seen);
      assertEquals("RUNNING", changed.get("state_type").asText());
      assertEquals("flow_run", changed.get("kind").asText());
      JsonNode a = events.poll(3, TimeUnit.SECONDS);
      JsonNode b = events.poll(3, TimeUnit.SECONDS);
      assertNotNull(b);
      long gap = Instant.parse(b.get("at").asText()).toEpochMilli() - Instant.parse(a.get("at").asText()).toEpochMilli();
      assertTrue(gap >= 800 && gap <= 1500, "a second apart: " + gap + " ms");
      assertTrue(b.get("pages").asInt() >= 1);
      assertTrue(b.get("metrics").get("series").get("t").size() > 0);
    } finally {
      c.disconnect();
    }
  }

  @Test
  void refusedProposalsKeepTheirRuleForTheTimeline() throws Exception {
    UUID flowRun = api.createFlowRun(state("RUNNING"));
    UUID task = api.createTaskRun(flowRun, state("SCHEDULED", "state_details",
        obj("scheduled_time", Instant.now().plusSeconds(3600).toString())));
    Response r = api.setTaskState(task, state("RUNNING"));
    String status = r.text("status");
    assertEquals("WAIT", status, r.raw());
    JsonNode decisions = api.get("/api/console/decisions/" + task).expect(200).body();
    assertEquals(1, decisions.size(), decisions.toString());
    assertEquals(status, decisions.get(0).get("status").asText());
    assertEquals("RUNNING", decisions.get(0).get("proposed_type").asText());
    assertEquals("WaitForScheduledTime", decisions.get(0).get("rule").asText());
    assertEquals("task_run", decisions.get(0).get("run_kind").asText());
    assertEquals(0, api.get("/api/console/decisions/" + UUID.randomUUID()).expect(200).body().size());
    JsonNode overview = api.get("/api/console/overview").body();
    boolean listed = false;
    for (JsonNode rule : overview.get("metrics").get("by_rule")) {
      listed |= rule.get("rule").asText().equals(decisions.get(0).get("rule").asText());
    }
    // the overview reads the metrics a second at a time: the refusal shows once sampled
    String rule = decisions.get(0).get("rule").asText();
    assertTrue(listed || Poll.until(5_000, 200, () -> {
      for (JsonNode byRule : api.get("/api/console/overview").body().get("metrics").get("by_rule")) {
        if (byRule.get("rule").asText().equals(rule)) {
          return true;
        }
      }
      return false;
    }), "the overview lists " + rule);
  }

  @Test
  void thePageNeedsNoCredentialsAndItsApiDoes() {
    ApiClient s = secured.api();
    Response page = s.get("/");
    assertEquals(200, page.status());
    assertTrue(page.header("content-type").startsWith("text/html"), page.header("content-type"));
    assertTrue(page.raw().contains("/console/console.js"));
    assertTrue(page.header("content-security-policy").contains("default-src 'none'"));
    assertEquals(200, s.get("/console/console.js").status());
    assertEquals(200, s.get("/console/console.css").status());
    assertEquals(404, s.get("/console/nothing-here.js").status());
    Map<String, String> auth = Map.of("Authorization",
        "Basic " + Base64.getEncoder().encodeToString(SECRET.getBytes(StandardCharsets.UTF_8)));
    for (String path : new String[] {"/api/console/overview", "/api/console/live", "/api/console/concurrency_limits"}) {
      assertEquals(401, s.get(path).status(), path);
    }
    assertEquals(401, s.post("/api/console/flow_runs", obj()).status());
    assertEquals(200, s.raw("GET", "/api/console/overview", null, null, auth).status());
    assertEquals(200, s.raw("POST", "/api/console/flow_runs", "{}", "application/json", auth).status());
  }

  @Test
  void limitsShowTheirDeniedSlots() {
    String name = "console-" + UUID.randomUUID();
    api.post("/api/v2/concurrency_limits/", obj("name", name, "limit", 2, "denied_slots", 3)).expect(201);
    JsonNode list = api.get("/api/console/concurrency_limits").expect(200).body();
    JsonNode mine = null;
    for (JsonNode l : list) {
      if (l.get("name").asText().equals(name)) {
        mine = l;
      }
    }
    assertNotNull(mine, list.toString());
    assertEquals(2, mine.get("limit").asInt());
    assertEquals(3.0, mine.get("denied_slots").asDouble(), 0.5, "as stored, decayed by nothing yet");
  }
}
