package dev.baton.it;

import static dev.baton.it.ApiClient.obj;
import static dev.baton.it.ApiClient.state;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.baton.it.ApiClient.Response;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.stream.Stream;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Hostile input on every write endpoint: each gets a 4xx JSON error and leaves the database exactly
 * as it was (a fingerprint of every table before and after).
 */
class BadInputIT {
  @ClassServer static TestServer server;
  @ClassServer static ApiClient api;
  static UUID flowId;
  static UUID flowRun;
  static UUID taskRun;

  @BeforeAll
  static void start() {
    flowId = api.createFlow();
    flowRun = api.post("/api/flow_runs/", obj("flow_id", flowId.toString(), "state", state("RUNNING"))).expect(201).id();
    taskRun = api.createTaskRun(flowRun, null);
  }

  static final String NUL = "\\u0000";

  /** Bodies that must be refused by both set_state endpoints. */
  static List<String> badSetStateBodies() {
    String deep = "[".repeat(5000) + "]".repeat(5000);
    return List.of(
        "{\"state\": {\"type\": \"RUNNING\"",                       // truncated JSON
        "not json at all",
        "",                                                          // empty body
        "null", "[]", "\"RUNNING\"", "42", "true",
        "{}",                                                        // missing state
        "{\"state\": \"RUNNING\"}",
        "{\"state\": null}",
        "{\"state\": {\"type\": 5}}",
        "{\"state\": {\"type\": \"NOPE\"}}",
        "{\"state\": {\"type\": \"running\"}}",
        "{\"state\": {\"type\": null}}",
        "{\"state\": {}}",
        "{\"state\": {\"type\": \"RUNNING\", \"name\": 5}}",
        "{\"state\": {\"type\": \"RUNNING\", \"name\": [\"x\"]}}",
        "{\"state\": {\"type\": \"RUNNING\", \"message\": {\"a\": 1}}}",
        "{\"state\": {\"type\": \"RUNNING\", \"id\": \"" + UUID.randomUUID() + "\"}}",
        "{\"state\": {\"type\": \"RUNNING\", \"timestamp\": \"2020-01-01T00:00:00Z\"}}",
        "{\"state\": {\"type\": \"RUNNING\"}, \"force\": \"maybe\"}",
        "{\"state\": {\"type\": \"RUNNING\"}, \"force\": {}}",
        "{\"state\": {\"type\": \"RUNNING\", \"state_details\": \"x\"}}",
        "{\"state\": {\"type\": \"RUNNING\", \"state_details\": {\"scheduled_time\": \"yesterday\"}}}",
        "{\"state\": {\"type\": \"RUNNING\", \"state_details\": {\"scheduled_time\": 1e400}}}",
        "{\"state\": {\"type\": \"RUNNING\", \"state_details\": {\"cache_key\": 5}}}",
        "{\"state\": {\"type\": \"RUNNING\", \"state_details\": {\"transition_id\": \"not-a-uuid\"}}}",
        "{\"state\": {\"type\": \"RUNNING\", \"state_details\": {\"flow_run_id\": 12}}}",
        "{\"state\": {\"type\": \"RUNNING\", \"state_details\": {\"run_input_keyset\": [1]}}}",
        "{\"state\": {\"type\": \"RUNNING\", \"message\": \"a" + NUL + "b\"}}",
        "{\"state\": {\"type\": \"RUNNING\", \"name\": \"" + NUL + "\"}}",
        "{\"state\": {\"type\": \"COMPLETED\", \"data\": {\"k" + NUL + "\": 1}}}",
        "{\"state\": {\"type\": \"COMPLETED\", \"data\": [\"" + NUL + "\"]}}",
        "{\"state\": {\"type\": \"COMPLETED\", \"data\": " + deep + "}}");
  }

  static Stream<Arguments> setStateProbes() {
    List<Arguments> out = new ArrayList<>();
    for (String body : badSetStateBodies()) {
      out.add(Arguments.of("/api/task_runs/" + taskRun + "/set_state", body));
      out.add(Arguments.of("/api/flow_runs/" + flowRun + "/set_state", body));
    }
    return out.stream();
  }

  @ParameterizedTest
  @MethodSource("setStateProbes")
  void setStateRefusesHostileBodies(String path, String body) {
    assertRefusedAndUnchanged("POST", path, body);
  }

  static Stream<Arguments> createProbes() {
    String fid = "\"" + flowId + "\"";
    return Stream.of(
        Arguments.of("/api/flow_runs/", "{\"flow_id\": \"nope\"}"),
        Arguments.of("/api/flow_runs/", "{}"),
        Arguments.of("/api/flow_runs/", "{\"flow_id\": " + fid + ", \"state\": {\"type\": \"NOPE\"}}"),
        Arguments.of("/api/flow_runs/", "{\"flow_id\": " + fid + ", \"unknown\": 1}"),
        Arguments.of("/api/flow_runs/", "{\"flow_id\": " + fid + ", \"tags\": \"a\"}"),
        Arguments.of("/api/flow_runs/", "{\"flow_id\": " + fid + ", \"parameters\": []}"),
        Arguments.of("/api/flow_runs/", "{\"flow_id\": " + fid + ", \"name\": \"x" + NUL + "\"}"),
        Arguments.of("/api/flow_runs/", "{\"flow_id\": " + fid + ", \"empirical_policy\": {\"retries\": \"many\"}}"),
        Arguments.of("/api/flow_runs/", "{\"flow_id\": " + fid + ", \"empirical_policy\": {\"retries\": 99999999999999999999}}"),
        Arguments.of("/api/flow_runs/", "{\"flow_id\": " + fid + ", \"parent_task_run_id\": \"" + UUID.randomUUID() + "\"}"),
        Arguments.of("/api/flow_runs/", "{\"flow_id\": \"" + UUID.randomUUID() + "\"}"),
        Arguments.of("/api/task_runs/", "{\"task_key\": \"k\"}"),
        Arguments.of("/api/task_runs/", "{\"task_key\": 1, \"dynamic_key\": \"0\"}"),
        Arguments.of("/api/task_runs/", "{\"task_key\": \"k\", \"dynamic_key\": \"0\", \"flow_run_id\": \"zzz\"}"),
        Arguments.of("/api/task_runs/", "{\"task_key\": \"k\", \"dynamic_key\": \"0\", \"flow_run_id\": \"" + UUID.randomUUID() + "\"}"),
        Arguments.of("/api/task_runs/", "{\"task_key\": \"k\", \"dynamic_key\": \"0\", \"cache_key\": \"" + "x".repeat(2001) + "\"}"),
        Arguments.of("/api/task_runs/", "{\"task_key\": \"k\", \"dynamic_key\": \"0\", \"state\": {\"type\": \"RUNNING\", \"bogus\": 1}}"),
        Arguments.of("/api/task_runs/", "{\"task_key\": \"k" + NUL + "\", \"dynamic_key\": \"0\"}"),
        Arguments.of("/api/flows/", "{\"name\": \"\"}"),
        Arguments.of("/api/flows/", "{\"name\": \"a/b\"}"),
        Arguments.of("/api/flows/", "{\"name\": 3}"),
        Arguments.of("/api/flows/", "{\"name\": \"ok\", \"tags\": [1, 2]}"),
        Arguments.of("/api/flow_runs/filter", "{\"limit\": -1}"),
        Arguments.of("/api/flow_runs/filter", "{\"limit\": 201}"),
        Arguments.of("/api/flow_runs/filter", "{\"flow_runs\": {\"nope\": 1}}"),
        Arguments.of("/api/task_runs/filter", "{\"sort\": \"SIDEWAYS\"}"),
        Arguments.of("/api/task_runs/" + taskRun + "/set_state", "{\"state\": {\"type\": \"RUNNING\"}}".repeat(2)),
        // pause / resume
        Arguments.of("/api/flow_runs/" + flowRun + "/resume", "{\"run_input\": 5}"),
        Arguments.of("/api/flow_runs/" + flowRun + "/resume", "{\"run_input\": [1]}"),
        Arguments.of("/api/flow_runs/" + flowRun + "/resume", "{\"run_input\": {\"a\": \"" + NUL + "\"}}"),
        Arguments.of("/api/flow_runs/" + flowRun + "/resume", "{\"run_input\": "),
        Arguments.of("/api/flow_runs/" + UUID.randomUUID() + "/resume", "{\"run_input\": null}"),
        Arguments.of("/api/flow_runs/" + flowRun + "/input", "{\"key\": \"Bad Key\", \"value\": \"v\"}"),
        Arguments.of("/api/flow_runs/" + flowRun + "/input", "{\"key\": \"k\", \"value\": 5}"),
        Arguments.of("/api/flow_runs/" + flowRun + "/input", "{\"key\": \"k\"}"),
        Arguments.of("/api/flow_runs/" + flowRun + "/input", "{\"key\": \"k\", \"value\": \"" + NUL + "\"}"),
        Arguments.of("/api/flow_runs/" + UUID.randomUUID() + "/input", "{\"key\": \"k\", \"value\": \"v\"}"),
        Arguments.of("/api/flow_runs/" + flowRun + "/input/filter", "{\"limit\": 1}"),
        Arguments.of("/api/flow_runs/bulk_set_state", "{\"state\": {\"type\": \"NOPE\"}}"),
        Arguments.of("/api/flow_runs/bulk_set_state", "{\"state\": {\"type\": \"RUNNING\"}, \"limit\": 0}"),
        Arguments.of("/api/flow_runs/bulk_set_state", "{\"flow_runs\": {\"bogus\": 1}, \"state\": {\"type\": \"RUNNING\"}}"),
        Arguments.of("/api/flow_runs/bulk_delete", "{\"limit\": 500}"),
        Arguments.of("/api/variables/", "{\"name\": 5}"),
        Arguments.of("/api/variables/", "{\"value\": 1}"));
  }

  @ParameterizedTest
  @MethodSource("createProbes")
  void writeEndpointsRefuseHostileBodies(String path, String body) {
    assertRefusedAndUnchanged("POST", path, body);
  }

  static Stream<Arguments> pathProbes() {
    return Stream.of(
        Arguments.of("POST", "/api/task_runs/not-a-uuid/set_state", "{\"state\": {\"type\": \"RUNNING\"}}"),
        Arguments.of("POST", "/api/flow_runs/123/set_state", "{\"state\": {\"type\": \"RUNNING\"}}"),
        Arguments.of("POST", "/api/task_runs/" + UUID.randomUUID() + "/set_state", "{\"state\": {\"type\": \"RUNNING\"}}"),
        Arguments.of("POST", "/api/flow_runs/" + UUID.randomUUID() + "/set_state", "{\"state\": {\"type\": \"RUNNING\"}}"),
        Arguments.of("DELETE", "/api/task_runs/" + UUID.randomUUID(), null),
        Arguments.of("DELETE", "/api/flow_runs/" + UUID.randomUUID(), null),
        Arguments.of("GET", "/api/nothing-here", null),
        Arguments.of("PATCH", "/api/flow_runs/" + UUID.randomUUID(), "{\"name\": \"x\"}"));
  }

  @ParameterizedTest
  @MethodSource("pathProbes")
  void unknownRunsAndPaths(String method, String path, String body) {
    assertRefusedAndUnchanged(method, path, body);
  }

  static Stream<String> setStatePaths() {
    return Stream.of("/api/task_runs/" + taskRun + "/set_state", "/api/flow_runs/" + flowRun + "/set_state",
        "/api/flow_runs/", "/api/task_runs/");
  }

  @ParameterizedTest
  @MethodSource("setStatePaths")
  void oversizedBodies(String path) {
    String huge = "{\"state\": {\"type\": \"RUNNING\", \"message\": \"" + "x".repeat(3 * 1024 * 1024) + "\"}}";
    Response r = assertRefusedAndUnchanged("POST", path, huge);
    assertEquals(413, r.status());
  }

  @ParameterizedTest
  @MethodSource("setStatePaths")
  void badApiVersionHeader(String path) {
    Response r = api.raw("POST", path, "{\"state\": {\"type\": \"RUNNING\"}}", "application/json",
        Map.of("X-PREFECT-API-VERSION", "banana"));
    assertEquals(400, r.status());
    assertEquals("Invalid X-PREFECT-API-VERSION header format.Expected header in format 'x.y.z' but received banana", r.text("detail"));
    Response old = api.raw("POST", path, "{\"state\": {\"type\": \"RUNNING\"}}", "application/json",
        Map.of("X-PREFECT-API-VERSION", "0.7.9"));
    assertEquals(400, old.status());
    assertEquals("The request specified API version 0.7.9 but this server requires version 0.8.0 or higher.", old.text("detail"));
  }

  private Response assertRefusedAndUnchanged(String method, String path, String body) {
    String before = server.fingerprint();
    Response r = api.raw(method, path, body, body == null ? null : "application/json", Map.of());
    assertTrue(r.status() >= 400 && r.status() < 500, () -> "expected 4xx, got " + r.status() + ": " + abbreviate(r.raw()));
    assertTrue(r.header("content-type") != null && r.header("content-type").startsWith("application/json"),
        () -> "JSON error body expected, got " + r.header("content-type"));
    assertTrue(r.body() != null && r.body().isObject() && (r.body().has("detail") || r.body().has("exception_message")),
        () -> "error body: " + abbreviate(r.raw()));
    assertEquals(before, server.fingerprint(), "database changed by a refused request");
    return r;
  }

  private static String abbreviate(String s) {
    return s == null || s.length() < 400 ? s : s.substring(0, 400) + "…";
  }
}
