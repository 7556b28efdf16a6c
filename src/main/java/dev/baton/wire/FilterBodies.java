package dev.baton.wire;

import static dev.baton.wire.Types.BOOL;
import static dev.baton.wire.Types.DATETIME;
import static dev.baton.wire.Types.FLOAT;
import static dev.baton.wire.Types.INT32;
import static dev.baton.wire.Types.STR;
import static dev.baton.wire.Types.UUID_T;
import static dev.baton.wire.Types.enumOf;
import static dev.baton.wire.Types.range;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.NullNode;
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
import dev.baton.filter.Filters.VariableFilter;
import dev.baton.filter.Filters.VariableRequest;
import dev.baton.filter.Filters.VariableSort;
import dev.baton.filter.Filters.WorkPoolFilter;
import dev.baton.filter.TextSearch;
import java.time.Instant;
import java.util.List;
import java.util.UUID;

/**
 * Decoders for the filter/list bodies (api.md §1.6, §7, §8). Top-level keys are FastAPI body
 * parameters (unknown ones ignored, null ≡ absent), and each route takes exactly the filter
 * objects its Prefect route declares (a filter key another route takes is ignored there, as in
 * Prefect). Every filter object is Prefect's server model: the same keys (an {@code operator}
 * where Prefect's model has one), unknown keys {@code extra_forbidden}, fields in Prefect's order
 * (so several errors are listed in Prefect's order).
 */
public final class FilterBodies {
  private FilterBodies() {}

  public static final int DEFAULT_LIMIT = 200;

  // ---- criteria models ----------------------------------------------------------------------

  private static final Type<List<UUID>> UUIDS = Types.list(UUID_T).nullable();
  private static final Type<List<String>> STRS = Types.list(STR).nullable();
  private static final Type<String> NSTR = STR.nullable();
  private static final Type<Boolean> NBOOL = BOOL.nullable();
  private static final Type<Instant> NTIME = DATETIME.nullable().map(dev.baton.wire.Times::micros);
  /** Prefect's {@code Operator} enum. */
  static final Type<Op> OP = Types.enumValues("and_", "or_").map(s -> s.equals("or_") ? Op.OR : Op.AND);

  /** The {@code operator} field first (Prefect's base model declares it), when {@code withOp}. */
  private static <R> Model<R> model(String name, boolean withOp) {
    Model<R> m = Model.forbid(name);
    return withOp ? m.opt("operator", OP, Op.AND) : m;
  }

  private static Op op(Model<?>.Vals v) {
    Op op = v.maybe("operator");
    return op == null ? Op.AND : op;
  }

  /** {@code keys} of {any_, not_any_, is_null_}; {@code isNullDefault} is is_null_'s value when absent. */
  private static Model<Ids> ids(String name, boolean withOp, Boolean isNullDefault, String... keys) {
    Model<Ids> m = model(name, withOp);
    for (String k : keys) {
      if (k.equals("is_null_")) m.opt(k, NBOOL, isNullDefault);
      else m.opt(k, UUIDS);
    }
    return m.build(v -> new Ids(op(v), v.maybe("any_"), v.maybe("not_any_"), v.maybe("is_null_")));
  }

  private static Model<Ids> ids(String name, String... keys) {
    return ids(name, false, null, keys);
  }

  /** {@code keys} of {any_, not_any_, like_, startswith_, is_null_}. */
  private static Model<Strings> strings(String name, boolean withOp, String... keys) {
    Model<Strings> m = model(name, withOp);
    for (String k : keys) {
      m.opt(k, switch (k) {
        case "is_null_" -> NBOOL;
        case "like_" -> NSTR;
        default -> STRS;
      });
    }
    return m.build(v -> new Strings(op(v), v.maybe("any_"), v.maybe("not_any_"), v.maybe("like_"),
        v.maybe("startswith_"), v.maybe("is_null_")));
  }

  private static Model<Strings> strings(String name, String... keys) {
    return strings(name, false, keys);
  }

  /** Tag filters always have an operator. */
  private static Model<Tags> tags(String name, String... keys) {
    Model<Tags> m = model(name, true);
    for (String k : keys) m.opt(k, k.equals("is_null_") ? NBOOL : STRS);
    return m.build(v -> new Tags(op(v), v.maybe("all_"), v.maybe("any_"), v.maybe("is_null_")));
  }

  private static Model<Times> times(String name, String... keys) {
    Model<Times> m = Model.forbid(name);
    for (String k : keys) m.opt(k, k.equals("is_null_") ? NBOOL : NTIME);
    return m.build(v -> new Times(v.maybe("before_"), v.maybe("after_"), v.maybe("is_null_")));
  }

  private static final Type<List<StateType>> STATE_TYPES = Types.list(enumOf(StateType.class)).nullable();

  private static Model<States> states(String name, String... keys) {
    Model<List<List<StateType>>> type = Model.<List<List<StateType>>>forbid(name + "Type");
    Model<List<List<String>>> sname = Model.<List<List<String>>>forbid(name + "Name");
    for (String k : keys) {
      type.opt(k, STATE_TYPES);
      sname.opt(k, STRS);
    }
    type.build(v -> java.util.Arrays.asList(v.maybe("any_"), v.maybe("not_any_")));
    sname.build(v -> java.util.Arrays.asList(v.maybe("any_"), v.maybe("not_any_")));
    return Model.<States>forbid(name)
        .opt("operator", OP, Op.AND)
        .opt("type", type.nullable())
        .opt("name", sname.nullable())
        .build(v -> {
          List<List<StateType>> t = v.get("type");
          List<List<String>> n = v.get("name");
          return new States(op(v), t == null ? null : t.get(0), t == null ? null : t.get(1),
              n == null ? null : n.get(0), n == null ? null : n.get(1));
        });
  }

  // ---- the filter objects (Prefect's server models, src/prefect/server/schemas/filters.py) ----

  static final Model<FlowFilter> FLOW_FILTER = Model.<FlowFilter>forbid("FlowFilter")
      .opt("operator", OP, Op.AND)
      .opt("id", ids("FlowFilterId", "any_", "not_any_").nullable())
      .opt("deployment", Model.<Boolean>forbid("FlowFilterDeployment").opt("operator", OP, Op.AND)
          .opt("is_null_", NBOOL).build(v -> v.get("is_null_")).nullable())
      .opt("name", strings("FlowFilterName", "any_", "like_").nullable())
      .opt("tags", tags("FlowFilterTags", "all_", "is_null_").nullable())
      .build(v -> new FlowFilter(op(v), v.get("id"), v.get("name"), v.get("tags"), v.get("deployment")));

  static final Model<FlowRunFilter> FLOW_RUN_FILTER = Model.<FlowRunFilter>forbid("FlowRunFilter")
      .opt("operator", OP, Op.AND)
      .opt("id", ids("FlowRunFilterId", "any_", "not_any_").nullable())
      .opt("name", strings("FlowRunFilterName", "any_", "like_").nullable())
      .opt("tags", tags("FlowRunFilterTags", "all_", "any_", "is_null_").nullable())
      .opt("deployment_id", ids("FlowRunFilterDeploymentId", true, null, "any_", "is_null_").nullable())
      .opt("work_queue_name", strings("FlowRunFilterWorkQueueName", true, "any_", "is_null_").nullable())
      .opt("state", states("FlowRunFilterState", "any_", "not_any_").nullable())
      .opt("flow_version", strings("FlowRunFilterFlowVersion", "any_").nullable())
      .opt("start_time", times("FlowRunFilterStartTime", "before_", "after_", "is_null_").nullable())
      .opt("end_time", times("FlowRunFilterEndTime", "before_", "after_", "is_null_").nullable())
      .opt("expected_start_time", times("FlowRunFilterExpectedStartTime", "before_", "after_").nullable())
      .opt("next_scheduled_start_time", times("FlowRunFilterNextScheduledStartTime", "before_", "after_").nullable())
      .opt("parent_flow_run_id", ids("FlowRunFilterParentFlowRunId", true, null, "any_").nullable())
      .opt("parent_task_run_id", ids("FlowRunFilterParentTaskRunId", true, null, "any_", "is_null_").nullable())
      .opt("idempotency_key", strings("FlowRunFilterIdempotencyKey", "any_", "not_any_").nullable())
      .opt("created_by", Model.<CreatedBy>forbid("FlowRunFilterCreatedBy").opt("operator", OP, Op.AND)
          .opt("id_", UUIDS).opt("type_", STRS).opt("is_null_", NBOOL)
          .build(v -> new CreatedBy(op(v), v.get("id_"), v.get("type_"), v.get("is_null_"))).nullable())
      .build(v -> new FlowRunFilter(op(v), v.get("id"), v.get("name"), v.get("tags"),
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
      .opt("subflow_runs", Model.<Boolean>forbid("TaskRunFilterSubFlowRuns").opt("exists_", NBOOL)
          .build(v -> v.get("exists_")).nullable())
      // is_null_ defaults to false: {} means "has a flow run"
      .opt("flow_run_id", ids("TaskRunFilterFlowRunId", true, Boolean.FALSE, "any_", "is_null_").nullable())
      .build(v -> new TaskRunFilter(op(v), v.get("id"), v.get("name"), v.get("tags"), v.get("state"),
          v.get("start_time"), v.get("end_time"), v.get("expected_start_time"), v.get("subflow_runs"),
          v.get("flow_run_id")));

  /** Validated and then ignored, as Prefect does with this deprecated criterion. */
  private static final Model<Boolean> DEPLOYMENT_CONCURRENCY_LIMIT = Model.<Boolean>forbid(
      "DeploymentFilterConcurrencyLimit")
      .opt("ge_", Types.INT.nullable()).opt("le_", Types.INT.nullable()).opt("is_null_", NBOOL)
      .build(v -> Boolean.TRUE);

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
      .opt("concurrency_limit", DEPLOYMENT_CONCURRENCY_LIMIT.nullable())
      .build(v -> new DeploymentFilter(op(v), v.get("id"), v.get("name"), v.get("flow_or_deployment_name"),
          v.get("paused"), v.get("tags"), v.get("work_queue_name")));

  static final Model<WorkPoolFilter> WORK_POOL_FILTER = Model.<WorkPoolFilter>forbid("WorkPoolFilter")
      .opt("operator", OP, Op.AND)
      .opt("id", ids("WorkPoolFilterId", "any_").nullable())
      .opt("name", strings("WorkPoolFilterName", "any_").nullable())
      .opt("type", strings("WorkPoolFilterType", "any_").nullable())
      .build(v -> new WorkPoolFilter(op(v), v.get("id"), v.get("name"), v.get("type")));

  static final Model<WorkPoolFilter> WORK_QUEUE_FILTER = Model.<WorkPoolFilter>forbid("WorkQueueFilter")
      .opt("operator", OP, Op.AND)
      .opt("id", ids("WorkQueueFilterId", "any_").nullable())
      .opt("name", strings("WorkQueueFilterName", "any_", "startswith_").nullable())
      .build(v -> new WorkPoolFilter(op(v), v.get("id"), v.get("name"), null));

  // ---- request bodies ------------------------------------------------------------------------

  /** The filter objects a route takes (its Prefect route's body parameters). */
  public enum Target {
    /** {@code /flows/filter|paginate|count}. */
    FLOWS("flows", "flow_runs", "task_runs", "deployments", "work_pools"),
    /** {@code /flow_runs/filter|paginate|count}. */
    FLOW_RUNS("flows", "flow_runs", "task_runs", "deployments", "work_pools", "work_pool_queues"),
    /** {@code /flow_runs/history} (its queue filter is {@code work_queues}). */
    FLOW_RUN_HISTORY("flows", "flow_runs", "task_runs", "deployments", "work_pools", "work_queues"),
    /** {@code /task_runs/filter|paginate|count|history}. */
    TASK_RUNS("flows", "flow_runs", "task_runs", "deployments"),
    /** {@code /deployments/filter|paginate|count}. */
    DEPLOYMENTS("flows", "flow_runs", "task_runs", "deployments", "work_pools", "work_pool_queues");

    final List<String> keys;

    Target(String... keys) {
      this.keys = List.of(keys);
    }
  }

  private static int orElse(Integer v, int dflt) {
    return v == null ? dflt : v;
  }

  /** Adds the target's filter-object parameters to an embedded body model (also the console's keyset bodies). */
  static <R> Model<R> filters(Model<R> m, Target t) {
    for (String k : t.keys) {
      m.opt(k, switch (k) {
        case "flows" -> FLOW_FILTER;
        case "flow_runs" -> FLOW_RUN_FILTER;
        case "task_runs" -> TASK_RUN_FILTER;
        case "deployments" -> DEPLOYMENT_FILTER;
        case "work_pools" -> WORK_POOL_FILTER;
        default -> WORK_QUEUE_FILTER;
      });
    }
    return m;
  }

  static Query query(Model<?>.Vals v) {
    WorkPoolFilter queues = v.maybe("work_pool_queues");
    return new Query(v.maybe("flows"), v.maybe("flow_runs"), v.maybe("task_runs"), v.maybe("deployments"),
        v.maybe("work_pools"), queues != null ? queues : v.maybe("work_queues"));
  }

  private static final java.util.Map<Target, Model<Query>> COUNTS = new java.util.EnumMap<>(Target.class);

  static {
    for (Target t : Target.values()) {
      COUNTS.put(t, filters(Model.<Query>embedded("count"), t).build(FilterBodies::query));
    }
  }

  private record Rest<S>(Query q, S sort, int offset, int page) {}

  /**
   * A list body: {@code sort} before or after the filters as the Prefect route declares it
   * ({@code sortFirst}), {@code offset} or ({@code paginate}) {@code page} before the filters.
   */
  private static <S extends Enum<S>> Model<Rest<S>> listModel(Class<S> sort, S dflt, Target t, boolean sortFirst,
      boolean paginate) {
    Model<Rest<S>> m = Model.embedded("list");
    if (sortFirst) m.opt("sort", enumOf(sort), dflt);
    if (paginate) m.opt("page", range(INT32, 1, null), 1);
    else m.opt("offset", range(INT32, 0, null), 0);
    filters(m, t);
    if (!sortFirst) m.opt("sort", enumOf(sort), dflt);
    return m.build(v -> new Rest<>(query(v), v.get("sort"), orElse(v.maybe("offset"), 0), orElse(v.maybe("page"), 1)));
  }

  private static final Model<Rest<FlowSort>> FLOWS =
      listModel(FlowSort.class, FlowSort.NAME_ASC, Target.FLOWS, false, false);
  private static final Model<Rest<FlowSort>> FLOWS_PAGE =
      listModel(FlowSort.class, FlowSort.NAME_ASC, Target.FLOWS, false, true);
  private static final Model<Rest<FlowRunSort>> FLOW_RUNS =
      listModel(FlowRunSort.class, FlowRunSort.ID_DESC, Target.FLOW_RUNS, true, false);
  private static final Model<Rest<FlowRunSort>> FLOW_RUNS_PAGE =
      listModel(FlowRunSort.class, FlowRunSort.ID_DESC, Target.FLOW_RUNS, true, true);
  private static final Model<Rest<TaskRunSort>> TASK_RUNS =
      listModel(TaskRunSort.class, TaskRunSort.ID_DESC, Target.TASK_RUNS, true, false);
  private static final Model<Rest<TaskRunSort>> TASK_RUNS_PAGE =
      listModel(TaskRunSort.class, TaskRunSort.ID_DESC, Target.TASK_RUNS, true, true);
  private static final Model<Rest<DeploymentSort>> DEPLOYMENTS =
      listModel(DeploymentSort.class, DeploymentSort.NAME_ASC, Target.DEPLOYMENTS, false, false);
  private static final Model<Rest<DeploymentSort>> DEPLOYMENTS_PAGE =
      listModel(DeploymentSort.class, DeploymentSort.NAME_ASC, Target.DEPLOYMENTS, false, true);

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
  record Limit(int value, String detail) {}

  /**
   * A bad type is recorded in {@code c}; null/absent ⇒ {@code maxLimit}. A body that is not an
   * object makes {@code limit} missing, first (FastAPI resolves the dependency before the body).
   */
  static Limit limit(JsonNode body, int maxLimit, Ctx c) {
    if (body != null && !body.isObject() && !body.isNull() && !body.isMissingNode()) {
      c.push("limit").missing(NullNode.instance);
      c.pop();
      return new Limit(maxLimit, null);
    }
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
  public static Decoded<Query> count(JsonNode body, Target target) {
    return COUNTS.get(target).decodeBody(body);
  }

  private static Model<HistoryRequest> historyModel(Target t) {
    Model<HistoryRequest> m = Model.<HistoryRequest>embedded("history")
        .req("history_start", DATETIME.map(dev.baton.wire.Times::micros))
        .req("history_end", DATETIME.map(dev.baton.wire.Times::micros))
        .req("history_interval_seconds", FLOAT);
    return filters(m, t).build(v -> new HistoryRequest(v.get("history_start"), v.get("history_end"),
        v.get("history_interval_seconds"), query(v)));
  }

  private static final Model<HistoryRequest> FLOW_RUN_HISTORY = historyModel(Target.FLOW_RUN_HISTORY);
  private static final Model<HistoryRequest> TASK_RUN_HISTORY = historyModel(Target.TASK_RUNS);

  /**
   * {@code /flow_runs/history} ({@code taskRuns=false}), {@code /task_runs/history}; interval &lt; 1 s
   * ⇒ detail 422.
   */
  public static Decoded<HistoryRequest> history(JsonNode body, boolean taskRuns) {
    Decoded<HistoryRequest> d = (taskRuns ? TASK_RUN_HISTORY : FLOW_RUN_HISTORY).decodeBody(body);
    if (d.isOk() && d.value().intervalSeconds() < 1) {
      return Decoded.detail("History interval must not be less than 1 second.");
    }
    return d;
  }

  // ---- logs ----------------------------------------------------------------------------------

  private static final Type<Long> NLONG = Types.INT.nullable();

  /** LogFilterTextSearch: {@code query} required, at most 200 characters, parsed here. */
  static final Model<TextSearch> TEXT_SEARCH = Model.<TextSearch>forbid("LogFilterTextSearch")
      .req("query", Types.str(0, 200))
      .build(v -> TextSearch.parse(v.get("query")));

  static final Model<LogFilter> LOG_FILTER = Model.<LogFilter>forbid("LogFilter")
      .opt("operator", OP, Op.AND)
      .opt("level", Model.<LongRange>forbid("LogFilterLevel").opt("ge_", NLONG).opt("le_", NLONG)
          .build(v -> new LongRange(v.get("ge_"), v.get("le_"))).nullable())
      .opt("timestamp", times("LogFilterTimestamp", "before_", "after_").nullable())
      .opt("flow_run_id", ids("LogFilterFlowRunId", "any_").nullable())
      .opt("task_run_id", ids("LogFilterTaskRunId", "any_", "is_null_").nullable())
      .opt("text", TEXT_SEARCH.nullable())
      .build(v -> new LogFilter(op(v), v.get("level"), v.get("timestamp"), v.get("flow_run_id"),
          v.get("task_run_id"), v.get("text")));

  private record LogRest(LogFilter filter, LogSort sort, int offset) {}

  private static final Model<LogRest> LOGS = Model.<LogRest>embedded("logs")
      .opt("offset", range(INT32, 0, null), 0)
      .opt("logs", LOG_FILTER)
      .opt("sort", enumOf(LogSort.class), LogSort.TIMESTAMP_ASC)
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

  // ---- variables -----------------------------------------------------------------------------

  static final Model<VariableFilter> VARIABLE_FILTER = Model.<VariableFilter>forbid("VariableFilter")
      .opt("operator", OP, Op.AND)
      .opt("id", ids("VariableFilterId", "any_").nullable())
      .opt("name", strings("VariableFilterName", "any_", "like_").nullable())
      .opt("tags", tags("VariableFilterTags", "all_", "is_null_").nullable())
      .build(v -> new VariableFilter(op(v), v.get("id"), v.get("name"), v.get("tags")));

  private record VariableRest(VariableFilter filter, VariableSort sort, int offset) {}

  private static final Model<VariableRest> VARIABLES = Model.<VariableRest>embedded("variables")
      .opt("offset", range(INT32, 0, null), 0)
      .opt("variables", VARIABLE_FILTER)
      .opt("sort", enumOf(VariableSort.class), VariableSort.NAME_ASC)
      .build(v -> new VariableRest(v.get("variables"), v.get("sort"), orElse(v.get("offset"), 0)));

  private static final Model<VariableFilter> VARIABLE_COUNT = Model.<VariableFilter>embedded("count_variables")
      .opt("variables", VARIABLE_FILTER)
      .build(v -> v.get("variables"));

  /** {@code POST /variables/filter}: {@code {variables, sort, limit, offset}}. */
  public static Decoded<VariableRequest> variables(JsonNode body, int maxLimit) {
    Ctx c = new Ctx("body");
    Limit lim = limit(body, maxLimit, c);
    if (lim.detail() != null) return Decoded.detail(lim.detail());
    VariableRest r = VARIABLES.decode(body, c);
    if (!c.ok()) return Decoded.invalid(c.errors());
    return Decoded.ok(new VariableRequest(r.filter(), r.sort(), lim.value(), r.offset()));
  }

  /** {@code POST /variables/count}: {@code {variables}}; a null filter counts every variable. */
  public static Decoded<VariableFilter> variableCount(JsonNode body) {
    return VARIABLE_COUNT.decodeBody(body);
  }

  /** A bare FlowRunFilter at {@code ["body", key]} (e.g. bulk endpoints' {@code flow_runs}). */
  public static Type<FlowRunFilter> flowRunFilterType() {
    return FLOW_RUN_FILTER;
  }
}
