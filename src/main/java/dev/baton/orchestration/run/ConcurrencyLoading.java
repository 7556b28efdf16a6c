package dev.baton.orchestration.run;

import dev.baton.domain.RunKind;
import dev.baton.domain.StateType;
import dev.baton.orchestration.engine.ConcurrencyFacts;
import dev.baton.orchestration.engine.Policy;
import dev.baton.orchestration.engine.RunDraft;
import dev.baton.orchestration.rules.concurrency.EnforceDeploymentConcurrencyOnLate;
import dev.baton.orchestration.rules.concurrency.SecureFlowConcurrencySlots;
import dev.baton.orchestration.rules.concurrency.SecureTaskConcurrencySlots;
import dev.baton.orchestration.rules.concurrency.ValidateDeploymentConcurrencyAtRunning;
import dev.baton.domain.TagLimitNames;
import dev.baton.persistence.concurrency.ConcurrencyFactsStore;
import io.vertx.core.Future;
import io.vertx.sqlclient.SqlConnection;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;

/**
 * Which concurrency facts a proposal needs, loaded in its transaction right after the run lock
 * (same pipeline, no extra round trip). The run's leases are always read (and locked) — releasing
 * needs them and they are one index lookup; limit rows are locked only when a rule can act on them:
 * tag limits for a RUNNING proposal under a policy with SecureTaskConcurrencySlots, the deployment's
 * limit for PENDING/RUNNING/Late proposals under a policy with a deployment rule, and the limits of
 * the leases the run holds.
 */
public final class ConcurrencyLoading {
  private ConcurrencyLoading() {}

  /**
   * The proposal's facts with every limit row it may act on locked, or (with {@code lockLimits}
   * false) a task run's limit rows read without a lock (see {@link #readsLimitsFirst}). Flow runs'
   * limits are always locked.
   */
  public static Future<ConcurrencyFacts> load(SqlConnection conn, Proposal p, boolean lockLimits) {
    StateType to = p.state().type();
    Policy policy = p.policy();
    if (p.kind() == RunKind.TASK_RUN) {
      boolean tagLimits = to == StateType.RUNNING && policy.contains(SecureTaskConcurrencySlots.class);
      return ConcurrencyFactsStore.loadTaskFacts(conn, p.runId(), tagLimits, lockLimits).map(ConcurrencyFactRows::facts);
    }
    boolean deployment = (to == StateType.PENDING && policy.contains(SecureFlowConcurrencySlots.class))
        || (to == StateType.RUNNING && policy.contains(ValidateDeploymentConcurrencyAtRunning.class))
        || (to == StateType.SCHEDULED && policy.contains(EnforceDeploymentConcurrencyOnLate.class));
    return ConcurrencyFactsStore.loadFlowFacts(conn, p.runId(), deployment).map(ConcurrencyFactRows::facts);
  }

  /**
   * True for the proposals that may take tag slots (a task run to RUNNING under
   * SecureTaskConcurrencySlots): they decide first from an unlocked read of the limits, and lock
   * them only when that decision takes a slot.
   */
  public static boolean readsLimitsFirst(Proposal p) {
    return p.kind() == RunKind.TASK_RUN && p.state().type() == StateType.RUNNING
        && p.policy().contains(SecureTaskConcurrencySlots.class);
  }

  /**
   * True when a proposal's concurrency facts are known to be empty without reading them: the run
   * cannot be involved with a slot at all ({@link LockedRun#concurrencyFree}), or it is a task run
   * that holds nothing and proposes a state that cannot take a slot (not {@link #readsLimitsFirst}).
   * Loading would then give its tags' legacy rows, none naming it, and no tag limit and no lease; a
   * task rule reads legacy rows only to take a slot or to find the run's own.
   */
  public static boolean factsKnownEmpty(Proposal p, LockedRun run) {
    return run.concurrencyFree()
        || (p.kind() == RunKind.TASK_RUN && run.holdsNothing() && !readsLimitsFirst(p));
  }

  /** Tag limits in the order of the run's tags (messages name tags in that order). */
  public static ConcurrencyFacts ordered(ConcurrencyFacts cf, RunDraft run) {
    if (cf == null || cf.tagLimits().size() < 2) {
      return cf;
    }
    List<String> tags = run.tags();
    List<ConcurrencyFacts.Limit> sorted = new ArrayList<>(cf.tagLimits());
    sorted.sort(Comparator.comparingInt(l -> tags.indexOf(TagLimitNames.tagOf(l.name()))));
    return new ConcurrencyFacts(sorted, cf.legacyLimits(), cf.leases(), cf.deployment());
  }
}
