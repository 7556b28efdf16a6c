package dev.baton.orchestration.engine;

/**
 * An ordinary orchestration rule (spec/orchestration.md §2.1). Stateless: one instance serves every
 * call. It declares the transitions it applies to and overrides only the hooks it needs; it acts
 * through the decision primitives and effect/run mutations of {@link RuleContext}.
 *
 * <p>When a rule fizzles (a later rule or validation changed the transition after its before hook
 * ran), the engine reverts the run mutations it made and drops the effects it emitted, then calls
 * {@link #cleanup}. Rules need no hand-written undo.
 */
public abstract non-sealed class Rule implements PolicyStep {

  /** Initial-state types this rule applies to. */
  public abstract TypeSet fromStates();

  /** Proposed-state types this rule applies to. */
  public abstract TypeSet toStates();

  /** Runs on entry when the current transition still equals the intended one. */
  public void before(RuleContext ctx) {}

  /** Runs after validation when the transition is unchanged; sees {@code ctx.validated()}. */
  public void after(RuleContext ctx) {}

  /** Runs after validation when the rule fizzled (its automatic rollback has already happened). */
  public void cleanup(RuleContext ctx) {}

  @Override
  public String toString() {
    return name();
  }
}
