package dev.baton.orchestration.run;

import dev.baton.domain.Ids;
import dev.baton.domain.RunKind;
import dev.baton.orchestration.api.Deadline;
import dev.baton.failure.Failures;
import dev.baton.orchestration.api.OrchestrationException;
import dev.baton.orchestration.api.OrchestrationFailure;
import dev.baton.orchestration.engine.ConcurrencyFacts;
import dev.baton.orchestration.engine.Effect;
import dev.baton.orchestration.engine.Engine;
import dev.baton.orchestration.engine.EngineEnv;
import dev.baton.orchestration.engine.Facts;
import dev.baton.orchestration.engine.ObjectNotFoundException;
import dev.baton.orchestration.engine.OrchestrationOutcome;
import dev.baton.orchestration.engine.OrchestrationSettings;
import dev.baton.orchestration.engine.StateValidator;
import dev.baton.orchestration.policies.PolicySelector;
import dev.baton.persistence.OrchestrationStore;
import dev.baton.persistence.ServerEventStore.FlowRunStateEvent;
import dev.baton.persistence.Transactions;
import io.vertx.core.Future;
import io.vertx.sqlclient.SqlConnection;
import java.time.Clock;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.EnumSet;
import java.util.Set;
import java.util.SplittableRandom;
import java.util.UUID;

/**
 * The one path a locked run takes: its concurrency facts, the engine, the write, the effects
 * ({@link #orchestrateLocked}). Every change of a run's state goes through it — a set-state
 * proposal alone, resume, run creation, the periodic services and the nested orchestrations an
 * outcome asks for. (A set-state group decides its runs with {@link #decide} and writes them
 * together; what it cannot write goes alone, through here.)
 */
public final class RunOrchestrator {
  /** How {@link #orchestrateLocked} ends. */
  public enum Ending {
    /** The caller's transaction goes on (it writes more, or commits itself). */
    IN_TRANSACTION,
    /**
     * The path commits: behind the outcome's write in the same round trip when that write is all
     * there is, and never once the proposal's deadline has passed (then nothing is committed).
     */
    COMMIT
  }

  /** What one statement of {@link OutcomeRows#write} writes, or is left to the batch after the commit. */
  private static final Set<Effect.Writer> ONE_STATEMENT = EnumSet.of(Effect.Writer.WITH_OUTCOME,
      Effect.Writer.AFTER_COMMIT);

  private final OrchestrationSettings settings;
  private final Clock clock;
  private final Engine engine = new Engine();
  private final EffectApplier effects;

  public RunOrchestrator(OrchestrationSettings settings, Clock clock, DeniedSlots denied) {
    this.settings = settings;
    this.clock = clock;
    // nested orchestration (subflow → parent task run, legacy flow retries) is forced, in the same transaction
    this.effects = new EffectApplier(denied, (conn, nested) -> lockAndOrchestrate(conn, nested, Ending.IN_TRANSACTION));
  }

  public EffectApplier effects() {
    return effects;
  }

  /** Microsecond-precision "now", matching PostgreSQL timestamptz: the moment proposals are made at. */
  public Instant now() {
    return clock.instant().truncatedTo(ChronoUnit.MICROS);
  }

  /** Locks and loads the proposal's run, then {@link #orchestrateLocked}. */
  public Future<OrchestrationOutcome> lockAndOrchestrate(SqlConnection conn, Proposal p, Ending ending) {
    return lock(conn, p).compose(run -> orchestrateLocked(conn, p, run, ending));
  }

  /**
   * Orchestrates {@code p} for a run locked in this transaction: concurrency facts, engine, write
   * (with a flow run's state event, {@link FlowRunStateEvents}), effects, and — with {@link
   * Ending#COMMIT} — the commit. The run must have been loaded with the
   * proposal's cache key ({@link Proposal#cacheKeyToLookUp}).
   */
  public Future<OrchestrationOutcome> orchestrateLocked(SqlConnection conn, Proposal p, LockedRun run,
      Ending ending) {
    return decideWithFacts(conn, p, run).compose(outcome -> {
      FlowRunStateEvent event = FlowRunStateEvents.of(p.kind(), outcome, run.current());
      if (ending == Ending.IN_TRANSACTION) {
        return effects.writeAndApply(conn, outcome, event, p.now()).map(outcome);
      }
      if (p.deadlinePassed()) { // e.g. waited for the row lock: rolled back, nothing written
        return Future.failedFuture(Deadline.exceeded());
      }
      if (outcome.writtenBy(ONE_STATEMENT)) {
        // the usual case (and a WAIT's): the write (with a flow run's state event) and COMMIT in one round trip
        return Transactions.commitBehind(conn, OutcomeRows.write(conn, outcome, event))
            .map(v -> effects.recordDenials(outcome));
      }
      return effects.writeAndApply(conn, outcome, event, p.now())
          .compose(w -> p.deadlinePassed() ? Future.failedFuture(Deadline.exceeded())
              : conn.query("COMMIT").execute())
          .map(outcome);
    });
  }

  /**
   * Loads the run's concurrency facts and runs the engine. A proposal that may take tag slots
   * reads the limits without locking them first: a WAIT (the limit is full) is then decided from
   * that read and costs no lock on the limit row, which the holders need to give their slots back.
   * Only when that decision takes a slot are the limits loaded again, locked, and the proposal
   * decided again on them (the slot may have gone in between: then it WAITs after all).
   */
  private Future<OrchestrationOutcome> decideWithFacts(SqlConnection conn, Proposal p, LockedRun run) {
    if (ConcurrencyLoading.factsKnownEmpty(p, run)) {
      return Future.succeededFuture(decide(p, run, ConcurrencyFacts.EMPTY));
    }
    boolean optimistic = ConcurrencyLoading.readsLimitsFirst(p);
    return ConcurrencyLoading.load(conn, p, !optimistic).compose(cf -> {
      OrchestrationOutcome outcome = decide(p, run, cf);
      if (!optimistic || !outcome.has(Effect.Writer.SLOT_ACQUISITION)) {
        return Future.succeededFuture(outcome);
      }
      // the engine changed the loaded draft: load the run again (its row lock is already ours)
      // with the limits locked, in one round trip
      Future<LockedRun> again = lock(conn, p);
      Future<ConcurrencyFacts> locked = ConcurrencyLoading.load(conn, p, true);
      return Future.all(again, locked).map(both -> decide(p, again.result(), locked.result()));
    });
  }

  /**
   * Runs the engine over a loaded run (pure: nothing is written). What the engine lets through as a
   * failure of the proposal is thrown as the orchestration failure it is: a run a rule needs that is
   * gone is NOT_FOUND, a validator asking to retry is UNAVAILABLE; anything else as thrown.
   */
  public OrchestrationOutcome decide(Proposal p, LockedRun run, ConcurrencyFacts concurrency) {
    Facts facts = run.facts().withApiVersion(p.apiVersion()).withClientVersion(p.clientVersion())
        .withConcurrency(ConcurrencyLoading.ordered(concurrency, run.draft()));
    EngineEnv env = new EngineEnv(p.now(), Ids::uuid7, new SplittableRandom(), settings, StateValidator.NONE);
    try {
      return engine.orchestrate(p.policy(), PolicySelector.global(p.kind()), run.draft(), run.current(), p.state(),
          facts, env);
    } catch (ObjectNotFoundException e) {
      throw new OrchestrationException(OrchestrationFailure.NOT_FOUND, e.getMessage());
    } catch (StateValidator.RetryableException e) {
      throw Failures.unavailable(e);
    }
  }

  /** Locks and loads the proposal's run (with its cache key); fails with NOT_FOUND when it does not exist. */
  public static Future<LockedRun> lock(SqlConnection conn, Proposal p) {
    Future<LockedRun> loaded = p.kind() == RunKind.TASK_RUN
        ? LoadedRuns.lockTaskRun(conn, p.runId(), p.cacheKeyToLookUp(), p.now())
        : LoadedRuns.lockFlowRun(conn, p.runId());
    return loaded.compose(run -> run != null ? Future.succeededFuture(run) : Future.failedFuture(notFound(p)));
  }

  /** Locks and loads a flow run; fails with NOT_FOUND when it does not exist. */
  public static Future<LockedRun> lockFlowRun(SqlConnection conn, UUID id) {
    return LoadedRuns.lockFlowRun(conn, id).compose(run -> run != null ? Future.succeededFuture(run)
        : Future.failedFuture(notFound(RunKind.FLOW_RUN, id)));
  }

  /**
   * A run the caller has just locked and loaded in this transaction, without a cache key (run
   * creation reads the row it inserts in the same round trip): as locked, or — when the policy looks
   * a cache key up — loaded again with it.
   */
  public static Future<LockedRun> lockedOrReloaded(SqlConnection conn, Proposal p, OrchestrationStore.LoadedRun row) {
    return p.cacheKeyToLookUp() == null ? Future.succeededFuture(LoadedRuns.locked(row)) : lock(conn, p);
  }

  public static OrchestrationException notFound(Proposal p) {
    return notFound(p.kind(), p.runId());
  }

  public static OrchestrationException notFound(RunKind kind, UUID runId) {
    return OrchestrationException.notFound((kind == RunKind.TASK_RUN ? "Task run" : "Flow run") + " with id " + runId
        + " not found");
  }
}
