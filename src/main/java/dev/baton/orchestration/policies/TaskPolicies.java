package dev.baton.orchestration.policies;

import dev.baton.orchestration.bookkeeping.EnsureFlowRunStateTimestampIsUnique;
import dev.baton.orchestration.bookkeeping.IncrementRunTime;
import dev.baton.orchestration.bookkeeping.IncrementTaskRunCount;
import dev.baton.orchestration.bookkeeping.SetEndTime;
import dev.baton.orchestration.bookkeeping.SetExpectedStartTime;
import dev.baton.orchestration.bookkeeping.SetNextScheduledStartTime;
import dev.baton.orchestration.bookkeeping.SetRunStateName;
import dev.baton.orchestration.bookkeeping.SetRunStateTimestamp;
import dev.baton.orchestration.bookkeeping.SetRunStateType;
import dev.baton.orchestration.bookkeeping.SetStartTime;
import dev.baton.orchestration.bookkeeping.UpdateStateDetails;
import dev.baton.orchestration.engine.Policy;
import dev.baton.orchestration.rules.common.CopyScheduledTime;
import dev.baton.orchestration.rules.concurrency.ReleaseTaskConcurrencySlots;
import dev.baton.orchestration.rules.concurrency.SecureTaskConcurrencySlots;
import dev.baton.orchestration.rules.common.PreventPendingTransitions;
import dev.baton.orchestration.rules.common.WaitForScheduledTime;
import dev.baton.orchestration.rules.task.CacheInsertion;
import dev.baton.orchestration.rules.task.CacheRetrieval;
import dev.baton.orchestration.rules.task.CopyTaskParametersID;
import dev.baton.orchestration.rules.task.EnqueueScheduledTasks;
import dev.baton.orchestration.rules.task.HandleTaskTerminalStateTransitions;
import dev.baton.orchestration.rules.task.PreventRunningTasksFromStoppedFlows;
import dev.baton.orchestration.rules.task.RenameReruns;
import dev.baton.orchestration.rules.task.RetryFailedTasks;
import dev.baton.orchestration.rules.task.UpdateFlowRunTrackerOnTasks;

/** The task-run policies of spec/orchestration.md §4, in their exact order. */
public final class TaskPolicies {
  private TaskPolicies() {}

  /** {@code POST /task_runs/{id}/set_state} without force. */
  public static final Policy CORE = Policy.of("CoreTaskPolicy",
      // first: a cache hit replaces the proposal before any other check (and bypasses tag limits)
      new CacheRetrieval(),
      new HandleTaskTerminalStateTransitions(),
      new PreventRunningTasksFromStoppedFlows(),
      // after the checks that may refuse RUNNING without a slot, before the rules that may still
      // delay it (WaitForScheduledTime): a later refusal fizzles this rule and drops its acquisition
      new SecureTaskConcurrencySlots(),
      new CopyScheduledTime(),
      new WaitForScheduledTime(),
      new RetryFailedTasks(),
      // after HandleTaskTerminalStateTransitions: its run_count reset suppresses the rename here
      new RenameReruns(),
      new UpdateFlowRunTrackerOnTasks(),
      new CacheInsertion(),
      new ReleaseTaskConcurrencySlots()
  );

  /** {@code force=true}: only slot release (and the global bookkeeping). */
  public static final Policy MINIMAL = Policy.of("MinimalTaskPolicy",
      new ReleaseTaskConcurrencySlots()
  );

  /** Proposals whose state details say {@code deferred=true} (overrides force). */
  public static final Policy BACKGROUND = Policy.of("BackgroundTaskPolicy",
      new PreventPendingTransitions(),
      new CacheRetrieval(),
      new HandleTaskTerminalStateTransitions(),
      new CopyScheduledTime(),
      new CopyTaskParametersID(),
      new WaitForScheduledTime(),
      new RetryFailedTasks(),
      new RenameReruns(),
      new UpdateFlowRunTrackerOnTasks(),
      new CacheInsertion(),
      new ReleaseTaskConcurrencySlots(),
      new EnqueueScheduledTasks()
  );

  /** Bookkeeping for every task orchestration, whatever the policy. */
  public static final Policy GLOBAL = Policy.of("GlobalTaskPolicy",
      // Baton addition (not in Prefect's GlobalTaskPolicy): strictly increasing state timestamps.
      // First, so every later transform sees the final timestamp.
      new EnsureFlowRunStateTimestampIsUnique(),
      new SetRunStateType(),
      new SetRunStateName(),
      new SetRunStateTimestamp(),
      new SetStartTime(),
      // after SetStartTime: a run that never ran gets start_time from its first terminal state
      new SetEndTime(),
      new IncrementRunTime(),
      new SetExpectedStartTime(),
      new SetNextScheduledStartTime(),
      new UpdateStateDetails(),
      new IncrementTaskRunCount());
}
