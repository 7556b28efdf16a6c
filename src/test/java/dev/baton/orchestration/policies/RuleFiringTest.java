package dev.baton.orchestration.policies;

import static dev.baton.domain.StateType.COMPLETED;
import static dev.baton.domain.StateType.CRASHED;
import static dev.baton.domain.StateType.RUNNING;
import static dev.baton.orchestration.Kit.NOW;
import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.baton.domain.FlowRunPolicy;
import dev.baton.domain.OrchestrationStatus;
import dev.baton.domain.State;
import dev.baton.domain.StateDetails;
import dev.baton.domain.StateType;
import dev.baton.domain.TaskRunPolicy;
import dev.baton.orchestration.Kit;
import dev.baton.orchestration.engine.Facts;
import dev.baton.orchestration.engine.FlowRunDraft;
import dev.baton.orchestration.engine.OrchestrationOutcome;
import dev.baton.orchestration.engine.Rule;
import dev.baton.orchestration.engine.RunDraft;
import dev.baton.orchestration.engine.TaskRunDraft;
import dev.baton.orchestration.rules.common.CopyScheduledTime;
import dev.baton.orchestration.rules.common.PreventPendingTransitions;
import dev.baton.orchestration.rules.common.WaitForScheduledTime;
import dev.baton.orchestration.rules.flow.BypassCancellingFlowRunsWithNoInfra;
import dev.baton.orchestration.rules.flow.EnforceCancellingToCancelledTransition;
import dev.baton.orchestration.rules.flow.EnsureOnlyScheduledFlowsMarkedLate;
import dev.baton.orchestration.rules.flow.HandleFlowTerminalStateTransitions;
import dev.baton.orchestration.rules.flow.HandlePausingFlows;
import dev.baton.orchestration.rules.flow.HandleResumingPausedFlows;
import dev.baton.orchestration.rules.flow.PreventDuplicateTransitions;
import dev.baton.orchestration.rules.flow.PreventResultDataLoss;
import dev.baton.orchestration.rules.flow.RetryFailedFlows;
import dev.baton.orchestration.rules.task.CacheInsertion;
import dev.baton.orchestration.rules.task.CacheRetrieval;
import dev.baton.orchestration.rules.task.CopyTaskParametersID;
import dev.baton.orchestration.rules.task.HandleTaskTerminalStateTransitions;
import dev.baton.orchestration.rules.task.PreventRunningTasksFromStoppedFlows;
import dev.baton.orchestration.rules.task.RenameReruns;
import dev.baton.orchestration.rules.task.RetryFailedTasks;
import dev.baton.orchestration.rules.task.UpdateFlowRunTrackerOnTasks;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.UUID;
import java.util.function.BiPredicate;
import java.util.function.UnaryOperator;
import java.util.stream.Stream;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Each rule alone, over every (from, to) pair, with a fixture built to trigger it: it must change the
 * outcome exactly where it is declared (and its trigger applies), and be inert everywhere else.
 */
class RuleFiringTest {

  /** What a rule is run against for one (from, to). */
  record Scenario(RunDraft run, State initial, State proposed, Facts facts) {}

  interface Trigger {
    Scenario build(StateType from, StateType to);
  }

  record Case(Rule rule, Trigger trigger, BiPredicate<StateType, StateType> fires) {
    @Override public String toString() { return rule.name(); }
  }

  private static final UUID KEY_ID = UUID.fromString("00000000-0000-0000-0000-00000000000a");
  private static final UUID PARAMS = UUID.fromString("00000000-0000-0000-0000-00000000000b");

  static State init(StateType from, UnaryOperator<StateDetails.Builder> d) {
    return from == null ? null : Kit.details(Kit.initial(from), d);
  }

  static State prop(StateType to, UnaryOperator<StateDetails.Builder> d) {
    return Kit.details(Kit.proposal(to), d);
  }

  static FlowRunDraft flow(State initial) {
    return Kit.flow().state(initial).build();
  }

  static TaskRunDraft task(State initial) {
    return Kit.task().state(initial).build();
  }

  static Scenario s(RunDraft run, State initial, State proposed) {
    return new Scenario(run, initial, proposed, Facts.NONE);
  }

  static boolean any(StateType f, StateType t) { return true; }
  static boolean hasInitial(StateType f, StateType t) { return f != null; }

  static Stream<Arguments> cases() {
    List<Case> cases = new ArrayList<>();
    UnaryOperator<StateDetails.Builder> none = d -> d;
    cases.add(new Case(new PreventDuplicateTransitions(), (f, t) -> {
      State i = init(f, d -> d.transitionId(KEY_ID));
      return s(flow(i), i, prop(t, d -> d.transitionId(KEY_ID)));
    }, RuleFiringTest::hasInitial));
    cases.add(new Case(new HandleFlowTerminalStateTransitions(), (f, t) -> {
      State i = init(f, none);
      if (f == COMPLETED) i = i.withData(Kit.result());
      FlowRunDraft run = Kit.flow().policy(new FlowRunPolicy(0, 0, null, null, List.of("k"), false, null)).state(i).build();
      return s(run, i, prop(t, none));
    }, (f, t) -> !t.isTerminal() || t == CRASHED || (f == COMPLETED && t == COMPLETED)));
    cases.add(new Case(new EnforceCancellingToCancelledTransition(), (f, t) -> {
      State i = init(f, none);
      return s(flow(i), i, prop(t, none));
    }, RuleFiringTest::any));
    cases.add(new Case(new BypassCancellingFlowRunsWithNoInfra(), (f, t) -> {
      State i = init(f, d -> d.pauseReschedule(true));
      return s(flow(i), i, prop(t, none));
    }, RuleFiringTest::any));
    cases.add(new Case(new PreventPendingTransitions(), (f, t) -> {
      State i = init(f, none);
      return s(task(i), i, prop(t, none));
    }, RuleFiringTest::any));
    cases.add(new Case(new EnsureOnlyScheduledFlowsMarkedLate(), (f, t) -> {
      State i = f == null ? null : Kit.initial(f, "Late");
      return s(flow(i), i, Kit.proposal(t, "Late"));
    }, RuleFiringTest::hasInitial));
    cases.add(new Case(new HandlePausingFlows(), (f, t) -> {
      State i = init(f, none);
      FlowRunDraft run = Kit.flow().policy(new FlowRunPolicy(0, 0, null, null, List.of("k"), false, null)).state(i).build();
      return s(run, i, prop(t, d -> d.pauseKey("k")));
    }, RuleFiringTest::any));
    cases.add(new Case(new HandleResumingPausedFlows(), (f, t) -> {
      State i = init(f, d -> d.pauseTimeout(NOW.minusSeconds(1)));
      return s(Kit.flow().deployment().state(i).build(), i, prop(t, none));
    }, RuleFiringTest::any));
    cases.add(new Case(new CopyScheduledTime(), (f, t) -> {
      State i = init(f, d -> d.scheduledTime(NOW.minusSeconds(9)));
      return s(task(i), i, prop(t, d -> d.scheduledTime(null)));
    }, RuleFiringTest::any));
    cases.add(new Case(new WaitForScheduledTime(), (f, t) -> {
      State i = init(f, d -> d.scheduledTime(NOW.plusSeconds(9)));
      return s(flow(i), i, prop(t, none));
    }, RuleFiringTest::any));
    cases.add(new Case(new RetryFailedFlows(), (f, t) -> {
      State i = init(f, none);
      return s(Kit.flow().retries(1, 0).runCount(1).state(i).build(), i, prop(t, none));
    }, RuleFiringTest::any));
    cases.add(new Case(new PreventResultDataLoss(), (f, t) -> {
      State i = f == null ? null : Kit.initial(f).withData(Kit.result());
      return s(flow(i), i, prop(t, none));
    }, (f, t) -> f == COMPLETED && t == COMPLETED));
    cases.add(new Case(new CacheRetrieval(), (f, t) -> {
      State i = init(f, none);
      State hit = Kit.initial(COMPLETED);
      return new Scenario(task(i), i, prop(t, d -> d.cacheKey("k")), Facts.NONE.withCacheHit(hit));
    }, RuleFiringTest::any));
    cases.add(new Case(new HandleTaskTerminalStateTransitions(), (f, t) -> {
      State i = init(f, none);
      if (f == COMPLETED) i = i.withData(Kit.result());
      return s(Kit.task().runCount(3).state(i).build(), i, prop(t, none));
    }, (f, t) -> f == COMPLETED || !t.isTerminal() || t == CRASHED));
    cases.add(new Case(new PreventRunningTasksFromStoppedFlows(), (f, t) -> {
      State i = init(f, none);
      UUID flowRunId = Kit.id();
      return new Scenario(Kit.task().flowRun(flowRunId).state(i).build(), i, prop(t, none),
          Kit.parent(flowRunId, 1, Kit.initial(StateType.SCHEDULED)));
    }, RuleFiringTest::any));
    cases.add(new Case(new RetryFailedTasks(), (f, t) -> {
      State i = init(f, none);
      return s(Kit.task().policy(new TaskRunPolicy(0, 0, 1, null, null, null)).runCount(1).state(i).build(), i,
          prop(t, none));
    }, RuleFiringTest::any));
    cases.add(new Case(new RenameReruns(), (f, t) -> {
      State i = init(f, none);
      return s(Kit.task().runCount(2).state(i).build(), i, prop(t, none));
    }, RuleFiringTest::hasInitial));
    cases.add(new Case(new UpdateFlowRunTrackerOnTasks(), (f, t) -> {
      State i = init(f, none);
      UUID flowRunId = Kit.id();
      return new Scenario(Kit.task().flowRun(flowRunId).state(i).build(), i, prop(t, none),
          Kit.parent(flowRunId, 7, Kit.initial(RUNNING)));
    }, RuleFiringTest::any));
    cases.add(new Case(new CacheInsertion(), (f, t) -> {
      State i = init(f, none);
      return s(task(i), i, prop(t, d -> d.cacheKey("k")));
    }, RuleFiringTest::any));
    cases.add(new Case(new CopyTaskParametersID(), (f, t) -> {
      State i = init(f, d -> d.taskParametersId(PARAMS));
      return s(task(i), i, prop(t, none));
    }, RuleFiringTest::any));

    List<Arguments> args = new ArrayList<>();
    for (Case c : cases) {
      for (StateType from : fromsWithNull()) {
        for (StateType to : StateType.values()) {
          args.add(Arguments.of(c, from == null ? "∅" : from.name(), to));
        }
      }
    }
    return args.stream();
  }

  static List<StateType> fromsWithNull() {
    List<StateType> l = new ArrayList<>();
    l.add(null);
    l.addAll(List.of(StateType.values()));
    return l;
  }

  /** The run columns rules may change. */
  static List<Object> snapshot(RunDraft run) {
    List<Object> l = new ArrayList<>(List.of(run.runCount()));
    if (run instanceof TaskRunDraft t) l.add(t.flowRunRunCount());
    if (run instanceof FlowRunDraft f) l.add(f.policy());
    return l;
  }

  @ParameterizedTest(name = "{0}: {1} → {2}")
  @MethodSource("cases")
  void firesExactlyWhereDeclared(Case c, String fromName, StateType to) {
    StateType from = "∅".equals(fromName) ? null : StateType.valueOf(fromName);
    Scenario sc = c.trigger().build(from, to);
    List<Object> before = snapshot(sc.run());
    OrchestrationOutcome out = Kit.only(c.rule(), sc.run(), sc.initial(), sc.proposed(), sc.facts());
    boolean changed = out.status() != OrchestrationStatus.ACCEPT || !out.stateWritten()
        || !Objects.equals(out.state(), sc.proposed()) || !out.effects().isEmpty()
        || !before.equals(snapshot(sc.run()));
    boolean declared = c.rule().fromStates().contains(from) && c.rule().toStates().contains(to);
    assertEquals(declared && c.fires().test(from, to), changed,
        () -> c.rule().name() + " " + fromName + "→" + to + ": " + out.status() + " " + out.details());
  }

}
