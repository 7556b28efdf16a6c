package dev.baton.orchestration.policies;

import dev.baton.orchestration.bookkeeping.EnsureFlowRunStateTimestampIsUnique;
import dev.baton.orchestration.bookkeeping.IncrementFlowRunCount;
import dev.baton.orchestration.bookkeeping.IncrementRunTime;
import dev.baton.orchestration.bookkeeping.RemoveResumingIndicator;
import dev.baton.orchestration.bookkeeping.SetEndTime;
import dev.baton.orchestration.bookkeeping.SetExpectedStartTime;
import dev.baton.orchestration.bookkeeping.SetNextScheduledStartTime;
import dev.baton.orchestration.bookkeeping.SetRunStateName;
import dev.baton.orchestration.bookkeeping.SetRunStateTimestamp;
import dev.baton.orchestration.bookkeeping.SetRunStateType;
import dev.baton.orchestration.bookkeeping.SetStartTime;
import dev.baton.orchestration.bookkeeping.UpdateStateDetails;
import dev.baton.orchestration.bookkeeping.UpdateSubflowParentTask;
import dev.baton.orchestration.bookkeeping.UpdateSubflowStateDetails;
import dev.baton.orchestration.engine.Policy;
import dev.baton.orchestration.rules.common.CopyScheduledTime;
import dev.baton.orchestration.rules.concurrency.EnforceDeploymentConcurrencyOnLate;
import dev.baton.orchestration.rules.concurrency.ReleaseFlowConcurrencySlots;
import dev.baton.orchestration.rules.concurrency.RemoveDeploymentConcurrencyLeaseForOldClientVersions;
import dev.baton.orchestration.rules.concurrency.SecureFlowConcurrencySlots;
import dev.baton.orchestration.rules.concurrency.ValidateDeploymentConcurrencyAtRunning;
import dev.baton.orchestration.rules.common.PreventPendingTransitions;
import dev.baton.orchestration.rules.common.WaitForScheduledTime;
import dev.baton.orchestration.rules.flow.BypassCancellingFlowRunsWithNoInfra;
import dev.baton.orchestration.rules.flow.EnforceCancellingToCancelledTransition;
import dev.baton.orchestration.rules.flow.EnsureOnlyScheduledFlowsMarkedLate;
import dev.baton.orchestration.rules.flow.HandleFlowTerminalStateTransitions;
import dev.baton.orchestration.rules.flow.HandlePausingFlows;
import dev.baton.orchestration.rules.flow.HandleResumingPausedFlows;
import dev.baton.orchestration.rules.flow.PreserveDeploymentConcurrencyLeaseId;
import dev.baton.orchestration.rules.flow.PreventDuplicateTransitions;
import dev.baton.orchestration.rules.flow.PreventResultDataLoss;
import dev.baton.orchestration.rules.flow.RetryFailedFlows;

/** The flow-run policies of spec/orchestration.md §4, in their exact order. */
public final class FlowPolicies {
  private FlowPolicies() {}

  /** {@code set_state}, {@code bulk_set_state} and resume without force. */
  public static final Policy CORE = Policy.of("CoreFlowPolicy",
      // 1, universal: must run before any rule reads the proposal's lease id
      new PreserveDeploymentConcurrencyLeaseId(),
      // 2: a replayed request is answered before any other rule can act on it
      new PreventDuplicateTransitions(),
      new HandleFlowTerminalStateTransitions(),
      new EnforceCancellingToCancelledTransition(),
      new BypassCancellingFlowRunsWithNoInfra(),
      new PreventPendingTransitions(),
      // 7–9: after every rule that refuses a transition outright, so a refusal never takes a slot
      new ValidateDeploymentConcurrencyAtRunning(),
      new SecureFlowConcurrencySlots(),
      new RemoveDeploymentConcurrencyLeaseForOldClientVersions(),
      new EnsureOnlyScheduledFlowsMarkedLate(),
      // 11 before 12: PAUSED → PAUSED is refused by HandlePausingFlows (its wording), not by 12
      new HandlePausingFlows(),
      new HandleResumingPausedFlows(),
      new CopyScheduledTime(),
      new WaitForScheduledTime(),
      new RetryFailedFlows(),
      // 16 InstrumentFlowRunStateTransitions (universal) — events issue
      // 17, universal: its after hook sees the final written state (e.g. AwaitingRetry releases)
      new ReleaseFlowConcurrencySlots()
  );

  /** {@code force=true}: only the checks that survive force. */
  public static final Policy MINIMAL = Policy.of("MinimalFlowPolicy",
      new PreventResultDataLoss(),
      new BypassCancellingFlowRunsWithNoInfra(),
      // InstrumentFlowRunStateTransitions (universal) — events issue
      new ReleaseFlowConcurrencySlots()
  );

  /** The late-runs service marking SCHEDULED runs "Late". */
  public static final Policy MARK_LATE = Policy.of("MarkLateRunsPolicy",
      new EnsureOnlyScheduledFlowsMarkedLate(),
      new EnforceDeploymentConcurrencyOnLate()
      // InstrumentFlowRunStateTransitions (universal) — events issue
  );

  /** Bookkeeping for every flow orchestration, whatever the policy. */
  public static final Policy GLOBAL = Policy.of("GlobalFlowPolicy",
      // first, so every later transform sees the final timestamp (Baton version, see the class)
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
      new UpdateSubflowParentTask(),
      new UpdateSubflowStateDetails(),
      // IncrementFlowRunCount must read `resuming` before RemoveResumingIndicator clears it
      new IncrementFlowRunCount(),
      new RemoveResumingIndicator());
}
