package dev.baton.it;

import static dev.baton.it.ApiClient.obj;
import static dev.baton.it.ApiClient.state;
import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.baton.it.ApiClient.Response;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.stream.Stream;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * The exact answers (status and body bytes) of the resource routes when the thing asked for is
 * missing or the change is refused: which text, and whether it comes as {@code detail} or as
 * {@code exception_message}. The routes are thin adapters over the {@code dev.baton.service}
 * commands and {@code ApiService}; these answers are what the adapters must keep.
 */
class ResourceAnswersIT {
  @ClassServer static ApiClient api;
  static UUID flowId;
  static UUID runningRun;
  static UUID scheduledRun;
  static UUID taskRun;
  static final UUID MISSING = UUID.fromString("0b6a5e2c-54c8-4d4e-9d0e-2f3a4b5c6d7e");

  @BeforeAll
  static void start() {
    flowId = api.createFlow();
    runningRun = api.post("/api/flow_runs/", obj("flow_id", flowId.toString(), "state", state("RUNNING"))).expect(201).id();
    scheduledRun = api.post("/api/flow_runs/", obj("flow_id", flowId.toString(), "state", state("SCHEDULED"))).expect(201).id();
    taskRun = api.createTaskRun(runningRun, null);
  }

  static String detail(String text) {
    return ApiClient.toJson(Map.of("detail", text));
  }

  static String exceptionMessage(String text) {
    return ApiClient.toJson(Map.of("exception_message", text));
  }

  static Arguments a(String method, String path, Object body, int status, String raw) {
    return Arguments.of(method + " " + path + (body == null ? "" : " " + ApiClient.toJson(body)), method, path, body, status, raw);
  }

  static Stream<Arguments> refusals() {
    String m = MISSING.toString();
    return Stream.of(
        // flows
        a("GET", "/api/flows/" + m, null, 404, detail("Flow not found")),
        a("GET", "/api/flows/name/no-such-flow-" + m, null, 404, detail("Flow not found")),
        a("PATCH", "/api/flows/" + m, obj(), 404, detail("Flow not found")),
        a("PATCH", "/api/flows/" + m, obj("tags", List.of("a")), 404, detail("Flow not found")),
        a("DELETE", "/api/flows/" + m, null, 404, detail("Flow not found")),
        // flow runs
        a("POST", "/api/flow_runs/", obj("flow_id", m, "work_pool_name", "pool \"p\""), 404,
            detail("Work pool \"pool \"p\"\" not found.")),
        a("GET", "/api/flow_runs/" + m, null, 404, detail("Flow run not found")),
        a("PATCH", "/api/flow_runs/" + m, obj("name", "x"), 404, detail("Flow run not found")),
        a("PATCH", "/api/flow_runs/" + m, obj("job_variables", obj()), 404, detail("Flow run not found")),
        a("PATCH", "/api/flow_runs/" + m + "/labels", obj("k", "v"), 404, exceptionMessage("Flow run with id " + m + " not found")),
        a("DELETE", "/api/flow_runs/" + m, null, 404, detail("Flow run not found")),
        // task runs
        a("GET", "/api/task_runs/" + m, null, 404, detail("Task not found")),
        a("PATCH", "/api/task_runs/" + m, obj("name", "x"), 404, detail("Task run not found")),
        a("PATCH", "/api/task_runs/" + m, obj("name", null), 404, detail("Task run not found")),
        a("PATCH", "/api/task_runs/" + m, obj(), 404, detail("Task run not found")),
        a("DELETE", "/api/task_runs/" + m, null, 404, detail("Task not found")),
        // states
        a("GET", "/api/flow_run_states/" + m, null, 404, detail("Flow run state not found")),
        a("GET", "/api/task_run_states/" + m, null, 404, detail("Flow run state not found")),
        a("GET", "/api/flow_run_states/?flow_run_id=" + m, null, 200, "[]"),
        a("GET", "/api/task_run_states/?task_run_id=" + m, null, 200, "[]"),
        // flow run input
        a("POST", "/api/flow_runs/" + m + "/input", obj("key", "k", "value", "1"), 404, detail("Flow run not found")),
        a("GET", "/api/flow_runs/" + m + "/input/k", null, 404, detail("Flow run input not found")),
        a("DELETE", "/api/flow_runs/" + m + "/input/k", null, 404, detail("Flow run input not found")),
        // variables
        a("GET", "/api/variables/name/no-such-variable", null, 404, detail("Variable not found.")),
        a("PATCH", "/api/variables/name/no-such-variable", obj("value", 1), 404, detail("Variable not found.")),
        a("DELETE", "/api/variables/name/no-such-variable", null, 404, detail("Variable not found.")),
        // deployments
        a("GET", "/api/deployments/" + m, null, 404, detail("Deployment not found")),
        a("GET", "/api/deployments/name/no-flow/no-deployment", null, 404, detail("Deployment not found")),
        a("PATCH", "/api/deployments/" + m, obj("paused", true), 404, detail("Deployment not found.")),
        a("PATCH", "/api/deployments/" + m, obj("concurrency_limit", 2), 404, detail("Deployment not found.")),
        a("DELETE", "/api/deployments/" + m, null, 404, detail("Deployment not found")),
        a("POST", "/api/deployments/" + m + "/create_flow_run", obj(), 404, detail("Deployment not found")),
        // bulk
        a("POST", "/api/flow_runs/bulk_delete", obj("flow_runs", obj("id", obj("any_", List.of(m)))), 200, "{\"deleted\":[]}"),
        a("POST", "/api/flow_runs/bulk_set_state", obj("flow_runs", obj("id", obj("any_", List.of(m))), "state", state("CANCELLED")),
            200, "{\"results\":[]}"));
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("refusals")
  void answersWithTheRoutesOwnStatusAndText(String name, String method, String path, Object body, int status, String raw) {
    Response r = send(method, path, body);
    assertEquals(status, r.status(), r.raw());
    assertEquals(raw, r.raw());
  }

  @Test
  void jobVariablesChangeOnlyOnAScheduledRunOfADeployment() {
    Response running = api.patch("/api/flow_runs/" + runningRun, obj("job_variables", obj("a", 1)));
    assertEquals(400, running.status());
    assertEquals(detail("Job variables for a flow run in state RUNNING cannot be updated"), running.raw());
    Response noDeployment = api.patch("/api/flow_runs/" + scheduledRun, obj("job_variables", obj("a", 1)));
    assertEquals(400, noDeployment.status());
    assertEquals(detail("A deployment for the flow run could not be found"), noDeployment.raw());

    UUID deployment = api.createDeployment(flowId);
    UUID run = api.post("/api/deployments/" + deployment + "/create_flow_run", obj()).expect(201).id();
    api.patch("/api/flow_runs/" + run, obj("job_variables", obj("a", 1), "name", null)).expect(204);
    assertEquals(1, api.flowRun(run).get("job_variables").get("a").asInt());
    String slug = api.flowRun(run).get("name").asText();
    assertEquals(true, slug.contains("-"), "an explicit null name is replaced by a new slug: " + slug);
  }

  /** Prefect's TaskRunUpdate turns a null or empty name into a new slug (get_or_create_run_name). */
  @Test
  void aClearedTaskRunNameBecomesANewSlug() {
    api.patch("/api/task_runs/" + taskRun, obj("name", "renamed")).expect(204);
    api.patch("/api/task_runs/" + taskRun, obj("name", null)).expect(204);
    String slug = api.taskRun(taskRun).get("name").asText();
    assertEquals(true, slug.contains("-") && !slug.equals("renamed"), "a null name is replaced by a new slug: " + slug);
    api.patch("/api/task_runs/" + taskRun, obj("name", "")).expect(204);
    String another = api.taskRun(taskRun).get("name").asText();
    assertEquals(true, another.contains("-"), "an empty name is replaced by a new slug: " + another);
    api.patch("/api/task_runs/" + taskRun, obj()).expect(204);
    assertEquals(another, api.taskRun(taskRun).get("name").asText(), "no name: unchanged");
    api.patch("/api/task_runs/" + taskRun, obj("name", "renamed")).expect(204);
    assertEquals("renamed", api.taskRun(taskRun).get("name").asText());
  }

  @Test
  void takenNamesAndKeysAreConflicts() {
    String name = "var_" + UUID.randomUUID().toString().replace("-", "");
    api.post("/api/variables/", obj("name", name, "value", 1)).expect(201);
    Response again = api.post("/api/variables/", obj("name", name, "value", 2));
    assertEquals(409, again.status());
    assertEquals(detail("A variable with the name '" + name + "' already exists."), again.raw());

    Response first = api.post("/api/flow_runs/" + runningRun + "/input", obj("key", "k1", "value", "1"));
    assertEquals(201, first.status());
    assertEquals("null", first.raw());
    Response second = api.post("/api/flow_runs/" + runningRun + "/input", obj("key", "k1", "value", "2"));
    assertEquals(409, second.status());
    assertEquals(detail("A flow run input with this key already exists."), second.raw());
  }

  static Response send(String method, String path, Object body) {
    return switch (method) {
      case "GET" -> api.get(path);
      case "DELETE" -> api.delete(path);
      case "POST" -> api.post(path, body);
      case "PATCH" -> api.patch(path, body);
      default -> throw new IllegalArgumentException(method);
    };
  }
}
