package dev.baton.orchestration.run;

import dev.baton.domain.ApiVersion;
import dev.baton.domain.Ids;
import dev.baton.domain.RunKind;
import dev.baton.domain.State;
import dev.baton.domain.StateType;
import dev.baton.orchestration.api.OrchestrationException;
import dev.baton.orchestration.engine.ConcurrencyEffect;
import dev.baton.orchestration.engine.ConcurrencyFacts;
import dev.baton.orchestration.engine.Effect;
import dev.baton.orchestration.engine.Engine;
import dev.baton.orchestration.engine.EngineEnv;
import dev.baton.orchestration.engine.Facts;
import dev.baton.orchestration.engine.OrchestrationOutcome;
import dev.baton.orchestration.engine.OrchestrationSettings;
import dev.baton.orchestration.engine.Policy;
import dev.baton.orchestration.engine.StateValidator;
import dev.baton.orchestration.policies.PolicySelector;
import dev.baton.orchestration.rules.task.CacheRetrieval;
import dev.baton.persistence.OrchestrationStore;
import io.vertx.core.Future;
import io.vertx.sqlclient.SqlConnection;
import java.time.Instant;
import java.util.SplittableRandom;
import java.util.UUID;
import java.util.random.RandomGenerator;

/**
 * Orchestrates one run inside the caller's transaction: lock and load the run, load its
 * concurrency facts, run the engine, and hand the outcome to the {@link EffectApplier}. Every path
 * that changes a run's state goes through here: set-state (alone), resume, run creation, and the
 * nested orchestrations the effects ask for.
 */
public final class RunOrchestrator {
  private final OrchestrationSettings settings;
  private final Engine engine = new Engine();
  private final EffectApplier effects;
  private final DeniedSlots denied;

  public RunOrchestrator(OrchestrationSettings settings, DeniedSlots denied) {
    this.settings = settings;
    this.denied = denied;
    // nested orchestration (subflow → parent task run, legacy flow retries) is forced, in the same transaction
    this.effects = new EffectApplier(denied,
        (conn, taskRunId, proposed, now) -> orchestrate(conn, RunKind.TASK_RUN, taskRunId, proposed, true, null, null, now));
  }

  public EffectApplier effects() {
    return effects;
  }

  /** Writes the denied slots gathered for the next batch now ({@link DeniedSlots#flush}). */
  public Future<Void> flushDeniedSlots() {
    return denied.flush();
  }

  /**
   * Orchestrates {@code proposed} for one run inside the caller's transaction: row lock, facts,
   * engine, writes, effects.
   */
  public Future<OrchestrationOutcome> orchestrate(SqlConnection conn, RunKind kind, UUID runId, State proposed,
      boolean force, ApiVersion apiVersion, String clientVersion, Instant now) {
    return orchestrate(conn, kind, runId, proposed, PolicySelector.select(kind, force, proposed.details().isDeferred()),
        apiVersion, clientVersion, now);
  }

  /** As above with an explicit policy. */
  public Future<OrchestrationOutcome> orchestrate(SqlConnection conn, RunKind kind, UUID runId, State proposed,
      Policy policy, ApiVersion apiVersion, String clientVersion, Instant now) {
    return lock(conn, kind, runId, cacheKeyToLookUp(policy, proposed), now)
        .compose(run -> orchestrateLocked(conn, kind, run, proposed, policy, apiVersion, clientVersion, now));
  }

  /**
   * As {@link #orchestrate} for a run the caller has already locked and loaded in this transaction,
   * read without a cache key: a policy that looks one up locks and loads the run again.
   */
  public Future<OrchestrationOutcome> orchestrateLoaded(SqlConnection conn, RunKind kind, OrchestrationStore.LoadedRun loaded,
      State proposed, boolean force, ApiVersion apiVersion, String clientVersion, Instant now) {
    Policy policy = PolicySelector.select(kind, force, proposed.details().isDeferred());
    if (cacheKeyToLookUp(policy, proposed) != null) {
      return orchestrate(conn, kind, loaded.run().id(), proposed, policy, apiVersion, clientVersion, now);
    }
    return orchestrateLocked(conn, kind, LoadedRuns.locked(loaded), proposed, policy, apiVersion, clientVersion, now);
  }

  private Future<OrchestrationOutcome> orchestrateLocked(SqlConnection conn, RunKind kind, LockedRun run,
      State proposed, Policy policy, ApiVersion apiVersion, String clientVersion, Instant now) {
    return decideWithFacts(conn, kind, run, proposed, policy, apiVersion, clientVersion, now)
        .compose(outcome -> effects.writeAndApply(conn, outcome, now).map(outcome));
  }

  /**
   * Loads the run's concurrency facts and runs the engine. A proposal that may take tag slots
   * reads the limits without locking them first: a WAIT (the limit is full) is then decided from
   * that read and costs no lock on the limit row, which the holders need to give their slots back.
   * Only when that decision takes a slot are the limits loaded again, locked, and the proposal
   * decided again on them (the slot may have gone in between: then it WAITs after all).
   */
  public Future<OrchestrationOutcome> decideWithFacts(SqlConnection conn, RunKind kind, LockedRun run,
      State proposed, Policy policy, ApiVersion apiVersion, String clientVersion, Instant now) {
    if (ConcurrencyLoading.factsKnownEmpty(kind, run, policy, proposed)) {
      return Future.succeededFuture(decide(kind, run, ConcurrencyFacts.EMPTY, proposed, policy, apiVersion,
          clientVersion, now));
    }
    boolean optimistic = ConcurrencyLoading.readsLimitsFirst(kind, policy, proposed);
    UUID id = run.draft().id();
    return ConcurrencyLoading.load(conn, kind, id, policy, proposed, !optimistic).compose(cf -> {
      OrchestrationOutcome outcome = decide(kind, run, cf, proposed, policy, apiVersion, clientVersion, now);
      if (!optimistic || !takesSlots(outcome)) {
        return Future.succeededFuture(outcome);
      }
      // the engine changed the loaded draft: load the run again (its row lock is already ours)
      // with the limits locked, in one round trip
      Future<LockedRun> again = lock(conn, kind, id, cacheKeyToLookUp(policy, proposed), now);
      Future<ConcurrencyFacts> locked = ConcurrencyLoading.load(conn, kind, id, policy, proposed, true);
      return Future.all(again, locked).map(both -> decide(kind, again.result(), locked.result(), proposed, policy,
          apiVersion, clientVersion, now));
    });
  }

  public static boolean takesSlots(OrchestrationOutcome o) {
    for (Effect e : o.effects()) {
      if (e instanceof ConcurrencyEffect.AcquireSlots) {
        return true;
      }
    }
    return false;
  }

  /**
   * The run's concurrency facts, read after the run lock (leases, then limits in id order) — or
   * known empty, without a statement (see {@link ConcurrencyLoading#factsKnownEmpty}).
   */
  public static Future<ConcurrencyFacts> concurrencyFacts(SqlConnection conn, RunKind kind,
      LockedRun run, Policy policy, State proposed) {
    return ConcurrencyLoading.factsKnownEmpty(kind, run, policy, proposed)
        ? Future.succeededFuture(ConcurrencyFacts.EMPTY)
        : ConcurrencyLoading.load(conn, kind, run.draft().id(), policy, proposed);
  }

  /** Runs the engine over an already locked run, then writes the outcome and its effects. */
  public Future<OrchestrationOutcome> decideAndWrite(SqlConnection conn, RunKind kind, LockedRun run,
      ConcurrencyFacts concurrency, State proposed, Policy policy, ApiVersion apiVersion, String clientVersion,
      Instant now) {
    OrchestrationOutcome outcome = decide(kind, run, concurrency, proposed, policy, apiVersion, clientVersion, now);
    return effects.writeAndApply(conn, outcome, now).map(outcome);
  }

  /** Runs the engine over an already locked run (pure: nothing is written). */
  public OrchestrationOutcome decide(RunKind kind, LockedRun run, ConcurrencyFacts concurrency,
      State proposed, Policy policy, ApiVersion apiVersion, String clientVersion, Instant now) {
    Facts facts = run.facts().withApiVersion(apiVersion).withClientVersion(clientVersion)
        .withConcurrency(ConcurrencyLoading.ordered(concurrency, run.draft()));
    return engine.orchestrate(policy, PolicySelector.global(kind), run.draft(), run.current(), proposed, facts, env(now));
  }

  private EngineEnv env(Instant now) {
    RandomGenerator random = new SplittableRandom();
    return new EngineEnv(now, Ids::uuid7, random, settings, StateValidator.NONE);
  }

  /** Locks and loads a run; fails with NOT_FOUND when it does not exist. */
  public static Future<LockedRun> lock(SqlConnection conn, RunKind kind, UUID runId,
      String cacheKey, Instant now) {
    Future<LockedRun> loaded = kind == RunKind.TASK_RUN
        ? LoadedRuns.lockTaskRun(conn, runId, cacheKey, now)
        : LoadedRuns.lockFlowRun(conn, runId);
    return loaded.compose(run -> run != null ? Future.succeededFuture(run) : Future.failedFuture(notFound(kind, runId)));
  }

  public static OrchestrationException notFound(RunKind kind, UUID runId) {
    return OrchestrationException.notFound((kind == RunKind.TASK_RUN ? "Task run" : "Flow run") + " with id " + runId + " not found");
  }

  /** Only the policies with CacheRetrieval look up the cache, and only for RUNNING proposals. */
  public static String cacheKeyToLookUp(Policy policy, State proposed) {
    if (proposed.type() != StateType.RUNNING || proposed.details().cacheKey() == null
        || Boolean.TRUE.equals(proposed.details().refreshCache())
        || !policy.contains(CacheRetrieval.class)) {
      return null;
    }
    return proposed.details().cacheKey();
  }
}
