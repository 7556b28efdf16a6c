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
import dev.baton.filter.Filters.IntRange;
import dev.baton.filter.Filters.Op;
import dev.baton.filter.Filters.Query;
import dev.baton.filter.Filters.States;
import dev.baton.filter.Filters.Strings;
import dev.baton.filter.Filters.Tags;
import dev.baton.filter.Filters.TaskRunFilter;
import dev.baton.filter.Filters.TaskRunSort;
import dev.baton.filter.Filters.Times;
import dev.baton.filter.Filters.WorkPoolFilter;
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
    FlowRunFilter f = new FlowRunFilter(Op.AND, new Ids(List.of(A), List.of(B), null), null, null, null, null, null,
        null, null, null, null, null, null, null, null, null);
    Where w = FilterSql.flowRuns(runs(f), "r", 3);
    assertEquals("(r.id = ANY($3::uuid[]) AND r.id <> ALL($4::uuid[]))", w.sql());
    assertArrayEquals(new UUID[] {A}, (UUID[]) w.params().get(0));
    assertArrayEquals(new UUID[] {B}, (UUID[]) w.params().get(1));
    assertEquals(5, w.nextParam(3));
  }

  @Test
  void operatorOrAndCriteria() {
    FlowRunFilter f = new FlowRunFilter(Op.OR, null, new Strings(null, null, "50%_off\\", null),
        new Tags(Op.AND, List.of("a", "b"), List.of("c"), false), new Ids(null, null, true),
        new Strings(List.of("q"), null, null, null),
        new States(Op.OR, List.of(StateType.RUNNING), null, null, List.of("Late")),
        null, new Times(T, null, false), null, null, null, null, null, null, null);
    Where w = FilterSql.flowRuns(runs(f), "r", 1);
    assertEquals("(r.name ILIKE ('%' || $1::text || '%')"
        + " OR (r.tags ?& $2::text[] AND r.tags ?| $3::text[] AND jsonb_array_length(r.tags) > 0)"
        + " OR r.deployment_id IS NULL"
        + " OR r.work_queue_name = ANY($4::text[])"
        + " OR (r.state_type = ANY($5::text[]) OR r.state_name <> ALL($6::text[]))"
        + " OR (r.start_time <= $7::timestamptz AND r.start_time IS NOT NULL))", w.sql());
    assertEquals("50\\%\\_off\\\\", w.params().get(0));
    assertArrayEquals(new String[] {"a", "b"}, (String[]) w.params().get(1));
    assertArrayEquals(new String[] {"RUNNING"}, (String[]) w.params().get(4));
    assertEquals(OffsetDateTime.of(2026, 1, 1, 0, 0, 0, 0, ZoneOffset.UTC), w.params().get(6));
  }

  @Test
  void tagsIsNullTrueAndParentAndCreatedBy() {
    FlowRunFilter f = new FlowRunFilter(Op.AND, null, null, new Tags(Op.AND, null, null, true), null, null, null,
        new Strings(List.of("1.0"), null, null, null), null, new Times(null, T, true),
        new Times(null, T, null), new Times(T, null, null), new Ids(List.of(A), null, null),
        new Ids(null, null, false), new Strings(null, List.of("k"), null, null),
        new CreatedBy(List.of(A), List.of("DEPLOYMENT"), null));
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
    FlowFilter flows = new FlowFilter(Op.AND, null, new Strings(List.of("f"), null, null, null), null, null);
    DeploymentFilter deps = new DeploymentFilter(Op.AND, null, null, null, null, null, null, null);
    TaskRunFilter tasks = new TaskRunFilter(Op.AND, null, null, null, null, null, null, null, true, null);
    WorkPoolFilter pools = new WorkPoolFilter(Op.AND, null, new Strings(List.of("p"), null, null, null), null);
    WorkPoolFilter queues = new WorkPoolFilter(Op.AND, new Ids(List.of(A), null, null), null, null);
    Where w = FilterSql.flowRuns(new Query(flows, null, tasks, deps, pools, queues), "flow_run", 1);
    assertEquals("(EXISTS (SELECT 1 FROM flow f WHERE f.id = flow_run.flow_id AND f.name = ANY($1::text[]))"
        + " AND EXISTS (SELECT 1 FROM deployment d WHERE d.id = flow_run.deployment_id)"
        + " AND EXISTS (SELECT 1 FROM task_run t WHERE t.flow_run_id = flow_run.id"
        + " AND EXISTS (SELECT 1 FROM flow_run sf WHERE sf.parent_task_run_id = t.id))"
        + " AND flow_run.work_pool_name = ANY($2::text[])"
        + " AND FALSE)", w.sql());
    assertEquals(2, w.params().size());
  }

  @Test
  void taskRunsShareOneFlowRunExists() {
    TaskRunFilter t = new TaskRunFilter(Op.AND, new Ids(List.of(A), null, null), null,
        new Tags(Op.AND, List.of("x"), null, null), new States(Op.AND, List.of(StateType.COMPLETED), null,
        List.of("Cached"), null), null, null, null, false, new Ids(null, null, true));
    FlowRunFilter f = new FlowRunFilter(Op.AND, new Ids(List.of(B), null, null), null, null, null, null, null, null,
        null, null, null, null, null, null, null, null);
    FlowFilter flows = new FlowFilter(Op.AND, null, null, null, true);
    DeploymentFilter d = new DeploymentFilter(Op.AND, new Ids(List.of(A), null, null), null, null, null, null, null,
        null);
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
    FlowFilter flows = new FlowFilter(Op.OR, new Ids(List.of(A), List.of(B), null),
        new Strings(List.of("x"), null, "y", null), new Tags(Op.OR, List.of("t"), null, true), false);
    TaskRunFilter t = new TaskRunFilter(Op.AND, null, new Strings(null, null, "task", null), null, null,
        null, null, null, null, null);
    Where w = FilterSql.flows(new Query(flows, fr(), t, null,
        new WorkPoolFilter(Op.AND, null, new Strings(List.of("pool"), null, null, null), null), null), "flow", 1);
    assertEquals("(((flow.id = ANY($1::uuid[]) AND flow.id <> ALL($2::uuid[]))"
        + " OR (flow.name = ANY($3::text[]) AND flow.name ILIKE ('%' || $4::text || '%'))"
        + " OR (flow.tags ?& $5::text[] OR jsonb_array_length(flow.tags) = 0)"
        + " OR EXISTS (SELECT 1 FROM deployment fd WHERE fd.flow_id = flow.id))"
        + " AND EXISTS (SELECT 1 FROM deployment d WHERE d.flow_id = flow.id AND d.work_pool_name = ANY($6::text[]))"
        + " AND EXISTS (SELECT 1 FROM flow_run fr JOIN task_run t ON t.flow_run_id = fr.id"
        + " WHERE fr.flow_id = flow.id AND t.name ILIKE ('%' || $7::text || '%')))", w.sql());
  }

  @Test
  void deploymentsFilter() {
    DeploymentFilter d = new DeploymentFilter(Op.AND, null, null, "ab", true, new Tags(Op.AND, null, List.of("t"), null),
        new Strings(List.of("q"), null, null, null), new IntRange(1, 5, false));
    Where w = FilterSql.deployments(new Query(new FlowFilter(Op.AND, null, null, null, null), fr(), null, d, null, null),
        "deployment", 10);
    assertEquals("(((deployment.name ILIKE ('%' || $10::text || '%') OR EXISTS (SELECT 1 FROM flow df"
        + " WHERE df.id = deployment.flow_id AND df.name ILIKE ('%' || $10::text || '%')))"
        + " AND deployment.paused = $11::boolean"
        + " AND deployment.tags ?| $12::text[]"
        + " AND deployment.work_queue_name = ANY($13::text[])"
        + " AND (deployment.concurrency_limit >= $14::int AND deployment.concurrency_limit <= $15::int"
        + " AND deployment.concurrency_limit IS NOT NULL))"
        + " AND EXISTS (SELECT 1 FROM flow f WHERE f.id = deployment.flow_id)"
        + " AND EXISTS (SELECT 1 FROM flow_run fr WHERE fr.deployment_id = deployment.id))", w.sql());
    assertEquals(List.of("ab", true, 1, 5), List.of(w.params().get(0), w.params().get(1), w.params().get(4),
        w.params().get(5)));
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
