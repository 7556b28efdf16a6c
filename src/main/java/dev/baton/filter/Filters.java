package dev.baton.filter;

import dev.baton.domain.StateType;
import java.time.Instant;
import java.util.List;
import java.util.UUID;

/**
 * Validated filter objects of the list/count/paginate/history endpoints (api.md §1.6, §7, §8). A
 * null criterion means "no constraint". Each filter object combines its criteria with {@link Op}.
 * Shared by the HTTP decoders and the SQL builders in {@code dev.baton.persistence.filter}.
 */
public final class Filters {
  private Filters() {}

  public enum Op { AND, OR }

  /**
   * {@code {operator, any_, not_any_, is_null_}} over a uuid column (each filter allows a subset of
   * the keys; {@code op} is AND where the filter has no {@code operator}). As in Prefect, an empty
   * {@code any_} matches nothing and an empty {@code not_any_} excludes nothing.
   */
  public record Ids(Op op, List<UUID> any, List<UUID> notAny, Boolean isNull) {}

  /**
   * {@code {operator, any_, not_any_, like_, startswith_, is_null_}} over a text column: {@code like_}
   * is a case-insensitive substring, {@code startswith_} case-insensitive prefixes (any of them); an
   * empty {@code like_}, {@code not_any_} or {@code startswith_} is no constraint (Prefect's truthiness).
   */
  public record Strings(Op op, List<String> any, List<String> notAny, String like, List<String> startsWith,
      Boolean isNull) {}

  /** {@code {operator, all_, any_, is_null_}} over a jsonb array of strings. */
  public record Tags(Op op, List<String> all, List<String> any, Boolean isNull) {}

  /** {@code {before_, after_, is_null_}}: inclusive bounds. */
  public record Times(Instant before, Instant after, Boolean isNull) {}

  /** {@code state: {operator, type: {any_, not_any_}, name: {any_, not_any_}}}. */
  public record States(Op op, List<StateType> typeAny, List<StateType> typeNotAny, List<String> nameAny,
      List<String> nameNotAny) {}

  /** {@code created_by: {operator, id_, type_, is_null_}} ({@code id_}/{@code type_} are any-of lists). */
  public record CreatedBy(Op op, List<UUID> id, List<String> type, Boolean isNull) {}

  public record FlowFilter(Op op, Ids id, Strings name, Tags tags, Boolean deploymentIsNull) {}

  public record FlowRunFilter(Op op, Ids id, Strings name, Tags tags, Ids deploymentId, Strings workQueueName,
      States state, Strings flowVersion, Times startTime, Times endTime, Times expectedStartTime,
      Times nextScheduledStartTime, Ids parentFlowRunId, Ids parentTaskRunId, Strings idempotencyKey,
      CreatedBy createdBy) {}

  /**
   * {@code flowRunId} is Prefect's TaskRunFilterFlowRunId, whose {@code is_null_} defaults to false:
   * true ⇒ no flow run; false without {@code any_} ⇒ some flow run; otherwise {@code any_}.
   */
  public record TaskRunFilter(Op op, Ids id, Strings name, Tags tags, States state, Times startTime, Times endTime,
      Times expectedStartTime, Boolean subflowRunsExists, Ids flowRunId) {}

  /** Prefect accepts and ignores {@code concurrency_limit} (deprecated), so it is not kept here. */
  public record DeploymentFilter(Op op, Ids id, Strings name, String flowOrDeploymentNameLike, Boolean paused,
      Tags tags, Strings workQueueName) {}

  /**
   * {@code work_pools} / {@code work_pool_queues} (WorkPoolFilter, WorkQueueFilter): Baton has no
   * work-pool tables, so a present filter requires the row to name a pool (queue) and {@code name}
   * applies to the {@code work_pool_name}/{@code work_queue_name} columns; {@code id} and {@code type}
   * criteria match nothing (docs/compatibility.md).
   */
  public record WorkPoolFilter(Op op, Ids id, Strings name, Strings type) {}

  /** All the filter objects of one request; any may be null. */
  public record Query(FlowFilter flows, FlowRunFilter flowRuns, TaskRunFilter taskRuns, DeploymentFilter deployments,
      WorkPoolFilter workPools, WorkPoolFilter workQueues) {
    public static final Query NONE = new Query(null, null, null, null, null, null);
  }

  public enum FlowSort { CREATED_DESC, UPDATED_DESC, NAME_ASC, NAME_DESC }

  public enum FlowRunSort {
    ID_DESC, START_TIME_ASC, START_TIME_DESC, EXPECTED_START_TIME_ASC, EXPECTED_START_TIME_DESC, NAME_ASC,
    NAME_DESC, NEXT_SCHEDULED_START_TIME_ASC, END_TIME_DESC
  }

  public enum TaskRunSort {
    ID_DESC, EXPECTED_START_TIME_ASC, EXPECTED_START_TIME_DESC, NAME_ASC, NAME_DESC, NEXT_SCHEDULED_START_TIME_ASC,
    END_TIME_DESC
  }

  public enum DeploymentSort { CREATED_DESC, UPDATED_DESC, NAME_ASC, NAME_DESC }

  /** {@code level: {ge_, le_}}: inclusive bounds (any integer, as in Prefect). */
  public record LongRange(Long ge, Long le) {}

  /** Prefect's LogFilter ({@code POST /logs/filter} body key {@code logs}); {@code text} may be null. */
  public record LogFilter(Op op, LongRange level, Times timestamp, Ids flowRunId, Ids taskRunId, TextSearch text) {}

  public enum LogSort { TIMESTAMP_ASC, TIMESTAMP_DESC }

  /** A {@code POST /logs/filter} request; a null filter matches every log. */
  public record LogRequest(LogFilter filter, LogSort sort, int limit, int offset) {}

  /** Prefect's VariableFilter ({@code POST /variables/filter}, {@code /variables/count}). */
  public record VariableFilter(Op op, Ids id, Strings name, Tags tags) {}

  public enum VariableSort { CREATED_DESC, UPDATED_DESC, NAME_DESC, NAME_ASC }

  /** A {@code POST /variables/filter} request; a null filter matches every variable. */
  public record VariableRequest(VariableFilter filter, VariableSort sort, int limit, int offset) {}

  /**
   * A {@code /filter} or {@code /paginate} request. {@code offset} is the effective row offset (for
   * paginate: {@code (page - 1) * limit}); {@code page} is 1 for plain filter requests.
   */
  public record ListRequest<S extends Enum<S>>(Query filter, S sort, int limit, int offset, int page) {}

  /** {@code /flow_runs/history}, {@code /task_runs/history}. */
  public record HistoryRequest(Instant start, Instant end, double intervalSeconds, Query filter) {}
}
