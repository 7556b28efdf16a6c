package dev.baton.orchestration.engine;

import dev.baton.domain.State;
import java.time.Instant;
import java.util.UUID;

/**
 * A write that the orchestration service performs in the proposal's transaction after the engine
 * has decided. Effects emitted by a rule that later fizzles are dropped by the engine.
 */
public sealed interface Effect {

  /** CacheInsertion: remember a COMPLETED task state under its cache key. */
  record InsertCacheEntry(String cacheKey, Instant cacheExpiration, UUID taskRunStateId) implements Effect {}

  /**
   * UpdateSubflowParentTask: force the given state (already a fresh copy carrying
   * {@code child_flow_run_id}) onto the parent task run, through task orchestration with the minimal
   * policy.
   */
  record OrchestrateParentTaskRun(UUID taskRunId, State state) implements Effect {}

  /**
   * RetryFailedFlows, legacy clients (API version &lt; 0.8.3): force every FAILED task run of the flow
   * run into SCHEDULED "AwaitingRetry" at {@code scheduledTime} and reset its {@code run_count} to 0.
   */
  record ResetFailedTaskRunsForFlowRetry(UUID flowRunId, Instant scheduledTime) implements Effect {}

  /** Slot and lease writes (concurrency limits): see {@link ConcurrencyEffect}. */
  non-sealed interface Concurrency extends Effect {}
}
