package dev.baton.wire;

import static dev.baton.wire.TestJson.assertError;
import static dev.baton.wire.TestJson.j;
import static dev.baton.wire.TestJson.only;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.baton.domain.StateType;
import dev.baton.filter.Filters.DeploymentSort;
import dev.baton.filter.Filters.FlowRunFilter;
import dev.baton.filter.Filters.FlowRunSort;
import dev.baton.filter.Filters.FlowSort;
import dev.baton.filter.Filters.HistoryRequest;
import dev.baton.filter.Filters.ListRequest;
import dev.baton.filter.Filters.LogRequest;
import dev.baton.filter.Filters.LogSort;
import dev.baton.filter.Filters.Op;
import dev.baton.filter.Filters.Query;
import dev.baton.filter.Filters.TaskRunSort;
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
    assertEquals(List.of("body.flows", "body.flow_runs.operator", "body.flow_runs.id.any_.0",
        "body.flow_runs.id.any_.1", "body.flow_runs.name.like_", "body.flow_runs.state.type.any_.0",
        "body.flow_runs.start_time.after_", "body.sort"),
        d.errors().stream().map(ValidationError::path).toList());
    assertEquals(List.of("model_type", "literal_error", "uuid_parsing", "uuid_type", "value_error", "enum",
        "datetime_from_date_parsing", "enum"), TestJson.types(d));
    assertEquals("Input should be a valid dictionary or instance of FlowFilter", d.errors().get(0).msg());
  }

  @Test
  void deploymentFilter() {
    var f = FilterBodies.deployments(j("{'deployments': {'paused': {'eq_': false}, 'flow_or_deployment_name': {'like_': 'x'},"
        + " 'concurrency_limit': {'ge_': 1, 'le_': 5, 'is_null_': false}, 'tags': {'any_': ['t']},"
        + " 'work_queue_name': {'any_': ['q']}}}"), 200, false).value().filter().deployments();
    assertEquals(Boolean.FALSE, f.paused());
    assertEquals("x", f.flowOrDeploymentNameLike());
    assertEquals(1, f.concurrencyLimit().ge());
    assertEquals(5, f.concurrencyLimit().le());
  }

  @Test
  void countAndHistory() {
    assertEquals(Query.NONE, FilterBodies.count(null).value());
    assertEquals(List.of("a"), FilterBodies.count(j("{'flows': {'name': {'any_': ['a']}}}")).value().flows().name().any());
    HistoryRequest h = FilterBodies.history(j("{'history_start': '2026-01-01T00:00:00Z', 'history_end': '2026-01-02',"
        + " 'history_interval_seconds': 3600, 'flow_runs': {'tags': {'all_': ['x']}}}")).value();
    assertEquals(3600.0, h.intervalSeconds());
    assertEquals(Instant.parse("2026-01-02T00:00:00Z"), h.end());
    assertEquals(List.of("x"), h.filter().flowRuns().tags().all());
    assertEquals("History interval must not be less than 1 second.", FilterBodies.history(j("{'history_start':"
        + " '2026-01-01', 'history_end': '2026-01-02', 'history_interval_seconds': 0.5}")).detail());
    var missing = FilterBodies.history(j("{}"));
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
}
