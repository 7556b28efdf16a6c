package dev.baton.it;

import static dev.baton.it.ApiClient.obj;
import static dev.baton.testsupport.Await.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.baton.it.ApiClient.Response;
import dev.baton.testsupport.Poll;
import dev.baton.testsupport.Triggers;
import io.vertx.core.buffer.Buffer;
import io.vertx.sqlclient.Tuple;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * Prefect 3 events over real websockets and HTTP against real PostgreSQL: the task-run recorder
 * (the event sequences a Prefect 3 client sends for a retried task, a failing task and 20 mapped
 * tasks; out of order; twice), pong-after-commit, malformed frames, /events/filter and
 * /events/out.
 */
class EventsIT {
  @ClassServer(env = "BATON_HTTP_BODY_LIMIT=65536") static TestServer server;
  @ClassServer static ApiClient api;

  @BeforeAll
  static void start() {
    // storing an event named baton.test.slow takes a while: a pong or a 204 sent before the
    // commit would then be seen before the row
    installSlowEventTrigger(server);
  }

  /** Makes storing an event named baton.test.slow take 0.4 s (a trigger, left installed; idempotent). */
  static void installSlowEventTrigger(TestServer server) {
    Triggers.slow(server.pool(), "baton_test_slow_event", "event", "NEW.event = 'baton.test.slow'", 0.4);
  }

  static long count(String sql, Object... args) {
    return await(server.pool().preparedQuery(sql).execute(Tuple.from(args)))
        .iterator().next().getLong(0);
  }

  /** Waits (up to 10 s) for an event accepted before its socket was closed to be committed. */
  static void awaitStored(UUID id) throws Exception {
    Poll.until(10_000, 100, () -> eventCount(id) != 0);
    assertEquals(1, eventCount(id), "event " + id + " accepted before the close was not stored");
  }

  static long eventCount(UUID id) {
    return count("SELECT count(*) FROM event WHERE id = $1", id);
  }

  /** A flow run (and its flow) the events can point at. */
  static UUID[] flowRun() {
    UUID flowId = api.createFlow();
    UUID run = api.post("/api/flow_runs/", obj("flow_id", flowId.toString(), "state", ApiClient.state("RUNNING")))
        .expect(201).id();
    return new UUID[] {run, flowId};
  }

  static WsClient inSocket() throws InterruptedException {
    WsClient c = WsClient.connect(server.vertx(), server.port(), "/api/events/in");
    assertEquals("prefect", c.ws.subProtocol());
    c.send("{\"type\":\"auth\",\"token\":null}");
    assertEquals("{\"type\":\"auth_success\"}", c.nextMessage(10));
    return c;
  }

  /** Sends the events, then pings; returns once the pong (the commit confirmation) arrived. */
  static void sendConfirmed(WsClient c, List<ObjectNode> events) throws InterruptedException {
    for (ObjectNode e : events) {
      c.send(e.toString());
    }
    c.ping("checkpoint");
    assertEquals("checkpoint", c.nextPong(30), "no pong");
  }

  static JsonNode states(UUID taskRunId) {
    return api.get("/api/task_run_states/?task_run_id=" + taskRunId).expect(200).body();
  }

  static List<String> stateNames(UUID taskRunId) {
    List<String> names = new ArrayList<>();
    states(taskRunId).forEach(s -> names.add(s.get("name").asText()));
    return names;
  }

  // ---- the recorder ----------------------------------------------------------------------

  @Test
  void retriedTaskOverTheWebsocketIsRecordedWithItsWholeHistory() throws Exception {
    UUID[] fr = flowRun();
    PrefectTaskEvents t = new PrefectTaskEvents(fr[0], fr[1], "flaky-3f2a", "0", 2, Instant.now().minusSeconds(60))
        .retriedThenSucceeds(2);
    try (WsClient c = inSocket()) {
      sendConfirmed(c, t.events());
    }
    // confirmed ⇒ committed: readable at once, no polling
    JsonNode run = api.taskRun(t.taskRunId);
    assertEquals("COMPLETED", run.get("state_type").asText());
    assertEquals("Completed", run.get("state_name").asText());
    assertEquals(3, run.get("run_count").asInt());
    assertEquals(fr[0].toString(), run.get("flow_run_id").asText());
    assertEquals("flaky-3f2a", run.get("task_key").asText());
    assertEquals(t.events().get(t.events().size() - 1).get("id").asText(), run.get("state_id").asText());
    assertEquals(t.events().get(t.events().size() - 1).get("id").asText(), run.get("state").get("id").asText());
    assertEquals(2, run.get("empirical_policy").get("retries").asInt());
    assertEquals(0.07, run.get("total_run_time").asDouble(), 1e-9, run.toString());
    assertFalse(run.get("start_time").isNull());
    assertFalse(run.get("end_time").isNull());
    assertEquals(fr[0].toString(), run.get("labels").get("prefect.flow-run.id").asText());
    assertEquals(List.of("Pending", "Running", "AwaitingRetry", "Retrying", "AwaitingRetry", "Retrying", "Completed"),
        stateNames(t.taskRunId));
    JsonNode states = states(t.taskRunId);
    for (int i = 0; i < states.size(); i++) {
      assertEquals(t.events().get(i).get("id").asText(), states.get(i).get("id").asText());
      assertEquals(t.taskRunId.toString(), states.get(i).get("state_details").get("task_run_id").asText());
      assertEquals(fr[0].toString(), states.get(i).get("state_details").get("flow_run_id").asText());
    }
    assertFalse(states.get(2).get("state_details").get("scheduled_time").isNull());
    // the events themselves are stored too
    assertEquals(t.events().size(), count("SELECT count(*) FROM event WHERE resource_id = $1",
        "prefect.task-run." + t.taskRunId));
  }

  @Test
  void failingTaskPostedAsABatchIsRecordedFailed() {
    UUID[] fr = flowRun();
    PrefectTaskEvents t = new PrefectTaskEvents(fr[0], fr[1], "explode-9c1d", "0", 0, Instant.now()).fails();
    ArrayNode body = ApiClient.JSON.createArrayNode();
    t.events().forEach(body::add);
    api.post("/api/events", body).expect(204);
    JsonNode run = api.taskRun(t.taskRunId);
    assertEquals("FAILED", run.get("state_type").asText());
    assertEquals(1, run.get("run_count").asInt());
    assertEquals(List.of("Pending", "Running", "Failed"), stateNames(t.taskRunId));
    assertEquals("Task run encountered an exception ValueError: boom", states(t.taskRunId).get(2).get("message").asText());
  }

  @Test
  void twentyMappedTasksAreRecorded() throws Exception {
    UUID[] fr = flowRun();
    List<PrefectTaskEvents> tasks = new ArrayList<>();
    List<ObjectNode> all = new ArrayList<>();
    Instant start = Instant.now().minusSeconds(30);
    for (int i = 0; i < 20; i++) {
      PrefectTaskEvents t = new PrefectTaskEvents(fr[0], fr[1], "double-77e0", String.valueOf(i), 0,
          start.plusMillis(i)).succeeds();
      tasks.add(t);
    }
    // interleaved as concurrent mapped runs emit them: every Pending, then every Running, …
    for (int step = 0; step < 3; step++) {
      for (PrefectTaskEvents t : tasks) {
        all.add(t.events().get(step));
      }
    }
    try (WsClient c = inSocket()) {
      sendConfirmed(c, all);
    }
    JsonNode runs = api.post("/api/task_runs/filter",
        obj("flow_runs", obj("id", obj("any_", List.of(fr[0].toString()))), "sort", "EXPECTED_START_TIME_ASC"))
        .expect(200).body();
    assertEquals(20, runs.size());
    for (JsonNode r : runs) {
      assertEquals("COMPLETED", r.get("state_type").asText());
      assertEquals("double-77e0", r.get("task_key").asText());
    }
    for (PrefectTaskEvents t : tasks) {
      assertEquals(List.of("Pending", "Running", "Completed"), stateNames(t.taskRunId));
    }
  }

  @Test
  void outOfOrderAndDuplicateDeliveryLeaveTheNewestStateAndOneHistory() throws Exception {
    UUID[] fr = flowRun();
    PrefectTaskEvents t = new PrefectTaskEvents(fr[0], fr[1], "shuffle-1b2c", "0", 0, Instant.now()).succeeds();
    List<ObjectNode> e = t.events();
    try (WsClient c = inSocket()) {
      // Completed first, then the older ones, then everything again (a client resending after reconnecting)
      sendConfirmed(c, List.of(e.get(2), e.get(0)));
      JsonNode run = api.taskRun(t.taskRunId);
      assertEquals("COMPLETED", run.get("state_type").asText());
      assertEquals(e.get(2).get("id").asText(), run.get("state_id").asText());
      sendConfirmed(c, List.of(e.get(1), e.get(2), e.get(0), e.get(1)));
    }
    JsonNode run = api.taskRun(t.taskRunId);
    assertEquals("COMPLETED", run.get("state_type").asText());
    assertEquals(e.get(2).get("id").asText(), run.get("state_id").asText());
    assertEquals(List.of("Pending", "Running", "Completed"), stateNames(t.taskRunId));
    assertEquals(3, count("SELECT count(*) FROM event WHERE resource_id = $1", "prefect.task-run." + t.taskRunId));
    // the same batch posted again changes nothing
    ArrayNode body = ApiClient.JSON.createArrayNode();
    e.forEach(body::add);
    api.post("/api/events", body).expect(204);
    assertEquals(List.of("Pending", "Running", "Completed"), stateNames(t.taskRunId));
  }

  @Test
  void aTaskRunOfAnUnknownFlowRunIsNotCreatedButItsEventsAreStored() {
    PrefectTaskEvents t = new PrefectTaskEvents(UUID.randomUUID(), UUID.randomUUID(), "orphan-0a0a", "0", 0,
        Instant.now()).succeeds();
    ArrayNode body = ApiClient.JSON.createArrayNode();
    t.events().forEach(body::add);
    api.post("/api/events", body).expect(204);
    api.get("/api/task_runs/" + t.taskRunId).expect(404);
    assertEquals(3, count("SELECT count(*) FROM event WHERE resource_id = $1", "prefect.task-run." + t.taskRunId));
    String metrics = api.get("/metrics").expect(200).raw();
    assertTrue(metrics.contains("baton_events_task_run_not_recorded_total{reason=\"no_flow_run\"}"), metrics);
    assertTrue(metrics.contains("baton_events_stored_total"), metrics);
  }

  @Test
  void aRecordingPostgresRefusesFailsNeitherItsEventNorTheOthersOfTheBatch() {
    // PostgreSQL refuses states named "Refused" (a test trigger): that event's batch is rolled back
    // and written again event by event
    Triggers.refuse(server.pool(), "baton_test_refuse_state", "task_run_state", "NEW.name = 'Refused'");
    UUID[] fr = flowRun();
    PrefectTaskEvents good = new PrefectTaskEvents(fr[0], fr[1], "good-1a1a", "0", 0, Instant.now()).succeeds();
    PrefectTaskEvents bad = new PrefectTaskEvents(fr[0], fr[1], "bad-2b2b", "0", 0, Instant.now())
        .state("PENDING", "Refused", 0, null);
    ArrayNode body = ApiClient.JSON.createArrayNode();
    body.add(bad.events().get(0));
    good.events().forEach(body::add);
    api.post("/api/events", body).expect(204);
    assertEquals(List.of("Pending", "Running", "Completed"), stateNames(good.taskRunId));
    api.get("/api/task_runs/" + bad.taskRunId).expect(404);
    assertEquals(1, eventCount(UUID.fromString(bad.events().get(0).get("id").asText())));
    assertTrue(api.get("/metrics").expect(200).raw()
        .contains("baton_events_task_run_not_recorded_total{reason=\"refused\"}"));
  }

  @Test
  void aTaskOutsideAnyFlowIsRecordedWithoutAFlowRun() {
    PrefectTaskEvents t = new PrefectTaskEvents(null, null, "standalone-5e5e", UUID.randomUUID().toString(), 0,
        Instant.now()).succeeds();
    ArrayNode body = ApiClient.JSON.createArrayNode();
    t.events().forEach(body::add);
    api.post("/api/events", body).expect(204);
    JsonNode run = api.taskRun(t.taskRunId);
    assertTrue(run.get("flow_run_id").isNull());
    assertEquals("COMPLETED", run.get("state_type").asText());
  }

  @Test
  void eventsOfOtherKindsAreStoredButRecordNothing() {
    UUID id = UUID.randomUUID();
    UUID taskRun = UUID.randomUUID();
    // a server-side task-run event (no prefect.orchestration: client) is not the recorder's
    ObjectNode e = obj("id", id.toString(), "occurred", Instant.now().toString(), "event", "prefect.task-run.Running",
        "resource", obj("prefect.resource.id", "prefect.task-run." + taskRun), "payload", obj());
    api.post("/api/events", List.of(e)).expect(204);
    assertEquals(1, eventCount(id));
    api.get("/api/task_runs/" + taskRun).expect(404);
  }

  // ---- acknowledgement -------------------------------------------------------------------

  @Test
  void thePongComesOnlyAfterTheEventsBeforeThePingAreCommitted() throws Exception {
    List<UUID> ids = new ArrayList<>();
    try (WsClient c = inSocket()) {
      for (int i = 0; i < 3; i++) {
        UUID id = UUID.randomUUID();
        ids.add(id);
        c.send(obj("id", id.toString(), "occurred", Instant.now().toString(), "event", "baton.test.slow",
            "resource", obj("prefect.resource.id", "baton.test." + id)).toString());
      }
      c.ping("after-three");
      String pong = c.nextPong(30);
      assertEquals("after-three", pong);
      // each insert sleeps 0.4 s in PostgreSQL: an immediate (Vert.x) pong would arrive first
      for (UUID id : ids) {
        assertEquals(1, eventCount(id), "pong before the commit of " + id);
      }
      // with nothing outstanding a ping is answered at once
      c.ping("idle");
      assertEquals("idle", c.nextPong(10));
    }
  }

  @Test
  void post204ComesAfterTheCommit() {
    UUID id = UUID.randomUUID();
    api.post("/api/events", List.of(obj("id", id.toString(), "occurred", Instant.now().toString(),
        "event", "baton.test.slow", "resource", obj("prefect.resource.id", "baton.test." + id)))).expect(204);
    assertEquals(1, eventCount(id));
  }

  // ---- malformed input -------------------------------------------------------------------

  private static ObjectNode simpleEvent(UUID id) {
    return obj("id", id.toString(), "occurred", Instant.now().toString(), "event", "baton.test.ok",
        "resource", obj("prefect.resource.id", "baton.test." + id));
  }

  @Test
  void malformedFramesCloseTheSocketWithAReasonAndStoreNothingOfThem() throws Exception {
    record Case(String frame, short code, String reasonPart) {}
    UUID id = UUID.randomUUID();
    ObjectNode noResourceId = simpleEvent(id);
    noResourceId.set("resource", obj("prefect.resource.name", "x"));
    ObjectNode related = simpleEvent(id);
    related.set("related", ApiClient.JSON.createArrayNode().add(obj("prefect.resource.id", "x")));
    ObjectNode numericLabel = simpleEvent(id);
    ((ObjectNode) numericLabel.get("resource")).put("prefect.n", 5);
    ObjectNode longName = simpleEvent(id);
    longName.put("event", "x".repeat(1025));
    for (Case k : List.of(
        new Case("not json {", (short) 1007, "Invalid JSON"),
        new Case("[1,2]", (short) 1007, "Invalid event"),
        new Case(obj("occurred", Instant.now().toString(), "event", "x",
            "resource", obj("prefect.resource.id", "r")).toString(), (short) 1007, "id"),
        new Case(noResourceId.toString(), (short) 1007, "prefect.resource.id"),
        new Case(related.toString(), (short) 1007, "prefect.resource.role"),
        new Case(numericLabel.toString(), (short) 1007, "string"),
        new Case(longName.toString(), (short) 1007, "1024"))) {
      try (WsClient c = inSocket()) {
        UUID good = UUID.randomUUID();
        c.send(simpleEvent(good).toString());
        c.send(k.frame());
        WsClient.Closed closed = c.awaitClose(10);
        assertEquals(k.code(), closed.code(), k.frame());
        assertNotNull(closed.reason());
        assertTrue(closed.reason().contains(k.reasonPart()), closed.reason());
        // the event before the bad frame is still committed; nothing of the bad one is
        awaitStored(good);
        assertEquals(0, eventCount(id));
      }
    }
    try (WsClient c = inSocket()) {
      await(c.ws.writeBinaryMessage(Buffer.buffer(simpleEvent(id).toString())));
      assertEquals((short) 1003, c.awaitClose(10).code());
    }
    try (WsClient c = inSocket()) {
      ObjectNode big = simpleEvent(id);
      big.set("payload", obj("blob", "x".repeat(70_000)));
      c.ws.writeTextMessage(big.toString());
      assertEquals((short) 1009, c.awaitClose(10).code());
    }
    assertEquals(0, eventCount(id));
  }

  @Test
  void badPostBodiesAre422AndWriteNothing() {
    UUID id = UUID.randomUUID();
    ObjectNode bad = simpleEvent(id);
    bad.remove("occurred");
    Response r = api.post("/api/events", List.of(simpleEvent(UUID.randomUUID()), bad)).expect(422);
    assertEquals("occurred", r.body().get("exception_detail").get(0).get("loc").get(2).asText());
    api.post("/api/events", obj("not", "a list")).expect(422);
    assertEquals(0, eventCount(id));
  }

  // ---- reading events --------------------------------------------------------------------

  @Test
  void filterSelectsByNameResourceRelatedAndTimeAndPages() {
    UUID[] fr = flowRun();
    String tag = "run-" + UUID.randomUUID();
    PrefectTaskEvents a = new PrefectTaskEvents(fr[0], fr[1], "fa-" + tag, "0", 0, Instant.now().minusSeconds(20)).succeeds();
    PrefectTaskEvents b = new PrefectTaskEvents(fr[0], fr[1], "fb-" + tag, "0", 0, Instant.now().minusSeconds(10)).fails();
    ArrayNode body = ApiClient.JSON.createArrayNode();
    a.events().forEach(body::add);
    b.events().forEach(body::add);
    api.post("/api/events", body).expect(204);
    String flowRunRes = "prefect.flow-run." + fr[0];

    JsonNode page = api.post("/api/events/filter", obj("filter", obj("related", obj("id", List.of(flowRunRes)))))
        .expect(200).body();
    assertEquals(6, page.get("total").asInt());
    assertTrue(page.get("next_page").isNull());
    // newest first by default
    assertEquals("prefect.task-run.Failed", page.get("events").get(0).get("event").asText());
    assertEquals(b.events().get(2).get("id").asText(), page.get("events").get(0).get("id").asText());
    JsonNode first = page.get("events").get(0);
    assertEquals("client", first.get("resource").get("prefect.orchestration").asText());
    assertFalse(first.get("received").isNull());

    JsonNode completed = api.post("/api/events/filter", obj("filter", obj(
        "related", obj("id", List.of(flowRunRes), "role", List.of("flow-run")),
        "event", obj("prefix", List.of("prefect.task-run.Comp")), "order", "ASC"))).expect(200).body();
    assertEquals(1, completed.get("total").asInt());
    assertEquals(a.events().get(2).get("id").asText(), completed.get("events").get(0).get("id").asText());

    JsonNode byResource = api.post("/api/events/filter", obj("filter", obj(
        "resource", obj("id", List.of("prefect.task-run." + b.taskRunId)),
        "event", obj("exclude_name", List.of("prefect.task-run.Pending")), "order", "ASC"))).expect(200).body();
    assertEquals(List.of("prefect.task-run.Running", "prefect.task-run.Failed"),
        List.of(byResource.get("events").get(0).get("event").asText(), byResource.get("events").get(1).get("event").asText()));

    JsonNode wrongRole = api.post("/api/events/filter", obj("filter", obj(
        "related", obj("id", List.of(flowRunRes), "role", List.of("flow"))))).expect(200).body();
    assertEquals(0, wrongRole.get("total").asInt());

    JsonNode inRoles = api.post("/api/events/filter", obj("filter", obj(
        "related", obj("resources_in_roles", List.of(List.of("prefect.flow." + fr[1], "flow")))))).expect(200).body();
    // the six task-run events, and the server's own event of the flow run's first state (Running)
    assertEquals(7, inRoles.get("total").asInt());
    JsonNode serverEvents = api.post("/api/events/filter", obj("filter", obj(
        "related", obj("resources_in_roles", List.of(List.of("prefect.flow." + fr[1], "flow"))),
        "event", obj("prefix", List.of("prefect.flow-run."))))).expect(200).body();
    assertEquals("prefect.flow-run.Running", serverEvents.get("events").get(0).get("event").asText());
    assertEquals(flowRunRes, serverEvents.get("events").get(0).get("resource").get("prefect.resource.id").asText());

    JsonNode past = api.post("/api/events/filter", obj("filter", obj(
        "related", obj("id", List.of(flowRunRes)),
        "occurred", obj("since", Instant.now().minusSeconds(3600).toString(),
            "until", Instant.now().minusSeconds(15).toString())))).expect(200).body();
    assertEquals(3, past.get("total").asInt());

    // paging: the 6 task-run events, 4 per page
    JsonNode p1 = api.post("/api/events/filter", obj("filter", obj("any_resource", obj("id", List.of(flowRunRes)),
        "event", obj("prefix", List.of("prefect.task-run.")), "order", "ASC"), "limit", 4)).expect(200).body();
    assertEquals(4, p1.get("events").size());
    assertEquals(6, p1.get("total").asInt());
    String next = p1.get("next_page").asText();
    assertTrue(next.startsWith("http://"), next);
    JsonNode p2 = api.get(next.substring(next.indexOf("/api/"))).expect(200).body();
    assertEquals(2, p2.get("events").size());
    assertTrue(p2.get("next_page").isNull());
    List<String> seen = new ArrayList<>();
    p1.get("events").forEach(e -> seen.add(e.get("id").asText()));
    p2.get("events").forEach(e -> seen.add(e.get("id").asText()));
    assertEquals(6, seen.stream().distinct().count());

    api.get("/api/events/filter/next?page-token=garbage").expect(403);
    api.post("/api/events/filter", obj("limit", 51)).expect(422);
    api.post("/api/events/filter", obj("filter", obj("bogus", 1))).expect(422);
    api.post("/api/events/filter", obj("filter", obj("text", obj("query", "x".repeat(201))))).expect(422);

    // the EventFilter the 3.8 client always sends: "id": {"id": []} and every other list empty match everything
    JsonNode client = api.post("/api/events/filter", obj("filter", obj(
        "occurred", obj("since", Instant.now().minusSeconds(3600).toString(), "until", Instant.now().plusSeconds(60).toString()),
        "event", obj("prefix", List.of("prefect.task-run."), "exclude_prefix", List.of(), "name", List.of(),
            "exclude_name", List.of()),
        "resource", null, "related", obj("id", List.of(flowRunRes), "role", List.of(), "resources_in_roles", List.of(),
            "labels", null),
        "any_resource", obj("id", List.of(), "id_prefix", List.of(), "labels", null),
        "id", obj("id", List.of()), "text", null, "order", "DESC"), "limit", 50)).expect(200).body();
    assertEquals(6, client.get("total").asInt());
    // related and any_resource also take lists of filters, all of which hold
    JsonNode lists = api.post("/api/events/filter", obj("filter", obj(
        "related", List.of(obj("id", List.of(flowRunRes)), obj("role", List.of("flow"))),
        "any_resource", List.of(obj("id_prefix", List.of("prefect.task-run.")), obj("id", List.of(flowRunRes))),
        "event", obj("prefix", List.of("prefect.task-run."))))).expect(200).body();
    assertEquals(6, lists.get("total").asInt());
    // one related filter's id and role must hold for the same resource
    assertEquals(0, api.post("/api/events/filter", obj("filter", obj("related", obj("id", List.of(flowRunRes),
        "role", List.of("flow")), "event", obj("prefix", List.of("prefect.task-run."))))).expect(200).body()
        .get("total").asInt());
    // text search over the name, the resources' labels and the payload
    JsonNode text = api.post("/api/events/filter", obj("filter", obj("related", obj("id", List.of(flowRunRes)),
        "text", obj("query", "FB-" + tag + " -failed")))).expect(200).body();
    assertEquals(2, text.get("total").asInt(), text::toString);
  }

  @Test
  void eventsOutBackfillsThenStreamsLiveEvents() throws Exception {
    String resource = "baton.test.out." + UUID.randomUUID();
    List<UUID> stored = new ArrayList<>();
    for (int i = 0; i < 3; i++) {
      UUID id = UUID.randomUUID();
      stored.add(id);
      api.post("/api/events", List.of(obj("id", id.toString(), "occurred", Instant.now().minusSeconds(10 - i).toString(),
          "event", "baton.test.out", "resource", obj("prefect.resource.id", resource)))).expect(204);
    }
    try (WsClient c = WsClient.connect(server.vertx(), server.port(), "/api/events/out")) {
      c.send("{\"type\":\"auth\",\"token\":null}");
      assertEquals("{\"type\":\"auth_success\"}", c.nextMessage(10));
      c.send(obj("type", "filter", "filter", obj("resource", obj("id", List.of(resource)))).toString());
      List<String> got = new ArrayList<>();
      for (int i = 0; i < 3; i++) {
        JsonNode m = ApiClient.JSON.readTree(c.nextMessage(10));
        assertEquals("event", m.get("type").asText());
        got.add(m.get("event").get("id").asText());
      }
      // backfill oldest first
      assertEquals(stored.stream().map(UUID::toString).toList(), got);
      // a live event for the resource arrives; one for another resource does not
      UUID other = UUID.randomUUID();
      api.post("/api/events", List.of(simpleEvent(other))).expect(204);
      UUID live = UUID.randomUUID();
      api.post("/api/events", List.of(obj("id", live.toString(), "occurred", Instant.now().toString(),
          "event", "baton.test.out", "resource", obj("prefect.resource.id", resource)))).expect(204);
      JsonNode m = ApiClient.JSON.readTree(c.nextMessage(10));
      assertEquals(live.toString(), m.get("event").get("id").asText());
      // a duplicate of a stored event is not delivered again
      api.post("/api/events", List.of(obj("id", live.toString(), "occurred", Instant.now().toString(),
          "event", "baton.test.out", "resource", obj("prefect.resource.id", resource)))).expect(204);
      assertNull(c.nextMessage(1));
    }
  }

  @Test
  void eventsOutNeedsAuthThenAFilter() throws Exception {
    try (WsClient c = WsClient.connect(server.vertx(), server.port(), "/api/events/out")) {
      c.send(obj("type", "filter", "filter", obj()).toString());
      assertEquals((short) 1008, c.awaitClose(10).code());
    }
    try (WsClient c = WsClient.connect(server.vertx(), server.port(), "/api/events/out")) {
      c.send("{\"type\":\"auth\",\"token\":\"t\"}");
      assertEquals("{\"type\":\"auth_success\"}", c.nextMessage(10));
      c.send(obj("type", "filter", "filter", obj("occurred", obj("since", "yesterday"))).toString());
      WsClient.Closed closed = c.awaitClose(10);
      assertEquals((short) 1002, closed.code());
      assertTrue(closed.reason().startsWith("Invalid filter"), closed.reason());
    }
  }

  // ---- retention -------------------------------------------------------------------------

  @Test
  void eventsPastRetentionAreTrimmed() {
    UUID old = UUID.randomUUID();
    UUID recent = UUID.randomUUID();
    ObjectNode o = simpleEvent(old);
    o.put("occurred", Instant.now().minus(8, ChronoUnit.DAYS).toString());
    api.post("/api/events", List.of(o, simpleEvent(recent))).expect(204);
    long deleted = await(server.baton().eventRecorder().trimNow());
    assertTrue(deleted >= 1);
    assertEquals(0, eventCount(old));
    assertEquals(1, eventCount(recent));
  }
}
