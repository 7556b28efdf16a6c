package dev.baton.orchestration.run;

import dev.baton.orchestration.engine.Effect;
import dev.baton.orchestration.engine.FlowRunDraft;
import dev.baton.orchestration.engine.OrchestrationOutcome;
import dev.baton.orchestration.engine.RunDraft;
import dev.baton.orchestration.engine.TaskRunDraft;
import dev.baton.persistence.OrchestrationStore;
import dev.baton.persistence.ServerEventStore;
import dev.baton.persistence.TaskQueueStore;
import dev.baton.persistence.ServerEventStore.FlowRunStateEvent;
import dev.baton.persistence.OrchestrationStore.CacheEntryRow;
import dev.baton.persistence.OrchestrationStore.OutcomeWrite;
import dev.baton.persistence.OrchestrationStore.RunUpdate;
import io.vertx.core.Future;
import io.vertx.sqlclient.SqlConnection;
import java.util.ArrayList;
import java.util.List;

/**
 * An engine outcome as the rows {@link OrchestrationStore} writes: the state when one was written,
 * the run's columns when its draft changed, and one cache entry per {@link Effect.InsertCacheEntry};
 * and, in the same round trip, the queue rows of {@link Effect.EnqueueBackgroundTask}s.
 * Other effects are the {@link EffectApplier}'s. A flow run's state event ({@link FlowRunStateEvents})
 * is written in the same round trip.
 */
public final class OutcomeRows {
  private OutcomeRows() {}

  /**
   * Writes one outcome ({@link OrchestrationStore#writeOutcome}) and, pipelined behind it, the
   * flow-run state event it emits (null: none).
   */
  public static Future<Void> write(SqlConnection c, OrchestrationOutcome o, FlowRunStateEvent event) {
    Future<Void> written = OrchestrationStore.writeOutcome(c, of(o));
    List<TaskQueueStore.Queued> queued = queued(List.of(o));
    if (event == null && queued.isEmpty()) {
      return written;
    }
    return Future.all(written, event == null ? Future.succeededFuture()
            : ServerEventStore.insertFlowRunStateEvents(c, List.of(event)),
        TaskQueueStore.enqueue(c, queued)).mapEmpty();
  }

  /**
   * Writes a group's outcomes ({@link OrchestrationStore#writeOutcomes}) and, pipelined behind
   * them, the flow-run state events they emit.
   */
  public static Future<Void> writeAll(SqlConnection c, List<OrchestrationOutcome> outcomes,
      List<FlowRunStateEvent> events) {
    List<OutcomeWrite> rows = new ArrayList<>(outcomes.size());
    for (OrchestrationOutcome o : outcomes) {
      rows.add(of(o));
    }
    Future<Void> written = OrchestrationStore.writeOutcomes(c, rows);
    List<TaskQueueStore.Queued> queued = queued(outcomes);
    if (events.isEmpty() && queued.isEmpty()) {
      return written;
    }
    return Future.all(written, ServerEventStore.insertFlowRunStateEvents(c, events), TaskQueueStore.enqueue(c, queued))
        .mapEmpty();
  }

  /** The background task runs the outcomes queue (EnqueueScheduledTasks). */
  private static List<TaskQueueStore.Queued> queued(List<OrchestrationOutcome> outcomes) {
    List<TaskQueueStore.Queued> queued = List.of();
    for (OrchestrationOutcome o : outcomes) {
      for (Effect e : o.effects()) {
        if (e instanceof Effect.EnqueueBackgroundTask q) {
          if (queued.isEmpty()) {
            queued = new ArrayList<>();
          }
          queued.add(new TaskQueueStore.Queued(q.taskRunId(), q.taskKey(), q.retry(), q.deliverableAt()));
        }
      }
    }
    return queued;
  }

  static OutcomeWrite of(OrchestrationOutcome o) {
    RunDraft run = o.run();
    List<CacheEntryRow> cache = List.of();
    for (Effect e : o.effects()) {
      if (e instanceof Effect.InsertCacheEntry ce) {
        if (cache.isEmpty()) {
          cache = new ArrayList<>(2);
        }
        cache.add(new CacheEntryRow(ce.cacheKey(), ce.cacheExpiration(), ce.taskRunStateId()));
      }
    }
    boolean flow = run instanceof FlowRunDraft;
    return new OutcomeWrite(flow, run.id(), o.stateWritten() ? o.state() : null,
        run.changed() ? update(run) : null, cache);
  }

  private static RunUpdate update(RunDraft run) {
    return new RunUpdate(run.stateId(), run.stateType(), run.stateName(), run.stateTimestamp(), run.runCount(),
        run.expectedStartTime(), run.nextScheduledStartTime(), run.startTime(), run.endTime(),
        run.totalRunTimeMicros(), run instanceof FlowRunDraft f ? f.policy() : null,
        run instanceof TaskRunDraft t ? t.flowRunRunCount() : 0);
  }
}
