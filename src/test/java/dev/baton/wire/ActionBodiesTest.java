package dev.baton.wire;

import static dev.baton.wire.TestJson.assertError;
import static dev.baton.wire.TestJson.j;
import static dev.baton.wire.TestJson.only;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import dev.baton.domain.FlowRunPolicy;
import dev.baton.domain.StateType;
import dev.baton.domain.TaskRunPolicy;
import dev.baton.domain.command.DeploymentCreate;
import dev.baton.domain.command.FlowCreate;
import dev.baton.domain.command.FlowRunCreate;
import dev.baton.domain.command.TaskRunCreate;
import java.time.Instant;
import java.util.List;
import java.util.Set;
import java.util.UUID;
import org.junit.jupiter.api.Test;

class ActionBodiesTest {
  static final String FID = "0198c2a4-1b2c-7d3e-8f40-123456789abc";

  // ---- flows -----------------------------------------------------------------------------

  @Test
  void flowCreate() {
    FlowCreate f = Bodies.flowCreate(j("{'name': 'my-flow', 'tags': ['a'], 'labels': {'x': 1}}")).value();
    assertEquals("my-flow", f.name());
    assertEquals(List.of("a"), f.tags());
    assertEquals(j("{'x': 1}"), f.labels());
    FlowCreate d = Bodies.flowCreate(j("{'name': 'f'}")).value();
    assertEquals(List.of(), d.tags());
    assertEquals(j("{}"), d.labels());
  }

  @Test
  void flowNameRules() {
    assertError(only(Bodies.flowCreate(j("{}"))), "missing", "body.name");
    assertEquals(j("{}"), only(Bodies.flowCreate(j("{}"))).input());
    // Prefect 3.8's Name is Field(pattern="^[^/%&><]+$"): an empty name fails the pattern too
    for (String bad : List.of("", "a/b", "a%b", "a&b", "a>b", "a<b")) {
      ValidationError e = only(Bodies.flowCreate(j("{'name': '" + bad + "'}")));
      assertError(e, "string_pattern_mismatch", "body.name");
      assertEquals("String should match pattern '^[^/%&><]+$'", e.msg());
      assertEquals("^[^/%&><]+$", e.ctx().get("pattern").asText());
    }
    assertEquals("a b\n", Bodies.flowCreate(j("{'name': 'a b\\n'}")).value().name());
    assertError(only(Bodies.flowCreate(j("{'name': 'x', 'description': 'no'}"))), "extra_forbidden", "body.description");
    assertError(only(Bodies.flowCreate(j("[]"))), "model_attributes_type", "body");
    assertError(only(Bodies.flowCreate(null)), "missing", "body");
    assertEquals("\"it's\"", Bodies.pyRepr("it's"));
  }

  // ---- flow runs ---------------------------------------------------------------------------

  @Test
  void a2MinimalFlowRun() {
    FlowRunCreate r = Bodies.flowRunCreate(j("{'flow_id': '" + FID + "'}"), 524288).value();
    assertEquals(UUID.fromString(FID), r.flowId());
    assertNull(r.state());
    assertNull(r.name());
    assertEquals(j("{}"), r.parameters());
    assertEquals(j("{}"), r.context());
    assertEquals(j("{}"), r.labels());
    assertEquals(List.of(), r.tags());
    assertEquals(FlowRunPolicy.DEFAULT, r.empiricalPolicy());
    assertNull(r.jobVariables());
  }

  @Test
  void a1FullFlowRun() {
    FlowRunCreate r = Bodies.flowRunCreate(j("{'flow_id': '" + FID + "', 'name': 'n', 'state': {'type': 'PENDING'},"
        + " 'labels': {'env': 'dev'}, 'parameters': {'x': [1]}, 'context': {'c': 1}, 'idempotency_key': 'k',"
        + " 'empirical_policy': {'max_retries': 2, 'retry_delay_seconds': 5, 'pause_keys': ['a', 'a'],"
        + "   'retry_type': 'in_process', 'future': 1},"
        + " 'deployment_id': null, 'work_pool_name': 'p', 'work_queue_name': 'q', 'job_variables': {'j': 1},"
        + " 'parent_task_run_id': '" + FID + "', 'infrastructure_document_id': null, 'flow_version': '1'}"),
        524288).value();
    assertEquals(StateType.PENDING, r.state().type());
    assertEquals(j("{'env': 'dev'}"), r.labels());
    FlowRunPolicy p = r.empiricalPolicy();
    assertEquals(2, p.retries());
    assertEquals(5, p.retryDelay());
    assertEquals(List.of("a"), p.pauseKeys());
    assertEquals("in_process", p.retryType());
    assertEquals("k", r.idempotencyKey());
    assertEquals(j("{'j': 1}"), r.jobVariables());
  }

  @Test
  void a5ClientTimestampIsNotAllowed() {
    Decoded<FlowRunCreate> d = Bodies.flowRunCreate(j("{'flow_id': '" + FID + "',"
        + " 'state': {'type': 'COMPLETED', 'timestamp': '2030-01-01T00:00:00Z'}}"), 524288);
    assertError(only(d), "extra_forbidden", "body.state.timestamp");
  }

  @Test
  void a6ParameterSizeLimit() {
    String big = "x".repeat(1_000_000);
    JsonNode body = j("{'flow_id': '" + FID + "', 'parameters': {'big': '" + big + "'}}");
    ValidationError e = only(Bodies.flowRunCreate(body, 524288));
    assertError(e, "value_error", "body.parameters");
    assertTrue(e.msg().startsWith("Value error, Flow run parameters must be less than 524288 bytes"));
    assertTrue(Bodies.flowRunCreate(body, 0).isOk());
    assertFalse(Bodies.flowRunCreate(body, 1000).isOk());
    assertTrue(Bodies.flowRunCreate(j("{'flow_id': '" + FID + "', 'parameters': {'a': 1}}"), 1000).isOk());
  }

  @Test
  void flowRunHostileInputs() {
    Decoded<FlowRunCreate> d = Bodies.flowRunCreate(j("{'flow_id': 'not-a-uuid', 'name': 5, 'parameters': [],"
        + " 'tags': 'a', 'labels': {'k': [1]}, 'empirical_policy': {'retries': 1.5, 'retry_type': 'never',"
        + " 'pause_keys': 'x'}, 'job_variables': 3, 'bogus': true}"), 524288);
    assertEquals(List.of("body.name", "body.flow_id", "body.parameters",
        "body.empirical_policy.retries", "body.empirical_policy.pause_keys", "body.empirical_policy.retry_type",
        "body.tags", "body.labels.k.bool", "body.labels.k.int", "body.labels.k.float", "body.labels.k.str",
        "body.job_variables", "body.bogus"), d.errors().stream().map(ValidationError::path).toList());
    assertEquals(List.of("string_type", "uuid_parsing", "dict_type", "int_from_float", "set_type", "literal_error",
        "list_type", "bool_type", "int_type", "float_type", "string_type", "dict_type", "extra_forbidden"),
        TestJson.types(d));
    assertError(only(Bodies.flowRunCreate(j("{'flow_id': '" + FID + "', 'tags': ['a\\u0000']}"), 0)),
        "value_error", "body.tags.0");
    assertError(only(Bodies.flowRunCreate(j("{'flow_id': '" + FID + "', 'labels': {'a': 'b\\u0000'}}"), 0)),
        "value_error", "body.labels.a");
    assertError(only(Bodies.flowRunCreate(j("{'flow_id': '" + FID + "', 'parameters': {'p\\u0000': 1}}"), 0)),
        "value_error", "body.parameters.p\u0000.[key]");
  }

  @Test
  void flowRunUpdateTracksPresentKeys() {
    Bodies.FlowRunUpdate u = Bodies.flowRunUpdate(j("{'name': null, 'tags': ['x']}"), 524288).value();
    assertEquals(Set.of("name", "tags"), u.present());
    assertTrue(u.has("name"));
    assertNull(u.name());
    assertFalse(u.has("parameters"));
    assertNull(u.parameters());
    Bodies.FlowRunUpdate all = Bodies.flowRunUpdate(j("{'flow_version': 'v', 'parameters': {}, 'empirical_policy': {},"
        + " 'infrastructure_pid': 'pid', 'job_variables': null}"), 524288).value();
    assertEquals(Set.of("flow_version", "parameters", "empirical_policy", "infrastructure_pid", "job_variables"),
        all.present());
    assertEquals(FlowRunPolicy.DEFAULT, all.empiricalPolicy());
    assertError(only(Bodies.flowRunUpdate(j("{'state': {}}"), 0)), "extra_forbidden", "body.state");
    assertError(only(Bodies.flowRunUpdate(j("{'tags': null}"), 0)), "list_type", "body.tags");
  }

  // ---- task runs -------------------------------------------------------------------------

  static JsonNode task(String extra) {
    return j("{'flow_run_id': '" + FID + "', 'task_key': 'k', 'dynamic_key': '0'" + extra + "}");
  }

  @Test
  void taskRunCreate() {
    TaskRunCreate t = Bodies.taskRunCreate(task(", 'id': '" + FID + "', 'name': 't', 'labels': {'env': 'dev'},"
        + " 'state': {'type': 'RUNNING'}, 'cache_key': 'ck', 'cache_expiration': '2026-01-01T00:00:00.1234567Z',"
        + " 'tags': ['a'], 'task_inputs': {'x': [{'input_type': 'parameter', 'name': 'x'}]},"
        + " 'empirical_policy': {'retries': 2, 'retry_delay': [1, 2, 3], 'retry_jitter_factor': 0.5}"), 2000).value();
    assertEquals(UUID.fromString(FID), t.id());
    assertEquals(StateType.RUNNING, t.state().type());
    assertEquals(Instant.parse("2026-01-01T00:00:00.123456Z"), t.cacheExpiration());
    assertEquals(List.of(1.0, 2.0, 3.0), t.empiricalPolicy().retryDelayList());
    assertEquals(0.5, t.empiricalPolicy().retryJitterFactor());
    assertEquals(j("{'x': [{'input_type': 'parameter', 'name': 'x'}]}"), t.taskInputs());
    TaskRunCreate min = Bodies.taskRunCreate(j("{'task_key': 'k', 'dynamic_key': '0', 'flow_run_id': null}"), 2000).value();
    assertNull(min.flowRunId());
    assertNull(min.state());
    assertEquals(TaskRunPolicy.DEFAULT, min.empiricalPolicy());
    assertEquals(j("{}"), min.taskInputs());
    TaskRunCreate scalar = Bodies.taskRunCreate(task(", 'empirical_policy': {'retry_delay': 5, 'max_retries': 1}"),
        2000).value();
    assertEquals(5.0, scalar.empiricalPolicy().retryDelay());
    assertEquals(1, scalar.empiricalPolicy().retries());
  }

  @Test
  void taskRunRequiredKeys() {
    Decoded<TaskRunCreate> d = Bodies.taskRunCreate(j("{}"), 2000);
    assertEquals(List.of("body.task_key", "body.dynamic_key"), d.errors().stream().map(ValidationError::path).toList());
  }

  @Test
  void o96RetryDelayAndJitter() {
    StringBuilder delays = new StringBuilder();
    for (int i = 0; i < 100; i++) delays.append(i == 0 ? "" : ",").append(i);
    ValidationError e = only(Bodies.taskRunCreate(task(", 'empirical_policy': {'retry_delay': [" + delays + "]}"), 2000));
    assertError(e, "value_error", "body.empirical_policy.retry_delay");
    assertTrue(e.msg().contains("Can not configure more than 50 retry delays per task."));
    ValidationError jitter = only(Bodies.taskRunCreate(task(", 'empirical_policy': {'retry_jitter_factor': -100}"), 2000));
    assertError(jitter, "value_error", "body.empirical_policy.retry_jitter_factor");
    assertEquals("Value error, `retry_jitter_factor` must be >= 0.", jitter.msg());
    assertTrue(Bodies.taskRunCreate(task(", 'empirical_policy': {'retry_jitter_factor': 0}"), 2000).isOk());
  }

  @Test
  void cacheKeyLength() {
    String key = "k".repeat(2001);
    ValidationError e = only(Bodies.taskRunCreate(task(", 'cache_key': '" + key + "'"), 2000));
    assertError(e, "value_error", "body.cache_key");
    assertEquals("Value error, Cache key exceeded maximum allowed length of 2000 characters.", e.msg());
    assertTrue(Bodies.taskRunCreate(task(", 'cache_key': '" + key + "'"), 3000).isOk());
    assertFalse(Bodies.taskRunCreate(task(", 'cache_key': 'abcdef'"), 5).isOk());
  }

  @Test
  void taskInputsShape() {
    assertError(only(Bodies.taskRunCreate(task(", 'task_inputs': {'x': 1}"), 2000)), "list_type", "body.task_inputs.x");
    assertError(only(Bodies.taskRunCreate(task(", 'task_inputs': null"), 2000)), "dict_type", "body.task_inputs");
    // a union of four models: each member's errors, under the member's name
    var notAnObject = Bodies.taskRunCreate(task(", 'task_inputs': {'x': [1]}"), 2000);
    assertEquals(List.of("body.task_inputs.x.0.TaskRunResult", "body.task_inputs.x.0.FlowRunResult",
        "body.task_inputs.x.0.Parameter", "body.task_inputs.x.0.Constant"),
        notAnObject.errors().stream().map(ValidationError::path).toList());
    assertEquals(List.of("model_attributes_type", "model_attributes_type", "model_attributes_type",
        "model_attributes_type"), TestJson.types(notAnObject));
    var unknown = Bodies.taskRunCreate(task(", 'task_inputs': {'x': [{'input_type': 'nope'}]}"), 2000);
    assertEquals(List.of("body.task_inputs.x.0.TaskRunResult.input_type", "body.task_inputs.x.0.TaskRunResult.id",
        "body.task_inputs.x.0.FlowRunResult.input_type", "body.task_inputs.x.0.FlowRunResult.id",
        "body.task_inputs.x.0.Parameter.input_type", "body.task_inputs.x.0.Parameter.name",
        "body.task_inputs.x.0.Constant.input_type", "body.task_inputs.x.0.Constant.type"),
        unknown.errors().stream().map(ValidationError::path).toList());
    assertEquals("Input should be 'task_run'", unknown.errors().get(0).msg());
  }

  /** task_inputs as the client sends them, written back as Prefect stores them (input_type first, extras dropped). */
  @Test
  void taskInputsAsTheClientSendsThem() {
    String id = "0198c2a4-1b2c-7d3e-8f40-123456789abc";
    TaskRunCreate t = Bodies.taskRunCreate(task(", 'task_inputs': {'x': [{'input_type': 'parameter', 'name': 'x'}],"
        + " 'y': [{'input_type': 'task_run', 'id': '" + id.toUpperCase() + "', 'extra': 1}],"
        + " 'z': [{'input_type': 'flow_run', 'id': '" + id + "'}, {'input_type': 'constant', 'type': 'int'}],"
        + " 'w': [{'id': '" + id + "'}, {'type': 'str', 'name': 'n'}], 'v': []}"), 2000).value();
    assertEquals(j("{'x': [{'input_type': 'parameter', 'name': 'x'}], 'y': [{'input_type': 'task_run', 'id': '" + id + "'}],"
        + " 'z': [{'input_type': 'flow_run', 'id': '" + id + "'}, {'input_type': 'constant', 'type': 'int'}],"
        + " 'w': [{'input_type': 'task_run', 'id': '" + id + "'}, {'input_type': 'parameter', 'name': 'n'}], 'v': []}"),
        t.taskInputs());
  }

  @Test
  void taskRunUpdate() {
    assertEquals(new Bodies.TaskRunUpdate(true, "n"), Bodies.taskRunUpdate(j("{'name': 'n'}")).value());
    assertEquals(new Bodies.TaskRunUpdate(false, null), Bodies.taskRunUpdate(j("{}")).value());
    assertError(only(Bodies.taskRunUpdate(j("{'tags': []}"))), "extra_forbidden", "body.tags");
  }

  // ---- deployments -----------------------------------------------------------------------

  @Test
  void deploymentCreate() {
    DeploymentCreate d = Bodies.deploymentCreate(j("{'name': 'd', 'flow_id': '" + FID + "', 'concurrency_limit': 2,"
        + " 'concurrency_options': {'collision_strategy': 'CANCEL_NEW', 'grace_period_seconds': 120},"
        + " 'paused': false, 'tags': ['t'], 'work_queue_name': 'q', 'schedules': [], 'pull_steps': [{}],"
        + " 'entrypoint': 'a.py:f', 'enforce_parameter_schema': true, 'job_variables': {}}")).value();
    assertEquals(2, d.concurrencyLimit());
    assertEquals(j("{'collision_strategy': 'CANCEL_NEW', 'grace_period_seconds': 120}"), d.concurrencyOptions());
    assertEquals("q", d.workQueueName());
    DeploymentCreate zero = Bodies.deploymentCreate(j("{'name': 'd', 'flow_id': '" + FID + "', 'concurrency_limit': 0,"
        + " 'concurrency_options': {'collision_strategy': 'ENQUEUE'}}")).value();
    assertEquals(0, zero.concurrencyLimit());
    assertEquals(j("{'collision_strategy': 'ENQUEUE', 'grace_period_seconds': null}"), zero.concurrencyOptions());
  }

  @Test
  void deploymentErrors() {
    String base = "'name': 'd', 'flow_id': '" + FID + "'";
    assertError(only(Bodies.deploymentCreate(j("{" + base + ", 'concurrency_limit': -1}"))), "greater_than_equal",
        "body.concurrency_limit");
    assertError(only(Bodies.deploymentCreate(j("{" + base + ", 'concurrency_options': {'collision_strategy': 'X'}}"))),
        "literal_error", "body.concurrency_options.collision_strategy");
    assertError(only(Bodies.deploymentCreate(j("{" + base + ", 'concurrency_options': {'collision_strategy': 'ENQUEUE',"
        + " 'grace_period_seconds': 59}}"))), "greater_than_equal", "body.concurrency_options.grace_period_seconds");
    assertError(only(Bodies.deploymentCreate(j("{" + base + ", 'concurrency_options': {'collision_strategy': 'ENQUEUE',"
        + " 'grace_period_seconds': 86401}}"))), "less_than_equal", "body.concurrency_options.grace_period_seconds");
    ValidationError both = only(Bodies.deploymentCreate(j("{" + base + ", 'concurrency_limit': 1,"
        + " 'global_concurrency_limit_id': '" + FID + "'}")));
    assertError(both, "value_error", "body");
    assertError(only(Bodies.deploymentCreate(j("{" + base + ", 'frobnicate': 1}"))), "extra_forbidden", "body.frobnicate");
    Decoded<DeploymentCreate> missing = Bodies.deploymentCreate(j("{}"));
    assertEquals(List.of("body.name", "body.flow_id"), missing.errors().stream().map(ValidationError::path).toList());
  }

  // ---- logs / labels -----------------------------------------------------------------------

  @Test
  void logs() {
    List<Bodies.LogCreate> l = Bodies.logs(j("[{'name': 'prefect.flow_runs', 'level': 20, 'message': 'hi',"
        + " 'timestamp': '2026-08-21T16:27:33.5Z', 'flow_run_id': '" + FID + "', 'task_run_id': null}]")).value();
    assertEquals(1, l.size());
    assertEquals(20, l.get(0).level());
    assertEquals(Instant.parse("2026-08-21T16:27:33.5Z"), l.get(0).timestamp());
    assertTrue(Bodies.logs(j("[]")).value().isEmpty());
    Decoded<List<Bodies.LogCreate>> bad = Bodies.logs(j("[{'name': 'n', 'level': 'high', 'message': 'm',"
        + " 'timestamp': 'x'}, {'name': 'n', 'level': 1, 'message': 'm\\u0000', 'timestamp': 0, 'extra': 1}]"));
    assertEquals(List.of("body.0.level", "body.0.timestamp", "body.1.message", "body.1.extra"),
        bad.errors().stream().map(ValidationError::path).toList());
    // Prefect declares the body Sequence[LogCreate]
    assertError(only(Bodies.logs(j("{}"))), "is_instance_of", "body");
    assertEquals("Input should be an instance of Sequence", only(Bodies.logs(j("{'name': 'l'}"))).msg());
    assertError(only(Bodies.logs(null)), "missing", "body");
  }

  @Test
  void labelsPatch() {
    assertEquals(j("{'a': 1, 'b': 'x'}"), Bodies.labels(j("{'a': 1, 'b': 'x'}")).value());
    assertError(only(Bodies.labels(j("[]"))), "dict_type", "body");
    assertEquals(4, Bodies.labels(j("{'a': {}}")).errors().size());
  }

  @Test
  void storedPolicies() {
    assertEquals(FlowRunPolicy.DEFAULT, Bodies.readFlowRunPolicy(null));
    assertEquals(new FlowRunPolicy(0, 0.0, 3, 10, List.of("k"), true, "reschedule"),
        Bodies.readFlowRunPolicy(j("{'retries': 3, 'retry_delay': 10, 'pause_keys': ['k'], 'resuming': true,"
            + " 'retry_type': 'reschedule'}")));
    assertEquals(new TaskRunPolicy(0, 0.0, null, null, List.of(1.0), null),
        Bodies.readTaskRunPolicy(j("{'retry_delay': [1]}")));
    org.junit.jupiter.api.Assertions.assertThrows(IllegalArgumentException.class,
        () -> Bodies.readFlowRunPolicy(j("{'retries': 'x'}")));
  }
}
