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

  /** {@code {any_, not_any_, is_null_}} over a uuid column (each filter allows a subset of the keys). */
  public record Ids(List<UUID> any, List<UUID> notAny, Boolean isNull) {}

  /** {@code {any_, not_any_, like_, is_null_}} over a text column; {@code like_} is a case-insensitive substring. */
  public record Strings(List<String> any, List<String> notAny, String like, Boolean isNull) {}

  /** {@code {operator, all_, any_, is_null_}} over a jsonb array of strings. */
  public record Tags(Op op, List<String> all, List<String> any, Boolean isNull) {}

  /** {@code {before_, after_, is_null_}}: inclusive bounds. */
  public record Times(Instant before, Instant after, Boolean isNull) {}

  /** {@code state: {operator, type: {any_, not_any_}, name: {any_, not_any_}}}. */
  public record States(Op op, List<StateType> typeAny, List<StateType> typeNotAny, List<String> nameAny,
      List<String> nameNotAny) {}

  /** {@code created_by: {id_, type_, is_null_}} ({@code id_}/{@code type_} are any-of lists). */
  public record CreatedBy(List<UUID> id, List<String> type, Boolean isNull) {}

  /** {@code {ge_, le_, is_null_}} over an integer column. */
  public record IntRange(Integer ge, Integer le, Boolean isNull) {}

  public record FlowFilter(Op op, Ids id, Strings name, Tags tags, Boolean deploymentIsNull) {}

  public record FlowRunFilter(Op op, Ids id, Strings name, Tags tags, Ids deploymentId, Strings workQueueName,
      States state, Strings flowVersion, Times startTime, Times endTime, Times expectedStartTime,
      Times nextScheduledStartTime, Ids parentFlowRunId, Ids parentTaskRunId, Strings idempotencyKey,
      CreatedBy createdBy) {}

  public record TaskRunFilter(Op op, Ids id, Strings name, Tags tags, States state, Times startTime, Times endTime,
      Times expectedStartTime, Boolean subflowRunsExists, Ids flowRunId) {}

  public record DeploymentFilter(Op op, Ids id, Strings name, String flowOrDeploymentNameLike, Boolean paused,
      Tags tags, Strings workQueueName, IntRange concurrencyLimit) {}

  /**
   * {@code work_pools} / {@code work_queues}: Baton has no work-pool tables, so {@code name} applies to
   * the {@code work_pool_name}/{@code work_queue_name} columns and {@code id}/{@code type} match nothing.
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

  /** Prefect's LogFilter ({@code POST /logs/filter} body key {@code logs}). */
  public record LogFilter(Op op, LongRange level, Times timestamp, Ids flowRunId, Ids taskRunId) {}

  public enum LogSort { TIMESTAMP_ASC, TIMESTAMP_DESC }

  /** A {@code POST /logs/filter} request; a null filter matches every log. */
  public record LogRequest(LogFilter filter, LogSort sort, int limit, int offset) {}

  /**
   * A {@code /filter} or {@code /paginate} request. {@code offset} is the effective row offset (for
   * paginate: {@code (page - 1) * limit}); {@code page} is 1 for plain filter requests.
   */
  public record ListRequest<S extends Enum<S>>(Query filter, S sort, int limit, int offset, int page) {}

  /** {@code /flow_runs/history}, {@code /task_runs/history}. */
  public record HistoryRequest(Instant start, Instant end, double intervalSeconds, Query filter) {}
}
