package dev.baton.orchestration.rules.task;

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
import static dev.baton.orchestration.Kit.assertAbort;
import static dev.baton.orchestration.Kit.assertAccepted;
import static dev.baton.orchestration.Kit.assertNullReject;
import static dev.baton.orchestration.Kit.details;
import static dev.baton.orchestration.Kit.initial;
import static dev.baton.orchestration.Kit.only;
import static dev.baton.orchestration.Kit.parent;
import static dev.baton.orchestration.Kit.proposal;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.baton.domain.OrchestrationDetails;
import dev.baton.domain.OrchestrationStatus;
import dev.baton.domain.State;
import dev.baton.domain.StateType;
import dev.baton.domain.TaskRunPolicy;
import dev.baton.orchestration.Kit;
import dev.baton.orchestration.engine.Effect;
import dev.baton.orchestration.engine.Facts;
import dev.baton.orchestration.engine.ObjectNotFoundException;
import dev.baton.orchestration.engine.OrchestrationOutcome;
import dev.baton.orchestration.engine.TaskRunDraft;
import dev.baton.orchestration.policies.TaskPolicies;
import java.time.Instant;
import java.util.List;
import java.util.UUID;
import org.junit.jupiter.api.Nested;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.EnumSource;

/** Task rules at rule and policy level: scenarios.md sections I, J, K. */
class TaskRulesTest {

  static OrchestrationOutcome core(TaskRunDraft run, State initial, State proposed, Facts facts) {
    return Kit.full(TaskPolicies.CORE, TaskPolicies.GLOBAL, run, initial, proposed, facts);
  }

  static OrchestrationOutcome background(TaskRunDraft run, State initial, State proposed, Facts facts) {
    return Kit.full(TaskPolicies.BACKGROUND, TaskPolicies.GLOBAL, run, initial, proposed, facts);
  }

  @Nested
  class SetState {
    @Test
    void s60_firstRunningStateUnderARunningFlow() {
      UUID flowRunId = Kit.id();
      TaskRunDraft run = Kit.task().flowRun(flowRunId).build();
      State p = proposal(RUNNING, "Test State");
      OrchestrationOutcome out = core(run, null, p, parent(flowRunId, 1, initial(RUNNING)));
      assertAccepted(out, p);
      assertEquals("Test State", out.state().name());
      assertEquals(1, run.runCount());
      assertEquals(1, run.flowRunRunCount());
    }

    @Test
    void s61_taskWithoutFlowRun() {
      TaskRunDraft run = Kit.task().build();
      State p = proposal(RUNNING);
      assertAccepted(core(run, null, p, Facts.NONE), p);
      assertEquals(1, run.runCount());
    }

    @Test
    void s62_tasksMayRepeatPendingAndRunning() {
      UUID flowRunId = Kit.id();
      Facts facts = parent(flowRunId, 1, initial(RUNNING));
      State pending = initial(PENDING);
      State p = proposal(PENDING);
      assertAccepted(core(Kit.task().flowRun(flowRunId).state(pending).build(), pending, p, facts), p);

      State running = initial(RUNNING);
      TaskRunDraft run = Kit.task().flowRun(flowRunId).state(running).runCount(1).flowRunRunCount(1).build();
      State again = proposal(RUNNING);
      OrchestrationOutcome out = core(run, running, again, facts);
      assertAccepted(out, again);
      assertEquals("Rerunning", out.state().name());
      assertEquals(2, run.runCount());
    }

    @Test
    void s63_s64_failedBecomesAwaitingRetryUnlessForced() {
      State running = initial(RUNNING);
      TaskRunDraft run = Kit.task().retries(1, null).runCount(1).state(running).build();
      OrchestrationOutcome out = core(run, running, proposal(FAILED), Facts.NONE);
      assertEquals(OrchestrationStatus.REJECT, out.status());
      assertEquals("Retrying", out.details().reason());
      assertTrue(out.stateWritten());
      assertEquals(SCHEDULED, out.state().type());
      assertEquals("AwaitingRetry", out.state().name());

      TaskRunDraft forced = Kit.task().retries(1, null).runCount(1).state(running).build();
      State failed = proposal(FAILED);
      assertAccepted(Kit.full(TaskPolicies.MINIMAL, TaskPolicies.GLOBAL, forced, running, failed, Facts.NONE), failed);
    }

    @Test
    void s65_deletedFlowRunIsNotFound() {
      UUID flowRunId = Kit.id();
      TaskRunDraft run = Kit.task().flowRun(flowRunId).build();
      ObjectNotFoundException e = assertThrows(ObjectNotFoundException.class,
          () -> core(run, null, proposal(RUNNING), Facts.NONE.withParentFlowRun(null, true)));
      assertEquals("Unable to read flow run associated with task run: " + run.id()
          + ", this flow run might have been deleted", e.getMessage());
    }

    @ParameterizedTest
    @EnumSource(value = StateType.class, names = {"PENDING", "RUNNING", "CANCELLED", "CANCELLING"})
    void s66_deferredTaskFirstProposalAcceptedThenPendingAborts(StateType first) {
      TaskRunDraft run = Kit.task().build();
      State p = details(proposal(first), d -> d.deferred(true));
      assertAccepted(background(run, null, p, Facts.NONE), p);
      State again = details(proposal(PENDING), d -> d.deferred(true));
      OrchestrationOutcome out = background(run, p, again, Facts.NONE);
      assertAbort(out, p, "This run is in a " + first.name() + " state and cannot transition to a PENDING state.");
    }

    @Test
    void s67_overlongCacheKeyIsRejectedIntoTheSameStateWhichIsWrittenAndCached() {
      UUID flowRunId = Kit.id();
      State running = initial(RUNNING);
      TaskRunDraft run = Kit.task().flowRun(flowRunId).state(running).runCount(1).build();
      String key = "k".repeat(5000);
      State p = details(proposal(COMPLETED), d -> d.cacheKey(key));
      OrchestrationOutcome out = core(run, running, p, parent(flowRunId, 1, initial(RUNNING)));
      assertEquals(OrchestrationStatus.REJECT, out.status());
      assertEquals(OrchestrationDetails.reject("Cache key exceeded maximum allowed length of 2000 characters."),
          out.details());
      assertTrue(out.stateWritten());
      assertEquals(p.id(), out.state().id());
      assertEquals(List.of(new Effect.InsertCacheEntry(key, null, p.id())), out.effects());
    }

    @Test
    void cacheKeyAtTheLimitIsAccepted() {
      State p = details(proposal(COMPLETED), d -> d.cacheKey("k".repeat(2000)));
      assertAccepted(only(new CacheInsertion(), Kit.task().build(), initial(RUNNING), p), p);
    }

    @ParameterizedTest
    @EnumSource(value = StateType.class, names = {"SCHEDULED", "PENDING", "COMPLETED", "FAILED", "CANCELLED", "CRASHED", "CANCELLING"})
    void s68_flowNotRunningAbortsTaskStart(StateType flowType) {
      UUID flowRunId = Kit.id();
      State pending = initial(PENDING);
      TaskRunDraft run = Kit.task().flowRun(flowRunId).state(pending).build();
      OrchestrationOutcome out = core(run, pending, proposal(RUNNING), parent(flowRunId, 1, initial(flowType)));
      assertAbort(out, pending, "The enclosing flow must be running to begin task execution.");
      assertEquals(0, run.runCount());
    }

    @Test
    void s68_flowWithoutStateAbortsTaskStart() {
      UUID flowRunId = Kit.id();
      State pending = initial(PENDING);
      OrchestrationOutcome out = core(Kit.task().flowRun(flowRunId).state(pending).build(), pending,
          proposal(RUNNING), parent(flowRunId, 0, null));
      assertAbort(out, pending, "The enclosing flow must be running to begin task execution.");
    }

    @Test
    void s68_pausedFlowParksTheTaskAsNotReady() {
      UUID flowRunId = Kit.id();
      Instant timeout = NOW.plusSeconds(300);
      State flowState = details(initial(PAUSED), d -> d.pauseTimeout(timeout).pauseReschedule(true).pauseKey("k"));
      State pending = initial(PENDING);
      State p = proposal(RUNNING);
      OrchestrationOutcome out = core(Kit.task().flowRun(flowRunId).state(pending).build(), pending, p,
          parent(flowRunId, 1, flowState));
      assertEquals(OrchestrationStatus.REJECT, out.status());
      assertEquals("The flow is paused, new tasks can execute after resuming flow run: " + flowRunId + ".",
          out.details().reason());
      assertTrue(out.stateWritten());
      assertEquals(PAUSED, out.state().type());
      assertEquals("NotReady", out.state().name());
      assertNotEquals(p.id(), out.state().id());
      assertEquals(timeout, out.state().details().pauseTimeout());
      assertTrue(out.state().details().pauseReschedule());
      assertNull(out.state().details().pauseKey());
    }

    @Test
    void missingFlowRunRowIsTreatedAsNoFlowRunByTheStoppedFlowCheck() {
      State pending = initial(PENDING);
      TaskRunDraft run = Kit.task().flowRun(Kit.id()).state(pending).build();
      State p = proposal(RUNNING);
      assertAccepted(only(new PreventRunningTasksFromStoppedFlows(), run, pending, p,
          Facts.NONE.withParentFlowRun(null, true)), p);
    }
  }

  @Nested
  class Retries {
    OrchestrationOutcome fail(TaskRunPolicy policy, int runCount, State proposed) {
      State running = initial(RUNNING);
      TaskRunDraft run = Kit.task().policy(policy).runCount(runCount).state(running).build();
      return only(new RetryFailedTasks(), run, running, proposed);
    }

    @Test
    void s69_retryDelayNumber() {
      State p = proposal(FAILED).withData(Kit.json("{\"a\":1}"));
      p = new State(p.id(), p.type(), p.name(), p.timestamp(), "boom", p.data(), p.details());
      OrchestrationOutcome out = fail(new TaskRunPolicy(0, 0, 2, 10.0, null, null), 2, p);
      assertEquals(OrchestrationStatus.REJECT, out.status());
      assertEquals("Retrying", out.details().reason());
      assertEquals("AwaitingRetry", out.state().name());
      assertEquals(NOW.plusSeconds(10), out.state().details().scheduledTime());
      assertEquals("boom", out.state().message());
      assertEquals(p.data(), out.state().data());
    }

    @ParameterizedTest
    @CsvSource({"1, 2", "2, 3", "3, 5", "4, 7", "5, 11"})
    void s69_retryDelayList(int runCount, long expected) {
      OrchestrationOutcome out = fail(new TaskRunPolicy(0, 0, 5, null, List.of(2.0, 3.0, 5.0, 7.0, 11.0), null),
          runCount, proposal(FAILED));
      assertEquals(NOW.plusSeconds(expected), out.state().details().scheduledTime());
    }

    @Test
    void s69_retryDelayListShorterThanAttempts() {
      OrchestrationOutcome out = fail(new TaskRunPolicy(0, 0, 6, null, List.of(2.0, 3.0, 5.0, 7.0), null),
          6, proposal(FAILED));
      assertEquals(NOW.plusSeconds(7), out.state().details().scheduledTime());
    }

    @Test
    void s69_jitterWithoutDelayIsZero() {
      OrchestrationOutcome out = fail(new TaskRunPolicy(0, 0, 1, null, null, 0.5), 1, proposal(FAILED));
      assertEquals(NOW, out.state().details().scheduledTime());
    }

    @Test
    void jitterStaysWithinTheClamp() {
      OrchestrationOutcome out = fail(new TaskRunPolicy(0, 0, 1, 100.0, null, 0.5), 1, proposal(FAILED));
      Instant t = out.state().details().scheduledTime();
      assertTrue(!t.isAfter(NOW.plusSeconds(150)) && t.isAfter(NOW), t.toString());
      assertNotEquals(NOW.plusSeconds(100), t); // jittered
    }

    @Test
    void s70_noRetriesLeftOrNotRetriable() {
      State p = proposal(FAILED);
      assertAccepted(fail(new TaskRunPolicy(0, 0, 2, null, null, null), 3, p), p);
      State notRetriable = details(proposal(FAILED), d -> d.retriable(false));
      assertAccepted(fail(new TaskRunPolicy(0, 0, 5, null, null, null), 1, notRetriable), notRetriable);
      State q = proposal(FAILED);
      assertAccepted(fail(TaskRunPolicy.DEFAULT, 1, q), q);
    }

    @Test
    void emptyDelayListMeansNoDelay() {
      OrchestrationOutcome out = fail(new TaskRunPolicy(0, 0, 1, null, List.of(), null), 1, proposal(FAILED));
      assertEquals(NOW, out.state().details().scheduledTime());
    }
  }

  @Nested
  class Renames {
    @ParameterizedTest
    @CsvSource({"AwaitingRetry, 2, Retrying", "Scheduled, 2, Rerunning", "Scheduled, 0, Running"})
    void s71_renameReruns(String initialName, int runCount, String expected) {
      State scheduled = initial(SCHEDULED, initialName);
      TaskRunDraft run = Kit.task().runCount(runCount).state(scheduled).build();
      OrchestrationOutcome out = only(new RenameReruns(), run, scheduled, proposal(RUNNING));
      assertEquals(expected, out.state().name());
    }

    @Test
    void s72_parentFlowRetryRenamesAndResetsRunCount() {
      UUID flowRunId = Kit.id();
      State failed = initial(FAILED);
      TaskRunDraft run = Kit.task().flowRun(flowRunId).runCount(2).flowRunRunCount(2).state(failed).build();
      State p = proposal(RUNNING);
      OrchestrationOutcome out = core(run, failed, p, parent(flowRunId, 4, initial(RUNNING)));
      assertAccepted(out, p);
      assertEquals("Retrying", out.state().name());
      assertEquals(1, run.runCount()); // reset to 0, then +1 by bookkeeping
      assertEquals(4, run.flowRunRunCount());
    }

    @Test
    void s72_noParentRetryKeepsTheName() {
      UUID flowRunId = Kit.id();
      State failed = initial(FAILED);
      TaskRunDraft run = Kit.task().flowRun(flowRunId).runCount(2).flowRunRunCount(3).state(failed).build();
      OrchestrationOutcome out = core(run, failed, proposal(RUNNING), parent(flowRunId, 3, initial(RUNNING)));
      assertEquals("Running", out.state().name());
      assertEquals(1, run.runCount());
    }
  }

  @Nested
  class Terminal {
    @ParameterizedTest
    @EnumSource(value = StateType.class, names = {"COMPLETED", "FAILED", "CANCELLED", "CRASHED"})
    void s73_noCrashedCancellingOrPausedAfterTerminal(StateType from) {
      for (StateType to : List.of(CRASHED, CANCELLING, PAUSED)) {
        State current = initial(from);
        OrchestrationOutcome out = only(new HandleTaskTerminalStateTransitions(),
            Kit.task().state(current).build(), current, proposal(to));
        assertAbort(out, current, "Run is already " + from.name() + ".");
      }
    }

    @ParameterizedTest
    @EnumSource(StateType.class)
    void s73_completedWithPersistedResultRefusesEverything(StateType to) {
      State current = initial(COMPLETED).withData(Kit.result());
      OrchestrationOutcome out = only(new HandleTaskTerminalStateTransitions(),
          Kit.task().runCount(1).state(current).build(), current, proposal(to));
      if (to == CRASHED || to == CANCELLING || to == PAUSED) {
        assertAbort(out, current, "Run is already COMPLETED.");
      } else {
        assertNullReject(out, current, "This run is already completed.");
        assertEquals(1, out.run().runCount());
      }
    }

    @ParameterizedTest
    @EnumSource(value = StateType.class, names = {"RUNNING", "PENDING", "SCHEDULED"})
    void s73_completedWithoutDataMayRerun(StateType to) {
      State current = initial(COMPLETED);
      State p = proposal(to);
      TaskRunDraft run = Kit.task().runCount(3).state(current).build();
      assertAccepted(only(new HandleTaskTerminalStateTransitions(), run, current, p), p);
      assertEquals(0, run.runCount());
    }

    @ParameterizedTest
    @CsvSource(delimiter = '|', value = {"1", "\"text\"", "[1,2]", "{\"type\":\"unpersisted\"}", "{}"})
    void nonPersistedCompletedDataDoesNotBlock_deviationFromQuirk4(String data) {
      State current = initial(COMPLETED).withData(Kit.json(data));
      State p = proposal(RUNNING);
      assertAccepted(only(new HandleTaskTerminalStateTransitions(), Kit.task().state(current).build(), current, p), p);
    }

    @Test
    void terminalToTerminalKeepsRunCount() {
      State current = initial(FAILED);
      TaskRunDraft run = Kit.task().runCount(3).state(current).build();
      State p = proposal(COMPLETED);
      assertAccepted(only(new HandleTaskTerminalStateTransitions(), run, current, p), p);
      assertEquals(3, run.runCount());
    }

    @Test
    void runCountResetIsRevertedWhenALaterRuleChangesTheTransition() {
      // FAILED → RUNNING with the flow paused: the task is parked in NotReady, the reset is undone
      UUID flowRunId = Kit.id();
      State failed = initial(FAILED);
      TaskRunDraft run = Kit.task().flowRun(flowRunId).runCount(2).state(failed).build();
      OrchestrationOutcome out = core(run, failed, proposal(RUNNING), parent(flowRunId, 1, initial(PAUSED)));
      assertEquals("NotReady", out.state().name());
      assertEquals(2, run.runCount());
    }
  }

  @Nested
  class Caching {
    final State cached = details(new State(Kit.id(), COMPLETED, "Completed", Kit.EARLIER, "done",
        Kit.result(), null), d -> d.cacheKey("cache-hit").cacheExpiration(NOW.plusSeconds(3600)));

    @Test
    void s74_cacheHitRejectsIntoAFreshCachedCopy() {
      UUID flowRunId = Kit.id();
      State pending = initial(PENDING);
      TaskRunDraft run = Kit.task().flowRun(flowRunId).state(pending).build();
      State p = details(proposal(RUNNING), d -> d.cacheKey("cache-hit"));
      OrchestrationOutcome out = core(run, pending, p, parent(flowRunId, 1, initial(RUNNING)).withCacheHit(cached));
      assertEquals(OrchestrationStatus.REJECT, out.status());
      assertEquals("Retrieved state from cache", out.details().reason());
      assertEquals(COMPLETED, out.state().type());
      assertEquals("Cached", out.state().name());
      assertNotEquals(cached.id(), out.state().id());
      assertEquals(NOW, out.state().timestamp());
      assertEquals(cached.data(), out.state().data());
      assertEquals("done", out.state().message());
      assertEquals(0, run.runCount()); // never ran
      assertTrue(out.effects().isEmpty()); // CacheInsertion is not selected for → RUNNING
    }

    @Test
    void s74_noHitAccepts() {
      UUID flowRunId = Kit.id();
      State pending = initial(PENDING);
      State p = details(proposal(RUNNING), d -> d.cacheKey("cache-hit"));
      OrchestrationOutcome out = core(Kit.task().flowRun(flowRunId).state(pending).build(), pending, p,
          parent(flowRunId, 1, initial(RUNNING)));
      assertAccepted(out, p);
      assertEquals("Running", out.state().name());
    }

    @Test
    void s74_completedStateWithKeyIsCached() {
      State running = initial(RUNNING);
      Instant exp = NOW.plusSeconds(60);
      State p = details(proposal(COMPLETED), d -> d.cacheKey("cache-hit").cacheExpiration(exp));
      OrchestrationOutcome out = core(Kit.task().runCount(1).state(running).build(), running, p, Facts.NONE);
      assertAccepted(out, p);
      assertEquals(List.of(new Effect.InsertCacheEntry("cache-hit", exp, p.id())), out.effects());
    }

    @ParameterizedTest
    @EnumSource(value = StateType.class, names = {"COMPLETED"}, mode = EnumSource.Mode.EXCLUDE)
    void s75_onlyCompletedStatesAreCached(StateType to) {
      State running = initial(RUNNING);
      State p = details(proposal(to), d -> d.cacheKey("cache-hit"));
      OrchestrationOutcome out = core(Kit.task().runCount(5).state(running).build(), running, p, Facts.NONE);
      assertTrue(out.effects().isEmpty());
    }

    @Test
    void s76_refreshCacheSkipsTheLookup() {
      State pending = initial(PENDING);
      State p = details(proposal(RUNNING), d -> d.cacheKey("cache-hit").refreshCache(true));
      assertAccepted(only(new CacheRetrieval(), Kit.task().state(pending).build(), pending, p,
          Facts.NONE.withCacheHit(cached)), p);
    }
  }

  @Test
  void copyTaskParametersIdKeepsTheInitialOneUnlessProposed() {
    UUID params = Kit.id();
    State scheduled = details(initial(SCHEDULED), d -> d.taskParametersId(params));
    OrchestrationOutcome out = only(new CopyTaskParametersID(), Kit.task().state(scheduled).build(), scheduled,
        proposal(PENDING));
    assertEquals(params, out.state().details().taskParametersId());
    UUID mine = Kit.id();
    State own = details(proposal(RUNNING), d -> d.taskParametersId(mine));
    assertEquals(mine, only(new CopyTaskParametersID(), Kit.task().state(scheduled).build(), scheduled, own)
        .state().details().taskParametersId());
  }
}
