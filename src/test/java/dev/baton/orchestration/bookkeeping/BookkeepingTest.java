package dev.baton.orchestration.bookkeeping;

import static dev.baton.domain.StateType.COMPLETED;
import static dev.baton.domain.StateType.FAILED;
import static dev.baton.domain.StateType.PENDING;
import static dev.baton.domain.StateType.RUNNING;
import static dev.baton.domain.StateType.SCHEDULED;
import static dev.baton.orchestration.Kit.EARLIER;
import static dev.baton.orchestration.Kit.NOW;
import static dev.baton.orchestration.Kit.details;
import static dev.baton.orchestration.Kit.initial;
import static dev.baton.orchestration.Kit.proposal;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.baton.domain.ApiVersion;
import dev.baton.domain.FlowRunPolicy;
import dev.baton.domain.State;
import dev.baton.domain.StateType;
import dev.baton.orchestration.Kit;
import dev.baton.orchestration.engine.Effect;
import dev.baton.orchestration.engine.Facts;
import dev.baton.orchestration.engine.FlowRunDraft;
import dev.baton.orchestration.engine.OrchestrationOutcome;
import dev.baton.orchestration.engine.Policy;
import dev.baton.orchestration.engine.RuleContext;
import dev.baton.orchestration.engine.RunDraft;
import dev.baton.orchestration.engine.TaskRunDraft;
import dev.baton.orchestration.engine.UniversalTransform;
import dev.baton.orchestration.policies.FlowPolicies;
import dev.baton.orchestration.policies.TaskPolicies;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.List;
import java.util.UUID;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/** Global transforms (spec §6), scenarios.md section M. */
class BookkeepingTest {

  static OrchestrationOutcome flowGlobal(FlowRunDraft run, State initial, State proposed, Facts facts) {
    return Kit.full(Kit.NO_GLOBAL, FlowPolicies.GLOBAL, run, initial, proposed, facts);
  }

  static OrchestrationOutcome flowGlobal(FlowRunDraft run, State initial, State proposed) {
    return flowGlobal(run, initial, proposed, Facts.NONE);
  }

  static OrchestrationOutcome taskGlobal(TaskRunDraft run, State initial, State proposed) {
    return Kit.full(Kit.NO_GLOBAL, TaskPolicies.GLOBAL, run, initial, proposed, Facts.NONE);
  }

  @Test
  void s85_firstScheduledState() {
    Instant t = NOW.plusSeconds(3600);
    FlowRunDraft run = Kit.flow().build();
    flowGlobal(run, null, details(proposal(SCHEDULED), d -> d.scheduledTime(t)));
    assertEquals(SCHEDULED, run.stateType());
    assertEquals("Scheduled", run.stateName());
    assertEquals(NOW, run.stateTimestamp());
    assertEquals(t, run.expectedStartTime());
    assertEquals(t, run.nextScheduledStartTime());
    assertNull(run.startTime());
  }

  @ParameterizedTest
  @EnumSource(value = StateType.class, names = {"PENDING", "RUNNING", "COMPLETED"})
  void s85_firstOtherStateSetsExpectedStartToItsTimestamp(StateType t) {
    TaskRunDraft run = Kit.task().build();
    taskGlobal(run, null, proposal(t));
    assertEquals(NOW, run.expectedStartTime());
    assertNull(run.nextScheduledStartTime());
  }

  @Test
  void s86_schedulingColumnsAndStartTime() {
    State scheduled = details(initial(SCHEDULED), d -> d.scheduledTime(EARLIER));
    FlowRunDraft run = new FlowRunDraft(Kit.id(), Kit.id(), null, null, null, null, List.of(), scheduled.id(),
        SCHEDULED, "Scheduled", EARLIER, 41, EARLIER, EARLIER, null, null, 0);
    flowGlobal(run, scheduled, proposal(PENDING));
    assertNull(run.nextScheduledStartTime());
    assertEquals(EARLIER, run.expectedStartTime()); // first state wins
    State pending = initial(PENDING);
    flowGlobal(run, pending, proposal(RUNNING));
    assertEquals(NOW, run.startTime());
    assertEquals(42, run.runCount());
  }

  @Test
  void s87_runTimeAndEndTime() {
    State running = new State(Kit.id(), RUNNING, "Running", NOW.minusSeconds(42), null, null, null);
    TaskRunDraft run = Kit.task().state(running).build();
    taskGlobal(run, running, proposal(COMPLETED));
    assertEquals(42_000_000L, run.totalRunTimeMicros());
    assertEquals(NOW, run.endTime());
    assertEquals(NOW, run.startTime()); // never ran through bookkeeping: first terminal state sets it

    TaskRunDraft pendingRun = Kit.task().build();
    taskGlobal(pendingRun, initial(PENDING), proposal(COMPLETED));
    assertEquals(0L, pendingRun.totalRunTimeMicros());

    TaskRunDraft done = new TaskRunDraft(Kit.id(), null, "t", null, List.of(), null, COMPLETED, "Completed",
        EARLIER, 1, 0, EARLIER, null, EARLIER, EARLIER, 0);
    taskGlobal(done, initial(COMPLETED), proposal(FAILED));
    assertEquals(EARLIER, done.endTime()); // terminal → terminal keeps the first end time
    taskGlobal(done, initial(FAILED), proposal(RUNNING));
    assertNull(done.endTime());
  }

  @Test
  void runningToRunningAddsRunTime() {
    State running = initial(RUNNING);
    TaskRunDraft run = Kit.task().state(running).build();
    taskGlobal(run, running, proposal(RUNNING));
    assertEquals(60_000_000L, run.totalRunTimeMicros());
  }

  @Test
  void s88_subflowStatesAreMirroredOnTheParentTask() {
    UUID parentTask = Kit.id();
    State running = initial(RUNNING);
    FlowRunDraft run = Kit.flow().parentTask(parentTask).state(running).build();
    State p = proposal(FAILED);
    OrchestrationOutcome out = Kit.full(FlowPolicies.CORE, FlowPolicies.GLOBAL, run, running, p, Facts.NONE);
    assertEquals(parentTask, out.state().details().taskRunId());
    assertEquals(run.id(), out.state().details().flowRunId());
    assertEquals(1, out.effects().size());
    Effect.OrchestrateParentTaskRun mirror = assertInstanceOf(Effect.OrchestrateParentTaskRun.class, out.effects().get(0));
    assertEquals(parentTask, mirror.taskRunId());
    assertEquals(FAILED, mirror.state().type());
    assertEquals(run.id(), mirror.state().details().childFlowRunId());
    assertNotEquals(p.id(), mirror.state().id());
  }

  @Test
  void noMirrorWhenNothingWasWritten() {
    UUID parentTask = Kit.id();
    State pending = initial(PENDING);
    FlowRunDraft run = Kit.flow().parentTask(parentTask).state(pending).build();
    OrchestrationOutcome out = Kit.full(FlowPolicies.CORE, FlowPolicies.GLOBAL, run, pending, proposal(PENDING), Facts.NONE);
    assertTrue(out.effects().isEmpty());
  }

  @Test
  void stateDetailsCarryTheServersIds() {
    UUID flowRunId = Kit.id();
    TaskRunDraft task = Kit.task().flowRun(flowRunId).build();
    State p = details(proposal(PENDING), d -> d.flowRunId(Kit.id()).taskRunId(Kit.id()));
    OrchestrationOutcome out = taskGlobal(task, null, p);
    assertEquals(flowRunId, out.state().details().flowRunId());
    assertEquals(task.id(), out.state().details().taskRunId());

    FlowRunDraft flow = Kit.flow().build();
    UUID sent = Kit.id();
    out = flowGlobal(flow, null, details(proposal(PENDING), d -> d.flowRunId(Kit.id()).taskRunId(sent)));
    assertEquals(flow.id(), out.state().details().flowRunId());
    assertEquals(sent, out.state().details().taskRunId()); // not a subflow: left as sent
  }

  @Test
  void s48_runCountAndResumingIndicator() {
    FlowRunDraft run = Kit.flow().policy(new FlowRunPolicy(0, 0, null, null, List.of(), true, null)).runCount(1).build();
    flowGlobal(run, initial(PENDING), proposal(RUNNING));
    assertEquals(1, run.runCount());
    assertEquals(false, run.policy().resuming());

    FlowRunDraft old = Kit.flow().policy(new FlowRunPolicy(0, 0, null, null, List.of(), true, null)).runCount(1).build();
    flowGlobal(old, initial(PENDING), proposal(RUNNING), Facts.NONE.withApiVersion(new ApiVersion(0, 8, 3)));
    assertEquals(2, old.runCount()); // old clients: resuming is ignored and kept
    assertEquals(true, old.policy().resuming());
  }

  @Test
  void resumingClearedByTerminalButNotByScheduled() {
    FlowRunPolicy resuming = new FlowRunPolicy(0, 0, null, null, List.of(), true, null);
    FlowRunDraft a = Kit.flow().policy(resuming).build();
    flowGlobal(a, initial(StateType.PAUSED), proposal(COMPLETED));
    assertEquals(false, a.policy().resuming());
    FlowRunDraft b = Kit.flow().policy(resuming).build();
    flowGlobal(b, initial(StateType.PAUSED), proposal(SCHEDULED));
    assertEquals(true, b.policy().resuming());
  }

  @Test
  void timestampsOfARunAreStrictlyIncreasing() {
    State current = new State(Kit.id(), RUNNING, "Running", NOW, null, null, null);
    State p = proposal(COMPLETED); // same timestamp as the current state
    OrchestrationOutcome out = taskGlobal(Kit.task().state(current).build(), current, p);
    assertEquals(NOW.plus(1, ChronoUnit.MICROS), out.state().timestamp());
    assertEquals(p.id(), out.state().id());
    State future = new State(Kit.id(), RUNNING, "Running", NOW.plusSeconds(5), null, null, null);
    out = flowGlobal(Kit.flow().state(future).build(), future, proposal(COMPLETED));
    assertEquals(NOW.plusSeconds(5).plus(1, ChronoUnit.MICROS), out.state().timestamp());
    State later = proposal(COMPLETED);
    assertEquals(NOW, flowGlobal(Kit.flow().build(), initial(RUNNING), later).state().timestamp());
  }

  /** Each transform does nothing to a nullified proposal. */
  @Test
  void transformsIgnoreANullifiedTransition() {
    UniversalTransform abort = new UniversalTransform() {
      @Override public void before(RuleContext ctx) { ctx.abort("stop"); }
    };
    for (Policy global : List.of(FlowPolicies.GLOBAL, TaskPolicies.GLOBAL)) {
      boolean flow = global == FlowPolicies.GLOBAL;
      State current = initial(RUNNING);
      RunDraft run = flow ? Kit.flow().parentTask(Kit.id()).state(current).build() : Kit.task().state(current).build();
      OrchestrationOutcome out = new dev.baton.orchestration.engine.Engine().orchestrate(Policy.of("p", abort), global,
          run, current, proposal(COMPLETED), Facts.NONE, Kit.env());
      assertTrue(out.effects().isEmpty());
      assertTrue(!run.changed(), global.name() + " changed the run of a nullified transition");
    }
  }
}
