package dev.baton.wire;

import static dev.baton.wire.TestJson.assertError;
import static dev.baton.wire.TestJson.j;
import static dev.baton.wire.TestJson.only;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import dev.baton.domain.StateType;
import dev.baton.filter.Filters.DeploymentSort;
import dev.baton.filter.Filters.FlowRunFilter;
import dev.baton.filter.Filters.FlowRunSort;
import dev.baton.filter.Filters.FlowSort;
import dev.baton.filter.Filters.HistoryRequest;
import dev.baton.filter.Filters.Ids;
import dev.baton.filter.Filters.ListRequest;
import dev.baton.filter.Filters.LogRequest;
import dev.baton.filter.Filters.LogSort;
import dev.baton.filter.Filters.Op;
import dev.baton.filter.Filters.Query;
import dev.baton.filter.Filters.TaskRunSort;
import dev.baton.filter.Filters.VariableRequest;
import dev.baton.filter.Filters.VariableSort;
import dev.baton.wire.FilterBodies.Target;
import java.time.Instant;
import java.util.List;
import java.util.UUID;
import org.junit.jupiter.api.Test;

class FilterBodiesTest {
  static final String ID = "0198c2a4-1b2c-7d3e-8f40-123456789abc";

  @Test
  void defaults() {
    ListRequest<FlowRunSort> r = FilterBodies.flowRuns(null, 200, false).value();
    assertEquals(FlowRunSort.ID_DESC, r.sort());
    assertEquals(200, r.limit());
    assertEquals(0, r.offset());
    assertEquals(Query.NONE, r.filter());
    assertEquals(FlowSort.NAME_ASC, FilterBodies.flows(j("{}"), 200, false).value().sort());
    assertEquals(DeploymentSort.NAME_ASC, FilterBodies.deployments(j("{}"), 200, false).value().sort());
    assertEquals(TaskRunSort.ID_DESC, FilterBodies.taskRuns(j("{'limit': null, 'unknown': 1}"), 200, false).value().sort());
  }

  @Test
  void limitRule() {
    assertEquals("Invalid limit: must be less than or equal to 200.",
        FilterBodies.flowRuns(j("{'limit': 201}"), 200, false).detail());
    assertEquals("Invalid limit: must be greater than or equal to 0.",
        FilterBodies.flowRuns(j("{'limit': -1}"), 200, false).detail());
    assertEquals("Invalid limit: must be less than or equal to 50.",
        FilterBodies.taskRuns(j("{'limit': 51}"), 50, false).detail());
    // the limit detail wins over other body errors
    assertEquals("Invalid limit: must be less than or equal to 200.",
        FilterBodies.flowRuns(j("{'limit': 1000, 'offset': -1}"), 200, false).detail());
    assertEquals(0, FilterBodies.flowRuns(j("{'limit': 0}"), 200, false).value().limit());
    assertEquals(7, FilterBodies.flowRuns(j("{'limit': '7'}"), 200, false).value().limit());
    assertError(only(FilterBodies.flowRuns(j("{'limit': 'lots'}"), 200, false)), "int_parsing", "body.limit");
    assertError(only(FilterBodies.flowRuns(j("{'offset': -1}"), 200, false)), "greater_than_equal", "body.offset");
    assertTrue(FilterBodies.flowRuns(j("{'limit': 500}"), 200, false).errorBody(null).has("detail"));
  }

  @Test
  void paginate() {
    ListRequest<FlowRunSort> r = FilterBodies.flowRuns(j("{'limit': 10, 'page': 3}"), 200, true).value();
    assertEquals(3, r.page());
    assertEquals(20, r.offset());
    assertEquals(1, FilterBodies.flowRuns(j("{}"), 200, true).value().page());
    assertError(only(FilterBodies.flowRuns(j("{'page': 0}"), 200, true)), "greater_than_equal", "body.page");
  }

  @Test
  void fullFlowRunFilter() {
    ListRequest<FlowRunSort> r = FilterBodies.flowRuns(j("{'sort': 'START_TIME_ASC', 'offset': 5,"
        + " 'flow_runs': {'operator': 'or_', 'id': {'any_': ['" + ID + "'], 'not_any_': []},"
        + "   'name': {'like_': 'fox'}, 'tags': {'all_': ['a'], 'operator': 'or_', 'is_null_': false},"
        + "   'state': {'type': {'any_': ['RUNNING', 'PENDING']}, 'name': {'not_any_': ['Late']}},"
        + "   'start_time': {'before_': '2026-01-01T00:00:00Z', 'is_null_': false},"
        + "   'parent_flow_run_id': {'any_': ['" + ID + "']}, 'created_by': {'type_': ['DEPLOYMENT']},"
        + "   'deployment_id': {'is_null_': true}, 'work_queue_name': {'any_': ['q']}},"
        + " 'flows': {'name': {'any_': ['f']}}, 'deployments': {}, 'task_runs': {'subflow_runs': {'exists_': true}},"
        + " 'work_pools': {'name': {'any_': ['p']}}, 'work_pool_queues': {'name': {'any_': ['q']}}}"),
        200, false).value();
    assertEquals(FlowRunSort.START_TIME_ASC, r.sort());
    assertEquals(5, r.offset());
    FlowRunFilter f = r.filter().flowRuns();
    assertEquals(Op.OR, f.op());
    assertEquals(List.of(UUID.fromString(ID)), f.id().any());
    assertEquals(List.of(), f.id().notAny());
    assertEquals("fox", f.name().like());
    assertEquals(Op.OR, f.tags().op());
    assertEquals(List.of(StateType.RUNNING, StateType.PENDING), f.state().typeAny());
    assertNull(f.state().typeNotAny());
    assertEquals(List.of("Late"), f.state().nameNotAny());
    assertEquals(Instant.parse("2026-01-01T00:00:00Z"), f.startTime().before());
    assertEquals(List.of("DEPLOYMENT"), f.createdBy().type());
    assertEquals(Boolean.TRUE, f.deploymentId().isNull());
    assertEquals(List.of("f"), r.filter().flows().name().any());
    assertTrue(r.filter().deployments() != null);
    assertEquals(Boolean.TRUE, r.filter().taskRuns().subflowRunsExists());
    assertEquals(List.of("q"), r.filter().workQueues().name().any());
    assertEquals(List.of("p"), r.filter().workPools().name().any());
  }

  @Test
  void filterObjectsForbidUnknownKeys() {
    assertError(only(FilterBodies.flowRuns(j("{'flow_runs': {'nope': 1}}"), 200, false)), "extra_forbidden",
        "body.flow_runs.nope");
    assertError(only(FilterBodies.flowRuns(j("{'flow_runs': {'id': {'like_': 'x'}}}"), 200, false)),
        "extra_forbidden", "body.flow_runs.id.like_");
    assertError(only(FilterBodies.taskRuns(j("{'task_runs': {'state': {'type': {'not_any_': []}}}}"), 200, false)),
        "extra_forbidden", "body.task_runs.state.type.not_any_");
    assertError(only(FilterBodies.flows(j("{'flows': {'tags': {'any_': ['x']}}}"), 200, false)),
        "extra_forbidden", "body.flows.tags.any_");
  }

  @Test
  void hostileFilterValues() {
    var d = FilterBodies.flowRuns(j("{'sort': 'RANDOM', 'flow_runs': {'id': {'any_': ['nope', 5]},"
        + " 'state': {'type': {'any_': ['NOPE']}}, 'start_time': {'after_': 'yesterday'}, 'operator': 'xor_',"
        + " 'name': {'like_': 'a\\u0000'}}, 'flows': []}"), 200, false);
    // sort first: /flow_runs/filter declares it before the filters
    assertEquals(List.of("body.sort", "body.flows", "body.flow_runs.operator", "body.flow_runs.id.any_.0",
        "body.flow_runs.id.any_.1", "body.flow_runs.name.like_", "body.flow_runs.state.type.any_.0",
        "body.flow_runs.start_time.after_"),
        d.errors().stream().map(ValidationError::path).toList());
    assertEquals(List.of("enum", "model_attributes_type", "enum", "uuid_parsing", "uuid_type", "value_error", "enum",
        "datetime_from_date_parsing"), TestJson.types(d));
    assertEquals("Input should be a valid dictionary or object to extract fields from", d.errors().get(1).msg());
  }

  @Test
  void deploymentFilter() {
    var f = FilterBodies.deployments(j("{'deployments': {'paused': {'eq_': false}, 'flow_or_deployment_name': {'like_': 'x'},"
        + " 'concurrency_limit': {'ge_': 1, 'le_': 5, 'is_null_': false}, 'tags': {'any_': ['t']},"
        + " 'work_queue_name': {'any_': ['q']}}}"), 200, false).value().filter().deployments();
    assertEquals(Boolean.FALSE, f.paused());
    assertEquals("x", f.flowOrDeploymentNameLike());
    assertEquals(List.of("t"), f.tags().any());
    // concurrency_limit is validated, then ignored (Prefect ignores the deprecated criterion)
    assertError(only(FilterBodies.deployments(j("{'deployments': {'concurrency_limit': {'ge_': 1.5}}}"), 200, false)),
        "int_from_float", "body.deployments.concurrency_limit.ge_");
  }

  @Test
  void countAndHistory() {
    assertEquals(Query.NONE, FilterBodies.count(null, Target.FLOW_RUNS).value());
    assertEquals(List.of("a"), FilterBodies.count(j("{'flows': {'name': {'any_': ['a']}}}"), Target.FLOWS).value()
        .flows().name().any());
    HistoryRequest h = FilterBodies.history(j("{'history_start': '2026-01-01T00:00:00Z', 'history_end': '2026-01-02',"
        + " 'history_interval_seconds': 3600, 'flow_runs': {'tags': {'all_': ['x']}}}"), false).value();
    assertEquals(3600.0, h.intervalSeconds());
    assertEquals(Instant.parse("2026-01-02T00:00:00Z"), h.end());
    assertEquals(List.of("x"), h.filter().flowRuns().tags().all());
    assertEquals("History interval must not be less than 1 second.", FilterBodies.history(j("{'history_start':"
        + " '2026-01-01', 'history_end': '2026-01-02', 'history_interval_seconds': 0.5}"), true).detail());
    var missing = FilterBodies.history(j("{}"), false);
    assertEquals(List.of("body.history_start", "body.history_end", "body.history_interval_seconds"),
        missing.errors().stream().map(ValidationError::path).toList());
  }

  @Test
  void logFilter() {
    LogRequest d = FilterBodies.logs(null, 200).value();
    assertNull(d.filter());
    assertEquals(LogSort.TIMESTAMP_ASC, d.sort());
    assertEquals(200, d.limit());
    assertEquals(0, d.offset());
    LogRequest r = FilterBodies.logs(j("{'logs': {'operator': 'or_', 'level': {'ge_': 20, 'le_': null},"
        + " 'timestamp': {'after_': '2026-08-21T16:00:00Z'}, 'flow_run_id': {'any_': ['" + ID + "']},"
        + " 'task_run_id': {'is_null_': true}}, 'sort': 'TIMESTAMP_DESC', 'limit': 5, 'offset': 10}"), 200).value();
    assertEquals(Op.OR, r.filter().op());
    assertEquals(20L, r.filter().level().ge());
    assertNull(r.filter().level().le());
    assertEquals(Instant.parse("2026-08-21T16:00:00Z"), r.filter().timestamp().after());
    assertEquals(List.of(UUID.fromString(ID)), r.filter().flowRunId().any());
    assertEquals(Boolean.TRUE, r.filter().taskRunId().isNull());
    assertEquals(LogSort.TIMESTAMP_DESC, r.sort());
    assertEquals(5, r.limit());
    assertEquals(10, r.offset());
    assertEquals("Invalid limit: must be less than or equal to 200.", FilterBodies.logs(j("{'limit': 201}"), 200).detail());
    assertError(only(FilterBodies.logs(j("{'logs': {'flow_run_id': {'is_null_': true}}}"), 200)), "extra_forbidden",
        "body.logs.flow_run_id.is_null_");
    assertError(only(FilterBodies.logs(j("{'logs': {'level': {'ge_': 'high'}}}"), 200)), "int_parsing",
        "body.logs.level.ge_");
    assertError(only(FilterBodies.logs(j("{'logs': {'name': {}}}"), 200)), "extra_forbidden", "body.logs.name");
    assertError(only(FilterBodies.logs(j("{'sort': 'LEVEL_ASC'}"), 200)), "enum", "body.sort");
  }

  // ---- bodies exactly as Prefect 3.8's client sends them (the compatibility sweep and its filter probe) ----

  static final String RUN = "33efc1ae-c981-4bc5-86b0-ec3eb55b53a3";

  @Test
  void clientReadFlows() {
    ListRequest<FlowSort> r = FilterBodies.flows(j("{'flows': {'operator': 'and_', 'id': null, 'name': {'any_':"
        + " ['sweep-flow-a908b6', 'sweep-flow-b-a908b6'], 'like_': null}, 'tags': null}, 'flow_runs': null,"
        + " 'task_runs': null, 'deployments': null, 'work_pools': null, 'work_queues': null, 'sort': 'NAME_ASC',"
        + " 'limit': 10, 'offset': 0}"), 200, false).value();
    assertEquals(List.of("sweep-flow-a908b6", "sweep-flow-b-a908b6"), r.filter().flows().name().any());
    assertEquals(10, r.limit());
    // /flows/filter takes no queue filter: the client's "work_queues" is ignored, whatever it holds
    assertNull(FilterBodies.flows(j("{'work_queues': {'nope': 1}, 'work_pool_queues': 5}"), 200, false).value()
        .filter().workQueues());
  }

  @Test
  void clientReadAndCountFlowRuns() {
    ListRequest<FlowRunSort> r = FilterBodies.flowRuns(j("{'flows': null, 'flow_runs': {'id': {'any_': ['" + RUN + "']}},"
        + " 'task_runs': null, 'deployments': null, 'work_pools': null, 'work_pool_queues': null,"
        + " 'sort': 'START_TIME_DESC', 'limit': 5, 'offset': 0}"), 200, false).value();
    assertEquals(List.of(UUID.fromString(RUN)), r.filter().flowRuns().id().any());
    assertEquals(FlowRunSort.START_TIME_DESC, r.sort());
    Query q = FilterBodies.count(j("{'flows': {'operator': 'and_', 'id': {'any_': ['" + RUN + "']}, 'name': null,"
        + " 'tags': null}, 'flow_runs': null, 'task_runs': null, 'deployments': null, 'work_pools': null,"
        + " 'work_pool_queues': null}"), Target.FLOW_RUNS).value();
    assertEquals(List.of(UUID.fromString(RUN)), q.flows().id().any());
    // the filter probe's work-queue filter (sweep item 2): startswith_ accepted
    Query wq = FilterBodies.flowRuns(j("{'flows': null, 'flow_runs': null, 'task_runs': null, 'deployments': null,"
        + " 'work_pools': null, 'work_pool_queues': {'operator': 'and_', 'id': null, 'name': {'any_': ['x'],"
        + " 'startswith_': ['x']}}, 'sort': null, 'limit': 1, 'offset': 0}"), 200, false).value().filter();
    assertEquals(List.of("x"), wq.workQueues().name().startsWith());
    // /flow_runs/filter's queue filter is work_pool_queues; work_queues is some other route's key
    assertNull(FilterBodies.flowRuns(j("{'work_queues': {'nope': 1}}"), 200, false).value().filter().workQueues());
    assertError(only(FilterBodies.count(j("{'work_pool_queues': {'name': {'like_': 'x'}}}"), Target.FLOW_RUNS)),
        "extra_forbidden", "body.work_pool_queues.name.like_");
  }

  @Test
  void everyOperatorPrefectAccepts() {
    Query q = FilterBodies.flowRuns(j("{'flow_runs': {'deployment_id': {'operator': 'or_', 'any_': ['" + RUN + "'],"
        + " 'is_null_': true}, 'work_queue_name': {'operator': 'or_', 'any_': ['q'], 'is_null_': true},"
        + " 'parent_flow_run_id': {'operator': 'or_', 'any_': []}, 'parent_task_run_id': {'operator': 'or_',"
        + " 'is_null_': false}, 'created_by': {'operator': 'or_', 'id_': [], 'type_': ['x'], 'is_null_': false},"
        + " 'tags': {'operator': 'or_'}, 'state': {'operator': 'or_'}},"
        + " 'flows': {'deployment': {'operator': 'or_', 'is_null_': true}, 'tags': {'operator': 'or_'}},"
        + " 'task_runs': {'flow_run_id': {'operator': 'or_'}, 'tags': {'operator': 'or_'}, 'state': {'operator': 'or_'}},"
        + " 'deployments': {'tags': {'operator': 'or_'}}, 'work_pools': {'operator': 'or_'},"
        + " 'work_pool_queues': {'operator': 'or_'}}"), 200, false).value().filter();
    assertEquals(Op.OR, q.flowRuns().deploymentId().op());
    assertEquals(Op.OR, q.flowRuns().workQueueName().op());
    assertEquals(Op.OR, q.flowRuns().createdBy().op());
    assertEquals(Boolean.TRUE, q.flows().deploymentIsNull());
    assertEquals(Boolean.FALSE, q.taskRuns().flowRunId().isNull(), "TaskRunFilterFlowRunId.is_null_ defaults to false");
    assertEquals(Op.OR, q.workPools().op());
    // criteria without an operator in Prefect's model still refuse one
    for (String body : List.of("{'flow_runs': {'id': {'operator': 'or_'}}}", "{'flow_runs': {'name': {'operator': 'or_'}}}",
        "{'task_runs': {'id': {'operator': 'or_'}}}", "{'work_pools': {'name': {'operator': 'or_'}}}")) {
      assertEquals("extra_forbidden", only(FilterBodies.flowRuns(j(body), 200, false)).type(), body);
    }
    ValidationError e = only(FilterBodies.flowRuns(j("{'flow_runs': {'operator': 'xor'}}"), 200, false));
    assertError(e, "enum", "body.flow_runs.operator");
    assertEquals("Input should be 'and_' or 'or_'", e.msg());
    assertEquals("'and_' or 'or_'", e.ctx().get("expected").asText());
  }

  @Test
  void clientReadTaskRuns() {
    ListRequest<TaskRunSort> r = FilterBodies.taskRuns(j("{'flows': null, 'flow_runs': {'id': {'any_': ['" + RUN + "']}},"
        + " 'task_runs': {'operator': 'and_', 'id': null, 'name': {'any_': null, 'like_': 'sweep'}, 'tags': null,"
        + " 'state': null, 'start_time': null, 'end_time': null, 'subflow_runs': null, 'flow_run_id': null},"
        + " 'deployments': null, 'sort': 'EXPECTED_START_TIME_DESC', 'limit': 10, 'offset': 0}"), 200, false).value();
    assertEquals("sweep", r.filter().taskRuns().name().like());
    assertEquals(TaskRunSort.EXPECTED_START_TIME_DESC, r.sort());
    // a full TaskRunFilterFlowRunId as the client dumps it: is_null_ false, any_ set
    Ids flowRunId = FilterBodies.taskRuns(j("{'task_runs': {'flow_run_id': {'operator': 'and_', 'any_': ['" + RUN + "'],"
        + " 'is_null_': false}}}"), 200, false).value().filter().taskRuns().flowRunId();
    assertEquals(List.of(UUID.fromString(RUN)), flowRunId.any());
    // task_runs routes take no pool filters
    assertNull(FilterBodies.taskRuns(j("{'work_pools': {'nope': 1}}"), 200, false).value().filter().workPools());
  }

  @Test
  void clientReadDeployments() {
    ListRequest<DeploymentSort> r = FilterBodies.deployments(j("{'flows': null, 'flow_runs': null, 'task_runs': null,"
        + " 'deployments': {'operator': 'and_', 'id': null, 'name': {'any_': null, 'like_': 'sweep-deploy-a908b6'},"
        + " 'tags': null, 'work_queue_name': null, 'concurrency_limit': null}, 'work_pools': null,"
        + " 'work_pool_queues': null, 'limit': 10, 'offset': 0, 'sort': 'NAME_ASC'}"), 200, false).value();
    assertEquals("sweep-deploy-a908b6", r.filter().deployments().name().like());
    // the filter probe's deployment bodies (every field of one criterion set)
    FilterBodies.deployments(j("{'deployments': {'operator': 'and_', 'id': {'any_': ['" + RUN + "'], 'not_any_': ['"
        + ID + "']}, 'name': null, 'tags': {'operator': 'and_', 'all_': ['x'], 'any_': ['x'], 'is_null_': true},"
        + " 'work_queue_name': {'any_': ['x']}, 'concurrency_limit': {'ge_': 1, 'le_': 1, 'is_null_': true}},"
        + " 'limit': 1, 'offset': 0, 'sort': null}"), 200, false).value();
    Query count = FilterBodies.count(j("{'deployments': {'paused': {'eq_': true}}, 'work_pool_queues': {}}"),
        Target.DEPLOYMENTS).value();
    assertEquals(Boolean.TRUE, count.deployments().paused());
    assertTrue(count.workQueues() != null);
  }

  @Test
  void clientReadLogsWithText() {
    LogRequest r = FilterBodies.logs(j("{'logs': {'operator': 'and_', 'level': null, 'timestamp': null,"
        + " 'flow_run_id': {'any_': ['" + RUN + "']}, 'task_run_id': null, 'text': null}, 'limit': 10, 'offset': null,"
        + " 'sort': 'TIMESTAMP_ASC'}"), 200).value();
    assertNull(r.filter().text());
    assertEquals(0, r.offset());
    LogRequest t = FilterBodies.logs(j("{'logs': {'operator': 'and_', 'level': null, 'timestamp': null,"
        + " 'flow_run_id': null, 'task_run_id': null, 'text': {'query': 'error -debug'}}, 'limit': 1, 'offset': null,"
        + " 'sort': 'TIMESTAMP_ASC'}"), 200).value();
    assertEquals(List.of("error"), t.filter().text().include());
    assertEquals(List.of("debug"), t.filter().text().exclude());
    assertError(only(FilterBodies.logs(j("{'logs': {'text': {}}}"), 200)), "missing", "body.logs.text.query");
    assertError(only(FilterBodies.logs(j("{'logs': {'text': {'query': 'a', 'x': 1}}}"), 200)), "extra_forbidden",
        "body.logs.text.x");
    assertError(only(FilterBodies.logs(j("{'logs': {'text': {'query': '" + "q".repeat(201) + "'}}}"), 200)),
        "string_too_long", "body.logs.text.query");
  }

  @Test
  void clientReadVariables() {
    VariableRequest all = FilterBodies.variables(j("{'limit': null}"), 200).value();
    assertNull(all.filter());
    assertEquals(200, all.limit());
    assertEquals(VariableSort.NAME_ASC, all.sort());
    assertEquals(50, FilterBodies.variables(j("{'limit': 50}"), 200).value().limit());
    VariableRequest r = FilterBodies.variables(j("{'variables': {'operator': 'or_', 'id': {'any_': ['" + RUN + "']},"
        + " 'name': {'any_': null, 'like_': 'sweep'}, 'tags': {'operator': 'and_', 'all_': ['a'], 'is_null_': false}},"
        + " 'sort': 'UPDATED_DESC', 'offset': 3}"), 200).value();
    assertEquals(Op.OR, r.filter().op());
    assertEquals("sweep", r.filter().name().like());
    assertEquals(List.of("a"), r.filter().tags().all());
    assertEquals(VariableSort.UPDATED_DESC, r.sort());
    assertEquals(3, r.offset());
    assertError(only(FilterBodies.variables(j("{'variables': {'name': {'startswith_': ['x']}}}"), 200)),
        "extra_forbidden", "body.variables.name.startswith_");
    assertError(only(FilterBodies.variables(j("{'sort': 'NOPE'}"), 200)), "enum", "body.sort");
    assertEquals("Invalid limit: must be less than or equal to 200.", FilterBodies.variables(j("{'limit': 201}"), 200)
        .detail());
    assertEquals("x", FilterBodies.variableCount(j("{'variables': {'name': {'like_': 'x'}}, 'name': 1}")).value()
        .name().like());
    assertNull(FilterBodies.variableCount(null).value());
  }

  @Test
  void integralFloatsAndDatetimesAsTheClientWritesThem() {
    ListRequest<FlowRunSort> r = FilterBodies.flowRuns(j("{'limit': 3.0, 'offset': 1.0, 'flow_runs': {'start_time':"
        + " {'before_': '2026-01-01 10:00:00.123456+00:00', 'after_': '2026-01-01T09:00:00'},"
        + " 'end_time': {'before_': '2026-01-01T10:00:00Z', 'after_': '2026-01-01 09:00:00.5'}}}"), 200, false).value();
    assertEquals(3, r.limit());
    assertEquals(1, r.offset());
    assertEquals(Instant.parse("2026-01-01T10:00:00.123456Z"), r.filter().flowRuns().startTime().before());
    assertEquals(Instant.parse("2026-01-01T09:00:00Z"), r.filter().flowRuns().startTime().after());
    assertEquals(Instant.parse("2026-01-01T09:00:00.500Z"), r.filter().flowRuns().endTime().after());
    assertError(only(FilterBodies.flowRuns(j("{'offset': 1.5}"), 200, false)), "int_from_float", "body.offset");
  }

  @Test
  void aBodyThatIsNotAnObjectMissesEveryParameterLimitFirst() {
    var d = FilterBodies.flowRuns(j("[1]"), 200, false);
    assertEquals(List.of("body.limit", "body.sort", "body.offset", "body.flows", "body.flow_runs", "body.task_runs",
        "body.deployments", "body.work_pools", "body.work_pool_queues"),
        d.errors().stream().map(ValidationError::path).toList());
    assertEquals(List.of("body.limit", "body.offset", "body.flows", "body.flow_runs", "body.task_runs",
        "body.deployments", "body.work_pools", "body.sort"),
        FilterBodies.flows(j("5"), 200, false).errors().stream().map(ValidationError::path).toList());
  }

  /** Every filter body of the client's filter probe (src/test/resources/prefect-client) decodes. */
  @Test
  void everyFilterProbeBodyOfTheClientDecodes() throws Exception {
    JsonNode probe;
    try (var in = FilterBodiesTest.class.getResourceAsStream("/prefect-client/filter-probe.json")) {
      probe = Json.MAPPER.readTree(in);
    }
    assertTrue(probe.size() >= 50, "probe bodies: " + probe.size());
    for (JsonNode p : probe) {
      JsonNode body = p.get("body");
      String path = p.get("path").asText();
      Decoded<?> d = switch (path) {
        case "/flows/filter" -> FilterBodies.flows(body, 200, false);
        case "/flow_runs/filter" -> FilterBodies.flowRuns(body, 200, false);
        case "/task_runs/filter" -> FilterBodies.taskRuns(body, 200, false);
        case "/deployments/filter" -> FilterBodies.deployments(body, 200, false);
        case "/logs/filter" -> FilterBodies.logs(body, 200);
        default -> throw new AssertionError("unexpected path " + path);
      };
      assertTrue(d.isOk(), () -> p.get("field").asText() + " " + body + " -> " + d);
    }
  }
}
