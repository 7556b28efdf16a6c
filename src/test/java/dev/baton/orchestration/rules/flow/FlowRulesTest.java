package dev.baton.orchestration.rules.flow;

import static dev.baton.domain.StateType.CANCELLED;
import static dev.baton.domain.StateType.CANCELLING;
import static dev.baton.domain.StateType.COMPLETED;
import static dev.baton.domain.StateType.CRASHED;
import static dev.baton.domain.StateType.FAILED;
import static dev.baton.domain.StateType.PAUSED;
import static dev.baton.domain.StateType.PENDING;
import static dev.baton.domain.StateType.RUNNING;
import static dev.baton.domain.StateType.SCHEDULED;
import static dev.baton.orchestration.Kit.NOW;
import static dev.baton.orchestration.Kit.details;
import static dev.baton.orchestration.Kit.initial;
import static dev.baton.orchestration.Kit.only;
import static dev.baton.orchestration.Kit.proposal;
import static dev.baton.orchestration.Kit.assertAbort;
import static dev.baton.orchestration.Kit.assertAccepted;
import static dev.baton.orchestration.Kit.assertNullReject;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.baton.domain.ApiVersion;
import dev.baton.domain.FlowRunPolicy;
import dev.baton.domain.OrchestrationDetails;
import dev.baton.domain.OrchestrationStatus;
import dev.baton.domain.State;
import dev.baton.domain.StateType;
import dev.baton.orchestration.Kit;
import dev.baton.orchestration.engine.Effect;
import dev.baton.orchestration.engine.Facts;
import dev.baton.orchestration.engine.FlowRunDraft;
import dev.baton.orchestration.engine.OrchestrationOutcome;
import dev.baton.orchestration.policies.FlowPolicies;
import java.util.List;
import java.util.UUID;
import org.junit.jupiter.api.Nested;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.EnumSource;
import org.junit.jupiter.params.provider.ValueSource;

/** Flow rules at rule and policy level: scenarios.md sections B, C, D, E, F (40–48), G. */
class FlowRulesTest {

  static OrchestrationOutcome core(FlowRunDraft run, State initial, State proposed) {
    return core(run, initial, proposed, Facts.NONE);
  }

  static OrchestrationOutcome core(FlowRunDraft run, State initial, State proposed, Facts facts) {
    return Kit.full(FlowPolicies.CORE, FlowPolicies.GLOBAL, run, initial, proposed, facts);
  }

  static OrchestrationOutcome forced(FlowRunDraft run, State initial, State proposed) {
    return Kit.full(FlowPolicies.MINIMAL, FlowPolicies.GLOBAL, run, initial, proposed, Facts.NONE);
  }

  static FlowRunPolicy policy(List<String> keys, boolean resuming, String retryType) {
    return new FlowRunPolicy(0, 0, null, null, keys, resuming, retryType);
  }

  @Nested
  class Basic {
    @Test
    void s9_firstState() {
      State p = proposal(RUNNING, "Test State");
      OrchestrationOutcome out = core(Kit.flow().build(), null, p);
      assertAccepted(out, p);
      assertEquals("Test State", out.state().name());
    }

    @ParameterizedTest
    @CsvSource({"PENDING, Test State, Test State", "PENDING, Pending, Pending", "RUNNING, Running, Pending",
        "PENDING, Submitting, Pending", "PENDING, InfrastructurePending, Pending"})
    void s10_s11_s12_s13_pendingAgainAborts(StateType from, String fromName, String toName) {
      State current = initial(from, fromName);
      OrchestrationOutcome out = core(Kit.flow().state(current).build(), current, proposal(PENDING, toName));
      assertAbort(out, current, "This run is in a " + from.name() + " state and cannot transition to a PENDING state.");
    }

    @ParameterizedTest
    @CsvSource({"Pending, Submitting", "Submitting, InfrastructurePending"})
    void s13_namedPendingSubStatesInheritScheduleAndLease(String fromName, String toName) {
      UUID lease = Kit.id();
      State current = details(initial(PENDING, fromName), d -> d.scheduledTime(NOW.minusSeconds(5))
          .deploymentConcurrencyLeaseId(lease));
      State p = details(proposal(PENDING, toName), d -> d.scheduledTime(NOW.plusSeconds(99)));
      OrchestrationOutcome out = core(Kit.flow().state(current).build(), current, p);
      assertAccepted(out, p);
      assertEquals(NOW.minusSeconds(5), out.state().details().scheduledTime());
      assertEquals(lease, out.state().details().deploymentConcurrencyLeaseId());
    }

    @ParameterizedTest
    @EnumSource(value = StateType.class, names = {"SCHEDULED", "PAUSED", "COMPLETED", "FAILED", "CRASHED"})
    void s14_otherOriginsMayEnterPending(StateType from) {
      State current = initial(from);
      State p = proposal(PENDING);
      assertAccepted(only(new dev.baton.orchestration.rules.common.PreventPendingTransitions(),
          Kit.flow().state(current).build(), current, p), p);
    }

    @Test
    void s15_duplicateTransitionIdIsRefused() {
      UUID t = Kit.id();
      State current = details(initial(PENDING), d -> d.transitionId(t));
      OrchestrationOutcome out = core(Kit.flow().state(current).build(), current,
          details(proposal(PENDING, "Test State"), d -> d.transitionId(t)));
      assertNullReject(out, current, "This run has already made this state transition.");
      State other = details(proposal(RUNNING), d -> d.transitionId(Kit.id()));
      assertAccepted(core(Kit.flow().state(current).build(), current, other), other);
      State none = proposal(RUNNING);
      assertAccepted(core(Kit.flow().state(current).build(), current, none), none);
    }

    @Test
    void s16_s17_futureScheduledTimeWaits() {
      State scheduled = details(initial(SCHEDULED), d -> d.scheduledTime(NOW.plusSeconds(86400)));
      OrchestrationOutcome out = core(Kit.flow().state(scheduled).build(), scheduled, proposal(RUNNING));
      assertEquals(OrchestrationStatus.WAIT, out.status());
      assertEquals(OrchestrationDetails.waitFor(86400, "Scheduled time is in the future"), out.details());
      assertEquals(scheduled, out.state());
      assertFalse(out.stateWritten());
      State p = proposal(RUNNING);
      assertAccepted(forced(Kit.flow().state(scheduled).build(), scheduled, p), p);
    }

    @ParameterizedTest
    @EnumSource(value = StateType.class, names = {"SCHEDULED", "PENDING"})
    void s18_waitOnlyWhileInTheFuture(StateType from) {
      State past = details(initial(from), d -> d.scheduledTime(NOW.minusSeconds(300)));
      State p = proposal(RUNNING);
      assertAccepted(core(Kit.flow().state(past).build(), past, p), p);
      State future = details(initial(from), d -> d.scheduledTime(NOW.plusSeconds(300)));
      assertEquals(300, core(Kit.flow().state(future).build(), future, proposal(RUNNING)).details().delaySeconds());
    }

    @Test
    void s19_scheduledTimeCopiedIntoPending() {
      State scheduled = details(initial(SCHEDULED), d -> d.scheduledTime(NOW.plusSeconds(7)));
      OrchestrationOutcome out = core(Kit.flow().state(scheduled).build(), scheduled, proposal(PENDING));
      assertEquals(NOW.plusSeconds(7), out.state().details().scheduledTime());
    }

    @ParameterizedTest
    @ValueSource(strings = {"1", "\"test\"", "{\"foo\":\"bar\"}"})
    void s20_completedWithAnyData(String data) {
      State p = proposal(COMPLETED).withData(Kit.json(data));
      OrchestrationOutcome out = core(Kit.flow().build(), null, p);
      assertAccepted(out, p);
      assertEquals(Kit.json(data), out.state().data());
    }
  }

  @Nested
  class Terminal {
    @ParameterizedTest
    @EnumSource(value = StateType.class, names = {"COMPLETED", "FAILED", "CANCELLED", "CRASHED"})
    void s21_noCrashedCancellingPausedAfterTerminal(StateType from) {
      for (StateType to : List.of(CRASHED, CANCELLING, PAUSED)) {
        State current = initial(from);
        assertAbort(only(new HandleFlowTerminalStateTransitions(), Kit.flow().state(current).build(), current,
            proposal(to)), current, "Run is already in terminal state " + from.name() + ".");
      }
    }

    @ParameterizedTest
    @EnumSource(value = StateType.class, names = {"RUNNING", "PENDING", "SCHEDULED"})
    void s22_completedWithoutDataMayRerun(StateType to) {
      State current = initial(COMPLETED);
      State p = proposal(to);
      assertAccepted(core(Kit.flow().deployment().state(current).build(), current, p), p);
    }

    @ParameterizedTest
    @EnumSource(value = StateType.class, names = {"RUNNING", "PENDING", "SCHEDULED"})
    void s22_completedWithResultRefusesNonTerminal(StateType to) {
      State current = initial(COMPLETED).withData(Kit.result());
      assertNullReject(core(Kit.flow().deployment().state(current).build(), current, proposal(to)), current,
          "Run is already COMPLETED.");
    }

    @Test
    void s23_s26_resultCannotBeOverwrittenEvenWhenForced() {
      State current = initial(COMPLETED).withData(Kit.result());
      String reason = "Cannot overwrite a COMPLETED state that carries persisted result data with one that does not.";
      assertNullReject(forced(Kit.flow().state(current).build(), current, proposal(COMPLETED)), current, reason);
      assertNullReject(forced(Kit.flow().state(current).build(), current,
          proposal(COMPLETED).withData(Kit.json("1"))), current, reason);
      assertNullReject(core(Kit.flow().state(current).build(), current, proposal(COMPLETED)), current, reason);
    }

    @Test
    void s24_newResultMayReplaceAResult() {
      State current = initial(COMPLETED).withData(Kit.result());
      State p = proposal(COMPLETED).withData(Kit.json("{\"storage_key\":\"new-key\"}"));
      assertAccepted(forced(Kit.flow().state(current).build(), current, p), p);
    }

    @ParameterizedTest
    @ValueSource(strings = {"1", "[1,2,3]", "{\"type\":\"unpersisted\"}"})
    void s25_s27_nonPersistedDataIsNotProtected(String data) {
      State current = initial(COMPLETED).withData(Kit.json(data));
      State p = proposal(COMPLETED);
      assertAccepted(forced(Kit.flow().state(current).build(), current, p), p);
      State q = proposal(COMPLETED);
      assertAccepted(core(Kit.flow().state(current).build(), current, q), q);
    }

    @ParameterizedTest
    @CsvSource({"1, , AwaitingRetry", "3, 2, AwaitingRetry", "3, 2, FooBar"})
    void s28_s29_manualRetryWithDeployment(int runCount, Integer retries, String name) {
      State failed = initial(FAILED);
      FlowRunDraft run = Kit.flow().deployment().retries(retries, null).runCount(runCount).state(failed)
          .policy(new FlowRunPolicy(0, 0, retries, null, List.of("k"), true, "in_process")).build();
      State p = proposal(SCHEDULED, name);
      OrchestrationOutcome out = core(run, failed, p);
      assertAccepted(out, p);
      assertEquals(SCHEDULED, run.stateType());
      assertEquals(runCount, run.runCount());
      assertEquals("reschedule", run.policy().retryType());
      assertEquals(List.of(), run.policy().pauseKeys());
      assertFalse(run.policy().resuming());
    }

    @Test
    void s30_noRescheduleWithoutDeployment() {
      State failed = initial(FAILED);
      FlowRunDraft run = Kit.flow().runCount(1).state(failed).build();
      assertAbort(core(run, failed, proposal(SCHEDULED, "AwaitingRetry")), failed,
          "Cannot reschedule a run without an associated deployment.");
      assertEquals(FAILED, run.stateType());
      assertEquals(1, run.runCount());
    }

    @Test
    void s31_terminalTargetLeavesThePolicyAlone() {
      State failed = initial(FAILED);
      FlowRunDraft run = Kit.flow().deployment().policy(policy(List.of("k"), false, null)).state(failed).build();
      State p = proposal(FAILED);
      assertAccepted(core(run, failed, p), p);
      assertNull(run.policy().retryType());
      assertEquals(List.of("k"), run.policy().pauseKeys());
    }

    @Test
    void oldApiVersionsKeepThePolicyOnRerun() {
      State failed = initial(FAILED);
      FlowRunDraft run = Kit.flow().policy(policy(List.of("k"), true, "x")).state(failed).build();
      core(run, failed, proposal(RUNNING), Facts.NONE.withApiVersion(new ApiVersion(0, 8, 3)));
      assertEquals(List.of("k"), run.policy().pauseKeys());
      assertEquals("x", run.policy().retryType());
    }

    @Test
    void policyResetIsRevertedWhenTheTransitionChangesLater() {
      // FAILED → PAUSED is aborted; FAILED → SCHEDULED "Late" from a non-scheduled run is rejected later
      State failed = initial(FAILED);
      FlowRunDraft run = Kit.flow().deployment().policy(policy(List.of("k"), true, "x")).state(failed).build();
      OrchestrationOutcome out = core(run, failed, proposal(SCHEDULED, "Late"));
      assertEquals("Only scheduled flows can be marked late.", out.details().reason());
      assertEquals(policy(List.of("k"), true, "x"), run.policy());
    }
  }

  @Nested
  class Retries {
    @Test
    void s32_retryIntoAwaitingRetry() {
      State running = initial(RUNNING);
      FlowRunDraft run = Kit.flow().policy(new FlowRunPolicy(0, 0, 1, 30, List.of("k"), true, null))
          .runCount(1).state(running).build();
      State p = new State(Kit.id(), FAILED, "Failed", NOW, "boom", Kit.result(), null);
      OrchestrationOutcome out = core(run, running, p);
      assertEquals(OrchestrationStatus.REJECT, out.status());
      assertEquals("Retrying", out.details().reason());
      assertTrue(out.stateWritten());
      assertEquals(SCHEDULED, out.state().type());
      assertEquals("AwaitingRetry", out.state().name());
      assertEquals(NOW.plusSeconds(30), out.state().details().scheduledTime());
      assertEquals("boom", out.state().message());
      assertEquals(Kit.result(), out.state().data());
      assertEquals("in_process", run.policy().retryType());
      assertEquals(List.of(), run.policy().pauseKeys());
      assertFalse(run.policy().resuming());
      assertTrue(out.effects().isEmpty());
    }

    @Test
    void s33_noRetriesLeft() {
      State running = initial(RUNNING);
      FlowRunDraft run = Kit.flow().policy(new FlowRunPolicy(0, 0, 1, null, List.of(), false, "in_process"))
          .runCount(2).state(running).build();
      State p = proposal(FAILED);
      assertAccepted(core(run, running, p), p);
      assertNull(run.policy().retryType());
    }

    @Test
    void s34_awaitingRetryToRunningIsNotRenamed() {
      State retry = details(initial(SCHEDULED, "AwaitingRetry"), d -> d.scheduledTime(NOW.minusSeconds(1)));
      FlowRunDraft run = Kit.flow().runCount(1).state(retry).build();
      State p = proposal(RUNNING);
      OrchestrationOutcome out = core(run, retry, p);
      assertAccepted(out, p);
      assertEquals("Running", out.state().name());
      assertEquals(2, run.runCount());
    }

    @Test
    void legacyClientsGetTheirFailedTaskRunsReset() {
      State running = initial(RUNNING);
      FlowRunDraft run = Kit.flow().retries(1, 5).runCount(1).state(running).build();
      OrchestrationOutcome out = core(run, running, proposal(FAILED),
          Facts.NONE.withApiVersion(new ApiVersion(0, 8, 2)));
      assertEquals(List.of(new Effect.ResetFailedTaskRunsForFlowRetry(run.id(), NOW.plusSeconds(5))), out.effects());
      assertNull(run.policy().retryType()); // < 0.8.4: the policy is not reset
    }
  }

  @Nested
  class Cancellation {
    @ParameterizedTest
    @EnumSource(value = StateType.class, names = {"CANCELLED"}, mode = EnumSource.Mode.EXCLUDE)
    void s35_cancellingOnlyToCancelled(StateType to) {
      State current = initial(CANCELLING);
      OrchestrationOutcome out = only(new EnforceCancellingToCancelledTransition(),
          Kit.flow().state(current).build(), current, proposal(to));
      assertNullReject(out, current, "Cannot transition flows that are cancelling to a state other than Cancelled.");
    }

    @Test
    void s35_cancelledToOthersIsNotThisRulesConcern() {
      State current = initial(CANCELLED);
      State p = proposal(RUNNING);
      assertAccepted(only(new EnforceCancellingToCancelledTransition(), Kit.flow().state(current).build(),
          current, p), p);
    }

    @Test
    void s36_scheduledWithoutPidBecomesCancelled() {
      State current = initial(SCHEDULED);
      OrchestrationOutcome out = core(Kit.flow().state(current).build(), current, proposal(CANCELLING));
      assertEquals(OrchestrationStatus.REJECT, out.status());
      assertEquals("Scheduled flow run has no infrastructure to terminate.", out.details().reason());
      assertEquals(CANCELLED, out.state().type());
      assertEquals("Cancelled", out.state().name());
      assertTrue(out.stateWritten());
      State p = proposal(CANCELLING);
      assertAccepted(core(Kit.flow().pid("123").state(current).build(), current, p), p);
    }

    @Test
    void s37_resumingWithPidBecomesCancelled() {
      State current = initial(SCHEDULED, "Resuming");
      OrchestrationOutcome out = core(Kit.flow().pid("123").state(current).build(), current, proposal(CANCELLING));
      assertEquals(CANCELLED, out.state().type());
    }

    @Test
    void s38_suspendedBecomesCancelledEvenWhenForced() {
      State current = details(initial(PAUSED, "Suspended"), d -> d.pauseReschedule(true));
      for (boolean force : new boolean[] {false, true}) {
        FlowRunDraft run = Kit.flow().deployment().pid("1").state(current).build();
        OrchestrationOutcome out = force ? forced(run, current, proposal(CANCELLING))
            : core(run, current, proposal(CANCELLING));
        assertEquals(OrchestrationStatus.REJECT, out.status());
        assertEquals("Suspended flow run has no infrastructure to terminate.", out.details().reason());
        assertEquals(CANCELLED, out.state().type());
      }
    }

    @Test
    void s39_runningToCancellingToCancelled() {
      State running = initial(RUNNING);
      State p = proposal(CANCELLING);
      assertAccepted(core(Kit.flow().state(running).build(), running, p), p);
      State cancelling = initial(CANCELLING);
      State q = proposal(CANCELLED);
      assertAccepted(core(Kit.flow().state(cancelling).build(), cancelling, q), q);
    }

    @Test
    void quirk8_blockingPauseToCancellingOnlyWithForce() {
      State paused = initial(PAUSED);
      OrchestrationOutcome out = core(Kit.flow().pid("1").state(paused).build(), paused, proposal(CANCELLING));
      assertNullReject(out, paused, "This run cannot transition to the StateType.CANCELLING state from the StateType.PAUSED state.");
      State p = proposal(CANCELLING);
      assertAccepted(forced(Kit.flow().pid("1").state(paused).build(), paused, p), p);
    }
  }

  @Nested
  class Pausing {
    State running = initial(RUNNING);

    @Test
    void s40_pauseKeyRecordedOnceThenRefused() {
      FlowRunDraft run = Kit.flow().state(running).build();
      State p = details(proposal(PAUSED), d -> d.pauseKey("hello").pauseTimeout(NOW.plusSeconds(1000)));
      assertAccepted(core(run, running, p), p);
      assertEquals(List.of("hello"), run.policy().pauseKeys());
      FlowRunDraft again = Kit.flow().policy(run.policy()).state(running).build();
      assertNullReject(core(again, running, details(proposal(PAUSED), d -> d.pauseKey("hello"))), running,
          "This pause has already fired.");
      assertEquals(List.of("hello"), again.policy().pauseKeys());
    }

    @Test
    void s41_randomKeyWhenNoneGiven() {
      FlowRunDraft run = Kit.flow().state(running).build();
      State p = proposal(PAUSED);
      assertAccepted(core(run, running, p), p);
      assertEquals(1, run.policy().pauseKeys().size());
      UUID.fromString(run.policy().pauseKeys().get(0));
      assertNull(p.details().pauseKey());
    }

    @Test
    void s42_pauseNeedsARunningRun() {
      assertAbort(core(Kit.flow().build(), null, proposal(PAUSED)), null, "Cannot pause flows with no state.");
      for (StateType from : StateType.values()) {
        if (from == RUNNING) {
          continue;
        }
        State current = initial(from);
        assertNullReject(only(new HandlePausingFlows(), Kit.flow().state(current).build(), current,
            proposal(PAUSED)), current, "Cannot pause flows that are not currently running.");
      }
    }

    @Test
    void s43_suspendNeedsADeploymentAndATopLevelRun() {
      State suspend = details(proposal(PAUSED), d -> d.pauseReschedule(true));
      assertAbort(core(Kit.flow().state(running).build(), running, suspend), running,
          "Cannot pause flows without a deployment.");
      assertAbort(core(Kit.flow().state(running).build(), running, suspend.withName("Suspended")), running,
          "Cannot suspend flows without a deployment.");
      assertAbort(core(Kit.flow().deployment().parentTask(Kit.id()).state(running).build(), running, suspend),
          running, "Cannot pause subflows.");
      FlowRunDraft run = Kit.flow().deployment().state(running).build();
      assertAccepted(core(run, running, suspend), suspend);
      assertEquals(1, run.policy().pauseKeys().size());
    }

    @Test
    void s43_abortedPauseRecordsNoKey() {
      FlowRunDraft run = Kit.flow().state(running).build();
      core(run, running, details(proposal(PAUSED), d -> d.pauseKey("x").pauseReschedule(true)));
      assertEquals(List.of(), run.policy().pauseKeys());
    }
  }

  @Nested
  class Resuming {
    State paused = details(initial(PAUSED), d -> d.pauseTimeout(NOW.plusSeconds(600)));

    @ParameterizedTest
    @EnumSource(value = StateType.class, names = {"RUNNING", "COMPLETED", "SCHEDULED", "FAILED", "CRASHED", "CANCELLED"})
    void s44_s47_resumeTargetsAccepted(StateType to) {
      FlowRunDraft run = Kit.flow().deployment().state(paused).build();
      State p = proposal(to);
      assertAccepted(only(new HandleResumingPausedFlows(), run, paused, p), p);
      assertTrue(run.policy().resuming());
    }

    @ParameterizedTest
    @EnumSource(value = StateType.class, names = {"PENDING", "CANCELLING", "PAUSED"})
    void s44_otherTargetsRefused(StateType to) {
      FlowRunDraft run = Kit.flow().deployment().state(paused).build();
      assertNullReject(only(new HandleResumingPausedFlows(), run, paused, proposal(to)), paused,
          "This run cannot transition to the StateType." + to.name() + " state from the StateType.PAUSED state.");
      assertTrue(run.policy().resuming()); // quirk §8.1
    }

    @Test
    void s44_pausedToPausedThroughThePolicy() {
      FlowRunDraft run = Kit.flow().deployment().state(paused).build();
      assertNullReject(core(run, paused, proposal(PAUSED)), paused, "Cannot pause flows that are not currently running.");
      assertFalse(run.policy().resuming());
    }

    @Test
    void s45_suspendedRunNeedsADeployment() {
      State suspended = details(initial(PAUSED, "Suspended"), d -> d.pauseReschedule(true));
      assertNullReject(core(Kit.flow().state(suspended).build(), suspended, proposal(RUNNING)), suspended,
          "Cannot reschedule a running flow run without a deployment.");
      State p = proposal(RUNNING);
      assertAccepted(core(Kit.flow().state(paused).build(), paused, p), p);
    }

    @Test
    void s46_expiredPauseFails() {
      State expired = details(initial(PAUSED), d -> d.pauseTimeout(NOW.minusSeconds(300)));
      FlowRunDraft run = Kit.flow().deployment().state(expired).build();
      OrchestrationOutcome out = core(run, expired, proposal(RUNNING));
      assertEquals(OrchestrationStatus.REJECT, out.status());
      assertEquals("The flow run pause has timed out and can no longer resume.", out.details().reason());
      assertEquals(FAILED, out.state().type());
      assertEquals("The flow was running and never resumed.", out.state().message());
      assertTrue(out.stateWritten());
      // quirk §8.1: the after hook (which runs after the bookkeeping's before hooks) marks even the failed run
      assertTrue(run.policy().resuming());
    }

    @Test
    void s47_quirk2_blockingResumeCountsARun() {
      FlowRunDraft run = Kit.flow().runCount(1).state(paused).build();
      core(run, paused, proposal(RUNNING));
      assertTrue(run.policy().resuming());
      assertEquals(2, run.runCount());
    }

    @ParameterizedTest
    @EnumSource(value = StateType.class, names = {"PAUSED", "PENDING"})
    void s48_resumingRunEntersRunningWithoutCounting(StateType from) {
      State current = from == PAUSED ? paused : initial(PENDING);
      FlowRunDraft run = Kit.flow().policy(policy(List.of(), true, null)).runCount(1).state(current).build();
      Kit.full(Kit.NO_GLOBAL, FlowPolicies.GLOBAL, run, current, proposal(RUNNING), Facts.NONE);
      assertEquals(1, run.runCount());
      assertFalse(run.policy().resuming());
    }
  }

  @Nested
  class Late {
    @Test
    void s50_markLate() {
      State scheduled = initial(SCHEDULED);
      State p = proposal(SCHEDULED, "Late");
      assertAccepted(Kit.full(FlowPolicies.MARK_LATE, FlowPolicies.GLOBAL, Kit.flow().state(scheduled).build(),
          scheduled, p, Facts.NONE), p);
      State late = initial(SCHEDULED, "Late");
      assertNullReject(core(Kit.flow().state(late).build(), late, proposal(SCHEDULED, "Late")), late,
          "This flow run is already marked late.");
      State q = proposal(SCHEDULED, "Late");
      assertAccepted(core(Kit.flow().build(), null, q), q);
    }

    @ParameterizedTest
    @EnumSource(value = StateType.class, names = {"RUNNING", "PENDING", "COMPLETED", "FAILED", "CANCELLING"})
    void s50_onlyScheduledRunsBecomeLate(StateType from) {
      State current = initial(from);
      assertNullReject(only(new EnsureOnlyScheduledFlowsMarkedLate(), Kit.flow().deployment().state(current).build(),
          current, proposal(SCHEDULED, "Late")), current, "Only scheduled flows can be marked late.");
    }
  }

  @Nested
  class Lease {
    @Test
    void s59_leaseIdPreservedUnlessProposed() {
      UUID lease = Kit.id();
      State pending = details(initial(PENDING), d -> d.deploymentConcurrencyLeaseId(lease));
      OrchestrationOutcome out = core(Kit.flow().state(pending).build(), pending, proposal(PENDING, "Submitting"));
      assertEquals(lease, out.state().details().deploymentConcurrencyLeaseId());
      out = core(Kit.flow().state(pending).build(), pending, proposal(RUNNING));
      assertEquals(lease, out.state().details().deploymentConcurrencyLeaseId());
      UUID mine = Kit.id();
      out = only(new PreserveDeploymentConcurrencyLeaseId(), Kit.flow().state(pending).build(), pending,
          details(proposal(RUNNING), d -> d.deploymentConcurrencyLeaseId(mine)));
      assertEquals(mine, out.state().details().deploymentConcurrencyLeaseId());
    }
  }
}
