package dev.baton.orchestration.engine;

import static dev.baton.domain.StateType.COMPLETED;
import static dev.baton.domain.StateType.FAILED;
import static dev.baton.domain.StateType.RUNNING;
import static dev.baton.domain.StateType.SCHEDULED;
import static dev.baton.orchestration.Kit.initial;
import static dev.baton.orchestration.Kit.proposal;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.baton.domain.OrchestrationDetails;
import dev.baton.domain.OrchestrationStatus;
import dev.baton.domain.State;
import dev.baton.orchestration.Kit;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Consumer;
import org.junit.jupiter.api.Test;

/** Engine mechanics with toy rules (spec §2, scenarios.md §N 89–92). */
class EngineMechanicsTest {
  private final List<String> log = new ArrayList<>();

  /** A toy rule that logs its hooks and runs an optional action in its before hook. */
  private class Toy extends Rule {
    final String label;
    final TypeSet from;
    final TypeSet to;
    final Consumer<RuleContext> action;

    Toy(String label, TypeSet from, TypeSet to, Consumer<RuleContext> action) {
      this.label = label;
      this.from = from;
      this.to = to;
      this.action = action;
    }

    @Override public String name() { return label; }
    @Override public TypeSet fromStates() { return from; }
    @Override public TypeSet toStates() { return to; }
    @Override public void before(RuleContext ctx) { log.add(label + ".before"); action.accept(ctx); }
    @Override public void after(RuleContext ctx) { log.add(label + ".after"); }
    @Override public void cleanup(RuleContext ctx) { log.add(label + ".cleanup"); }
  }

  private Toy toy(String label, Consumer<RuleContext> action) {
    return new Toy(label, TypeSet.ALL, TypeSet.of(COMPLETED), action);
  }

  private Toy toy(String label) {
    return toy(label, ctx -> {});
  }

  private final class Universal extends UniversalTransform {
    @Override public String name() { return "U"; }
    @Override public void before(RuleContext ctx) { log.add("U.before" + (ctx.isNullified() ? "(null)" : "")); }
    @Override public void after(RuleContext ctx) { log.add("U.after" + (ctx.isNullified() ? "(null)" : "")); }
  }

  private OrchestrationOutcome orchestrate(Policy policy, RunDraft run, State initial, State proposed) {
    return orchestrate(policy, run, initial, proposed, Kit.env());
  }

  private OrchestrationOutcome orchestrate(Policy policy, RunDraft run, State initial, State proposed, EngineEnv env) {
    return new Engine().orchestrate(policy, Policy.of("global", new Universal()), run, initial, proposed, Facts.NONE, env);
  }

  @Test
  void entersInPriorityOrderAndExitsInReverse() {
    State proposed = proposal(COMPLETED);
    OrchestrationOutcome out = orchestrate(Policy.of("p", toy("A"), toy("B")), Kit.task().build(),
        initial(RUNNING), proposed);
    assertEquals(List.of("A.before", "B.before", "U.before", "U.after", "B.after", "A.after"), log);
    assertEquals(OrchestrationStatus.ACCEPT, out.status());
    assertSame(proposed, out.state());
    assertTrue(out.stateWritten());
    assertEquals(proposed.id(), out.run().stateId());
  }

  @Test
  void rulesNotDeclaredForTheTransitionAreNotSelected() {
    Toy other = new Toy("X", TypeSet.of(SCHEDULED), TypeSet.of(COMPLETED), ctx -> {});
    orchestrate(Policy.of("p", other, toy("A")), Kit.task().build(), initial(RUNNING), proposal(COMPLETED));
    assertEquals(List.of("A.before", "U.before", "U.after", "A.after"), log);
  }

  @Test
  void earlierRuleFizzlesWhenALaterRuleReplacesTheProposal_changesRevertedEffectsDropped() {
    TaskRunDraft run = Kit.task().runCount(3).build();
    Effect effect = new Effect.InsertCacheEntry("k", null, Kit.id());
    Toy a = toy("A", ctx -> { ctx.run().setRunCount(99); ctx.emit(effect); });
    Toy b = toy("B", ctx -> ctx.reject(ctx.newState(FAILED, null, null, null), "other"));
    OrchestrationOutcome out = orchestrate(Policy.of("p", a, b), run, initial(RUNNING), proposal(COMPLETED));
    // B's own `to` became FAILED, outside its TO set: invalid on exit, neither after nor cleanup
    assertEquals(List.of("A.before", "B.before", "U.before", "U.after", "A.cleanup"), log);
    assertEquals(3, out.run().runCount());
    assertTrue(out.effects().isEmpty());
    assertEquals(OrchestrationStatus.REJECT, out.status());
    assertEquals(FAILED, out.state().type());
    assertEquals("B", out.decidedBy());
  }

  @Test
  void effectsAndChangesOfRulesThatDidNotFizzleAreKept() {
    TaskRunDraft run = Kit.task().runCount(3).build();
    Effect effect = new Effect.InsertCacheEntry("k", null, Kit.id());
    OrchestrationOutcome out = orchestrate(Policy.of("p",
        toy("A", ctx -> { ctx.run().setRunCount(7); ctx.emit(effect); })), run, initial(RUNNING), proposal(COMPLETED));
    assertEquals(7, out.run().runCount());
    assertEquals(List.of(effect), out.effects());
  }

  @Test
  void ruleAfterANullifyingRuleIsInvalidOnEntryAndInert() {
    Toy a = toy("A", ctx -> ctx.reject(null, "no"));
    OrchestrationOutcome out = orchestrate(Policy.of("p", a, toy("B")), Kit.task().build(), initial(RUNNING),
        proposal(COMPLETED));
    assertEquals(List.of("A.before", "U.before(null)", "U.after(null)"), log);
    assertEquals(OrchestrationStatus.REJECT, out.status());
    assertFalse(out.stateWritten());
    assertEquals(RUNNING, out.state().type()); // the current state holds
  }

  @Test
  void ruleDeclaredForNoStateGetsItsAfterHookAfterItsOwnNullReject() {
    Toy a = new Toy("A", TypeSet.ALL, TypeSet.ALL, ctx -> ctx.reject(null, "no"));
    orchestrate(Policy.of("p", a), Kit.task().build(), initial(RUNNING), proposal(COMPLETED));
    assertEquals(List.of("A.before", "U.before(null)", "U.after(null)", "A.after"), log);
  }

  @Test
  void lastDecisionWins() {
    Toy a = new Toy("A", TypeSet.ALL, TypeSet.ALL, ctx -> { ctx.delay(5, "wait"); ctx.abort("stop"); });
    OrchestrationOutcome out = orchestrate(Policy.of("p", a), Kit.task().build(), initial(RUNNING), proposal(COMPLETED));
    assertEquals(OrchestrationStatus.ABORT, out.status());
    assertEquals(OrchestrationDetails.abort("stop"), out.details());
  }

  @Test
  void beforeHookExceptionFailsTheCallAndRollsBackEarlierRules() {
    TaskRunDraft run = Kit.task().runCount(3).build();
    Toy a = toy("A", ctx -> ctx.run().setRunCount(10));
    Toy b = toy("B", ctx -> { throw new IllegalStateException("boom"); });
    Toy c = toy("C");
    Engine.RuleFailure failure = assertThrows(Engine.RuleFailure.class,
        () -> orchestrate(Policy.of("p", a, b, c), run, initial(RUNNING), proposal(COMPLETED)));
    assertEquals("B", failure.ruleName());
    assertEquals("boom", failure.getCause().getMessage());
    // C is invalid on entry; the universal transform's before still runs, its after does not;
    // A and the failing B both fizzle and clean up; no after hooks
    assertEquals(List.of("A.before", "B.before", "U.before(null)", "B.cleanup", "A.cleanup"), log);
    assertEquals(3, run.runCount());
  }

  @Test
  void notFoundFromABeforeHookPropagatesUnwrapped() {
    Toy a = toy("A", ctx -> { throw new ObjectNotFoundException("gone"); });
    ObjectNotFoundException e = assertThrows(ObjectNotFoundException.class,
        () -> orchestrate(Policy.of("p", a), Kit.task().build(), initial(RUNNING), proposal(COMPLETED)));
    assertEquals("gone", e.getMessage());
  }

  @Test
  void universalTransformExceptionsPropagateImmediately() {
    UniversalTransform bad = new UniversalTransform() {
      @Override public void before(RuleContext ctx) { throw new IllegalArgumentException("bad"); }
    };
    assertThrows(IllegalArgumentException.class, () -> new Engine().orchestrate(Policy.of("p", bad),
        Kit.NO_GLOBAL, Kit.task().build(), initial(RUNNING), proposal(COMPLETED), Facts.NONE, Kit.env()));
  }

  @Test
  void validationFailureAbortsWithNullStateAndRulesCleanUp() {
    TaskRunDraft run = Kit.task().runCount(1).build();
    Toy a = toy("A", ctx -> ctx.run().setRunCount(2));
    OrchestrationOutcome out = orchestrate(Policy.of("p", a), run, initial(RUNNING), proposal(COMPLETED),
        Kit.env((s, r) -> { throw new RuntimeException("One time error!"); }));
    assertEquals(OrchestrationStatus.ABORT, out.status());
    assertTrue(out.details().reason().startsWith("Error validating state: "), out.details().reason());
    assertTrue(out.details().reason().contains("One time error!"));
    assertNull(out.state());
    assertFalse(out.stateWritten());
    assertEquals(List.of("A.before", "U.before", "U.after(null)", "A.cleanup"), log);
    assertEquals(1, out.run().runCount());
    assertNull(out.run().stateId());
  }

  @Test
  void retryableValidationFailurePropagates() {
    assertThrows(StateValidator.RetryableException.class,
        () -> orchestrate(Policy.of("p", toy("A")), Kit.task().build(), initial(RUNNING), proposal(COMPLETED),
            Kit.env((s, r) -> { throw new StateValidator.RetryableException("busy"); })));
  }

  @Test
  void universalTransformsFireOnceEvenWhenNullified() {
    Toy a = toy("A", ctx -> ctx.abort("stop"));
    OrchestrationOutcome out = orchestrate(Policy.of("p", a), Kit.task().build(), null, proposal(COMPLETED));
    assertEquals(List.of("A.before", "U.before(null)", "U.after(null)"), log);
    assertEquals(OrchestrationStatus.ABORT, out.status());
    assertNull(out.state()); // run had no state
  }

  @Test
  void rejectWithoutStateOnARunWithoutStateIsAnInternalError() {
    Toy a = toy("A", ctx -> ctx.reject(null, "no"));
    assertThrows(Engine.RuleFailure.class,
        () -> orchestrate(Policy.of("p", a), Kit.task().build(), null, proposal(COMPLETED)));
  }

  @Test
  void decisionPrimitivesAreRefusedAfterValidation() {
    Toy a = new Toy("A", TypeSet.ALL, TypeSet.of(COMPLETED), ctx -> {}) {
      @Override public void after(RuleContext ctx) { ctx.abort("too late"); }
    };
    assertThrows(IllegalStateException.class,
        () -> orchestrate(Policy.of("p", a), Kit.task().build(), initial(RUNNING), proposal(COMPLETED)));
  }
}
