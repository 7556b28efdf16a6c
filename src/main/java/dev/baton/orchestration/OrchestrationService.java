package dev.baton.orchestration;

import static dev.baton.orchestration.run.EffectApplier.writtenByStoreAlone;
import static dev.baton.orchestration.run.RunOrchestrator.cacheKeyToLookUp;
import static dev.baton.orchestration.run.RunOrchestrator.lock;
import static dev.baton.orchestration.run.RunOrchestrator.notFound;
import static dev.baton.orchestration.run.TransactionRunner.retryOnConflict;

import dev.baton.config.BatonConfig;
import dev.baton.domain.ApiVersion;
import dev.baton.domain.Ids;
import dev.baton.domain.OrchestrationStatus;
import dev.baton.domain.RunKind;
import dev.baton.domain.State;
import dev.baton.observability.OrchestrationMetrics;
import dev.baton.orchestration.api.Deadline;
import dev.baton.orchestration.api.OrchestrationException;
import dev.baton.orchestration.api.OrchestrationResult;
import dev.baton.orchestration.api.ResumeCommand;
import dev.baton.orchestration.api.SetStateCommand;
import dev.baton.orchestration.engine.ConcurrencyEffect;
import dev.baton.orchestration.engine.ConcurrencyFacts;
import dev.baton.orchestration.engine.Effect;
import dev.baton.orchestration.engine.OrchestrationOutcome;
import dev.baton.orchestration.engine.OrchestrationSettings;
import dev.baton.orchestration.engine.Policy;
import dev.baton.orchestration.policies.PolicySelector;
import dev.baton.persistence.concurrency.ConcurrencyFactsStore;
import dev.baton.persistence.OrchestrationStore;
import dev.baton.persistence.SqlErrors;
import dev.baton.persistence.Transactions;
import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.sqlclient.Pool;
import io.vertx.sqlclient.SqlConnection;
import java.time.Clock;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import dev.baton.orchestration.run.TransactionRunner;
import dev.baton.orchestration.run.RunOrchestrator;
import dev.baton.orchestration.run.OutcomeRows;
import dev.baton.orchestration.run.LockedRun;
import dev.baton.orchestration.run.LoadedRuns;
import dev.baton.orchestration.run.EffectApplier;
import dev.baton.orchestration.run.DeniedSlots;
import dev.baton.orchestration.run.ConcurrencyLoading;
import dev.baton.orchestration.run.ConcurrencyFactRows;
import dev.baton.orchestration.resume.RunInputWorker;
import dev.baton.orchestration.resume.ResumeService;
import dev.baton.orchestration.group.ProposalBatcher;
import dev.baton.orchestration.group.GroupSlots;
import dev.baton.orchestration.creation.GroupedTaskRunCreation;

/**
 * The entry point of orchestration: set-state proposals, alone or as a group (group commit), and
 * the lock-free WAIT a group tries first for contended tag limits; resume and in-transaction
 * orchestration are delegated. The work is split by job:
 * <ul>
 *   <li>{@link TransactionRunner} — transactions, retry on conflict, failure classification;
 *   <li>{@link RunOrchestrator} — lock and load a run, its concurrency facts, the engine;
 *   <li>{@link GroupSlots} — the tagged task runs of a group: WAITs, releases, slot hand-offs;
 *   <li>{@link EffectApplier} — the outcome's writes and effects, nested orchestration;
 *   <li>{@link ResumeService} — resuming paused flow runs.
 * </ul>
 * Correctness under concurrency comes from the PostgreSQL row lock, so any number of Baton
 * instances may share one database.
 */
public final class OrchestrationService {
  private static final Logger LOG = LoggerFactory.getLogger(OrchestrationService.class);

  private final Pool pool;
  private final OrchestrationMetrics metrics;
  private final Clock clock;
  private final RunInputWorker runInput;
  private final TransactionRunner tx;
  private final RunOrchestrator core;
  private final EffectApplier effects;
  private final ResumeService resumes;
  private final GroupSlots slots = new GroupSlots(this::decideQuietly);

  /**
   * Without a run-input worker of its own: resume checks run on Vert.x's shared worker pool, within
   * the default budget.
   */
  public OrchestrationService(Pool pool, OrchestrationSettings settings,
      OrchestrationMetrics metrics, Clock clock) {
    this(pool, settings, metrics, clock, RunInputWorker.onCallerContext(BatonConfig.RunInput.DEFAULTS.maxQueued(),
        RunInputWorker.budget(BatonConfig.RunInput.DEFAULTS)));
  }

  /** @param runInput where and within which budget resume checks its run input */
  public OrchestrationService(Pool pool, OrchestrationSettings settings,
      OrchestrationMetrics metrics, Clock clock, RunInputWorker runInput) {
    this.pool = pool;
    this.metrics = metrics;
    this.clock = clock;
    this.runInput = runInput;
    this.tx = new TransactionRunner(pool, metrics);
    this.core = new RunOrchestrator(settings, new DeniedSlots(pool));
    this.effects = core.effects();
    this.resumes = new ResumeService(pool, tx, core, runInput, metrics, this::now);
  }

  /**
   * Writes the WAITs' denied slots still gathering for their batch (they are written every
   * {@link DeniedSlots#DELAY_MS} ms): the server calls it when it stops, after the orchestration
   * verticles, so a graceful stop loses none. Never fails (a failed batch is logged and dropped).
   */
  public Future<Void> flushDeniedSlots() {
    return core.flushDeniedSlots().recover(t -> Future.succeededFuture());
  }

  public RunInputWorker runInput() {
    return runInput;
  }

  public OrchestrationMetrics metrics() {
    return metrics;
  }

  /** Microsecond-precision "now", matching PostgreSQL timestamptz. */
  public Instant now() {
    return clock.instant().truncatedTo(ChronoUnit.MICROS);
  }

  /** Orchestrates one proposal in its own transaction; retried on deadlock/serialization failure. */
  public Future<OrchestrationResult> setState(SetStateCommand cmd) {
    return setStateNoted(cmd).map(Noted::result);
  }

  /** {@link #setState} with what {@link ProposalBatcher} needs to hold WAITs and hand slots over. */
  Future<Noted> setStateNoted(SetStateCommand cmd) {
    return answered(cmd, System.nanoTime(), retryOnConflict(() -> attempt(cmd)));
  }

  /**
   * A proposal's answer, noted with what it did to tag slots (for {@link ProposalBatcher}'s held
   * WAITs):
   *
   * @param waitsOn when the answer is a WAIT that wrote nothing but its denied slot: the ids of the
   *     full limits that refused it; else empty
   * @param holds the ids of the limits whose slots this answer took for the run (a tagged task
   *     run's RUNNING); else empty
   * @param releases whether this answer gave back slots the run held
   */
  public record Noted(OrchestrationResult result, List<UUID> waitsOn, List<UUID> holds, boolean releases) {
    static Noted of(SetStateCommand cmd, OrchestrationOutcome o, OrchestrationResult r) {
      List<UUID> waitsOn = List.of();
      List<UUID> holds = List.of();
      boolean releases = false;
      boolean onlyDenials = o.status() == OrchestrationStatus.WAIT && !o.stateWritten() && !o.effects().isEmpty();
      for (Effect e : o.effects()) {
        if (e instanceof ConcurrencyEffect.RecordDenied d) {
          waitsOn = d.limitIds();
        } else {
          onlyDenials = false;
          if (e instanceof ConcurrencyEffect.AcquireSlots a && cmd.runId().equals(a.holderId())) {
            holds = a.limitIds();
          } else if (e instanceof ConcurrencyEffect.ReleaseLeases) {
            releases = true;
          }
        }
      }
      return new Noted(r, onlyDenials && cmd.kind() == RunKind.TASK_RUN ? waitsOn : List.of(), holds, releases);
    }
  }

  /**
   * Orchestrates proposals for distinct runs together (group commit): one transaction locks and
   * loads them all in one statement per run kind, runs the engine on each, writes every outcome and
   * commits — two round trips and one commit for the whole group. Each proposal still gets its own
   * answer, exactly as if it had been sent alone:
   * <ul>
   *   <li>a run that does not exist fails NOT_FOUND alone;
   *   <li>a run the group path cannot finish — one that may hold or take a concurrency slot, or whose
   *       outcome orchestrates other runs — is left untouched by the group and orchestrated alone
   *       right after it commits;
   *   <li>when PostgreSQL rejects any statement of the group (a constraint, a deadlock), the group
   *       is rolled back and every proposal is orchestrated alone, so one bad proposal never fails
   *       another;
   *   <li>a lost connection fails them all (a COMMIT may or may not have happened), as it would
   *       fail a proposal sent alone.
   * </ul>
   * The answers are index-aligned with {@code cmds}, whose run ids must be distinct per kind.
   */
  public List<Future<OrchestrationResult>> setStates(List<SetStateCommand> cmds) {
    List<Future<Noted>> noted = setStatesNoted(cmds);
    List<Future<OrchestrationResult>> answers = new ArrayList<>(noted.size());
    noted.forEach(f -> answers.add(f.map(Noted::result)));
    return answers;
  }

  /** {@link #setStates} with what {@link ProposalBatcher} needs to hold WAITs and hand slots over. */
  public List<Future<Noted>> setStatesNoted(List<SetStateCommand> cmds) {
    if (cmds.size() == 1) {
      return List.of(setStateNoted(cmds.get(0)));
    }
    long start = System.nanoTime();
    List<Promise<OrchestrationOutcome>> promises = new ArrayList<>(cmds.size());
    List<Future<Noted>> answers = new ArrayList<>(cmds.size());
    for (SetStateCommand cmd : cmds) {
      Promise<OrchestrationOutcome> p = Promise.promise();
      promises.add(p);
      answers.add(answered(cmd, start, p.future()));
    }
    groupAttempt(cmds).onComplete(group -> {
      for (int i = 0; i < cmds.size(); i++) {
        SetStateCommand cmd = cmds.get(i);
        Object verdict = group.succeeded() ? group.result()[i]
            : SqlErrors.pgException(group.cause()) != null || group.cause() instanceof GroupSlots.SlotsGone ? ALONE
            : group.cause();
        if (verdict == ALONE) {
          retryOnConflict(() -> attempt(cmd)).onComplete(promises.get(i));
        } else if (verdict == ALONE_WAIT_FIRST) {
          waitFirst(cmd).onComplete(promises.get(i));
        } else if (verdict instanceof OrchestrationOutcome o) {
          promises.get(i).complete(effects.recordDenials(o));
        } else {
          promises.get(i).fail((Throwable) verdict);
        }
      }
    });
    return answers;
  }

  /** A proposal's answer once orchestrated: metrics and a debug line, or the classified failure. */
  private Future<Noted> answered(SetStateCommand cmd, long start, Future<OrchestrationOutcome> outcome) {
    String endpoint = "set_state";
    return outcome
        .map(o -> {
          metrics.outcome(cmd.kind(), endpoint, o.status(), o.decidedBy(), System.nanoTime() - start);
          if (LOG.isDebugEnabled()) {
            LOG.debug("event=orchestrated run_kind={} run_id={} proposed={} status={} rule={} state={} written={}",
                cmd.kind(), cmd.runId(), cmd.state().type(), o.status(), o.decidedBy(),
                o.state() == null ? null : o.state().type(), o.stateWritten());
          }
          return Noted.of(cmd, o, new OrchestrationResult(o.state(), o.status(), o.details(), o.stateWritten()));
        })
        .recover(t -> tx.failed(cmd.kind(), endpoint, cmd.runId(), t));
  }

  /** A group verdict: orchestrate this proposal alone. */
  public static final Object ALONE = new Object();

  /** A group verdict: orchestrate this proposal alone, trying a lock-free WAIT first ({@link #waitFirst}). */
  public static final Object ALONE_WAIT_FIRST = new Object();

  /**
   * A tagged task run's RUNNING proposal, seen by a group: first decided from a snapshot, the run
   * and its limits read without any lock and outside a transaction. When that decision is a WAIT
   * that writes nothing (the limit is full: only its denied slot is recorded, in a batch), it is the
   * answer — the WAIT cost the database one round trip of reads, no lock and no commit. Any other
   * decision is thrown away and the proposal is orchestrated alone, under the locks, as usual.
   * The snapshot's WAIT is the answer the proposal would have had at the moment of the read.
   */
  private Future<OrchestrationOutcome> waitFirst(SetStateCommand cmd) {
    Instant now = now();
    State proposed = cmd.state().toState(Ids.uuid7(), now);
    Policy policy = PolicySelector.select(cmd.kind(), cmd.force(), proposed.details().isDeferred());
    if (cmd.deadlinePassed()) {
      return Future.failedFuture(Deadline.exceeded());
    }
    return pool.withConnection(conn -> {
      Future<LockedRun> run = LoadedRuns.readTaskRun(conn, cmd.runId(),
          cacheKeyToLookUp(policy, proposed), now);
      Future<ConcurrencyFacts> cf = ConcurrencyFactsStore.readTaskFacts(conn, cmd.runId(), true).map(ConcurrencyFactRows::facts);
      return Future.all(run, cf).map(both -> {
        if (run.result() == null) {
          return null;
        }
        OrchestrationOutcome o = decideQuietly(cmd, run.result(), cf.result(), proposed, policy, now);
        return o != null && writesNothingButDenials(o, run.result()) ? o : null;
      });
    }).transform(ar -> ar.succeeded() && ar.result() != null
        ? Future.succeededFuture(effects.recordDenials(ar.result()))
        : retryOnConflict(() -> attempt(cmd)));
  }

  /** A WAIT whose only effect is denied slots, and that changed nothing of the run. */
  private static boolean writesNothingButDenials(OrchestrationOutcome o, LockedRun run) {
    if (o.status() != OrchestrationStatus.WAIT || o.stateWritten() || run.draft().changed()) {
      return false;
    }
    for (Effect e : o.effects()) {
      if (!(e instanceof ConcurrencyEffect.RecordDenied)) {
        return false;
      }
    }
    return true;
  }

  /**
   * The group transaction of {@link #setStates}. Completes with one verdict per proposal: its
   * committed {@link OrchestrationOutcome}, {@link #ALONE}, or the Throwable it fails with.
   */
  private Future<Object[]> groupAttempt(List<SetStateCommand> cmds) {
    Instant now = now();
    int n = cmds.size();
    State[] proposed = new State[n];
    Policy[] policies = new Policy[n];
    List<UUID> taskIds = new ArrayList<>(n);
    List<String> cacheKeys = new ArrayList<>(n);
    List<UUID> flowIds = new ArrayList<>();
    for (int i = 0; i < n; i++) {
      SetStateCommand cmd = cmds.get(i);
      proposed[i] = cmd.state().toState(Ids.uuid7(), now);
      policies[i] = PolicySelector.select(cmd.kind(), cmd.force(), proposed[i].details().isDeferred());
      if (cmd.kind() == RunKind.TASK_RUN) {
        taskIds.add(cmd.runId());
        cacheKeys.add(cacheKeyToLookUp(policies[i], proposed[i]));
      } else {
        flowIds.add(cmd.runId());
      }
    }
    return tx.pipelined((conn, begun) -> {
      // Flow runs are locked before task runs, the order nested orchestration takes them in.
      Future<Map<UUID, LockedRun>> flows = flowIds.isEmpty() ? Future.succeededFuture(Map.of())
          : LoadedRuns.lockFlowRuns(conn, flowIds);
      Future<Map<UUID, LockedRun>> tasks = taskIds.isEmpty() ? Future.succeededFuture(Map.of())
          : LoadedRuns.lockTaskRuns(conn, taskIds, cacheKeys, now);
      return Future.all(begun, flows, tasks).compose(loaded -> {
        Object[] verdicts = new Object[n];
        List<OrchestrationOutcome> decided = new ArrayList<>(n);
        List<Integer> slotRuns = new ArrayList<>();
        for (int i = 0; i < n; i++) {
          SetStateCommand cmd = cmds.get(i);
          LockedRun run = (cmd.kind() == RunKind.TASK_RUN ? tasks : flows).result().get(cmd.runId());
          if (run == null) {
            verdicts[i] = notFound(cmd.kind(), cmd.runId());
          } else if (cmd.deadlinePassed()) {
            // the caller is (about to be) told 503: it must not be committed — left out of the writes
            verdicts[i] = Deadline.exceeded();
          } else if (!ConcurrencyLoading.factsKnownEmpty(cmd.kind(), run, policies[i], proposed[i])) {
            if (cmd.kind() == RunKind.TASK_RUN) {
              slotRuns.add(i); // decided below, on the group's concurrency facts
            } else {
              verdicts[i] = ALONE;
            }
          } else {
            OrchestrationOutcome o = decideQuietly(cmd, run, proposed[i], policies[i], now);
            if (o == null || !writtenByStoreAlone(o)) {
              verdicts[i] = ALONE;
            } else {
              verdicts[i] = o;
              decided.add(o);
            }
          }
        }
        if (slotRuns.isEmpty()) {
          // the writes and COMMIT in one round trip; a failed write fails the group
          return Transactions.commitBehind(conn, OutcomeRows.writeAll(conn, decided)).map(verdicts);
        }
        return slots.decide(conn, cmds, slotRuns, tasks.result(), proposed, policies, now, verdicts, decided)
            .compose(writes -> Transactions.commitBehind(conn, GroupSlots.write(conn, decided, writes)).map(verdicts));
      });
    });
  }

  /** The engine's outcome, or null when it throws: the proposal then goes alone and fails there. */
  private OrchestrationOutcome decideQuietly(SetStateCommand cmd, LockedRun run, State proposed,
      Policy policy, Instant now) {
    return decideQuietly(cmd, run, ConcurrencyFacts.EMPTY, proposed, policy, now);
  }

  private OrchestrationOutcome decideQuietly(SetStateCommand cmd, LockedRun run,
      ConcurrencyFacts concurrency, State proposed, Policy policy, Instant now) {
    try {
      return core.decide(cmd.kind(), run, concurrency, proposed, policy, cmd.apiVersion(), cmd.clientVersion(), now);
    } catch (RuntimeException e) {
      return null;
    }
  }

  /** Maps any failure to the closed set of orchestration failures ({@link TransactionRunner#classify}). */
  public static OrchestrationException classify(Throwable t) {
    return TransactionRunner.classify(t);
  }

  private Future<OrchestrationOutcome> attempt(SetStateCommand cmd) {
    Instant now = now();
    State proposed = cmd.state().toState(Ids.uuid7(), now);
    Policy policy = PolicySelector.select(cmd.kind(), cmd.force(), proposed.details().isDeferred());
    if (cmd.deadlinePassed()) {
      return Future.failedFuture(Deadline.exceeded());
    }
    return tx.pipelined((conn, begun) -> {
      if (cmd.deadlinePassed()) { // waited too long for a connection
        return Future.failedFuture(Deadline.exceeded());
      }
      // BEGIN and the lock-and-load statement go out together (one round trip); the write is sent
      // only once both have succeeded, so nothing ever runs outside the transaction.
      Future<LockedRun> loaded = lock(conn, cmd.kind(), cmd.runId(), cacheKeyToLookUp(policy, proposed), now);
      return Future.all(begun, loaded)
          .compose(both -> core.decideWithFacts(conn, cmd.kind(), loaded.result(), proposed, policy,
              cmd.apiVersion(), cmd.clientVersion(), now))
          .compose(outcome -> {
            if (cmd.deadlinePassed()) { // e.g. waited for the row lock: rolled back, nothing written
              return Future.failedFuture(Deadline.exceeded());
            }
            if (writtenByStoreAlone(outcome)) {
              // the usual case (and a WAIT's): write and COMMIT in one round trip
              return Transactions.commitBehind(conn, OutcomeRows.write(conn, outcome))
                  .map(v -> effects.recordDenials(outcome));
            }
            return effects.writeAndApply(conn, outcome, now)
                .compose(w -> cmd.deadlinePassed() ? Future.failedFuture(Deadline.exceeded())
                    : conn.query("COMMIT").execute())
                .map(outcome);
          });
    });
  }


  /**
   * Orchestrates {@code proposed} for one run inside the caller's transaction: row lock, facts,
   * engine, writes, effects. Used by set_state, by run creation (initial state, force) and by
   * subflow mirroring.
   */
  public Future<OrchestrationOutcome> orchestrate(SqlConnection conn, RunKind kind, UUID runId, State proposed,
      boolean force, ApiVersion apiVersion, String clientVersion, Instant now) {
    return core.orchestrate(conn, kind, runId, proposed, force, apiVersion, clientVersion, now);
  }

  /** As above with an explicit policy (the late-runs marker uses its own). */
  public Future<OrchestrationOutcome> orchestrate(SqlConnection conn, RunKind kind, UUID runId, State proposed,
      Policy policy, ApiVersion apiVersion, String clientVersion, Instant now) {
    return core.orchestrate(conn, kind, runId, proposed, policy, apiVersion, clientVersion, now);
  }

  /**
   * As {@link #orchestrate} for a run the caller has already locked and loaded in this transaction
   * (run creation loads the row it has just inserted in the same round trip as the insert). The
   * loaded run must have been read without a cache key, so the policy must not look one up.
   */
  public Future<OrchestrationOutcome> orchestrateLoaded(SqlConnection conn, RunKind kind, OrchestrationStore.LoadedRun run,
      State proposed, boolean force, ApiVersion apiVersion, String clientVersion, Instant now) {
    return core.orchestrateLoaded(conn, kind, run, proposed, force, apiVersion, clientVersion, now);
  }

  /** Resumes a paused flow run (resume.md §3); see {@link ResumeService#resume}. */
  public Future<OrchestrationResult> resume(ResumeCommand cmd) {
    return resumes.resume(cmd);
  }

  // ---- grouped task-run creation (GroupedTaskRunCreation) ----

  /**
   * The initial state of a task run that a creation group ({@code GroupedTaskRunCreation}) has just
   * inserted, locked and loaded (with {@link RunOrchestrator#cacheKeyToLookUp}'s key), decided as
   * {@link #orchestrateLoaded} would decide it — when the group can write the whole outcome with
   * {@link OutcomeRows#writeAll}: its concurrency facts are known to be empty ({@link
   * ConcurrencyLoading#factsKnownEmpty}: a new run holds nothing, and no creation policy takes tag
   * slots) and the outcome's only effects are cache entries. Otherwise null, and the caller
   * orchestrates the run with {@link #orchestrateLoaded} in its transaction. Throws what the engine
   * throws.
   */
  public OrchestrationOutcome decideCreated(LockedRun run, State proposed, Policy policy, Instant now) {
    if (!ConcurrencyLoading.factsKnownEmpty(RunKind.TASK_RUN, run, policy, proposed)) {
      return null;
    }
    OrchestrationOutcome o = core.decide(RunKind.TASK_RUN, run, ConcurrencyFacts.EMPTY, proposed, policy, null, null,
        now);
    return EffectApplier.effectsAllOf(o, CREATION_WRITES) ? o : null;
  }

  private static final Class<?>[] CREATION_WRITES = {Effect.InsertCacheEntry.class};
}
