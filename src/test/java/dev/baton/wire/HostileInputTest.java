package dev.baton.wire;

import static dev.baton.wire.TestJson.j;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.util.List;
import java.util.Map;
import java.util.function.Function;
import org.junit.jupiter.api.Test;

/** Every field of every decoder, given wrong-typed or hostile values, yields 422 errors and never throws. */
class HostileInputTest {

  static final List<String> HOSTILE = List.of("null", "true", "0", "-1", "1.5", "1e308", "99999999999999999999999999",
      "''", "'x\\u0000'", "'not-a-uuid'", "'2026-99-99'", "[]", "[null, 'x', {}]", "{}", "{'a': {'b': [1e300]}}",
      "{'\\u0000': 1}", "'" + "z".repeat(5000) + "'");

  static final Map<String, Function<JsonNode, Decoded<?>>> DECODERS = Map.ofEntries(
      Map.entry("set_state", Bodies::setState),
      Map.entry("state", b -> Bodies.setState(((ObjectNode) j("{}")).set("state", b))),
      Map.entry("flow", Bodies::flowCreate),
      Map.entry("flow_run", b -> Bodies.flowRunCreate(b, 524288)),
      Map.entry("flow_run_update", b -> Bodies.flowRunUpdate(b, 524288)),
      Map.entry("task_run", b -> Bodies.taskRunCreate(b, 2000)),
      Map.entry("deployment", Bodies::deploymentCreate),
      Map.entry("flow_runs_filter", b -> FilterBodies.flowRuns(b, 200, false)),
      Map.entry("task_runs_paginate", b -> FilterBodies.taskRuns(b, 200, true)),
      Map.entry("deployments_filter", b -> FilterBodies.deployments(b, 200, false)),
      Map.entry("logs_filter", b -> FilterBodies.logs(b, 200)),
      Map.entry("variables_filter", b -> FilterBodies.variables(b, 200)),
      Map.entry("variable", VariableBodies::create),
      Map.entry("variable_update", VariableBodies::update),
      Map.entry("history", b -> FilterBodies.history(b, false)));

  static final List<String> KEYS = List.of("state", "force", "type", "name", "message", "data", "state_details",
      "flow_id", "parameters", "context", "empirical_policy", "tags", "labels", "idempotency_key", "job_variables",
      "task_key", "dynamic_key", "cache_key", "cache_expiration", "task_inputs", "id", "concurrency_limit",
      "concurrency_options", "paused", "limit", "offset", "page", "sort", "flows", "flow_runs", "task_runs",
      "deployments", "history_start", "history_interval_seconds", "logs", "variables", "value", "work_pools",
      "work_pool_queues", "work_queues", "unknown_key");

  @Test
  void neverThrows() {
    int failures = 0;
    for (var dec : DECODERS.entrySet()) {
      for (String key : KEYS) {
        for (String v : HOSTILE) {
          ObjectNode body = (ObjectNode) j("{}");
          body.set(key, j(v));
          Decoded<?> d = dec.getValue().apply(body);
          if (!d.isOk()) {
            failures++;
            JsonNode out = d.errorBody(body);
            assertTrue(out.has("detail") || out.get("exception_detail").size() > 0);
          }
        }
        for (String v : HOSTILE) {
          assertFalse(dec.getValue().apply(j(v)) == null);
        }
      }
    }
    assertTrue(failures > 1000, "hostile inputs should mostly be rejected: " + failures);
  }

  @Test
  void nullBodyOfModelEndpointIsMissing() {
    ValidationError e = TestJson.only(Bodies.flowCreate(j("null")));
    assertEquals("missing", e.type());
    assertEquals(List.of("body"), e.loc());
  }
}
