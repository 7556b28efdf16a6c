package dev.baton.orchestration.engine;

import dev.baton.domain.State;
import java.time.Instant;
import java.util.UUID;

/**
 * A write that the orchestration service performs in the proposal's transaction after the engine
 * has decided. Effects emitted by a rule that later fizzles are dropped by the engine.
 */
public sealed interface Effect {

  /**
   * Which writer covers an effect. The write paths choose by it: a lone proposal pipelines its COMMIT
   * behind one statement when every effect is {@link #WITH_OUTCOME} or {@link #AFTER_COMMIT}; a group
   * writes a run only when its effects are among those the group writes.
   */
  enum Writer {
    /** Written with the outcome's own statement, in its round trip (cache entries, background-task queue rows). */
    WITH_OUTCOME,
    /** Never in the transaction: recorded in batches after it (denied slots). */
    AFTER_COMMIT,
    /** A lease given back: a group writes every release of its runs in one statement. */
    LEASE_RELEASE,
    /** Slots taken: a group writes them on limits it has locked. */
    SLOT_ACQUISITION,
    /** A statement of its own in the proposal's transaction (lease renewals, legacy v1 rows). */
    OWN_STATEMENT,
    /** Another run orchestrated in the same transaction (subflow mirroring, legacy flow retries). */
    NESTED_ORCHESTRATION
  }

  /** The writer that covers this effect. */
  Writer writer();

  /** CacheInsertion: remember a COMPLETED task state under its cache key. */
  record InsertCacheEntry(String cacheKey, Instant cacheExpiration, UUID taskRunStateId) implements Effect {
    @Override
    public Writer writer() {
      return Writer.WITH_OUTCOME;
    }
  }

  /**
   * UpdateSubflowParentTask: force the given state (already a fresh copy carrying
   * {@code child_flow_run_id}) onto the parent task run, through task orchestration with the minimal
   * policy.
   */
  record OrchestrateParentTaskRun(UUID taskRunId, State state) implements Effect {
    @Override
    public Writer writer() {
      return Writer.NESTED_ORCHESTRATION;
    }
  }

  /**
   * RetryFailedFlows, legacy clients (API version &lt; 0.8.3): force every FAILED task run of the flow
   * run into SCHEDULED "AwaitingRetry" at {@code scheduledTime} and reset its {@code run_count} to 0.
   */
  record ResetFailedTaskRunsForFlowRetry(UUID flowRunId, Instant scheduledTime) implements Effect {
    @Override
    public Writer writer() {
      return Writer.NESTED_ORCHESTRATION;
    }
  }

  /**
   * EnqueueScheduledTasks: queue a deferred task run for the task workers of {@code taskKey}, on the
   * retry queue ({@code retry}) or the scheduled queue, deliverable from {@code deliverableAt}.
   * Written with the outcome (one statement for all of a group's).
   */
  record EnqueueBackgroundTask(UUID taskRunId, String taskKey, boolean retry, Instant deliverableAt) implements Effect {
    @Override
    public Writer writer() {
      return Writer.WITH_OUTCOME;
    }
  }

  /** Slot and lease writes (concurrency limits): see {@link ConcurrencyEffect}. */
  non-sealed interface Concurrency extends Effect {}
}
