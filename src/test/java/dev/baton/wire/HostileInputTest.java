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

  static final Map<String, Function<JsonNode, Decoded<?>>> DECODERS = Map.of(
      "set_state", Bodies::setState,
      "state", b -> Bodies.setState(((ObjectNode) j("{}")).set("state", b)),
      "flow", Bodies::flowCreate,
      "flow_run", b -> Bodies.flowRunCreate(b, 524288),
      "flow_run_update", b -> Bodies.flowRunUpdate(b, 524288),
      "task_run", b -> Bodies.taskRunCreate(b, 2000),
      "deployment", Bodies::deploymentCreate,
      "flow_runs_filter", b -> FilterBodies.flowRuns(b, 200, false),
      "task_runs_paginate", b -> FilterBodies.taskRuns(b, 200, true),
      "history", FilterBodies::history);

  static final List<String> KEYS = List.of("state", "force", "type", "name", "message", "data", "state_details",
      "flow_id", "parameters", "context", "empirical_policy", "tags", "labels", "idempotency_key", "job_variables",
      "task_key", "dynamic_key", "cache_key", "cache_expiration", "task_inputs", "id", "concurrency_limit",
      "concurrency_options", "paused", "limit", "offset", "page", "sort", "flows", "flow_runs", "task_runs",
      "deployments", "history_start", "history_interval_seconds", "unknown_key");

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
