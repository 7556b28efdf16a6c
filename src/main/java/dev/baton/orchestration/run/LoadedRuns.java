package dev.baton.orchestration.run;

import dev.baton.orchestration.engine.Facts;
import dev.baton.orchestration.engine.FlowRunDraft;
import dev.baton.orchestration.engine.RunDraft;
import dev.baton.orchestration.engine.TaskRunDraft;
import dev.baton.persistence.OrchestrationStore;
import dev.baton.persistence.OrchestrationStore.FlowRunRow;
import dev.baton.persistence.OrchestrationStore.LoadedRun;
import dev.baton.persistence.OrchestrationStore.TaskRunRow;
import io.vertx.core.Future;
import io.vertx.sqlclient.SqlConnection;
import java.time.Instant;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;

/**
 * The lock-and-load statements of {@link OrchestrationStore}, with their plain rows turned into
 * what the engine works on ({@link LockedRun}: a fresh {@link RunDraft}, the current state and the
 * {@link Facts} of the parent flow run and the cache hit). Same statements, same round trips.
 */
public final class LoadedRuns {
  private LoadedRuns() {}

  public static Future<LockedRun> lockFlowRun(SqlConnection c, UUID id) {
    return OrchestrationStore.lockFlowRun(c, id).map(LoadedRuns::locked);
  }

  public static Future<LockedRun> lockTaskRun(SqlConnection c, UUID id, String cacheKeyToLookUp, Instant now) {
    return OrchestrationStore.lockTaskRun(c, id, cacheKeyToLookUp, now).map(LoadedRuns::locked);
  }

  public static Future<LockedRun> readTaskRun(SqlConnection c, UUID id, String cacheKeyToLookUp, Instant now) {
    return OrchestrationStore.readTaskRun(c, id, cacheKeyToLookUp, now).map(LoadedRuns::locked);
  }

  public static Future<Map<UUID, LockedRun>> lockFlowRuns(SqlConnection c, List<UUID> ids) {
    return OrchestrationStore.lockFlowRuns(c, ids).map(LoadedRuns::locked);
  }

  public static Future<Map<UUID, LockedRun>> lockTaskRuns(SqlConnection c, List<UUID> ids, List<String> cacheKeysToLookUp,
      Instant now) {
    return OrchestrationStore.lockTaskRuns(c, ids, cacheKeysToLookUp, now).map(LoadedRuns::locked);
  }

  private static Map<UUID, LockedRun> locked(Map<UUID, LoadedRun> rows) {
    Map<UUID, LockedRun> byId = new HashMap<>(rows.size() * 2);
    rows.forEach((id, row) -> byId.put(id, locked(row)));
    return byId;
  }

  /** The engine's view of a loaded run; null for null (no such run). */
  static LockedRun locked(LoadedRun row) {
    if (row == null) {
      return null;
    }
    Facts facts = Facts.NONE;
    if (row.run() instanceof TaskRunRow t) {
      Facts.ParentFlowRun parent = row.parent() == null ? null
          : new Facts.ParentFlowRun(row.parent().id(), row.parent().runCount(), row.parent().state());
      facts = facts.withParentFlowRun(parent, t.flowRunId() != null && parent == null).withCacheHit(row.cacheHit());
    }
    return new LockedRun(draft(row.run()), row.current(), facts, row.holdsNothing(), row.concurrencyFree());
  }

  private static RunDraft draft(OrchestrationStore.RunRow run) {
    if (run instanceof FlowRunRow f) {
      return new FlowRunDraft(f.id(), f.flowId(), f.deploymentId(), f.parentTaskRunId(), f.infrastructurePid(),
          f.policy(), f.tags(), f.stateId(), f.stateType(), f.stateName(), f.stateTimestamp(), f.runCount(),
          f.expectedStartTime(), f.nextScheduledStartTime(), f.startTime(), f.endTime(), f.totalRunTimeMicros());
    }
    TaskRunRow t = (TaskRunRow) run;
    return new TaskRunDraft(t.id(), t.flowRunId(), t.taskKey(), t.policy(), t.tags(), t.stateId(), t.stateType(),
        t.stateName(), t.stateTimestamp(), t.runCount(), t.flowRunRunCount(), t.expectedStartTime(),
        t.nextScheduledStartTime(), t.startTime(), t.endTime(), t.totalRunTimeMicros());
  }
}
