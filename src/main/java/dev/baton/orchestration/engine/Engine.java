package dev.baton.orchestration.engine;

import dev.baton.domain.OrchestrationDetails;
import dev.baton.domain.OrchestrationStatus;
import dev.baton.domain.State;
import dev.baton.domain.StateDetails;
import dev.baton.domain.StateType;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.UUID;
import java.util.function.UnaryOperator;
import java.util.random.RandomGenerator;

/**
 * The orchestration algorithm of spec/orchestration.md §2: select the rules whose FROM/TO match the
 * intended transition, enter them in priority order, validate, exit them in reverse order (after
 * hook, or rollback + cleanup for rules that fizzled). Pure: no I/O, no clock of its own, not
 * thread-safe per call (a call's state lives in a {@link Call}).
 */
public final class Engine {

  /** A rule's before hook failed; the request fails (500, or 404 for not-found errors). */
  public static final class RuleFailure extends RuntimeException {
    private final String ruleName;

    RuleFailure(String ruleName, Throwable cause) {
      super("Error in " + ruleName + ": " + cause, cause);
      this.ruleName = ruleName;
    }

    public String ruleName() {
      return ruleName;
    }
  }

  /** Runs {@code policy} then {@code global} over the proposal. */
  public OrchestrationOutcome orchestrate(Policy policy, Policy global, RunDraft run, State initial,
      State proposed, Facts facts, EngineEnv env) {
    Call call = new Call(run, initial, proposed, facts == null ? Facts.NONE : facts, env);
    try {
      return call.run(policy, global);
    } finally {
      run.attach(RunDraft.Journal.NONE);
    }
  }

  /** One entered policy step and the rollback information of what it did. */
  private static final class Frame {
    final PolicyStep step;
    final StateType from;
    StateType to;
    boolean invalidOnEntry;
    final List<Runnable> undo = new ArrayList<>();
    boolean fizzled;

    Frame(PolicyStep step, StateType from, StateType to) {
      this.step = step;
      this.from = from;
      this.to = to;
    }
  }

  private record Emitted(Frame frame, Effect effect) {}

  private static final class Call implements RuleContext {
    private final RunDraft run;
    private final State initial;
    private final StateType initialType;
    private final Facts facts;
    private final EngineEnv env;
    private State proposed;
    private State validated;
    private boolean stateWritten;
    private boolean validationDone;
    private OrchestrationStatus status = OrchestrationStatus.ACCEPT;
    private OrchestrationDetails details = OrchestrationDetails.ACCEPT;
    private String decidedBy;
    private RuntimeException error;
    private Frame current;
    private final List<Emitted> effects = new ArrayList<>();

    Call(RunDraft run, State initial, State proposed, Facts facts, EngineEnv env) {
      this.run = Objects.requireNonNull(run);
      this.initial = initial;
      this.initialType = initial == null ? null : initial.type();
      this.proposed = proposed;
      this.facts = facts;
      this.env = Objects.requireNonNull(env);
      run.attach(undo -> {
        if (current != null) {
          current.undo.add(undo);
        }
      });
    }

    OrchestrationOutcome run(Policy policy, Policy global) {
      StateType intendedTo = proposed == null ? null : proposed.type();
      List<Frame> entered = new ArrayList<>();
      List<PolicyStep> steps = new ArrayList<>(policy.steps());
      steps.addAll(global.steps());
      for (PolicyStep step : steps) {
        if (step instanceof Rule rule) {
          if (!rule.fromStates().contains(initialType) || !rule.toStates().contains(intendedTo)) {
            continue; // not selected for this transition
          }
          Frame f = new Frame(rule, initialType, intendedTo);
          entered.add(f);
          if (proposedType() != f.to) {
            f.invalidOnEntry = true;
            continue;
          }
          current = f;
          try {
            rule.before(this);
          } catch (RuntimeException e) {
            proposed = null;
            setOutcome(OrchestrationStatus.ABORT, OrchestrationDetails.abort(
                "Aborting orchestration due to error in " + rule.name() + ": !" + e), rule.name());
            if (error == null) {
              error = e;
            }
          } finally {
            current = null;
          }
        } else {
          UniversalTransform t = (UniversalTransform) step;
          Frame f = new Frame(t, initialType, intendedTo);
          entered.add(f);
          current = f;
          try {
            t.before(this);
          } finally {
            current = null;
          }
        }
      }

      validate();

      for (int i = entered.size() - 1; i >= 0; i--) {
        Frame f = entered.get(i);
        current = f;
        try {
          if (f.step instanceof UniversalTransform t) {
            if (error == null) {
              t.after(this);
            }
            continue;
          }
          Rule rule = (Rule) f.step;
          if (f.invalidOnEntry || !rule.fromStates().contains(f.from) || !rule.toStates().contains(f.to)) {
            continue;
          }
          if (proposedType() != f.to) {
            f.fizzled = true;
            for (int u = f.undo.size() - 1; u >= 0; u--) {
              f.undo.get(u).run();
            }
            f.undo.clear();
            rule.cleanup(this);
          } else {
            rule.after(this);
          }
        } finally {
          current = null;
        }
      }

      if (error != null) {
        if (error instanceof ObjectNotFoundException || error instanceof StateValidator.RetryableException) {
          throw error;
        }
        throw new RuleFailure(decidedBy, error);
      }
      List<Effect> kept = new ArrayList<>(effects.size());
      for (Emitted e : effects) {
        if (e.frame() == null || !e.frame().fizzled) {
          kept.add(e.effect());
        }
      }
      return new OrchestrationOutcome(validated, stateWritten, status, details, run, List.copyOf(kept), decidedBy);
    }

    private void validate() {
      validationDone = true;
      if (proposed == null) {
        // WAIT, ABORT, REJECT without a state, or an error: nothing written, the current state holds
        validated = initial;
        return;
      }
      try {
        env.validator().validate(proposed, run);
      } catch (StateValidator.RetryableException e) {
        throw e;
      } catch (RuntimeException e) {
        proposed = null;
        validated = null;
        setOutcome(OrchestrationStatus.ABORT, OrchestrationDetails.abort("Error validating state: " + e), "validation");
        return;
      }
      validated = proposed;
      stateWritten = true;
      Frame saved = current;
      current = null; // validation's own run changes are never rolled back
      run.setCurrentState(proposed);
      current = saved;
    }

    private void setOutcome(OrchestrationStatus s, OrchestrationDetails d, String by) {
      status = s;
      details = d;
      decidedBy = by;
    }

    private void requireBeforeValidation(String primitive) {
      if (validationDone) {
        throw new IllegalStateException(primitive + " called after validation");
      }
    }

    private String currentName() {
      return current == null ? null : current.step.name();
    }

    // ---- RuleContext ----

    @Override public State initial() { return initial; }
    @Override public State proposed() { return proposed; }
    @Override public State validated() { return validated; }
    @Override public StateType initialType() { return initialType; }
    @Override public OrchestrationStatus status() { return status; }
    @Override public OrchestrationDetails details() { return details; }
    @Override public RunDraft run() { return run; }
    @Override public Facts facts() { return facts; }
    @Override public OrchestrationSettings settings() { return env.settings(); }
    @Override public Instant now() { return env.now(); }
    @Override public UUID newId() { return env.ids().get(); }
    @Override public RandomGenerator random() { return env.random(); }

    @Override
    public void reject(State replacement, String reason) {
      requireBeforeValidation("reject");
      if (replacement == null && initial == null) {
        throw new IllegalStateException("Cannot reject a transition with no current state and no replacement");
      }
      proposed = replacement;
      setOutcome(OrchestrationStatus.REJECT, OrchestrationDetails.reject(reason), currentName());
      if (current != null) {
        current.to = replacement == null ? null : replacement.type();
      }
    }

    @Override
    public void delay(int seconds, String reason, Double retryAfter) {
      requireBeforeValidation("delay");
      proposed = null;
      setOutcome(OrchestrationStatus.WAIT, OrchestrationDetails.waitFor(seconds, reason, retryAfter), currentName());
      if (current != null) {
        current.to = null;
      }
    }

    @Override
    public void abort(String reason) {
      requireBeforeValidation("abort");
      proposed = null;
      setOutcome(OrchestrationStatus.ABORT, OrchestrationDetails.abort(reason), currentName());
      if (current != null) {
        current.to = null;
      }
    }

    @Override
    public void rename(String name) {
      if (proposed != null) {
        proposed = proposed.withName(name);
      }
    }

    @Override
    public void updateProposedDetails(UnaryOperator<StateDetails> change) {
      if (proposed != null) {
        proposed = proposed.withDetails(change.apply(proposed.details()));
      }
    }

    @Override
    public void replaceProposed(State sameType) {
      if (current == null || !(current.step instanceof UniversalTransform)) {
        throw new IllegalStateException("replaceProposed is for universal transforms only");
      }
      if (proposed == null || sameType == null || sameType.type() != proposed.type()) {
        throw new IllegalStateException("replaceProposed must keep the proposal's type");
      }
      proposed = sameType;
    }

    @Override
    public void emit(Effect effect) {
      effects.add(new Emitted(current, effect));
    }
  }
}
