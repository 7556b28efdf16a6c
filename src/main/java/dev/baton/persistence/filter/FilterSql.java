package dev.baton.persistence.filter;

import dev.baton.domain.StateType;
import dev.baton.filter.Filters.CreatedBy;
import dev.baton.filter.Filters.DeploymentFilter;
import dev.baton.filter.Filters.DeploymentSort;
import dev.baton.filter.Filters.FlowFilter;
import dev.baton.filter.Filters.FlowRunFilter;
import dev.baton.filter.Filters.FlowRunSort;
import dev.baton.filter.Filters.FlowSort;
import dev.baton.filter.Filters.Ids;
import dev.baton.filter.Filters.LogFilter;
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
import dev.baton.filter.Filters.VariableSort;
import dev.baton.filter.Filters.WorkPoolFilter;
import dev.baton.filter.TextSearch;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;

/**
 * Turns filter records into a parameterised PostgreSQL boolean expression (for a WHERE clause) over
 * a given table alias, with {@code $n} placeholders numbered from {@code firstParam}. Parameter
 * values are Vert.x-pg friendly: {@code UUID[]}, {@code String[]}, {@link OffsetDateTime},
 * {@code Integer}, {@code Boolean}, {@code String}.
 *
 * <p>Cross-object filters follow Prefect: a filter object that is present (even empty) requires the
 * related row to exist (EXISTS sub-query); runs related through a flow run share one EXISTS.
 */
public final class FilterSql {
  private FilterSql() {}

  /** A boolean SQL expression ({@code "TRUE"} when unconstrained) and its parameters in order. */
  public record Where(String sql, List<Object> params) {
    /** The number of the next free placeholder after these params. */
    public int nextParam(int firstParam) {
      return firstParam + params.size();
    }
  }

  /** Accumulates parameters. */
  private static final class B {
    final List<Object> params = new ArrayList<>();
    final int first;

    B(int first) {
      this.first = first;
    }

    String p(Object v, String cast) {
      params.add(v);
      return "$" + (first + params.size() - 1) + "::" + cast;
    }

    Where done(String sql) {
      return new Where(sql == null ? "TRUE" : sql, List.copyOf(params));
    }
  }

  // ---- entry points --------------------------------------------------------------------------

  /** WHERE expression for {@code flow_run} rows aliased {@code a}. */
  public static Where flowRuns(Query q, String a, int firstParam) {
    B b = new B(firstParam);
    List<String> parts = new ArrayList<>();
    add(parts, flowRun(b, q.flowRuns(), a));
    if (q.flows() != null) {
      parts.add(exists("flow f", "f.id = " + a + ".flow_id", flow(b, q.flows(), "f")));
    }
    if (q.deployments() != null) {
      parts.add(exists("deployment d", "d.id = " + a + ".deployment_id", deployment(b, q.deployments(), "d")));
    }
    if (q.taskRuns() != null) {
      parts.add(exists("task_run t", "t.flow_run_id = " + a + ".id", taskRun(b, q.taskRuns(), "t")));
    }
    add(parts, pool(b, q.workPools(), a + ".work_pool_name"));
    add(parts, pool(b, q.workQueues(), a + ".work_queue_name"));
    return b.done(join(parts, Op.AND));
  }

  /** WHERE expression for {@code task_run} rows aliased {@code a}. */
  public static Where taskRuns(Query q, String a, int firstParam) {
    B b = new B(firstParam);
    List<String> parts = new ArrayList<>();
    add(parts, taskRun(b, q.taskRuns(), a));
    add(parts, flowRunExists(b, q, a + ".flow_run_id"));
    return b.done(join(parts, Op.AND));
  }

  /**
   * WHERE expression for rows that name a flow run and a task run by id ({@code artifact}): a flow,
   * flow-run or deployment filter requires the named flow run to exist and match (one EXISTS), a
   * task-run filter the named task run.
   */
  public static Where namedRuns(Query q, String flowRunIdCol, String taskRunIdCol, int firstParam) {
    B b = new B(firstParam);
    List<String> parts = new ArrayList<>();
    add(parts, flowRunExists(b, q, flowRunIdCol));
    if (q.taskRuns() != null) {
      parts.add(exists("task_run t", "t.id = " + taskRunIdCol, taskRun(b, q.taskRuns(), "t")));
    }
    return b.done(join(parts, Op.AND));
  }

  /** The flow run {@code flowRunIdCol} names exists and matches the flow, flow-run and deployment filters; null without them. */
  private static String flowRunExists(B b, Query q, String flowRunIdCol) {
    if (q.flows() == null && q.flowRuns() == null && q.deployments() == null) {
      return null;
    }
    StringBuilder from = new StringBuilder("flow_run fr");
    List<String> conds = new ArrayList<>();
    conds.add("fr.id = " + flowRunIdCol);
    add(conds, flowRun(b, q.flowRuns(), "fr"));
    if (q.flows() != null) {
      from.append(" JOIN flow f ON f.id = fr.flow_id");
      add(conds, flow(b, q.flows(), "f"));
    }
    if (q.deployments() != null) {
      from.append(" JOIN deployment d ON d.id = fr.deployment_id");
      add(conds, deployment(b, q.deployments(), "d"));
    }
    return "EXISTS (SELECT 1 FROM " + from + " WHERE " + String.join(" AND ", conds) + ")";
  }

  /** WHERE expression for {@code flow} rows aliased {@code a}. */
  public static Where flows(Query q, String a, int firstParam) {
    B b = new B(firstParam);
    List<String> parts = new ArrayList<>();
    add(parts, flow(b, q.flows(), a));
    if (q.deployments() != null || q.workPools() != null) {
      List<String> conds = new ArrayList<>();
      conds.add("d.flow_id = " + a + ".id");
      add(conds, deployment(b, q.deployments(), "d"));
      add(conds, pool(b, q.workPools(), "d.work_pool_name"));
      parts.add("EXISTS (SELECT 1 FROM deployment d WHERE " + String.join(" AND ", conds) + ")");
    }
    if (q.flowRuns() != null || q.taskRuns() != null) {
      parts.add(runsExist(b, q, "fr.flow_id = " + a + ".id"));
    }
    return b.done(join(parts, Op.AND));
  }

  /** WHERE expression for {@code deployment} rows aliased {@code a}. */
  public static Where deployments(Query q, String a, int firstParam) {
    B b = new B(firstParam);
    List<String> parts = new ArrayList<>();
    add(parts, deployment(b, q.deployments(), a));
    if (q.flows() != null) {
      parts.add(exists("flow f", "f.id = " + a + ".flow_id", flow(b, q.flows(), "f")));
    }
    if (q.flowRuns() != null || q.taskRuns() != null) {
      parts.add(runsExist(b, q, "fr.deployment_id = " + a + ".id"));
    }
    add(parts, pool(b, q.workPools(), a + ".work_pool_name"));
    add(parts, pool(b, q.workQueues(), a + ".work_queue_name"));
    return b.done(join(parts, Op.AND));
  }

  /** WHERE expression for {@code log} rows aliased {@code a}; a null filter matches every row. */
  public static Where logs(LogFilter f, String a, int firstParam) {
    B b = new B(firstParam);
    if (f == null) return b.done(null);
    List<String> parts = new ArrayList<>();
    LongRange level = f.level();
    if (level != null) {
      List<String> l = new ArrayList<>();
      if (level.ge() != null) l.add(a + ".level >= " + b.p(level.ge(), "bigint"));
      if (level.le() != null) l.add(a + ".level <= " + b.p(level.le(), "bigint"));
      add(parts, join(l, Op.AND));
    }
    add(parts, times(b, f.timestamp(), a + ".timestamp"));
    add(parts, ids(b, f.flowRunId(), a + ".flow_run_id"));
    add(parts, ids(b, f.taskRunId(), a + ".task_run_id"));
    text(b, parts, f.text(), "concat(" + a + ".message, ' ', " + a + ".name)");
    return b.done(join(parts, f.op()));
  }

  /** WHERE expression for {@code variable} rows aliased {@code a}; a null filter matches every row. */
  public static Where variables(VariableFilter f, String a, int firstParam) {
    B b = new B(firstParam);
    if (f == null) return b.done(null);
    List<String> parts = new ArrayList<>();
    add(parts, ids(b, f.id(), a + ".id"));
    add(parts, strings(b, f.name(), a + ".name"));
    add(parts, tags(b, f.tags(), a + ".tags"));
    return b.done(join(parts, f.op()));
  }

  /**
   * A text search over {@code searchable} (Prefect's LogFilterTextSearch): one part for the included
   * terms (any), one for the excluded (none), one for the required (all), each added to {@code
   * parts} on its own so that they combine with the filter's operator as Prefect's do. Terms are
   * plain substrings, compared in lower case on both sides.
   */
  private static void text(B b, List<String> parts, TextSearch t, String searchable) {
    if (t == null || t.isEmpty()) return;
    String hay = "lower(" + searchable + ")";
    List<String> inc = new ArrayList<>();
    for (String term : t.include()) inc.add(contains(b, hay, term));
    add(parts, join(inc, Op.OR));
    List<String> exc = new ArrayList<>();
    for (String term : t.exclude()) exc.add("NOT (" + contains(b, hay, term) + ")");
    add(parts, join(exc, Op.AND));
    List<String> req = new ArrayList<>();
    for (String term : t.required()) req.add(contains(b, hay, term));
    add(parts, join(req, Op.AND));
  }

  private static String contains(B b, String hay, String term) {
    return "strpos(" + hay + ", lower(" + b.p(term, "text") + ")) > 0";
  }

  /** One EXISTS over flow_run fr (joined to task_run t when a task-run filter is present). */
  private static String runsExist(B b, Query q, String link) {
    List<String> conds = new ArrayList<>();
    conds.add(link);
    add(conds, flowRun(b, q.flowRuns(), "fr"));
    String from = "flow_run fr";
    if (q.taskRuns() != null) {
      from += " JOIN task_run t ON t.flow_run_id = fr.id";
      add(conds, taskRun(b, q.taskRuns(), "t"));
    }
    return "EXISTS (SELECT 1 FROM " + from + " WHERE " + String.join(" AND ", conds) + ")";
  }

  // ---- ORDER BY ------------------------------------------------------------------------------

  public static String orderBy(FlowSort s, String a) {
    return switch (s) {
      case CREATED_DESC -> a + ".created DESC";
      case UPDATED_DESC -> a + ".updated DESC";
      case NAME_ASC -> a + ".name ASC";
      case NAME_DESC -> a + ".name DESC";
    };
  }

  public static String orderBy(VariableSort s, String a) {
    return switch (s) {
      case CREATED_DESC -> a + ".created DESC";
      case UPDATED_DESC -> a + ".updated DESC";
      case NAME_ASC -> a + ".name ASC";
      case NAME_DESC -> a + ".name DESC";
    };
  }

  public static String orderBy(DeploymentSort s, String a) {
    return switch (s) {
      case CREATED_DESC -> a + ".created DESC";
      case UPDATED_DESC -> a + ".updated DESC";
      case NAME_ASC -> a + ".name ASC";
      case NAME_DESC -> a + ".name DESC";
    };
  }

  public static String orderBy(FlowRunSort s, String a) {
    return switch (s) {
      case ID_DESC -> a + ".id DESC";
      case START_TIME_ASC -> "coalesce(" + a + ".start_time, " + a + ".expected_start_time) ASC";
      case START_TIME_DESC -> "coalesce(" + a + ".start_time, " + a + ".expected_start_time) DESC";
      case EXPECTED_START_TIME_ASC -> a + ".expected_start_time ASC";
      case EXPECTED_START_TIME_DESC -> a + ".expected_start_time DESC";
      case NAME_ASC -> a + ".name ASC";
      case NAME_DESC -> a + ".name DESC";
      case NEXT_SCHEDULED_START_TIME_ASC -> a + ".next_scheduled_start_time ASC";
      case END_TIME_DESC -> a + ".end_time DESC";
    };
  }

  public static String orderBy(TaskRunSort s, String a) {
    return switch (s) {
      case ID_DESC -> a + ".id DESC";
      case EXPECTED_START_TIME_ASC -> a + ".expected_start_time ASC";
      case EXPECTED_START_TIME_DESC -> a + ".expected_start_time DESC";
      case NAME_ASC -> a + ".name ASC";
      case NAME_DESC -> a + ".name DESC";
      case NEXT_SCHEDULED_START_TIME_ASC -> a + ".next_scheduled_start_time ASC";
      case END_TIME_DESC -> a + ".end_time DESC";
    };
  }

  /** By timestamp; logs with equal timestamps keep one stable order (by id) across pages. */
  public static String orderBy(LogSort s, String a) {
    return switch (s) {
      case TIMESTAMP_ASC -> a + ".timestamp ASC, " + a + ".id ASC";
      case TIMESTAMP_DESC -> a + ".timestamp DESC, " + a + ".id DESC";
    };
  }

  // ---- filter objects ------------------------------------------------------------------------

  private static String flow(B b, FlowFilter f, String a) {
    if (f == null) return null;
    List<String> parts = new ArrayList<>();
    add(parts, ids(b, f.id(), a + ".id"));
    add(parts, strings(b, f.name(), a + ".name"));
    add(parts, tags(b, f.tags(), a + ".tags"));
    if (f.deploymentIsNull() != null) {
      parts.add((f.deploymentIsNull() ? "NOT " : "") + "EXISTS (SELECT 1 FROM deployment fd WHERE fd.flow_id = "
          + a + ".id)");
    }
    return join(parts, f.op());
  }

  private static String flowRun(B b, FlowRunFilter f, String a) {
    if (f == null) return null;
    List<String> parts = new ArrayList<>();
    add(parts, ids(b, f.id(), a + ".id"));
    add(parts, strings(b, f.name(), a + ".name"));
    add(parts, tags(b, f.tags(), a + ".tags"));
    add(parts, ids(b, f.deploymentId(), a + ".deployment_id"));
    add(parts, strings(b, f.workQueueName(), a + ".work_queue_name"));
    add(parts, states(b, f.state(), a));
    add(parts, strings(b, f.flowVersion(), a + ".flow_version"));
    // before_/after_ compare the start time, or the expected one when the run has not started
    add(parts, times(b, f.startTime(), "coalesce(" + a + ".start_time, " + a + ".expected_start_time)",
        a + ".start_time"));
    add(parts, times(b, f.endTime(), a + ".end_time"));
    add(parts, times(b, f.expectedStartTime(), a + ".expected_start_time"));
    add(parts, times(b, f.nextScheduledStartTime(), a + ".next_scheduled_start_time"));
    if (f.parentFlowRunId() != null && f.parentFlowRunId().any() != null) {
      // subflows of the given runs: the parent task run belongs to one of them
      parts.add("EXISTS (SELECT 1 FROM task_run pt WHERE pt.id = " + a + ".parent_task_run_id AND pt.flow_run_id = ANY("
          + b.p(uuids(f.parentFlowRunId().any()), "uuid[]") + "))");
    }
    add(parts, ids(b, f.parentTaskRunId(), a + ".parent_task_run_id"));
    add(parts, strings(b, f.idempotencyKey(), a + ".idempotency_key"));
    add(parts, createdBy(b, f.createdBy(), a + ".created_by"));
    return join(parts, f.op());
  }

  private static String taskRun(B b, TaskRunFilter f, String a) {
    if (f == null) return null;
    List<String> parts = new ArrayList<>();
    add(parts, ids(b, f.id(), a + ".id"));
    add(parts, strings(b, f.name(), a + ".name"));
    add(parts, tags(b, f.tags(), a + ".tags"));
    add(parts, states(b, f.state(), a));
    add(parts, times(b, f.startTime(), a + ".start_time"));
    add(parts, times(b, f.endTime(), a + ".end_time"));
    add(parts, times(b, f.expectedStartTime(), a + ".expected_start_time"));
    if (f.subflowRunsExists() != null) {
      parts.add((f.subflowRunsExists() ? "" : "NOT ") + "EXISTS (SELECT 1 FROM flow_run sf WHERE sf.parent_task_run_id = "
          + a + ".id)");
    }
    add(parts, taskFlowRunId(b, f.flowRunId(), a + ".flow_run_id"));
    return join(parts, f.op());
  }

  private static String deployment(B b, DeploymentFilter f, String a) {
    if (f == null) return null;
    List<String> parts = new ArrayList<>();
    add(parts, ids(b, f.id(), a + ".id"));
    add(parts, strings(b, f.name(), a + ".name"));
    if (f.flowOrDeploymentNameLike() != null && !f.flowOrDeploymentNameLike().isEmpty()) {
      String p = like(b, f.flowOrDeploymentNameLike());
      parts.add("(" + a + ".name ILIKE " + p + " OR EXISTS (SELECT 1 FROM flow df WHERE df.id = " + a
          + ".flow_id AND df.name ILIKE " + p + "))");
    }
    if (f.paused() != null) {
      parts.add(a + ".paused = " + b.p(f.paused(), "boolean"));
    }
    add(parts, tags(b, f.tags(), a + ".tags"));
    add(parts, strings(b, f.workQueueName(), a + ".work_queue_name"));
    return join(parts, f.op());
  }

  /**
   * Work pools/queues against a name column (Baton has no pool tables): a present filter requires a
   * pool (queue) name, as Prefect requires the related row; {@code name} criteria apply to the
   * column; {@code id} and {@code type} criteria match nothing.
   */
  private static String pool(B b, WorkPoolFilter f, String col) {
    if (f == null) return null;
    List<String> parts = new ArrayList<>();
    if (f.id() != null && f.id().any() != null) parts.add("FALSE");
    add(parts, strings(b, f.name(), col));
    if (f.type() != null && f.type().any() != null) parts.add("FALSE");
    String criteria = join(parts, f.op());
    return criteria == null ? col + " IS NOT NULL" : "(" + col + " IS NOT NULL AND " + criteria + ")";
  }

  // ---- criteria ------------------------------------------------------------------------------

  /** An empty {@code any_} matches nothing, an empty {@code not_any_} is no constraint (as in Prefect). */
  private static String ids(B b, Ids c, String col) {
    if (c == null) return null;
    List<String> parts = new ArrayList<>();
    if (c.any() != null) parts.add(col + " = ANY(" + b.p(uuids(c.any()), "uuid[]") + ")");
    if (c.notAny() != null && !c.notAny().isEmpty()) {
      parts.add(col + " <> ALL(" + b.p(uuids(c.notAny()), "uuid[]") + ")");
    }
    isNull(parts, c.isNull(), col);
    return join(parts, c.op());
  }

  /**
   * Prefect's TaskRunFilterFlowRunId: {@code is_null_} true ⇒ no flow run (whatever {@code any_}
   * says); false without {@code any_} ⇒ some flow run; otherwise {@code any_}.
   */
  private static String taskFlowRunId(B b, Ids c, String col) {
    if (c == null) return null;
    if (Boolean.TRUE.equals(c.isNull())) return col + " IS NULL";
    if (Boolean.FALSE.equals(c.isNull()) && c.any() == null) return col + " IS NOT NULL";
    return c.any() == null ? null : col + " = ANY(" + b.p(uuids(c.any()), "uuid[]") + ")";
  }

  /** Empty {@code like_}, {@code not_any_} and {@code startswith_} are no constraint (as in Prefect). */
  private static String strings(B b, Strings c, String col) {
    if (c == null) return null;
    List<String> parts = new ArrayList<>();
    if (c.any() != null) parts.add(col + " = ANY(" + b.p(texts(c.any()), "text[]") + ")");
    if (c.notAny() != null && !c.notAny().isEmpty()) {
      parts.add(col + " <> ALL(" + b.p(texts(c.notAny()), "text[]") + ")");
    }
    if (c.like() != null && !c.like().isEmpty()) parts.add(col + " ILIKE " + like(b, c.like()));
    if (c.startsWith() != null && !c.startsWith().isEmpty()) {
      List<String> any = new ArrayList<>();
      for (String prefix : c.startsWith()) any.add(col + " ILIKE " + prefix(b, prefix));
      parts.add(join(any, Op.OR));
    }
    isNull(parts, c.isNull(), col);
    return join(parts, c.op());
  }

  /** {@code '%' || $n || '%'} with {@code %}, {@code _} and {@code \} escaped in the value. */
  private static String like(B b, String s) {
    return "('%' || " + b.p(escapeLike(s), "text") + " || '%')";
  }

  /** {@code $n || '%'}, escaped likewise. */
  private static String prefix(B b, String s) {
    return "(" + b.p(escapeLike(s), "text") + " || '%')";
  }

  private static String escapeLike(String s) {
    return s.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_");
  }

  /** An empty {@code all_} is no constraint, an empty {@code any_} matches nothing (as in Prefect). */
  private static String tags(B b, Tags c, String col) {
    if (c == null) return null;
    List<String> parts = new ArrayList<>();
    if (c.all() != null && !c.all().isEmpty()) parts.add(col + " ?& " + b.p(texts(c.all()), "text[]"));
    if (c.any() != null) parts.add(col + " ?| " + b.p(texts(c.any()), "text[]"));
    if (c.isNull() != null) parts.add("jsonb_array_length(" + col + (c.isNull() ? ") = 0" : ") > 0"));
    return join(parts, c.op());
  }

  private static String times(B b, Times c, String col) {
    return times(b, c, col, col);
  }

  /** {@code before_}/{@code after_} on {@code rangeExpr}, {@code is_null_} on {@code nullCol}. */
  private static String times(B b, Times c, String rangeExpr, String nullCol) {
    if (c == null) return null;
    List<String> parts = new ArrayList<>();
    if (c.before() != null) parts.add(rangeExpr + " <= " + b.p(odt(c.before()), "timestamptz"));
    if (c.after() != null) parts.add(rangeExpr + " >= " + b.p(odt(c.after()), "timestamptz"));
    isNull(parts, c.isNull(), nullCol);
    return join(parts, Op.AND);
  }

  private static String states(B b, States c, String a) {
    if (c == null) return null;
    List<String> type = new ArrayList<>();
    if (c.typeAny() != null) type.add(a + ".state_type = ANY(" + b.p(types(c.typeAny()), "text[]") + ")");
    if (c.typeNotAny() != null && !c.typeNotAny().isEmpty()) type.add(a + ".state_type <> ALL(" + b.p(types(c.typeNotAny()), "text[]") + ")");
    List<String> name = new ArrayList<>();
    if (c.nameAny() != null) name.add(a + ".state_name = ANY(" + b.p(texts(c.nameAny()), "text[]") + ")");
    if (c.nameNotAny() != null && !c.nameNotAny().isEmpty()) name.add(a + ".state_name <> ALL(" + b.p(texts(c.nameNotAny()), "text[]") + ")");
    List<String> parts = new ArrayList<>();
    add(parts, join(type, Op.AND));
    add(parts, join(name, Op.AND));
    return join(parts, c.op());
  }

  private static String createdBy(B b, CreatedBy c, String col) {
    if (c == null) return null;
    List<String> parts = new ArrayList<>();
    if (c.id() != null) {
      parts.add("(" + col + "->>'id') = ANY(" + b.p(c.id().stream().map(UUID::toString).toArray(String[]::new),
          "text[]") + ")");
    }
    if (c.type() != null) parts.add("(" + col + "->>'type') = ANY(" + b.p(texts(c.type()), "text[]") + ")");
    isNull(parts, c.isNull(), col);
    return join(parts, c.op());
  }

  // ---- helpers -------------------------------------------------------------------------------

  private static void isNull(List<String> parts, Boolean isNull, String col) {
    if (isNull != null) parts.add(col + (isNull ? " IS NULL" : " IS NOT NULL"));
  }

  private static void add(List<String> parts, String expr) {
    if (expr != null) parts.add(expr);
  }

  private static String exists(String from, String link, String cond) {
    return "EXISTS (SELECT 1 FROM " + from + " WHERE " + link + (cond == null ? "" : " AND " + cond) + ")";
  }

  private static String join(List<String> parts, Op op) {
    if (parts.isEmpty()) return null;
    if (parts.size() == 1) return parts.get(0);
    return "(" + String.join(op == Op.OR ? " OR " : " AND ", parts) + ")";
  }

  private static UUID[] uuids(List<UUID> l) {
    return l.toArray(new UUID[0]);
  }

  private static String[] texts(List<String> l) {
    return l.toArray(new String[0]);
  }

  private static String[] types(List<StateType> l) {
    return l.stream().map(StateType::name).toArray(String[]::new);
  }

  private static OffsetDateTime odt(Instant t) {
    return OffsetDateTime.ofInstant(t, ZoneOffset.UTC);
  }
}
