package dev.baton.it;

import static dev.baton.it.ApiClient.obj;
import static dev.baton.it.ApiClient.state;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import dev.baton.it.ApiClient.Response;
import java.io.InputStream;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * The filter objects on PostgreSQL with Prefect's semantics: the operators Prefect's models take,
 * its truthiness rules (empty {@code not_any_}/{@code like_}/{@code startswith_}/{@code all_} are no
 * constraint, an empty {@code any_} matches nothing), the coalesced flow-run start time,
 * TaskRunFilterFlowRunId's {@code is_null_} default, work-queue {@code startswith_}, filter keys a
 * route does not take, and every filter body of the 3.8 client's filter probe. The expected names
 * are what Prefect 3.8.3's own server answered to the same requests on the same data.
 */
class FilterSemanticsIT {
  @ClassServer static TestServer server;
  @ClassServer static ApiClient api;
  static final String N = UUID.randomUUID().toString().substring(0, 8);
  static UUID flow;
  static UUID alpha;

  @BeforeAll
  static void start() {
    flow = api.post("/api/flows/", obj("name", "sem-" + N)).expect(201).id();
    alpha = run("alpha", List.of("a", "b"), state("RUNNING"), "work_queue_name", "queue-One");
    run("Beta", List.of(), state("COMPLETED"));
    run("gamma", List.of("b"), state("SCHEDULED", "state_details", obj("scheduled_time", "2030-01-01T00:00:00Z")),
        "idempotency_key", "k-" + N);
    run("delta", List.of("c"), state("PENDING"), "work_queue_name", "other");
    api.post("/api/task_runs/", obj("flow_run_id", alpha.toString(), "task_key", "k1", "dynamic_key", "0",
        "name", "t1-" + N)).expect(201);
    api.post("/api/task_runs/", obj("flow_run_id", null, "task_key", "k2-" + N, "dynamic_key", "0",
        "name", "t2-" + N)).expect(201);
  }

  static UUID run(String name, List<String> tags, JsonNode state, Object... extra) {
    JsonNode body = obj("flow_id", flow.toString(), "name", name + "-" + N, "tags", tags, "state", state);
    ((com.fasterxml.jackson.databind.node.ObjectNode) body).setAll(obj(extra));
    return api.post("/api/flow_runs/", body).expect(201).id();
  }

  /** The names (without the run's suffix) of this class's flow runs the filter matches, by name. */
  static List<String> runs(Object flowRuns, Object... extra) {
    com.fasterxml.jackson.databind.node.ObjectNode body = obj("flows", obj("name", obj("any_", List.of("sem-" + N))),
        "sort", "NAME_ASC");
    if (flowRuns != null) {
      body.set("flow_runs", ApiClient.JSON.valueToTree(flowRuns));
    }
    body.setAll(obj(extra));
    return names(api.post("/api/flow_runs/filter", body));
  }

  static List<String> tasks(Object taskRuns) {
    com.fasterxml.jackson.databind.node.ObjectNode f = obj("name", obj("like_", N));
    f.setAll((com.fasterxml.jackson.databind.node.ObjectNode) ApiClient.JSON.valueToTree(taskRuns));
    return names(api.post("/api/task_runs/filter", obj("task_runs", f, "sort", "NAME_ASC")));
  }

  static List<String> names(Response r) {
    r.expect(200);
    List<String> out = new ArrayList<>();
    r.body().forEach(n -> out.add(n.get("name").asText().replace("-" + N, "")));
    java.util.Collections.sort(out); // whatever the database's collation, compare in one order
    return out;
  }

  static final List<String> ALL = List.of("Beta", "alpha", "delta", "gamma");

  @Test
  void prefectsTruthiness() {
    assertEquals(ALL, runs(null));
    assertEquals(ALL, runs(obj("name", obj("like_", ""))), "an empty like_ is no constraint");
    assertEquals(List.of(), runs(obj("name", obj("any_", List.of()))), "an empty any_ matches nothing");
    assertEquals(ALL, runs(obj("id", obj("not_any_", List.of()))));
    assertEquals(ALL, runs(obj("tags", obj("all_", List.of()))));
    assertEquals(List.of(), runs(obj("tags", obj("any_", List.of()))));
    assertEquals(ALL, runs(obj("state", obj("type", obj("not_any_", List.of())))));
    assertEquals(List.of("Beta"), runs(obj("name", obj("like_", "BETA"))), "like_ ignores case");
  }

  @Test
  void operatorsOfTheCriteria() {
    assertEquals(List.of("Beta", "alpha"), runs(obj("tags", obj("operator", "or_", "all_", List.of("a", "b"), "is_null_", true))));
    assertEquals(ALL, runs(obj("deployment_id", obj("operator", "or_", "any_", List.of(UUID.randomUUID().toString()),
        "is_null_", true))));
    assertEquals(List.of(), runs(obj("deployment_id", obj("any_", List.of(UUID.randomUUID().toString()), "is_null_", true))));
    assertEquals(List.of("Beta", "alpha", "gamma"), runs(obj("work_queue_name", obj("operator", "or_",
        "any_", List.of("queue-One"), "is_null_", true))));
    assertEquals(ALL, runs(obj("created_by", obj("operator", "or_", "type_", List.of("X"), "is_null_", true))));
    assertEquals(List.of("alpha", "delta"), runs(obj("operator", "or_", "name", obj("any_", List.of("alpha-" + N)),
        "tags", obj("all_", List.of("c")))));
    assertEquals(List.of("Beta", "delta"), runs(obj("state", obj("operator", "or_",
        "type", obj("any_", List.of("COMPLETED")), "name", obj("any_", List.of("Pending"))))));
    // NOT IN leaves out runs without a key (SQL's NULL), as in Prefect
    assertEquals(List.of(), runs(obj("idempotency_key", obj("not_any_", List.of("k-" + N)))));
  }

  /** A deliberate difference: Prefect drops a state criterion that has both any_ and not_any_ (docs/compatibility.md). */
  @Test
  void stateAnyAndNotAnyBothApply() {
    assertEquals(List.of("Beta"), runs(obj("state", obj("type", obj("any_", List.of("COMPLETED", "RUNNING"),
        "not_any_", List.of("RUNNING"))))));
  }

  @Test
  void startTimeFallsBackToTheExpectedStartTime() {
    // gamma has not started: its expected start time (2030) decides before_/after_; is_null_ looks at start_time
    assertEquals(ALL, runs(obj("start_time", obj("before_", "2031-01-01T00:00:00Z"))));
    assertEquals(List.of("gamma"), runs(obj("start_time", obj("after_", "2029-01-01 00:00:00+00:00"))));
    assertEquals(List.of("delta", "gamma"), runs(obj("start_time", obj("is_null_", true))));
    assertEquals(List.of("gamma"), runs(obj("next_scheduled_start_time", obj("before_", "2030-06-01 00:00:00"))));
  }

  @Test
  void workPoolsAndQueuesByTheRunsNames() {
    assertEquals(List.of("alpha"), runs(null, "work_pool_queues", obj("operator", "and_", "id", null,
        "name", obj("startswith_", List.of("QUEUE-")))));
    assertEquals(List.of("alpha", "delta"), runs(null, "work_pool_queues", obj("name", obj("startswith_",
        List.of("queue", "oth")))));
    // present (even empty), a queue filter needs a queue; work pools: the runs name none here
    assertEquals(List.of("alpha", "delta"), runs(null, "work_pool_queues", obj()));
    assertEquals(List.of("alpha", "delta"), runs(null, "work_pool_queues", obj("name", obj("startswith_", List.of()))));
    assertEquals(List.of(), runs(null, "work_pools", obj()));
    assertEquals(List.of(), runs(null, "work_pool_queues", obj("id", obj("any_", List.of(UUID.randomUUID().toString())))));
    // /flow_runs/filter takes work_pool_queues; a "work_queues" key belongs to another route and is ignored
    assertEquals(ALL, runs(null, "work_queues", obj("nope", 1)));
  }

  @Test
  void taskRunFlowRunIdDefaultsToHavingOne() {
    assertEquals(List.of("t1", "t2"), tasks(obj()));
    assertEquals(List.of("t1"), tasks(obj("flow_run_id", obj())));
    assertEquals(List.of("t1"), tasks(obj("flow_run_id", obj("operator", "and_", "any_", null, "is_null_", false))));
    assertEquals(List.of("t2"), tasks(obj("flow_run_id", obj("is_null_", true, "any_", List.of(alpha.toString())))));
    assertEquals(List.of("t1", "t2"), tasks(obj("flow_run_id", obj("is_null_", null))));
    assertEquals(List.of("t1"), tasks(obj("flow_run_id", obj("any_", List.of(alpha.toString())))));
    // task_runs routes take no pool filters
    assertEquals(List.of("t1", "t2"), names(api.post("/api/task_runs/filter", obj("task_runs",
        obj("name", obj("like_", N)), "work_pools", obj("nope", 1), "sort", "NAME_ASC"))));
  }

  @Test
  void countsAndPagesFollowTheSameFilters() {
    Object flows = obj("name", obj("any_", List.of("sem-" + N)));
    assertEquals("2", api.post("/api/flow_runs/count", obj("flows", flows, "flow_runs", obj("tags",
        obj("any_", List.of("b"))))).expect(200).raw());
    assertEquals("1", api.post("/api/flows/count", obj("flows", flows)).expect(200).raw());
    JsonNode page = api.post("/api/flows/paginate", obj("flows", flows, "limit", 1, "page", 1)).expect(200).body();
    assertEquals("sem-" + N, page.get("results").get(0).get("name").asText());
    assertEquals(1, page.get("count").asInt());
    assertEquals(1, page.get("pages").asInt());
    assertEquals(0, api.post("/api/flows/paginate", obj("flows", flows, "limit", 1, "page", 2)).expect(200).body()
        .get("results").size());
  }

  @Test
  void everyFilterBodyOfTheClientsFilterProbeIsServed() throws Exception {
    JsonNode probe;
    try (InputStream in = FilterSemanticsIT.class.getResourceAsStream("/prefect-client/filter-probe.json")) {
      probe = ApiClient.JSON.readTree(in);
    }
    String before = server.fingerprint();
    for (JsonNode p : probe) {
      Response r = api.post("/api" + p.get("path").asText(), p.get("body"));
      assertEquals(200, r.status(), () -> p.get("field").asText() + " " + p.get("body") + " -> " + r.raw());
      assertTrue(r.body().isArray(), r::raw);
    }
    assertEquals(before, server.fingerprint(), "reads write nothing");
  }

  @Test
  void badFiltersAre422AndWriteNothing() {
    String before = server.fingerprint();
    for (Object bad : List.of(
        obj("flow_runs", obj("operator", "xor")),
        obj("flow_runs", obj("id", obj("operator", "or_"))),
        obj("work_pool_queues", obj("name", obj("like_", "x"))),
        obj("flow_runs", obj("state", obj("type", obj("any_", List.of("NOPE"))))),
        obj("flow_runs", obj("start_time", obj("before_", "not a time"))),
        obj("limit", 3.5))) {
      Response r = api.post("/api/flow_runs/filter", bad);
      assertEquals(422, r.status(), () -> bad + " -> " + r.raw());
      assertEquals("Invalid request received.", r.text("exception_message"), r::raw);
    }
    assertEquals(before, server.fingerprint());
  }
}
