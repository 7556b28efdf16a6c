package dev.baton.orchestration.policies;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertSame;

import dev.baton.domain.RunKind;
import dev.baton.orchestration.engine.Policy;
import dev.baton.orchestration.engine.PolicyStep;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/** Policy selection (spec §2.5) and the exact order of every policy (spec §4). */
class PolicySelectorTest {

  @ParameterizedTest(name = "{0} force={1} deferred={2} -> {3}")
  @CsvSource({
      "TASK_RUN, false, false, CoreTaskPolicy",
      "TASK_RUN, true,  false, MinimalTaskPolicy",
      "TASK_RUN, false, true,  BackgroundTaskPolicy",
      "TASK_RUN, true,  true,  BackgroundTaskPolicy",   // deferred overrides force
      "FLOW_RUN, false, false, CoreFlowPolicy",
      "FLOW_RUN, true,  false, MinimalFlowPolicy",
      "FLOW_RUN, false, true,  CoreFlowPolicy",         // deferred means nothing for flows
      "FLOW_RUN, true,  true,  MinimalFlowPolicy"})
  void selection(RunKind kind, boolean force, boolean deferred, String expected) {
    assertEquals(expected, PolicySelector.select(kind, force, deferred).name());
  }

  @ParameterizedTest
  @CsvSource({"SET_STATE, false, CoreFlowPolicy", "SET_STATE, true, MinimalFlowPolicy",
      "MARK_LATE, false, MarkLateRunsPolicy", "MARK_LATE, true, MarkLateRunsPolicy"})
  void flowCalls(PolicySelector.FlowCall call, boolean force, String expected) {
    assertEquals(expected, PolicySelector.forFlow(call, force).name());
  }

  @Test
  void globalPolicies() {
    assertSame(TaskPolicies.GLOBAL, PolicySelector.global(RunKind.TASK_RUN));
    assertSame(FlowPolicies.GLOBAL, PolicySelector.global(RunKind.FLOW_RUN));
  }

  private static List<String> names(Policy p) {
    return p.steps().stream().map(PolicyStep::name).toList();
  }

  @Test
  void taskPolicyOrder() {
    assertEquals(List.of("CacheRetrieval", "HandleTaskTerminalStateTransitions", "PreventRunningTasksFromStoppedFlows",
        "SecureTaskConcurrencySlots", "CopyScheduledTime", "WaitForScheduledTime", "RetryFailedTasks", "RenameReruns",
        "UpdateFlowRunTrackerOnTasks", "CacheInsertion", "ReleaseTaskConcurrencySlots"), names(TaskPolicies.CORE));
    assertEquals(List.of("ReleaseTaskConcurrencySlots"), names(TaskPolicies.MINIMAL));
    assertEquals(List.of("PreventPendingTransitions", "CacheRetrieval", "HandleTaskTerminalStateTransitions",
        "CopyScheduledTime", "CopyTaskParametersID", "WaitForScheduledTime", "RetryFailedTasks", "RenameReruns",
        "UpdateFlowRunTrackerOnTasks", "CacheInsertion", "ReleaseTaskConcurrencySlots", "EnqueueScheduledTasks"),
        names(TaskPolicies.BACKGROUND));
    assertEquals(List.of("EnsureFlowRunStateTimestampIsUnique", "SetRunStateType", "SetRunStateName",
        "SetRunStateTimestamp", "SetStartTime", "SetEndTime", "IncrementRunTime", "SetExpectedStartTime",
        "SetNextScheduledStartTime", "UpdateStateDetails", "IncrementTaskRunCount"), names(TaskPolicies.GLOBAL));
  }

  @Test
  void flowPolicyOrder() {
    assertEquals(List.of("PreserveDeploymentConcurrencyLeaseId", "PreventDuplicateTransitions",
        "HandleFlowTerminalStateTransitions", "EnforceCancellingToCancelledTransition",
        "BypassCancellingFlowRunsWithNoInfra", "PreventPendingTransitions", "ValidateDeploymentConcurrencyAtRunning",
        "SecureFlowConcurrencySlots", "RemoveDeploymentConcurrencyLeaseForOldClientVersions",
        "EnsureOnlyScheduledFlowsMarkedLate", "HandlePausingFlows", "HandleResumingPausedFlows", "CopyScheduledTime",
        "WaitForScheduledTime", "RetryFailedFlows", "ReleaseFlowConcurrencySlots"), names(FlowPolicies.CORE));
    assertEquals(List.of("PreventResultDataLoss", "BypassCancellingFlowRunsWithNoInfra", "ReleaseFlowConcurrencySlots"),
        names(FlowPolicies.MINIMAL));
    assertEquals(List.of("EnsureOnlyScheduledFlowsMarkedLate", "EnforceDeploymentConcurrencyOnLate"),
        names(FlowPolicies.MARK_LATE));
    assertEquals(List.of("EnsureFlowRunStateTimestampIsUnique", "SetRunStateType", "SetRunStateName",
        "SetRunStateTimestamp", "SetStartTime", "SetEndTime", "IncrementRunTime", "SetExpectedStartTime",
        "SetNextScheduledStartTime", "UpdateStateDetails", "UpdateSubflowParentTask", "UpdateSubflowStateDetails",
        "IncrementFlowRunCount", "RemoveResumingIndicator"), names(FlowPolicies.GLOBAL));
  }
}
