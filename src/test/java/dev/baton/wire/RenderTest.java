package dev.baton.wire;

import static dev.baton.wire.SetStateBodyTest.iter;
import static dev.baton.wire.TestJson.j;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.baton.domain.Deployment;
import dev.baton.domain.Flow;
import dev.baton.domain.FlowRun;
import dev.baton.domain.FlowRunPolicy;
import dev.baton.domain.OrchestrationDetails;
import dev.baton.domain.OrchestrationStatus;
import dev.baton.domain.State;
import dev.baton.domain.StateDetails;
import dev.baton.domain.StateType;
import dev.baton.domain.TaskRun;
import dev.baton.domain.TaskRunPolicy;
import dev.baton.domain.command.StateCreate;
import java.io.IOException;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.junit.jupiter.api.Test;

class RenderTest {

  static final Instant T0 = Instant.parse("2026-08-21T16:27:33.123456Z");
  static final UUID ID = UUID.fromString("0198c2a4-1b2c-7d3e-8f40-123456789abc");

  static JsonNode tree(byte[] b) throws IOException {
    return Json.MAPPER.readTree(b);
  }

  static final List<String> DETAIL_KEYS = List.of("flow_run_id", "task_run_id", "child_flow_run_id",
      "scheduled_time", "cache_key", "cache_expiration", "deferred", "untrackable_result", "pause_timeout",
      "pause_reschedule", "pause_key", "run_input_keyset", "refresh_cache", "retriable", "transition_id",
      "task_parameters_id", "traceparent", "deployment_concurrency_lease_id");

  @Test
  void stateHasAllKeysAndFormats() throws IOException {
    State s = new State(ID, StateType.RUNNING, "Running", T0, null, null, StateDetails.EMPTY);
    JsonNode n = tree(Render.state(s));
    assertEquals(List.of("id", "type", "name", "timestamp", "message", "data", "state_details"), iter(n));
    assertEquals(DETAIL_KEYS, iter(n.get("state_details")));
    assertEquals("0198c2a4-1b2c-7d3e-8f40-123456789abc", n.get("id").asText());
    assertEquals("2026-08-21T16:27:33.123456Z", n.get("timestamp").asText());
    assertEquals("RUNNING", n.get("type").asText());
    assertTrue(n.get("data").isNull());
    assertEquals(false, n.get("state_details").get("deferred").asBoolean());
    assertTrue(n.get("state_details").get("deferred").isBoolean());
  }

  @Test
  void stateRoundTripsThroughStateCreate() throws IOException {
    StateDetails d = StateDetails.builder().flowRunId(UUID.randomUUID()).taskRunId(UUID.randomUUID())
        .scheduledTime(T0).cacheKey("ck").cacheExpiration(T0.plusSeconds(5)).deferred(null)
        .untrackableResult(true).pauseTimeout(Instant.parse("2026-08-21T16:27:33Z")).pauseReschedule(true)
        .pauseKey("pk").runInputKeyset(Map.of("response", "r", "schema", "s")).refreshCache(true).retriable(false)
        .transitionId(UUID.randomUUID()).taskParametersId(UUID.randomUUID()).traceparent("00-abc")
        .deploymentConcurrencyLeaseId(UUID.randomUUID()).build();
    State s = new State(ID, StateType.PAUSED, "Suspended", T0, "msg", j("{'storage_key': 'x', 'v': [1, 2.5, null]}"), d);
    ObjectNode n = (ObjectNode) tree(Render.state(s));
    n.remove("id");
    n.remove("timestamp");
    StateCreate back = Bodies.stateCreate(n).value();
    assertEquals(s, back.toState(ID, T0));
    // and the stored-details reader accepts the rendered details
    assertEquals(d, Bodies.readStateDetails(n.get("state_details")));
  }

  @Test
  void orchestrationResultShapes() throws IOException {
    State s = new State(ID, StateType.RUNNING, "Running", T0, null, j("1"), StateDetails.EMPTY);
    JsonNode accept = tree(Render.orchestrationResult(s, OrchestrationStatus.ACCEPT, OrchestrationDetails.ACCEPT));
    assertEquals(List.of("state", "status", "details"), iter(accept));
    assertEquals("ACCEPT", accept.get("status").asText());
    assertEquals(j("{'type': 'accept_details'}"), accept.get("details"));
    assertEquals(1, accept.get("state").get("data").asInt());

    JsonNode wait = tree(Render.orchestrationResult(s, OrchestrationStatus.WAIT, OrchestrationDetails.waitFor(30, "busy")));
    assertEquals(j("{'type': 'wait_details', 'delay_seconds': 30, 'reason': 'busy'}"), wait.get("details"));

    JsonNode abort = tree(Render.orchestrationResult(null, OrchestrationStatus.ABORT, OrchestrationDetails.abort(null)));
    assertTrue(abort.get("state").isNull());
    assertEquals(j("{'type': 'abort_details', 'reason': null}"), abort.get("details"));
    JsonNode reject = tree(Render.orchestrationResult(s, OrchestrationStatus.REJECT, OrchestrationDetails.reject("no")));
    assertEquals(j("{'type': 'reject_details', 'reason': 'no'}"), reject.get("details"));
  }

  static FlowRun flowRun(StateType type, State state, Instant expected, Instant start, long totalMicros) {
    return new FlowRun(ID, T0, T0, "brave-fox", UUID.randomUUID(), null, null, null, null, null,
        (ObjectNode) j("{'x': 1}"), null, null, FlowRunPolicy.DEFAULT, List.of("a"), (ObjectNode) j("{'env': 'dev'}"),
        null, state == null ? null : state.id(), type, type == null ? null : type.defaultName(), 1, expected,
        expected, start, null, totalMicros, false, null, null, null, j("{}"), state);
  }

  static final List<String> FLOW_RUN_KEYS = List.of("id", "created", "updated", "name", "flow_id", "state_id",
      "deployment_id", "deployment_version", "work_queue_id", "work_queue_name", "work_pool_id", "work_pool_name",
      "flow_version", "parameters", "idempotency_key", "context", "empirical_policy", "tags", "labels",
      "parent_task_run_id", "state_type", "state_name", "run_count", "expected_start_time",
      "next_scheduled_start_time", "start_time", "end_time", "total_run_time", "estimated_run_time",
      "estimated_start_time_delta", "auto_scheduled", "infrastructure_document_id", "infrastructure_pid",
      "created_by", "job_variables", "state");

  @Test
  void flowRunKeysAndComputedDurations() throws IOException {
    State running = new State(ID, StateType.RUNNING, "Running", T0, null, null, StateDetails.EMPTY);
    Instant now = T0.plusMillis(2500);
    JsonNode n = tree(Render.flowRun(flowRun(StateType.RUNNING, running, T0.minusSeconds(10), T0, 1_000_000), now));
    assertEquals(FLOW_RUN_KEYS, iter(n));
    assertEquals(1.0, n.get("total_run_time").asDouble());
    assertEquals(3.5, n.get("estimated_run_time").asDouble());
    assertEquals(10.0, n.get("estimated_start_time_delta").asDouble());
    assertEquals(List.of("max_retries", "retry_delay_seconds", "retries", "retry_delay", "pause_keys", "resuming",
        "retry_type"), iter(n.get("empirical_policy")));
    assertTrue(n.get("empirical_policy").get("retry_delay_seconds").isDouble());
    assertEquals(j("{}"), n.get("context"));
    assertEquals("RUNNING", n.get("state").get("type").asText());

    // late scheduled run with no start: now - expected
    JsonNode late = tree(Render.flowRun(flowRun(StateType.SCHEDULED, null, T0.minusSeconds(4), null, 0), T0));
    assertEquals(4.0, late.get("estimated_start_time_delta").asDouble());
    assertEquals(0.0, late.get("estimated_run_time").asDouble());
    // terminal: no lateness
    JsonNode done = tree(Render.flowRun(flowRun(StateType.COMPLETED, null, T0.minusSeconds(4), null, 0), T0));
    assertEquals(0.0, done.get("estimated_start_time_delta").asDouble());
  }

  @Test
  void taskRunKeysAndPolicy() throws IOException {
    TaskRun t = new TaskRun(ID, T0, T0, "t-1", null, "k", "0", null, null, null,
        new TaskRunPolicy(0, 0.0, 3, null, List.of(1.0, 2.5), 0.5), List.of(), null, null, null, null, null, 0, 0,
        null, null, null, null, 0, null);
    JsonNode n = tree(Render.taskRun(t, T0));
    assertEquals(List.of("id", "created", "updated", "name", "flow_run_id", "task_key", "dynamic_key", "cache_key",
        "cache_expiration", "task_version", "empirical_policy", "tags", "labels", "state_id", "task_inputs",
        "state_type", "state_name", "run_count", "flow_run_run_count", "expected_start_time",
        "next_scheduled_start_time", "start_time", "end_time", "total_run_time", "estimated_run_time",
        "estimated_start_time_delta", "state"), iter(n));
    assertEquals(j("{'max_retries': 0, 'retry_delay_seconds': 0.0, 'retries': 3, 'retry_delay': [1, 2.5],"
        + " 'retry_jitter_factor': 0.5}"), n.get("empirical_policy"));
    assertEquals(j("{}"), n.get("labels"));
    assertEquals(j("{}"), n.get("task_inputs"));
  }

  @Test
  void flowAndDeployment() throws IOException {
    JsonNode f = tree(Render.flow(new Flow(ID, T0, T0, "f", List.of("t"), null)));
    assertEquals(j("{'id': '" + ID + "', 'created': '2026-08-21T16:27:33.123456Z',"
        + " 'updated': '2026-08-21T16:27:33.123456Z', 'name': 'f', 'tags': ['t'], 'labels': {}}"), f);
    Deployment d = new Deployment(ID, T0, T0, "d", ID, null, null, true, List.of(), null, null, null, "q", 2, ID,
        j("{'collision_strategy': 'ENQUEUE', 'grace_period_seconds': null}"));
    JsonNode n = tree(Render.deployment(d));
    assertTrue(n.get("concurrency_limit").isNull(), "Prefect answers the limit in global_concurrency_limit");
    assertEquals("ENQUEUE", n.get("concurrency_options").get("collision_strategy").asText());
    assertTrue(n.get("paused").asBoolean());
  }

  @Test
  void pageAndErrors() throws IOException {
    JsonNode p = tree(Render.page(List.of("a", "b"), 5, 2, 1, (g, s) -> g.writeString(s)));
    assertEquals(j("{'results': ['a', 'b'], 'count': 5, 'limit': 2, 'pages': 3, 'page': 1}"), p);
    JsonNode z = tree(Render.page(List.<String>of(), 5, 0, 1, (g, s) -> g.writeString(s)));
    assertEquals(0, z.get("pages").asInt());
    assertEquals(j("{'detail': 'Flow run not found'}"), tree(Render.detail("Flow run not found")));
    assertEquals(j("{'exception_message': 'Internal Server Error'}"), tree(Render.exceptionMessage("Internal Server Error")));
  }
}
