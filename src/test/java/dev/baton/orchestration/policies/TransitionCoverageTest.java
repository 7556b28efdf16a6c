package dev.baton.orchestration.policies;

import static dev.baton.domain.StateType.CANCELLED;
import static dev.baton.domain.StateType.CANCELLING;
import static dev.baton.domain.StateType.COMPLETED;
import static dev.baton.domain.StateType.CRASHED;
import static dev.baton.domain.StateType.FAILED;
import static dev.baton.domain.StateType.PAUSED;
import static dev.baton.domain.StateType.PENDING;
import static dev.baton.domain.StateType.RUNNING;
import static dev.baton.domain.StateType.SCHEDULED;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import dev.baton.domain.RunKind;
import dev.baton.domain.State;
import dev.baton.domain.StateType;
import dev.baton.orchestration.Kit;
import dev.baton.orchestration.engine.Engine;
import dev.baton.orchestration.engine.Facts;
import dev.baton.orchestration.engine.ObjectNotFoundException;
import dev.baton.orchestration.engine.Policy;
import dev.baton.orchestration.engine.PolicyStep;
import dev.baton.orchestration.engine.Rule;
import dev.baton.orchestration.engine.RuleContext;
import dev.baton.orchestration.engine.RunDraft;
import dev.baton.orchestration.engine.TypeSet;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.UUID;
import java.util.function.Function;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * The transition table as data. Every policy is run over every (from ∈ types ∪ {∅}) × (to ∈ types)
 * pair with a few fixtures; each rule records the transitions it was entered for. The test fails
 * when a rule's declaration differs from the spec, or when a declared (rule, from, to) is never
 * entered in any policy — unless it is listed in {@link #SHADOWED}: pairs that an earlier rule of
 * every policy containing the rule always decides first. The table goes to
 * {@code target/transition-table.md}.
 */
class TransitionCoverageTest {

  private static final List<StateType> FROMS = new ArrayList<>();
  static {
    FROMS.add(null);
    FROMS.addAll(Arrays.asList(StateType.values()));
  }

  /** The spec's FROM/TO declarations (§5), written independently of the rule classes. */
  private static final Map<String, TypeSet[]> DECLARED = new LinkedHashMap<>();
  private static void declare(String rule, TypeSet from, TypeSet to) {
    DECLARED.put(rule, new TypeSet[] {from, to});
  }
  static {
    TypeSet all = TypeSet.ALL;
    TypeSet terminal = TypeSet.of(COMPLETED, FAILED, CANCELLED, CRASHED);
    declare("PreventDuplicateTransitions", all, all);
    declare("HandleFlowTerminalStateTransitions", terminal, all);
    declare("EnforceCancellingToCancelledTransition", TypeSet.of(CANCELLING), TypeSet.allExcept(CANCELLED));
    declare("BypassCancellingFlowRunsWithNoInfra", TypeSet.of(SCHEDULED, PAUSED), TypeSet.of(CANCELLING));
    declare("PreventPendingTransitions", TypeSet.of(PENDING, CANCELLING, RUNNING, CANCELLED), TypeSet.of(PENDING));
    declare("EnsureOnlyScheduledFlowsMarkedLate", all, TypeSet.of(SCHEDULED));
    declare("HandlePausingFlows", all, TypeSet.of(PAUSED));
    declare("HandleResumingPausedFlows", TypeSet.of(PAUSED), all);
    declare("CopyScheduledTime", TypeSet.of(SCHEDULED), TypeSet.of(PENDING));
    declare("WaitForScheduledTime", TypeSet.of(SCHEDULED, PENDING), TypeSet.of(RUNNING));
    declare("RetryFailedFlows", TypeSet.of(RUNNING), TypeSet.of(FAILED));
    declare("PreventResultDataLoss", terminal, terminal);
    declare("CacheRetrieval", all, TypeSet.of(RUNNING));
    declare("HandleTaskTerminalStateTransitions", terminal, all);
    declare("PreventRunningTasksFromStoppedFlows", all, TypeSet.of(RUNNING));
    declare("RetryFailedTasks", TypeSet.of(RUNNING), TypeSet.of(FAILED));
    declare("RenameReruns", all, TypeSet.of(RUNNING));
    declare("UpdateFlowRunTrackerOnTasks", all, TypeSet.of(RUNNING));
    declare("CacheInsertion", all, TypeSet.of(COMPLETED));
    declare("CopyTaskParametersID", TypeSet.of(SCHEDULED, PENDING), TypeSet.of(PENDING, RUNNING));
    declare("EnqueueScheduledTasks", all, TypeSet.of(SCHEDULED));
    declare("SecureTaskConcurrencySlots", all, TypeSet.of(RUNNING));
    declare("ValidateDeploymentConcurrencyAtRunning", TypeSet.of(PENDING), TypeSet.of(RUNNING));
    declare("SecureFlowConcurrencySlots", TypeSet.allExcept(PENDING, RUNNING, CANCELLING), TypeSet.of(PENDING));
    declare("RemoveDeploymentConcurrencyLeaseForOldClientVersions", TypeSet.of(PENDING), TypeSet.of(RUNNING, CANCELLING));
    declare("EnforceDeploymentConcurrencyOnLate", TypeSet.of(SCHEDULED), TypeSet.of(SCHEDULED));
  }

  /**
   * Declared pairs no fixture can reach, because an earlier rule in every policy holding the rule
   * always changes such a transition: "Rule: from→to, … (by EarlierRule)".
   */
  private static final Set<String> SHADOWED = new TreeSet<>(List.of(
      // terminal → PAUSED is aborted by HandleFlowTerminalStateTransitions (core flow policy only)
      "HandlePausingFlows: COMPLETED→PAUSED", "HandlePausingFlows: FAILED→PAUSED",
      "HandlePausingFlows: CANCELLED→PAUSED", "HandlePausingFlows: CRASHED→PAUSED",
      // CANCELLING → PAUSED is rejected by EnforceCancellingToCancelledTransition
      "HandlePausingFlows: CANCELLING→PAUSED",
      // PAUSED → PAUSED is rejected by HandlePausingFlows (spec scenario 44)
      "HandleResumingPausedFlows: PAUSED→PAUSED",
      // CANCELLED → PENDING is aborted by PreventPendingTransitions
      "SecureFlowConcurrencySlots: CANCELLED→PENDING"
  ));

  private record Seen(String rule, StateType from, StateType to) {}

  private static final Map<Seen, Set<String>> entered = new TreeMap<>(
      (a, b) -> (a.rule() + key(a.from()) + key(a.to())).compareTo(b.rule() + key(b.from()) + key(b.to())));
  private static final Map<String, Rule> rules = new TreeMap<>();
  private static final Map<String, List<String>> policiesOf = new TreeMap<>();

  private static String key(StateType t) {
    return t == null ? "∅" : t.name();
  }

  /** Wraps a rule so that its entry is recorded (name and declaration unchanged). */
  private static final class Recording extends Rule {
    final Rule delegate;
    final String policy;

    Recording(Rule delegate, String policy) {
      this.delegate = delegate;
      this.policy = policy;
    }

    @Override public String name() { return delegate.name(); }
    @Override public TypeSet fromStates() { return delegate.fromStates(); }
    @Override public TypeSet toStates() { return delegate.toStates(); }
    @Override public void before(RuleContext ctx) {
      entered.computeIfAbsent(new Seen(name(), ctx.initialType(), ctx.proposedType()), k -> new TreeSet<>()).add(policy);
      delegate.before(ctx);
    }
    @Override public void after(RuleContext ctx) { delegate.after(ctx); }
    @Override public void cleanup(RuleContext ctx) { delegate.cleanup(ctx); }
  }

  private static Policy recording(Policy p) {
    List<PolicyStep> steps = new ArrayList<>();
    for (PolicyStep s : p.steps()) {
      if (s instanceof Rule r) {
        rules.putIfAbsent(r.name(), r);
        policiesOf.computeIfAbsent(r.name(), k -> new ArrayList<>()).add(p.name());
        steps.add(new Recording(r, p.name()));
      } else {
        steps.add(s);
      }
    }
    return new Policy(p.name(), steps);
  }

  /** A fixture builds the run, initial and proposed state and facts for one (from, to). */
  private record Fixture(String name, Function<StateType, State> initial, Function<StateType, State> proposal,
      boolean rich) {}

  private static final List<Fixture> FIXTURES = List.of(
      new Fixture("plain", Kit::initial, Kit::proposal, false),
      // deployment + pid, task under a running flow, named PENDING sub-state, past scheduled time
      new Fixture("rich",
          t -> Kit.details(Kit.initial(t), d -> d.scheduledTime(Kit.NOW.minusSeconds(5))),
          t -> t == PENDING ? Kit.proposal(t, "Submitting") : Kit.proposal(t), true));

  @BeforeAll
  static void runEverything() {
    Map<Policy, RunKind> policies = new LinkedHashMap<>();
    policies.put(FlowPolicies.CORE, RunKind.FLOW_RUN);
    policies.put(FlowPolicies.MINIMAL, RunKind.FLOW_RUN);
    policies.put(FlowPolicies.MARK_LATE, RunKind.FLOW_RUN);
    policies.put(TaskPolicies.CORE, RunKind.TASK_RUN);
    policies.put(TaskPolicies.MINIMAL, RunKind.TASK_RUN);
    policies.put(TaskPolicies.BACKGROUND, RunKind.TASK_RUN);
    for (Map.Entry<Policy, RunKind> e : policies.entrySet()) {
      Policy policy = recording(e.getKey());
      RunKind kind = e.getValue();
      for (Fixture fx : FIXTURES) {
        for (StateType from : FROMS) {
          for (StateType to : StateType.values()) {
            State initial = from == null ? null : fx.initial().apply(from);
            State proposed = fx.proposal().apply(to);
            UUID flowRunId = Kit.id();
            RunDraft run = kind == RunKind.FLOW_RUN
                ? (fx.rich() ? Kit.flow().deployment().pid("1") : Kit.flow()).state(initial).build()
                : (fx.rich() ? Kit.task().flowRun(flowRunId) : Kit.task()).state(initial).build();
            Facts facts = fx.rich() ? Kit.parent(flowRunId, 1, Kit.initial(RUNNING)) : Facts.NONE;
            try {
              new Engine().orchestrate(policy, PolicySelector.global(kind), run, initial, proposed, facts, Kit.env());
            } catch (ObjectNotFoundException expected) {
              // cannot happen with these fixtures, but would not invalidate the coverage
            }
          }
        }
      }
    }
  }

  @Test
  void declarationsMatchTheSpec() {
    assertEquals(DECLARED.keySet(), rules.keySet(), "rules in policies vs spec declarations");
    for (Map.Entry<String, Rule> e : rules.entrySet()) {
      TypeSet[] d = DECLARED.get(e.getKey());
      for (StateType t : FROMS) {
        assertEquals(d[0].contains(t), e.getValue().fromStates().contains(t), e.getKey() + " FROM " + key(t));
        assertEquals(d[1].contains(t), e.getValue().toStates().contains(t), e.getKey() + " TO " + key(t));
      }
    }
  }

  @Test
  void onlyDeclaredTransitionsAreEntered() {
    for (Seen s : entered.keySet()) {
      Rule r = rules.get(s.rule());
      assertTrue(r.fromStates().contains(s.from()) && r.toStates().contains(s.to()), s.toString());
    }
  }

  @Test
  void everyDeclaredTransitionIsExercisedOrKnownShadowed() {
    List<String> missing = new ArrayList<>();
    Set<String> shadowed = new TreeSet<>();
    for (Map.Entry<String, Rule> e : rules.entrySet()) {
      for (StateType from : FROMS) {
        for (StateType to : StateType.values()) {
          if (!e.getValue().fromStates().contains(from) || !e.getValue().toStates().contains(to)) {
            continue;
          }
          if (!entered.containsKey(new Seen(e.getKey(), from, to))) {
            shadowed.add(e.getKey() + ": " + key(from) + "→" + key(to));
          }
        }
      }
    }
    for (String s : shadowed) {
      if (!SHADOWED.contains(s)) {
        missing.add(s);
      }
    }
    List<String> stale = SHADOWED.stream().filter(s -> !shadowed.contains(s)).toList();
    if (!missing.isEmpty() || !stale.isEmpty()) {
      fail("declared but never exercised: " + missing + "\nlisted as shadowed but exercised: " + stale);
    }
  }

  @AfterAll
  static void writeTable() throws IOException {
    StringBuilder md = new StringBuilder("# Rules × transitions\n\n")
        .append("Generated by TransitionCoverageTest. Rows: initial type (∅ = no state); columns: proposed type.\n")
        .append("Cell: policies in which the rule was entered for the transition (C = core, M = minimal, ")
        .append("B = background, L = mark-late), `shadowed` = declared but always decided by an earlier rule, ")
        .append("empty = not declared.\n");
    for (Map.Entry<String, Rule> e : rules.entrySet()) {
      Rule r = e.getValue();
      md.append("\n## ").append(e.getKey()).append("\n\nFROM ").append(r.fromStates()).append(" TO ")
          .append(r.toStates()).append(" — in ").append(String.join(", ", policiesOf.get(e.getKey()))).append("\n\n|   |");
      for (StateType to : StateType.values()) {
        md.append(' ').append(to.name()).append(" |");
      }
      md.append("\n|---|");
      md.append("---|".repeat(StateType.values().length)).append('\n');
      for (StateType from : FROMS) {
        md.append("| ").append(key(from)).append(" |");
        for (StateType to : StateType.values()) {
          String cell = "";
          if (r.fromStates().contains(from) && r.toStates().contains(to)) {
            Set<String> ps = entered.get(new Seen(e.getKey(), from, to));
            cell = ps == null ? "shadowed" : String.join(" ", ps.stream().map(TransitionCoverageTest::abbrev).toList());
          }
          md.append(' ').append(cell).append(" |");
        }
        md.append('\n');
      }
    }
    Path out = Path.of("target", "transition-table.md");
    Files.createDirectories(out.getParent());
    Files.writeString(out, md);
  }

  private static String abbrev(String policy) {
    return switch (policy) {
      case "CoreFlowPolicy", "CoreTaskPolicy" -> "C";
      case "MinimalFlowPolicy", "MinimalTaskPolicy" -> "M";
      case "BackgroundTaskPolicy" -> "B";
      case "MarkLateRunsPolicy" -> "L";
      default -> policy;
    };
  }
}
