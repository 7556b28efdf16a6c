package dev.baton.wire;

import static dev.baton.wire.Types.BOOL;
import static dev.baton.wire.Types.DATETIME;
import static dev.baton.wire.Types.FLOAT;
import static dev.baton.wire.Types.INT32;
import static dev.baton.wire.Types.STR;
import static dev.baton.wire.Types.UUID_T;
import static dev.baton.wire.Types.enumOf;
import static dev.baton.wire.Types.literal;
import static dev.baton.wire.Types.range;

import com.fasterxml.jackson.databind.JsonNode;
import dev.baton.domain.StateType;
import dev.baton.filter.Filters.CreatedBy;
import dev.baton.filter.Filters.DeploymentFilter;
import dev.baton.filter.Filters.DeploymentSort;
import dev.baton.filter.Filters.FlowFilter;
import dev.baton.filter.Filters.FlowRunFilter;
import dev.baton.filter.Filters.FlowRunSort;
import dev.baton.filter.Filters.FlowSort;
import dev.baton.filter.Filters.HistoryRequest;
import dev.baton.filter.Filters.Ids;
import dev.baton.filter.Filters.IntRange;
import dev.baton.filter.Filters.ListRequest;
import dev.baton.filter.Filters.LogFilter;
import dev.baton.filter.Filters.LogRequest;
import dev.baton.filter.Filters.LogSort;
import dev.baton.filter.Filters.LongRange;
import dev.baton.filter.Filters.Op;
import dev.baton.filter.Filters.Query;
import dev.baton.filter.Filters.States;
import dev.baton.filter.Filters.Strings;
import dev.baton.filter.Filters.Tags;
import dev.baton.filter.Filters.TaskRunFilter;
import dev.baton.filter.Filters.TaskRunSort;
import dev.baton.filter.Filters.Times;
import dev.baton.filter.Filters.WorkPoolFilter;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;

/**
 * Decoders for the filter/list bodies (api.md §1.6, §7, §8). Top-level keys are FastAPI body
 * parameters (unknown ones ignored, null ≡ absent); every filter object forbids unknown keys.
 */
public final class FilterBodies {
  private FilterBodies() {}

  public static final int DEFAULT_LIMIT = 200;

  // ---- criteria models (table-driven: each filter allows a subset of the keys) ---------------

  private static final Type<List<UUID>> UUIDS = Types.list(UUID_T).nullable();
  private static final Type<List<String>> STRS = Types.list(STR).nullable();
  private static final Type<String> NSTR = STR.nullable();
  private static final Type<Boolean> NBOOL = BOOL.nullable();
  private static final Type<Instant> NTIME = DATETIME.nullable().map(dev.baton.wire.Times::micros);
  private static final Type<Op> OP = literal("and_", "or_").map(s -> s.equals("or_") ? Op.OR : Op.AND);

  private static Model<Ids> ids(String name, String... keys) {
    Model<Ids> m = Model.forbid(name);
    for (String k : keys) m.opt(k, k.equals("is_null_") ? NBOOL : UUIDS);
    return m.build(v -> new Ids(v.maybe("any_"), v.maybe("not_any_"), v.maybe("is_null_")));
  }

  private static Model<Strings> strings(String name, String... keys) {
    Model<Strings> m = Model.forbid(name);
    for (String k : keys) {
      m.opt(k, switch (k) {
        case "is_null_" -> NBOOL;
        case "like_" -> NSTR;
        default -> STRS;
      });
    }
    return m.build(v -> new Strings(v.maybe("any_"), v.maybe("not_any_"), v.maybe("like_"), v.maybe("is_null_")));
  }

  private static Model<Tags> tags(String name, String... keys) {
    Model<Tags> m = Model.<Tags>forbid(name).opt("operator", OP, Op.AND);
    for (String k : keys) m.opt(k, k.equals("is_null_") ? NBOOL : STRS);
    return m.build(v -> new Tags(v.get("operator"), v.maybe("all_"), v.maybe("any_"), v.maybe("is_null_")));
  }

  private static Model<Times> times(String name, String... keys) {
    Model<Times> m = Model.forbid(name);
    for (String k : keys) m.opt(k, k.equals("is_null_") ? NBOOL : NTIME);
    return m.build(v -> new Times(v.maybe("before_"), v.maybe("after_"), v.maybe("is_null_")));
  }

  private static final Type<List<StateType>> STATE_TYPES = Types.list(enumOf(StateType.class)).nullable();

  private static Model<States> states(String name, String... keys) {
    Model<List<List<?>>> type = Model.<List<List<?>>>forbid(name + "Type");
    Model<List<List<?>>> sname = Model.<List<List<?>>>forbid(name + "Name");
    for (String k : keys) {
      type.opt(k, STATE_TYPES);
      sname.opt(k, STRS);
    }
    type.build(v -> pair(v.maybe("any_"), v.maybe("not_any_")));
    sname.build(v -> pair(v.maybe("any_"), v.maybe("not_any_")));
    return Model.<States>forbid(name)
        .opt("operator", OP, Op.AND)
        .opt("type", type.nullable())
        .opt("name", sname.nullable())
        .build(v -> {
          List<List<?>> t = v.get("type");
          List<List<?>> n = v.get("name");
          return new States(v.get("operator"), t == null ? null : cast(t.get(0)), t == null ? null : cast(t.get(1)),
              n == null ? null : cast(n.get(0)), n == null ? null : cast(n.get(1)));
        });
  }

  private static List<List<?>> pair(List<?> a, List<?> b) {
    List<List<?>> l = new ArrayList<>(2);
    l.add(a);
    l.add(b);
    return l;
  }

  @SuppressWarnings("unchecked")
  private static <T> List<T> cast(List<?> l) {
    return (List<T>) l;
  }

  private static <T> Model<T> flag(String name, String key, java.util.function.Function<Boolean, T> f) {
    return Model.<T>forbid(name).opt(key, NBOOL).build(v -> f.apply(v.get(key)));
  }

  // ---- the filter objects ------------------------------------------------------------------

  static final Model<FlowFilter> FLOW_FILTER = Model.<FlowFilter>forbid("FlowFilter")
      .opt("operator", OP, Op.AND)
      .opt("id", ids("FlowFilterId", "any_", "not_any_").nullable())
      .opt("name", strings("FlowFilterName", "any_", "like_").nullable())
      .opt("tags", tags("FlowFilterTags", "all_", "is_null_").nullable())
      .opt("deployment", flag("FlowFilterDeployment", "is_null_", b -> b).nullable())
      .build(v -> new FlowFilter(v.get("operator"), v.get("id"), v.get("name"), v.get("tags"), v.get("deployment")));

  static final Model<FlowRunFilter> FLOW_RUN_FILTER = Model.<FlowRunFilter>forbid("FlowRunFilter")
      .opt("operator", OP, Op.AND)
      .opt("id", ids("FlowRunFilterId", "any_", "not_any_").nullable())
      .opt("name", strings("FlowRunFilterName", "any_", "like_").nullable())
      .opt("tags", tags("FlowRunFilterTags", "all_", "any_", "is_null_").nullable())
      .opt("deployment_id", ids("FlowRunFilterDeploymentId", "any_", "is_null_").nullable())
      .opt("work_queue_name", strings("FlowRunFilterWorkQueueName", "any_", "is_null_").nullable())
      .opt("state", states("FlowRunFilterState", "any_", "not_any_").nullable())
      .opt("flow_version", strings("FlowRunFilterFlowVersion", "any_").nullable())
      .opt("start_time", times("FlowRunFilterStartTime", "before_", "after_", "is_null_").nullable())
      .opt("end_time", times("FlowRunFilterEndTime", "before_", "after_", "is_null_").nullable())
      .opt("expected_start_time", times("FlowRunFilterExpectedStartTime", "before_", "after_").nullable())
      .opt("next_scheduled_start_time", times("FlowRunFilterNextScheduledStartTime", "before_", "after_").nullable())
      .opt("parent_flow_run_id", ids("FlowRunFilterParentFlowRunId", "any_").nullable())
      .opt("parent_task_run_id", ids("FlowRunFilterParentTaskRunId", "any_", "is_null_").nullable())
      .opt("idempotency_key", strings("FlowRunFilterIdempotencyKey", "any_", "not_any_").nullable())
      .opt("created_by", Model.<CreatedBy>forbid("FlowRunFilterCreatedBy")
          .opt("id_", UUIDS).opt("type_", STRS).opt("is_null_", NBOOL)
          .build(v -> new CreatedBy(v.get("id_"), v.get("type_"), v.get("is_null_"))).nullable())
      .build(v -> new FlowRunFilter(v.get("operator"), v.get("id"), v.get("name"), v.get("tags"),
          v.get("deployment_id"), v.get("work_queue_name"), v.get("state"), v.get("flow_version"),
          v.get("start_time"), v.get("end_time"), v.get("expected_start_time"), v.get("next_scheduled_start_time"),
          v.get("parent_flow_run_id"), v.get("parent_task_run_id"), v.get("idempotency_key"), v.get("created_by")));

  static final Model<TaskRunFilter> TASK_RUN_FILTER = Model.<TaskRunFilter>forbid("TaskRunFilter")
      .opt("operator", OP, Op.AND)
      .opt("id", ids("TaskRunFilterId", "any_").nullable())
      .opt("name", strings("TaskRunFilterName", "any_", "like_").nullable())
      .opt("tags", tags("TaskRunFilterTags", "all_", "is_null_").nullable())
      .opt("state", states("TaskRunFilterState", "any_").nullable())
      .opt("start_time", times("TaskRunFilterStartTime", "before_", "after_", "is_null_").nullable())
      .opt("end_time", times("TaskRunFilterEndTime", "before_", "after_", "is_null_").nullable())
      .opt("expected_start_time", times("TaskRunFilterExpectedStartTime", "before_", "after_").nullable())
      .opt("subflow_runs", flag("TaskRunFilterSubFlowRuns", "exists_", b -> b).nullable())
      .opt("flow_run_id", ids("TaskRunFilterFlowRunId", "any_", "is_null_").nullable())
      .build(v -> new TaskRunFilter(v.get("operator"), v.get("id"), v.get("name"), v.get("tags"), v.get("state"),
          v.get("start_time"), v.get("end_time"), v.get("expected_start_time"), v.get("subflow_runs"),
          v.get("flow_run_id")));

  static final Model<DeploymentFilter> DEPLOYMENT_FILTER = Model.<DeploymentFilter>forbid("DeploymentFilter")
      .opt("operator", OP, Op.AND)
      .opt("id", ids("DeploymentFilterId", "any_", "not_any_").nullable())
      .opt("name", strings("DeploymentFilterName", "any_", "like_").nullable())
      .opt("flow_or_deployment_name", Model.<String>forbid("DeploymentOrFlowNameFilter").opt("like_", NSTR)
          .build(v -> v.get("like_")).nullable())
      .opt("paused", Model.<Boolean>forbid("DeploymentFilterPaused").opt("eq_", NBOOL)
          .build(v -> v.get("eq_")).nullable())
      .opt("tags", tags("DeploymentFilterTags", "all_", "any_", "is_null_").nullable())
      .opt("work_queue_name", strings("DeploymentFilterWorkQueueName", "any_").nullable())
      .opt("concurrency_limit", Model.<IntRange>forbid("DeploymentFilterConcurrencyLimit")
          .opt("ge_", INT32.nullable()).opt("le_", INT32.nullable()).opt("is_null_", NBOOL)
          .build(v -> new IntRange(v.get("ge_"), v.get("le_"), v.get("is_null_"))).nullable())
      .build(v -> new DeploymentFilter(v.get("operator"), v.get("id"), v.get("name"), v.get("flow_or_deployment_name"),
          v.get("paused"), v.get("tags"), v.get("work_queue_name"), v.get("concurrency_limit")));

  private static Model<WorkPoolFilter> workPools(String name, boolean withType) {
    Model<WorkPoolFilter> m = Model.<WorkPoolFilter>forbid(name)
        .opt("operator", OP, Op.AND)
        .opt("id", ids(name + "Id", "any_").nullable())
        .opt("name", strings(name + "Name", "any_").nullable());
    if (withType) m.opt("type", strings(name + "Type", "any_").nullable());
    return m.build(v -> new WorkPoolFilter(v.get("operator"), v.get("id"), v.get("name"), v.maybe("type")));
  }

  static final Model<WorkPoolFilter> WORK_POOL_FILTER = workPools("WorkPoolFilter", true);
  static final Model<WorkPoolFilter> WORK_QUEUE_FILTER = workPools("WorkQueueFilter", false);

  // ---- request bodies ------------------------------------------------------------------------

  private static int orElse(Integer v, int dflt) {
    return v == null ? dflt : v;
  }

  /** Adds the filter-object parameters to an embedded body model (also the console's keyset bodies). */
  static <R> Model<R> filters(Model<R> m) {
    return m.opt("flows", FLOW_FILTER)
        .opt("flow_runs", FLOW_RUN_FILTER)
        .opt("task_runs", TASK_RUN_FILTER)
        .opt("deployments", DEPLOYMENT_FILTER)
        .opt("work_pools", WORK_POOL_FILTER)
        .opt("work_queues", WORK_QUEUE_FILTER)
        .opt("work_pool_queues", WORK_QUEUE_FILTER);
  }

  static Query query(Model<?>.Vals v) {
    WorkPoolFilter queues = v.get("work_queues");
    return new Query(v.get("flows"), v.get("flow_runs"), v.get("task_runs"), v.get("deployments"),
        v.get("work_pools"), queues != null ? queues : v.get("work_pool_queues"));
  }

  private static final Model<Query> COUNT = filters(Model.<Query>embedded("count")).build(FilterBodies::query);

  private record Rest<S>(Query q, S sort, int offset, int page) {}

  private static <S extends Enum<S>> Model<Rest<S>> listModel(Class<S> sort, S dflt, boolean paginate) {
    Model<Rest<S>> m = filters(Model.<Rest<S>>embedded("list")).opt("sort", enumOf(sort), dflt);
    if (paginate) m.opt("page", range(INT32, 1, null), 1);
    else m.opt("offset", range(INT32, 0, null), 0);
    return m.build(v -> new Rest<>(query(v), v.get("sort"), orElse(v.maybe("offset"), 0), orElse(v.maybe("page"), 1)));
  }

  private static final Model<Rest<FlowSort>> FLOWS = listModel(FlowSort.class, FlowSort.NAME_ASC, false);
  private static final Model<Rest<FlowSort>> FLOWS_PAGE = listModel(FlowSort.class, FlowSort.NAME_ASC, true);
  private static final Model<Rest<FlowRunSort>> FLOW_RUNS = listModel(FlowRunSort.class, FlowRunSort.ID_DESC, false);
  private static final Model<Rest<FlowRunSort>> FLOW_RUNS_PAGE = listModel(FlowRunSort.class, FlowRunSort.ID_DESC, true);
  private static final Model<Rest<TaskRunSort>> TASK_RUNS = listModel(TaskRunSort.class, TaskRunSort.ID_DESC, false);
  private static final Model<Rest<TaskRunSort>> TASK_RUNS_PAGE = listModel(TaskRunSort.class, TaskRunSort.ID_DESC, true);
  private static final Model<Rest<DeploymentSort>> DEPLOYMENTS =
      listModel(DeploymentSort.class, DeploymentSort.NAME_ASC, false);
  private static final Model<Rest<DeploymentSort>> DEPLOYMENTS_PAGE =
      listModel(DeploymentSort.class, DeploymentSort.NAME_ASC, true);

  /**
   * The limit rule (Prefect's LimitBody dependency): null/absent ⇒ {@code maxLimit}; a bad type is a
   * pydantic error; out of range is a {@code {"detail": …}} 422 that wins over other body errors.
   */
  private static <S extends Enum<S>> Decoded<ListRequest<S>> list(Model<Rest<S>> m, JsonNode body, int maxLimit,
      boolean paginate) {
    Ctx c = new Ctx("body");
    Limit lim = limit(body, maxLimit, c);
    if (lim.detail() != null) return Decoded.detail(lim.detail());
    int limit = lim.value();
    Rest<S> r = m.decode(body, c);
    if (!c.ok()) return Decoded.invalid(c.errors());
    int offset = paginate
        ? (int) Math.min(Integer.MAX_VALUE, (long) (r.page() - 1) * limit) : r.offset();
    return Decoded.ok(new ListRequest<>(r.q(), r.sort(), limit, offset, r.page()));
  }

  /** A decoded {@code limit}: the value, or the out-of-range detail text (which wins over other errors). */
  private record Limit(int value, String detail) {}

  /** A bad type is recorded in {@code c}; null/absent ⇒ {@code maxLimit}. */
  private static Limit limit(JsonNode body, int maxLimit, Ctx c) {
    JsonNode l = body != null && body.isObject() ? body.get("limit") : null;
    if (l != null && !l.isNull()) {
      c.push("limit");
      Long v = Types.INT.decode(l, c);
      c.pop();
      if (v != null) {
        if (v > maxLimit) return new Limit(0, "Invalid limit: must be less than or equal to " + maxLimit + ".");
        if (v < 0) return new Limit(0, "Invalid limit: must be greater than or equal to 0.");
        return new Limit(v.intValue(), null);
      }
    }
    return new Limit(maxLimit, null);
  }

  /** {@code POST /flows/filter} ({@code paginate=false}) and {@code /flows/paginate} ({@code true}). */
  public static Decoded<ListRequest<FlowSort>> flows(JsonNode body, int maxLimit, boolean paginate) {
    return list(paginate ? FLOWS_PAGE : FLOWS, body, maxLimit, paginate);
  }

  public static Decoded<ListRequest<FlowRunSort>> flowRuns(JsonNode body, int maxLimit, boolean paginate) {
    return list(paginate ? FLOW_RUNS_PAGE : FLOW_RUNS, body, maxLimit, paginate);
  }

  public static Decoded<ListRequest<TaskRunSort>> taskRuns(JsonNode body, int maxLimit, boolean paginate) {
    return list(paginate ? TASK_RUNS_PAGE : TASK_RUNS, body, maxLimit, paginate);
  }

  public static Decoded<ListRequest<DeploymentSort>> deployments(JsonNode body, int maxLimit, boolean paginate) {
    return list(paginate ? DEPLOYMENTS_PAGE : DEPLOYMENTS, body, maxLimit, paginate);
  }

  /** {@code /flows/count}, {@code /flow_runs/count}, {@code /task_runs/count}, {@code /deployments/count}. */
  public static Decoded<Query> count(JsonNode body) {
    return COUNT.decodeBody(body);
  }

  private static final Model<HistoryRequest> HISTORY = filters(Model.<HistoryRequest>embedded("history"))
      .req("history_start", DATETIME.map(dev.baton.wire.Times::micros))
      .req("history_end", DATETIME.map(dev.baton.wire.Times::micros))
      .req("history_interval_seconds", FLOAT)
      .build(v -> new HistoryRequest(v.get("history_start"), v.get("history_end"),
          v.get("history_interval_seconds"), query(v)));

  /** {@code /flow_runs/history}, {@code /task_runs/history}; interval &lt; 1 s ⇒ detail 422. */
  public static Decoded<HistoryRequest> history(JsonNode body) {
    Decoded<HistoryRequest> d = HISTORY.decodeBody(body);
    if (d.isOk() && d.value().intervalSeconds() < 1) {
      return Decoded.detail("History interval must not be less than 1 second.");
    }
    return d;
  }

  // ---- logs ----------------------------------------------------------------------------------

  private static final Type<Long> NLONG = Types.INT.nullable();

  static final Model<LogFilter> LOG_FILTER = Model.<LogFilter>forbid("LogFilter")
      .opt("operator", OP, Op.AND)
      .opt("level", Model.<LongRange>forbid("LogFilterLevel").opt("ge_", NLONG).opt("le_", NLONG)
          .build(v -> new LongRange(v.get("ge_"), v.get("le_"))).nullable())
      .opt("timestamp", times("LogFilterTimestamp", "before_", "after_").nullable())
      .opt("flow_run_id", ids("LogFilterFlowRunId", "any_").nullable())
      .opt("task_run_id", ids("LogFilterTaskRunId", "any_", "is_null_").nullable())
      .build(v -> new LogFilter(v.get("operator"), v.get("level"), v.get("timestamp"), v.get("flow_run_id"),
          v.get("task_run_id")));

  private record LogRest(LogFilter filter, LogSort sort, int offset) {}

  private static final Model<LogRest> LOGS = Model.<LogRest>embedded("logs")
      .opt("logs", LOG_FILTER)
      .opt("sort", enumOf(LogSort.class), LogSort.TIMESTAMP_ASC)
      .opt("offset", range(INT32, 0, null), 0)
      .build(v -> new LogRest(v.get("logs"), v.get("sort"), orElse(v.get("offset"), 0)));

  /** {@code POST /logs/filter}: {@code {logs, sort, limit, offset}} (api.md §1.6 limit rule). */
  public static Decoded<LogRequest> logs(JsonNode body, int maxLimit) {
    Ctx c = new Ctx("body");
    Limit lim = limit(body, maxLimit, c);
    if (lim.detail() != null) return Decoded.detail(lim.detail());
    LogRest r = LOGS.decode(body, c);
    if (!c.ok()) return Decoded.invalid(c.errors());
    return Decoded.ok(new LogRequest(r.filter(), r.sort(), lim.value(), r.offset()));
  }

  /** A bare FlowRunFilter at {@code ["body", key]} (e.g. bulk endpoints' {@code flow_runs}). */
  public static Type<FlowRunFilter> flowRunFilterType() {
    return FLOW_RUN_FILTER;
  }
}
