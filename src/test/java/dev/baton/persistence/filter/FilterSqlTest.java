package dev.baton.persistence.filter;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.baton.domain.StateType;
import dev.baton.filter.Filters.CreatedBy;
import dev.baton.filter.Filters.DeploymentFilter;
import dev.baton.filter.Filters.DeploymentSort;
import dev.baton.filter.Filters.FlowFilter;
import dev.baton.filter.Filters.FlowRunFilter;
import dev.baton.filter.Filters.FlowRunSort;
import dev.baton.filter.Filters.FlowSort;
import dev.baton.filter.Filters.Ids;
import dev.baton.filter.Filters.Op;
import dev.baton.filter.Filters.Query;
import dev.baton.filter.Filters.States;
import dev.baton.filter.Filters.Strings;
import dev.baton.filter.Filters.Tags;
import dev.baton.filter.Filters.TaskRunFilter;
import dev.baton.filter.Filters.TaskRunSort;
import dev.baton.filter.Filters.Times;
import dev.baton.filter.Filters.LogFilter;
import dev.baton.filter.Filters.VariableFilter;
import dev.baton.filter.Filters.VariableSort;
import dev.baton.filter.Filters.WorkPoolFilter;
import dev.baton.filter.TextSearch;
import dev.baton.persistence.filter.FilterSql.Where;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.util.List;
import java.util.UUID;
import org.junit.jupiter.api.Test;

class FilterSqlTest {
  static final UUID A = UUID.fromString("0198c2a4-1b2c-7d3e-8f40-123456789abc");
  static final UUID B = UUID.fromString("0198c2a4-1b2c-7d3e-8f40-123456789abd");
  static final Instant T = Instant.parse("2026-01-01T00:00:00Z");

  static FlowRunFilter fr() {
    return new FlowRunFilter(Op.AND, null, null, null, null, null, null, null, null, null, null, null, null, null,
        null, null);
  }

  static Query runs(FlowRunFilter f) {
    return new Query(null, f, null, null, null, null);
  }

  @Test
  void emptyIsTrue() {
    Where w = FilterSql.flowRuns(Query.NONE, "flow_run", 1);
    assertEquals("TRUE", w.sql());
    assertEquals(List.of(), w.params());
    assertEquals("TRUE", FilterSql.flowRuns(runs(fr()), "flow_run", 1).sql());
  }

  @Test
  void idsAndNumbering() {
    FlowRunFilter f = new FlowRunFilter(Op.AND, new Ids(Op.AND, List.of(A), List.of(B), null), null, null, null, null, null,
        null, null, null, null, null, null, null, null, null);
    Where w = FilterSql.flowRuns(runs(f), "r", 3);
    assertEquals("(r.id = ANY($3::uuid[]) AND r.id <> ALL($4::uuid[]))", w.sql());
    assertArrayEquals(new UUID[] {A}, (UUID[]) w.params().get(0));
    assertArrayEquals(new UUID[] {B}, (UUID[]) w.params().get(1));
    assertEquals(5, w.nextParam(3));
  }

  @Test
  void operatorOrAndCriteria() {
    FlowRunFilter f = new FlowRunFilter(Op.OR, null, new Strings(Op.AND, null, null, "50%_off\\", null, null),
        new Tags(Op.AND, List.of("a", "b"), List.of("c"), false), new Ids(Op.AND, null, null, true),
        new Strings(Op.AND, List.of("q"), null, null, null, null),
        new States(Op.OR, List.of(StateType.RUNNING), null, null, List.of("Late")),
        null, new Times(T, null, false), null, null, null, null, null, null, null);
    Where w = FilterSql.flowRuns(runs(f), "r", 1);
    assertEquals("(r.name ILIKE ('%' || $1::text || '%')"
        + " OR (r.tags ?& $2::text[] AND r.tags ?| $3::text[] AND jsonb_array_length(r.tags) > 0)"
        + " OR r.deployment_id IS NULL"
        + " OR r.work_queue_name = ANY($4::text[])"
        + " OR (r.state_type = ANY($5::text[]) OR r.state_name <> ALL($6::text[]))"
        + " OR (coalesce(r.start_time, r.expected_start_time) <= $7::timestamptz AND r.start_time IS NOT NULL))", w.sql());
    assertEquals("50\\%\\_off\\\\", w.params().get(0));
    assertArrayEquals(new String[] {"a", "b"}, (String[]) w.params().get(1));
    assertArrayEquals(new String[] {"RUNNING"}, (String[]) w.params().get(4));
    assertEquals(OffsetDateTime.of(2026, 1, 1, 0, 0, 0, 0, ZoneOffset.UTC), w.params().get(6));
  }

  @Test
  void tagsIsNullTrueAndParentAndCreatedBy() {
    FlowRunFilter f = new FlowRunFilter(Op.AND, null, null, new Tags(Op.AND, null, null, true), null, null, null,
        new Strings(Op.AND, List.of("1.0"), null, null, null, null), null, new Times(null, T, true),
        new Times(null, T, null), new Times(T, null, null), new Ids(Op.AND, List.of(A), null, null),
        new Ids(Op.AND, null, null, false), new Strings(Op.AND, null, List.of("k"), null, null, null),
        new CreatedBy(Op.AND, List.of(A), List.of("DEPLOYMENT"), null));
    Where w = FilterSql.flowRuns(runs(f), "r", 1);
    assertEquals("(jsonb_array_length(r.tags) = 0"
        + " AND r.flow_version = ANY($1::text[])"
        + " AND (r.end_time >= $2::timestamptz AND r.end_time IS NULL)"
        + " AND r.expected_start_time >= $3::timestamptz"
        + " AND r.next_scheduled_start_time <= $4::timestamptz"
        + " AND EXISTS (SELECT 1 FROM task_run pt WHERE pt.id = r.parent_task_run_id AND pt.flow_run_id = ANY($5::uuid[]))"
        + " AND r.parent_task_run_id IS NOT NULL"
        + " AND r.idempotency_key <> ALL($6::text[])"
        + " AND ((r.created_by->>'id') = ANY($7::text[]) AND (r.created_by->>'type') = ANY($8::text[])))", w.sql());
    assertArrayEquals(new String[] {A.toString()}, (String[]) w.params().get(6));
  }

  @Test
  void crossObjectFiltersOnFlowRuns() {
    FlowFilter flows = new FlowFilter(Op.AND, null, new Strings(Op.AND, List.of("f"), null, null, null, null), null, null);
    DeploymentFilter deps = new DeploymentFilter(Op.AND, null, null, null, null, null, null);
    TaskRunFilter tasks = new TaskRunFilter(Op.AND, null, null, null, null, null, null, null, true, null);
    WorkPoolFilter pools = new WorkPoolFilter(Op.AND, null, new Strings(Op.AND, List.of("p"), null, null, null, null), null);
    WorkPoolFilter queues = new WorkPoolFilter(Op.AND, new Ids(Op.AND, List.of(A), null, null), null, null);
    Where w = FilterSql.flowRuns(new Query(flows, null, tasks, deps, pools, queues), "flow_run", 1);
    assertEquals("(EXISTS (SELECT 1 FROM flow f WHERE f.id = flow_run.flow_id AND f.name = ANY($1::text[]))"
        + " AND EXISTS (SELECT 1 FROM deployment d WHERE d.id = flow_run.deployment_id)"
        + " AND EXISTS (SELECT 1 FROM task_run t WHERE t.flow_run_id = flow_run.id"
        + " AND EXISTS (SELECT 1 FROM flow_run sf WHERE sf.parent_task_run_id = t.id))"
        + " AND (flow_run.work_pool_name IS NOT NULL AND flow_run.work_pool_name = ANY($2::text[]))"
        + " AND (flow_run.work_queue_name IS NOT NULL AND FALSE))", w.sql());
    assertEquals(2, w.params().size());
  }

  @Test
  void taskRunsShareOneFlowRunExists() {
    TaskRunFilter t = new TaskRunFilter(Op.AND, new Ids(Op.AND, List.of(A), null, null), null,
        new Tags(Op.AND, List.of("x"), null, null), new States(Op.AND, List.of(StateType.COMPLETED), null,
        List.of("Cached"), null), null, null, null, false, new Ids(Op.AND, null, null, true));
    FlowRunFilter f = new FlowRunFilter(Op.AND, new Ids(Op.AND, List.of(B), null, null), null, null, null, null, null, null,
        null, null, null, null, null, null, null, null);
    FlowFilter flows = new FlowFilter(Op.AND, null, null, null, true);
    DeploymentFilter d = new DeploymentFilter(Op.AND, new Ids(Op.AND, List.of(A), null, null), null, null, null, null, null);
    Where w = FilterSql.taskRuns(new Query(flows, f, t, d, null, null), "task_run", 1);
    assertEquals("((task_run.id = ANY($1::uuid[]) AND task_run.tags ?& $2::text[]"
        + " AND (task_run.state_type = ANY($3::text[]) AND task_run.state_name = ANY($4::text[]))"
        + " AND NOT EXISTS (SELECT 1 FROM flow_run sf WHERE sf.parent_task_run_id = task_run.id)"
        + " AND task_run.flow_run_id IS NULL)"
        + " AND EXISTS (SELECT 1 FROM flow_run fr JOIN flow f ON f.id = fr.flow_id"
        + " JOIN deployment d ON d.id = fr.deployment_id"
        + " WHERE fr.id = task_run.flow_run_id AND fr.id = ANY($5::uuid[])"
        + " AND NOT EXISTS (SELECT 1 FROM deployment fd WHERE fd.flow_id = f.id)"
        + " AND d.id = ANY($6::uuid[])))", w.sql());
    assertEquals(6, w.params().size());
  }

  @Test
  void flowsWithRunsAndDeployments() {
    FlowFilter flows = new FlowFilter(Op.OR, new Ids(Op.AND, List.of(A), List.of(B), null),
        new Strings(Op.AND, List.of("x"), null, "y", null, null), new Tags(Op.OR, List.of("t"), null, true), false);
    TaskRunFilter t = new TaskRunFilter(Op.AND, null, new Strings(Op.AND, null, null, "task", null, null), null, null,
        null, null, null, null, null);
    Where w = FilterSql.flows(new Query(flows, fr(), t, null,
        new WorkPoolFilter(Op.AND, null, new Strings(Op.AND, List.of("pool"), null, null, null, null), null), null), "flow", 1);
    assertEquals("(((flow.id = ANY($1::uuid[]) AND flow.id <> ALL($2::uuid[]))"
        + " OR (flow.name = ANY($3::text[]) AND flow.name ILIKE ('%' || $4::text || '%'))"
        + " OR (flow.tags ?& $5::text[] OR jsonb_array_length(flow.tags) = 0)"
        + " OR EXISTS (SELECT 1 FROM deployment fd WHERE fd.flow_id = flow.id))"
        + " AND EXISTS (SELECT 1 FROM deployment d WHERE d.flow_id = flow.id"
        + " AND (d.work_pool_name IS NOT NULL AND d.work_pool_name = ANY($6::text[])))"
        + " AND EXISTS (SELECT 1 FROM flow_run fr JOIN task_run t ON t.flow_run_id = fr.id"
        + " WHERE fr.flow_id = flow.id AND t.name ILIKE ('%' || $7::text || '%')))", w.sql());
  }

  @Test
  void deploymentsFilter() {
    DeploymentFilter d = new DeploymentFilter(Op.AND, null, null, "ab", true, new Tags(Op.AND, null, List.of("t"), null),
        new Strings(Op.AND, List.of("q"), null, null, null, null));
    Where w = FilterSql.deployments(new Query(new FlowFilter(Op.AND, null, null, null, null), fr(), null, d, null, null),
        "deployment", 10);
    assertEquals("(((deployment.name ILIKE ('%' || $10::text || '%') OR EXISTS (SELECT 1 FROM flow df"
        + " WHERE df.id = deployment.flow_id AND df.name ILIKE ('%' || $10::text || '%')))"
        + " AND deployment.paused = $11::boolean"
        + " AND deployment.tags ?| $12::text[]"
        + " AND deployment.work_queue_name = ANY($13::text[]))"
        + " AND EXISTS (SELECT 1 FROM flow f WHERE f.id = deployment.flow_id)"
        + " AND EXISTS (SELECT 1 FROM flow_run fr WHERE fr.deployment_id = deployment.id))", w.sql());
    assertEquals(List.of("ab", true), List.of(w.params().get(0), w.params().get(1)));
    assertEquals(4, w.params().size());
  }

  @Test
  void subFilterOperatorsAndPrefectTruthiness() {
    // deployment_id, work_queue_name and created_by combine their own criteria with their operator
    FlowRunFilter f = new FlowRunFilter(Op.AND, new Ids(Op.AND, null, List.of(), null),
        new Strings(Op.AND, null, null, "", null, null), null, new Ids(Op.OR, List.of(A), null, true),
        new Strings(Op.OR, List.of("q"), null, null, null, true),
        new States(Op.AND, null, List.of(), null, List.of()), null, null, null, null, null, null, null, null,
        new CreatedBy(Op.OR, null, List.of("DEPLOYMENT"), true));
    Where w = FilterSql.flowRuns(runs(f), "r", 1);
    // an empty not_any_ / like_ / state not_any_ is no constraint (Prefect tests them for truthiness)
    assertEquals("((r.deployment_id = ANY($1::uuid[]) OR r.deployment_id IS NULL)"
        + " AND (r.work_queue_name = ANY($2::text[]) OR r.work_queue_name IS NULL)"
        + " AND ((r.created_by->>'type') = ANY($3::text[]) OR r.created_by IS NULL))", w.sql());
    // an empty any_ still matches nothing
    Where none = FilterSql.flowRuns(runs(new FlowRunFilter(Op.AND, new Ids(Op.AND, List.of(), null, null), null,
        new Tags(Op.AND, List.of(), List.of(), null), null, null, null, null, null, null, null, null, null, null, null,
        null)), "r", 1);
    assertEquals("(r.id = ANY($1::uuid[]) AND r.tags ?| $2::text[])", none.sql());
    assertArrayEquals(new UUID[0], (UUID[]) none.params().get(0));
  }

  @Test
  void workQueueStartsWithAndPresence() {
    WorkPoolFilter queues = new WorkPoolFilter(Op.OR, null,
        new Strings(Op.AND, List.of("a"), null, null, List.of("ab%", "c"), null), null);
    Where w = FilterSql.flowRuns(new Query(null, null, null, null, null, queues), "r", 1);
    assertEquals("(r.work_queue_name IS NOT NULL AND (r.work_queue_name = ANY($1::text[])"
        + " AND (r.work_queue_name ILIKE ($2::text || '%') OR r.work_queue_name ILIKE ($3::text || '%'))))", w.sql());
    assertEquals("ab\\%", w.params().get(1));
    // present but empty: the run must have a queue; an empty startswith_ is no constraint
    WorkPoolFilter empty = new WorkPoolFilter(Op.AND, null, new Strings(Op.AND, null, null, null, List.of(), null), null);
    assertEquals("r.work_queue_name IS NOT NULL",
        FilterSql.flowRuns(new Query(null, null, null, null, null, empty), "r", 1).sql());
  }

  @Test
  void taskRunFlowRunIdFollowsPrefectsDefault() {
    String[] expected = {"t.flow_run_id IS NULL", "t.flow_run_id IS NOT NULL", "t.flow_run_id = ANY($1::uuid[])",
        "TRUE", "t.flow_run_id IS NULL"};
    Ids[] given = {new Ids(Op.AND, null, null, true), new Ids(Op.AND, null, null, false),
        new Ids(Op.AND, List.of(A), null, false), new Ids(Op.AND, null, null, null),
        new Ids(Op.AND, List.of(A), null, true)};
    for (int i = 0; i < given.length; i++) {
      TaskRunFilter t = new TaskRunFilter(Op.AND, null, null, null, null, null, null, null, null, given[i]);
      assertEquals(expected[i], FilterSql.taskRuns(new Query(null, null, t, null, null, null), "t", 1).sql(),
          "case " + i);
    }
  }

  @Test
  void logTextSearch() {
    TextSearch text = TextSearch.parse("error \"conn timeout\" -debug +prod");
    LogFilter f = new LogFilter(Op.OR, null, null, null, null, text);
    Where w = FilterSql.logs(f, "l", 1);
    String hay = "lower(concat(l.message, ' ', l.name))";
    assertEquals("((strpos(" + hay + ", lower($1::text)) > 0 OR strpos(" + hay + ", lower($2::text)) > 0)"
        + " OR NOT (strpos(" + hay + ", lower($3::text)) > 0)"
        + " OR strpos(" + hay + ", lower($4::text)) > 0)", w.sql());
    assertEquals(List.of("error", "conn timeout", "debug", "prod"), w.params());
    assertEquals("TRUE", FilterSql.logs(new LogFilter(Op.AND, null, null, null, null, TextSearch.parse("  ")), "l", 1)
        .sql());
  }

  @Test
  void variables() {
    VariableFilter f = new VariableFilter(Op.OR, new Ids(Op.AND, List.of(A), null, null),
        new Strings(Op.AND, null, null, "x_", null, null), new Tags(Op.AND, List.of("t"), null, false));
    Where w = FilterSql.variables(f, "v", 1);
    assertEquals("(v.id = ANY($1::uuid[]) OR v.name ILIKE ('%' || $2::text || '%')"
        + " OR (v.tags ?& $3::text[] AND jsonb_array_length(v.tags) > 0))", w.sql());
    assertEquals("x\\_", w.params().get(1));
    assertEquals("TRUE", FilterSql.variables(null, "v", 1).sql());
    assertEquals("v.name DESC", FilterSql.orderBy(VariableSort.NAME_DESC, "v"));
    for (VariableSort s : VariableSort.values()) FilterSql.orderBy(s, "v");
  }

  @Test
  void orderBy() {
    assertEquals("r.id DESC", FilterSql.orderBy(FlowRunSort.ID_DESC, "r"));
    assertEquals("coalesce(r.start_time, r.expected_start_time) ASC", FilterSql.orderBy(FlowRunSort.START_TIME_ASC, "r"));
    assertEquals("coalesce(r.start_time, r.expected_start_time) DESC",
        FilterSql.orderBy(FlowRunSort.START_TIME_DESC, "r"));
    assertEquals("r.next_scheduled_start_time ASC", FilterSql.orderBy(FlowRunSort.NEXT_SCHEDULED_START_TIME_ASC, "r"));
    assertEquals("t.end_time DESC", FilterSql.orderBy(TaskRunSort.END_TIME_DESC, "t"));
    assertEquals("t.expected_start_time ASC", FilterSql.orderBy(TaskRunSort.EXPECTED_START_TIME_ASC, "t"));
    assertEquals("f.created DESC", FilterSql.orderBy(FlowSort.CREATED_DESC, "f"));
    assertEquals("d.name ASC", FilterSql.orderBy(DeploymentSort.NAME_ASC, "d"));
    for (FlowRunSort s : FlowRunSort.values()) FilterSql.orderBy(s, "r");
    for (TaskRunSort s : TaskRunSort.values()) FilterSql.orderBy(s, "r");
  }
}
