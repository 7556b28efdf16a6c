package dev.baton.it;

import static dev.baton.it.ApiClient.obj;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import dev.baton.it.ApiClient.Response;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * {@code POST /api/logs/filter} over logs stored by {@code POST /api/logs/}, as the Prefect client
 * ships them: by flow run, task run (and "no task run"), level range, time window, both sort
 * orders, paging, and the 422s of a bad filter.
 */
class LogFilterIT {
  @ClassServer static TestServer server;
  @ClassServer static ApiClient api;
  // fresh ids per run: logs have no foreign keys, so these need no rows
  static final UUID FLOW_RUN_A = UUID.randomUUID();
  static final UUID FLOW_RUN_B = UUID.randomUUID();
  static final UUID TASK_RUN_1 = UUID.randomUUID();
  static final UUID TASK_RUN_2 = UUID.randomUUID();

  @BeforeAll
  static void start() {
    ArrayNode logs = ApiClient.JSON.createArrayNode();
    // flow run A: 3 flow-level lines and 2 per task run; flow run B: 2 lines
    logs.add(log("prefect.flow_runs", 20, "Beginning flow run", "2026-08-21T16:00:00.000001Z", FLOW_RUN_A, null));
    logs.add(log("prefect.task_runs", 20, "t1 start", "2026-08-21T16:00:01Z", FLOW_RUN_A, TASK_RUN_1));
    logs.add(log("prefect.task_runs", 40, "t1 failed", "2026-08-21T16:00:02Z", FLOW_RUN_A, TASK_RUN_1));
    logs.add(log("prefect.task_runs", 10, "t2 debug", "2026-08-21T16:00:03Z", FLOW_RUN_A, TASK_RUN_2));
    logs.add(log("prefect.task_runs", 30, "t2 warning", "2026-08-21T16:00:04Z", FLOW_RUN_A, TASK_RUN_2));
    logs.add(log("prefect.flow_runs", 50, "flow critical", "2026-08-21T16:00:05Z", FLOW_RUN_A, null));
    logs.add(log("prefect.flow_runs", 20, "Finished in state Failed", "2026-08-21T16:00:06Z", FLOW_RUN_A, null));
    logs.add(log("prefect.flow_runs", 20, "other run", "2026-08-21T16:00:02.5Z", FLOW_RUN_B, null));
    logs.add(log("prefect.flow_runs", 20, "other run, same second", "2026-08-21T16:00:02.5Z", FLOW_RUN_B, null));
    api.post("/api/logs/", logs).expect(201);
  }

  static final Object MINE = any(FLOW_RUN_A, FLOW_RUN_B);
  static final List<String> ALL = List.of("Beginning flow run", "t1 start", "t1 failed", "t2 debug", "t2 warning",
      "flow critical", "Finished in state Failed", "other run", "other run, same second");

  static JsonNode log(String name, int level, String message, String ts, UUID flowRun, UUID taskRun) {
    return obj("name", name, "level", level, "message", message, "timestamp", ts,
        "flow_run_id", flowRun == null ? null : flowRun.toString(), "task_run_id", taskRun == null ? null : taskRun.toString());
  }

  static Object any(UUID... ids) {
    List<String> l = new ArrayList<>();
    for (UUID id : ids) l.add(id.toString());
    return obj("any_", l);
  }

  static List<String> messages(Response r) {
    r.expect(200);
    List<String> out = new ArrayList<>();
    r.body().forEach(n -> out.add(n.get("message").asText()));
    return out;
  }

  static List<String> filter(Object body) {
    return messages(api.post("/api/logs/filter", body));
  }

  @Test
  void byFlowRunInTimestampOrderWithPrefectsLogShape() {
    Response r = api.post("/api/logs/filter", obj("logs", obj("flow_run_id", any(FLOW_RUN_A)))).expect(200);
    assertEquals(List.of("Beginning flow run", "t1 start", "t1 failed", "t2 debug", "t2 warning", "flow critical",
        "Finished in state Failed"), messages(r));
    JsonNode first = r.body().get(0);
    for (String k : List.of("id", "created", "updated", "name", "level", "message", "timestamp", "flow_run_id", "task_run_id")) {
      assertTrue(first.has(k), () -> "missing " + k + " in " + first);
    }
    UUID.fromString(first.get("id").asText());
    assertEquals("prefect.flow_runs", first.get("name").asText());
    assertEquals(20, first.get("level").asInt());
    assertEquals("2026-08-21T16:00:00.000001Z", first.get("timestamp").asText());
    assertEquals(FLOW_RUN_A.toString(), first.get("flow_run_id").asText());
    assertTrue(first.get("task_run_id").isNull());
  }

  @Test
  void byTaskRunAndByHavingNone() {
    assertEquals(List.of("t1 start", "t1 failed"), filter(obj("logs", obj("task_run_id", any(TASK_RUN_1)))));
    assertEquals(List.of("t1 start", "t1 failed", "t2 debug", "t2 warning"),
        filter(obj("logs", obj("task_run_id", any(TASK_RUN_1, TASK_RUN_2)))));
    assertEquals(List.of("Beginning flow run", "flow critical", "Finished in state Failed"),
        filter(obj("logs", obj("flow_run_id", any(FLOW_RUN_A), "task_run_id", obj("is_null_", true)))));
    assertEquals(4, filter(obj("logs", obj("task_run_id", obj("is_null_", false), "flow_run_id", MINE))).size());
  }

  @Test
  void byLevelRangeAndTimeWindow() {
    assertEquals(List.of("t1 failed", "flow critical"), filter(obj("logs", obj("level", obj("ge_", 40), "flow_run_id", MINE))));
    assertEquals(List.of("t1 failed", "t2 warning"),
        filter(obj("logs", obj("level", obj("ge_", 30, "le_", 40), "flow_run_id", any(FLOW_RUN_A)))));
    // inclusive bounds; the two lines of flow run B share a timestamp, so their order is the server's
    List<String> window = filter(obj("logs", obj("flow_run_id", MINE,
        "timestamp", obj("after_", "2026-08-21T16:00:02Z", "before_", "2026-08-21T16:00:03+00:00"))));
    assertEquals("t1 failed", window.get(0));
    assertEquals(java.util.Set.of("other run", "other run, same second"), java.util.Set.copyOf(window.subList(1, 3)));
    assertEquals("t2 debug", window.get(3));
    assertEquals(4, window.size());
  }

  @Test
  void theClientsReadLogsBodyWithEveryKeyDumped() {
    // PrefectClient.read_logs: LogFilter.model_dump(mode="json") sends every key, unset ones as null
    Object body = obj("logs", obj("operator", "and_", "level", obj("ge_", 30, "le_", null),
        "timestamp", obj("before_", null, "after_", null), "flow_run_id", obj("any_", List.of(FLOW_RUN_A.toString())),
        "task_run_id", obj("any_", null, "is_null_", null), "text", null), "limit", null, "offset", null,
        "sort", "TIMESTAMP_ASC");
    assertEquals(List.of("t1 failed", "t2 warning", "flow critical"), filter(body));
  }

  /** The sweep's read_logs body, byte for byte (3.8 always sends "text": null; it was a 422). */
  @Test
  void theSweepsReadLogsBody() {
    String body = "{\"logs\":{\"operator\":\"and_\",\"level\":null,\"timestamp\":null,\"flow_run_id\":{\"any_\":[\""
        + FLOW_RUN_B + "\"]},\"task_run_id\":null,\"text\":null},\"limit\":10,\"offset\":null,\"sort\":\"TIMESTAMP_ASC\"}";
    Response r = api.raw("POST", "/api/logs/filter", body, "application/json", Map.of());
    assertEquals(java.util.Set.of("other run", "other run, same second"), java.util.Set.copyOf(messages(r)));
  }

  /** LogFilterTextSearch: terms over "message name", case-insensitive; -excluded, +required, "phrases". */
  @Test
  void textSearch() {
    assertEquals(List.of("t1 start", "t1 failed"), filter(obj("logs", obj("flow_run_id", MINE, "text", obj("query", "T1")))));
    assertEquals(List.of("t1 failed", "t2 warning"),
        filter(obj("logs", obj("flow_run_id", MINE, "text", obj("query", "failed warning -flow")))));
    // the logger name is searched too
    assertEquals(List.of("t1 start", "t1 failed", "t2 debug", "t2 warning"),
        filter(obj("logs", obj("flow_run_id", MINE, "text", obj("query", "prefect.task_runs")))));
    assertEquals(List.of("other run, same second"),
        filter(obj("logs", obj("flow_run_id", MINE, "text", obj("query", "\"run, same\"")))));
    assertEquals(List.of("Finished in state Failed"),
        filter(obj("logs", obj("flow_run_id", MINE, "text", obj("query", "+state +failed")))));
    // % and _ are plain characters; a blank query constrains nothing
    assertEquals(List.of(), filter(obj("logs", obj("flow_run_id", MINE, "text", obj("query", "t_ s%")))));
    assertEquals(9, filter(obj("logs", obj("flow_run_id", MINE, "text", obj("query", "  ")))).size());
    // with or_, the text terms are alternatives to the other criteria, as in Prefect
    String needle = "needle-" + UUID.randomUUID();
    api.post("/api/logs/", List.of(log("x", 20, "a " + needle.toUpperCase(), "2026-08-21T16:00:03.5Z", UUID.randomUUID(),
        null))).expect(201);
    assertEquals(List.of("t2 debug", "a " + needle.toUpperCase(), "t2 warning"), filter(obj("logs",
        obj("operator", "or_", "task_run_id", any(TASK_RUN_2), "text", obj("query", needle)))));
    Response tooLong = api.post("/api/logs/filter", obj("logs", obj("text", obj("query", "x".repeat(201)))));
    assertEquals(422, tooLong.status());
    assertEquals("string_too_long", tooLong.get("exception_detail").get(0).get("type").asText());
  }

  @Test
  void operatorOrCombinesCriteria() {
    List<String> or = filter(obj("logs",
        obj("operator", "or_", "task_run_id", any(TASK_RUN_1), "flow_run_id", any(FLOW_RUN_B))));
    assertEquals(List.of("t1 start", "t1 failed"), or.subList(0, 2));
    assertEquals(java.util.Set.of("other run", "other run, same second"), java.util.Set.copyOf(or.subList(2, 4)));
    assertEquals(4, or.size());
  }

  @Test
  void sortLimitOffsetAndNoFilter() {
    // no filter (or no body): every log; the shared test database may hold other tests' logs too
    List<String> everything = filter(obj("logs", null));
    assertTrue(everything.size() >= ALL.size() && everything.size() <= 200, "no filter, default limit");
    assertEquals(everything, filter(null), "no body");
    assertEquals(everything, filter(obj()), "empty body");
    assertEquals(9, filter(obj("logs", obj("flow_run_id", MINE))).size());
    List<String> desc = filter(obj("sort", "TIMESTAMP_DESC", "logs", obj("flow_run_id", any(FLOW_RUN_A)), "limit", 2));
    assertEquals(List.of("Finished in state Failed", "flow critical"), desc);
    // equal timestamps page stably: the two lines of flow run B never repeat or vanish across pages
    List<String> paged = new ArrayList<>();
    for (int offset = 0; offset < 9; offset += 2) {
      paged.addAll(filter(obj("logs", obj("flow_run_id", MINE), "limit", 2, "offset", offset)));
    }
    assertEquals(filter(obj("logs", obj("flow_run_id", MINE), "limit", 9)), paged);
    assertEquals(List.of(), filter(obj("limit", 0)));
  }

  @Test
  void badFiltersAre422AndChangeNothing() {
    String before = server.fingerprint();
    for (Object bad : List.of(
        obj("logs", obj("level", obj("ge_", "high"))),
        obj("logs", obj("level", obj("gt_", 10))),
        obj("logs", obj("flow_run_id", obj("any_", List.of("not-a-uuid")))),
        obj("logs", obj("flow_run_id", obj("is_null_", true))),    // not a key of LogFilterFlowRunId
        obj("logs", obj("task_run_id", obj("is_null_", "maybe"))),
        obj("logs", obj("timestamp", obj("after_", "yesterday"))),
        obj("logs", obj("name", obj("any_", List.of("x")))),
        obj("logs", obj("operator", "xor_")),
        obj("logs", "everything"),
        obj("sort", "LEVEL_DESC"),
        obj("offset", -1))) {
      Response r = api.post("/api/logs/filter", bad);
      assertEquals(422, r.status(), () -> bad + " -> " + r.raw());
      assertEquals("Invalid request received.", r.text("exception_message"), r::raw);
      assertTrue(r.get("exception_detail").isArray() && !r.get("exception_detail").isEmpty(), r::raw);
    }
    Response tooMany = api.post("/api/logs/filter", obj("limit", 201));
    assertEquals(422, tooMany.status());
    assertEquals("Invalid limit: must be less than or equal to 200.", tooMany.text("detail"));
    assertEquals(422, api.post("/api/logs/filter", obj("limit", -1)).status());
    assertEquals(422, api.raw("POST", "/api/logs/filter", "{\"logs\": ", "application/json", Map.of()).status());
    assertEquals(before, server.fingerprint());
  }
}
