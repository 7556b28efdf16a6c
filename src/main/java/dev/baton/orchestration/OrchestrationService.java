package dev.baton.orchestration;

import dev.baton.config.BatonConfig;
import dev.baton.domain.ApiVersion;
import dev.baton.domain.Ids;
import dev.baton.domain.RunKind;
import dev.baton.domain.State;
import dev.baton.domain.StateType;
import dev.baton.observability.OrchestrationMetrics;
import dev.baton.orchestration.api.Deadline;
import dev.baton.orchestration.api.OrchestrationException;
import dev.baton.orchestration.api.OrchestrationFailure;
import dev.baton.orchestration.api.OrchestrationResult;
import dev.baton.orchestration.api.SetStateCommand;
import dev.baton.orchestration.engine.ConcurrencyEffect;
import dev.baton.orchestration.engine.ConcurrencyFacts;
import dev.baton.orchestration.engine.Effect;
import dev.baton.orchestration.engine.Engine;
import dev.baton.orchestration.engine.EngineEnv;
import dev.baton.orchestration.engine.Facts;
import dev.baton.orchestration.engine.ObjectNotFoundException;
import dev.baton.orchestration.engine.OrchestrationOutcome;
import dev.baton.orchestration.engine.OrchestrationSettings;
import dev.baton.orchestration.engine.Policy;
import dev.baton.orchestration.engine.StateValidator;
import dev.baton.orchestration.policies.PolicySelector;
import dev.baton.orchestration.rules.task.CacheRetrieval;
import dev.baton.persistence.ConcurrencyStore;
import dev.baton.persistence.FlowRunInputRepository;
import dev.baton.persistence.FlowRunRepository;
import dev.baton.persistence.OrchestrationStore;
import dev.baton.persistence.VariableRepository;
import dev.baton.runinput.Hydrator;
import dev.baton.runinput.ResumeInputCheck;
import dev.baton.orchestration.api.ResumeCommand;
import dev.baton.domain.OrchestrationDetails;
import dev.baton.domain.OrchestrationStatus;
import dev.baton.domain.StateDetails;
import com.fasterxml.jackson.databind.JsonNode;
import java.util.Map;
import dev.baton.persistence.SqlErrors;
import dev.baton.persistence.TaskRunIdConflictException;
import dev.baton.persistence.Transactions;
import io.vertx.core.Future;
import io.vertx.core.Promise;
import java.util.ArrayList;
import java.util.List;
import io.vertx.sqlclient.Pool;
import io.vertx.sqlclient.SqlConnection;
import java.time.Clock;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.SplittableRandom;
import java.util.UUID;
import java.util.random.RandomGenerator;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Owns the transaction of every proposal: lock the run row, load the facts, run the engine, write
 * the outcome and its effects, commit — then metrics and logs. Correctness under concurrency comes
 * from the PostgreSQL row lock, so any number of Baton instances may share one database.
 */
public final class OrchestrationService {
  private static final Logger LOG = LoggerFactory.getLogger(OrchestrationService.class);
  private static final int MAX_ATTEMPTS = 3;

  private final Pool pool;
  private final OrchestrationSettings settings;
  private final OrchestrationMetrics metrics;
  private final Clock clock;
  private final RunInputWorker runInput;
  private final Engine engine = new Engine();
  private final DeniedSlots denied;

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
    this.settings = settings;
    this.metrics = metrics;
    this.clock = clock;
    this.runInput = runInput;
    this.denied = new DeniedSlots(pool);
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
    return answered(cmd, System.nanoTime(), retryOnConflict(() -> attempt(cmd)));
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
    if (cmds.size() == 1) {
      return List.of(setState(cmds.get(0)));
    }
    long start = System.nanoTime();
    List<Promise<OrchestrationOutcome>> promises = new ArrayList<>(cmds.size());
    List<Future<OrchestrationResult>> answers = new ArrayList<>(cmds.size());
    for (SetStateCommand cmd : cmds) {
      Promise<OrchestrationOutcome> p = Promise.promise();
      promises.add(p);
      answers.add(answered(cmd, start, p.future()));
    }
    groupAttempt(cmds).onComplete(group -> {
      for (int i = 0; i < cmds.size(); i++) {
        SetStateCommand cmd = cmds.get(i);
        Object verdict = group.succeeded() ? group.result()[i]
            : SqlErrors.pgException(group.cause()) != null || group.cause() instanceof GroupSlotsGone ? ALONE
            : group.cause();
        if (verdict == ALONE) {
          retryOnConflict(() -> attempt(cmd)).onComplete(promises.get(i));
        } else if (verdict == ALONE_WAIT_FIRST) {
          waitFirst(cmd).onComplete(promises.get(i));
        } else if (verdict instanceof OrchestrationOutcome o) {
          promises.get(i).complete(recordDenials(o));
        } else {
          promises.get(i).fail((Throwable) verdict);
        }
      }
    });
    return answers;
  }

  /** A proposal's answer once orchestrated: metrics and a debug line, or the classified failure. */
  private Future<OrchestrationResult> answered(SetStateCommand cmd, long start, Future<OrchestrationOutcome> outcome) {
    String endpoint = "set_state";
    return outcome
        .map(o -> {
          metrics.outcome(cmd.kind(), endpoint, o.status(), o.decidedBy(), System.nanoTime() - start);
          if (LOG.isDebugEnabled()) {
            LOG.debug("event=orchestrated run_kind={} run_id={} proposed={} status={} rule={} state={} written={}",
                cmd.kind(), cmd.runId(), cmd.state().type(), o.status(), o.decidedBy(),
                o.state() == null ? null : o.state().type(), o.stateWritten());
          }
          return new OrchestrationResult(o.state(), o.status(), o.details(), o.stateWritten());
        })
        .recover(t -> failed(cmd.kind(), endpoint, cmd.runId(), t));
  }

  /** A group verdict: orchestrate this proposal alone. */
  private static final Object ALONE = new Object();

  /** A group verdict: orchestrate this proposal alone, trying a lock-free WAIT first ({@link #waitFirst}). */
  private static final Object ALONE_WAIT_FIRST = new Object();

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
      Future<OrchestrationStore.LoadedRun> run = OrchestrationStore.readTaskRun(conn, cmd.runId(),
          cacheKeyToLookUp(policy, proposed), now);
      Future<ConcurrencyFacts> cf = ConcurrencyStore.readTaskFacts(conn, cmd.runId(), true);
      return Future.all(run, cf).map(both -> {
        if (run.result() == null) {
          return null;
        }
        OrchestrationOutcome o = decideQuietly(cmd, run.result(), cf.result(), proposed, policy, now);
        return o != null && writesNothingButDenials(o, run.result()) ? o : null;
      });
    }).transform(ar -> ar.succeeded() && ar.result() != null
        ? Future.succeededFuture(recordDenials(ar.result()))
        : retryOnConflict(() -> attempt(cmd)));
  }

  /** A WAIT whose only effect is denied slots, and that changed nothing of the run. */
  private static boolean writesNothingButDenials(OrchestrationOutcome o, OrchestrationStore.LoadedRun run) {
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
    return Transactions.pipelined(pool, (conn, begun) -> {
      // Flow runs are locked before task runs, the order nested orchestration takes them in.
      Future<Map<UUID, OrchestrationStore.LoadedRun>> flows = flowIds.isEmpty() ? Future.succeededFuture(Map.of())
          : OrchestrationStore.lockFlowRuns(conn, flowIds);
      Future<Map<UUID, OrchestrationStore.LoadedRun>> tasks = taskIds.isEmpty() ? Future.succeededFuture(Map.of())
          : OrchestrationStore.lockTaskRuns(conn, taskIds, cacheKeys, now);
      return Future.all(begun, flows, tasks).compose(loaded -> {
        Object[] verdicts = new Object[n];
        List<OrchestrationOutcome> decided = new ArrayList<>(n);
        List<Integer> slotRuns = new ArrayList<>();
        for (int i = 0; i < n; i++) {
          SetStateCommand cmd = cmds.get(i);
          OrchestrationStore.LoadedRun run = (cmd.kind() == RunKind.TASK_RUN ? tasks : flows).result().get(cmd.runId());
          if (run == null) {
            verdicts[i] = notFound(cmd.kind(), cmd.runId());
          } else if (cmd.deadlinePassed()) {
            // the caller is (about to be) told 503: it must not be committed — left out of the writes
            verdicts[i] = Deadline.exceeded();
          } else if (!run.concurrencyFree()) {
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
          return Transactions.commitBehind(conn, OrchestrationStore.writeOutcomes(conn, decided)).map(verdicts);
        }
        return decideSlotRuns(conn, cmds, slotRuns, tasks.result(), proposed, policies, now, verdicts, decided)
            .compose(slots -> {
              // the writes, the releases, then the acquisitions (their limits are locked already, in
              // id order, after every run and lease lock of the group) and COMMIT in one round trip;
              // a failed statement fails the group
              List<Future<?>> writes = new ArrayList<>();
              writes.add(OrchestrationStore.writeOutcomes(conn, decided));
              if (!slots.releases().isEmpty()) {
                writes.add(ConcurrencyStore.releaseLeases(conn, slots.releases()));
              }
              for (ConcurrencyEffect.AcquireSlots a : slots.acquisitions()) {
                writes.add(ConcurrencyStore.increment(conn, a.limitIds(), a.slots(), a.leaseId(), a.ttlSeconds(),
                    a.holderType(), a.holderId()).compose(ok -> ok ? Future.succeededFuture()
                        : Future.failedFuture(new GroupSlotsGone(a.limitIds()))));
              }
              return Transactions.commitBehind(conn, Future.all(writes)).map(verdicts);
            });
      });
    });
  }

  /**
   * A group's acquisition found its slots gone under the lock. Cannot happen while the group's
   * accounting is right (the limits are locked before it decides); if it did, the group is rolled
   * back and every proposal orchestrated alone, as after a refused statement.
   */
  private static final class GroupSlotsGone extends RuntimeException {
    GroupSlotsGone(List<UUID> limitIds) {
      super("slots on " + limitIds + " were no longer free under the group's lock", null, false, false);
    }
  }

  /** What a group writes besides its outcomes: leases to release, then slots to take. */
  private record SlotWrites(List<UUID> releases, List<ConcurrencyEffect.AcquireSlots> acquisitions) {}

  /**
   * The group's task runs that may hold or take a slot ({@code slotRuns}: indices into
   * {@code cmds}), decided on facts loaded for all of them in one round trip
   * ({@link GroupConcurrency}), each as it would be alone:
   * <ul>
   *   <li>a proposal that may take a tag slot (RUNNING under SecureTaskConcurrencySlots) and holds
   *       no lease is first decided on the unlocked read of its limits: a decision that takes no
   *       slot — a WAIT (nothing written but its denied slot, batched), or no active limit — is the
   *       answer, one it could have had at the moment of the read;
   *   <li>any other proposal is decided on the locked leases (as alone: no tag limits); when its
   *       only effects are lease releases (a holder's COMPLETED, FAILED…), cache entries and
   *       denials, the group writes it;
   *   <li>the proposals whose first decision takes a slot, and the WAITs on a limit the group gives
   *       slots back to, are decided again under the locks, in the group's order (one more round
   *       trip: their runs reloaded, their limits and the released leases' limits locked in one
   *       id-ordered statement): on the locked counts, less the group's releases (written first),
   *       plus the slots taken by the proposals decided before them;
   *   <li>a run named by a legacy v1 row, or a RUNNING proposal of a run that already holds a lease,
   *       goes alone as before.
   * </ul>
   * Fills in {@code verdicts} and {@code decided} (the outcomes to write).
   */
  private Future<SlotWrites> decideSlotRuns(SqlConnection conn, List<SetStateCommand> cmds, List<Integer> slotRuns,
      Map<UUID, OrchestrationStore.LoadedRun> tasks, State[] proposed, Policy[] policies, Instant now,
      Object[] verdicts, List<OrchestrationOutcome> decided) {
    List<OrchestrationStore.LoadedRun> runs = new ArrayList<>(slotRuns.size());
    java.util.Set<UUID> mayTakeSlots = new java.util.HashSet<>();
    for (int i : slotRuns) {
      SetStateCommand cmd = cmds.get(i);
      runs.add(tasks.get(cmd.runId()));
      if (ConcurrencyLoading.readsLimitsFirst(cmd.kind(), policies[i], proposed[i])) {
        mayTakeSlots.add(cmd.runId());
      }
    }
    return GroupConcurrency.load(conn, runs, mayTakeSlots).compose(facts -> {
      List<UUID> releases = new ArrayList<>();
      Map<UUID, Integer> released = new java.util.HashMap<>(); // limit id → slots the group gives back
      List<Integer> takers = new ArrayList<>();
      List<Integer> waiters = new ArrayList<>();
      for (int i : slotRuns) {
        SetStateCommand cmd = cmds.get(i);
        OrchestrationStore.LoadedRun run = tasks.get(cmd.runId());
        ConcurrencyFacts cf = facts.get(cmd.runId());
        boolean mayTake = mayTakeSlots.contains(cmd.runId());
        if (cf == null || (mayTake && !cf.leases().isEmpty())) {
          verdicts[i] = mayTake && !run.draft().tags().isEmpty() ? ALONE_WAIT_FIRST : ALONE;
          continue;
        }
        OrchestrationOutcome o = decideQuietly(cmd, run, cf, proposed[i], policies[i], now);
        if (o == null) {
          verdicts[i] = ALONE;
        } else if (mayTake && takesSlots(o)) {
          takers.add(i);
        } else if (!writtenByGroup(o)) {
          verdicts[i] = ALONE;
        } else {
          verdicts[i] = o; // a WAIT writes nothing (its denied slot is batched)
          if (mayTake && o.status() == OrchestrationStatus.WAIT) {
            waiters.add(i);
          }
          for (Effect e : o.effects()) {
            if (e instanceof ConcurrencyEffect.ReleaseLeases r) {
              releases.addAll(r.leaseIds());
              for (UUID leaseId : r.leaseIds()) {
                ConcurrencyFacts.Lease lease = cf.lease(leaseId);
                for (UUID limitId : lease.resourceIds()) {
                  released.merge(limitId, lease.slots(), Integer::sum);
                }
              }
            }
          }
        }
      }
      // WAITs on a limit the group gives slots back to are decided again, after the takers
      for (int i : waiters) {
        for (ConcurrencyFacts.Limit l : facts.get(cmds.get(i).runId()).tagLimits()) {
          if (released.containsKey(l.id())) {
            takers.add(i);
            break;
          }
        }
      }
      for (int i = 0; i < verdicts.length; i++) {
        if (verdicts[i] instanceof OrchestrationOutcome o && !takers.contains(i) && slotRuns.contains(i)) {
          decided.add(o);
        }
      }
      if (takers.isEmpty()) {
        return Future.succeededFuture(new SlotWrites(releases, List.of()));
      }
      return decideTakers(conn, cmds, tasks, takers, released, proposed, policies, now, verdicts, decided)
          .map(acquisitions -> new SlotWrites(releases, acquisitions));
    });
  }

  /**
   * The proposals of {@link #decideSlotRuns} decided again under the locks: their runs reloaded
   * (the first decision changed the loaded drafts; the rows are this transaction's already) and
   * their tag limits locked with the limits of the leases the group releases, in one id-ordered
   * statement — one round trip. Each is decided on the locked counts less the group's releases,
   * plus what the takers before it took. Succeeds with the slots to take.
   */
  private Future<List<ConcurrencyEffect.AcquireSlots>> decideTakers(SqlConnection conn, List<SetStateCommand> cmds,
      Map<UUID, OrchestrationStore.LoadedRun> tasks, List<Integer> takers, Map<UUID, Integer> released,
      State[] proposed, Policy[] policies, Instant now, Object[] verdicts, List<OrchestrationOutcome> decided) {
    takers.sort(null); // the group's order
    List<UUID> ids = new ArrayList<>(takers.size());
    List<String> cacheKeys = new ArrayList<>(takers.size());
    java.util.Set<String> names = new java.util.LinkedHashSet<>();
    for (int i : takers) {
      ids.add(cmds.get(i).runId());
      cacheKeys.add(cacheKeyToLookUp(policies[i], proposed[i]));
    }
    // a locked run's tags cannot change under us: the first load's tags name the limits
    for (int i : takers) {
      tasks.get(cmds.get(i).runId()).draft().tags().forEach(t -> names.add("tag:" + t));
    }
    Future<Map<UUID, OrchestrationStore.LoadedRun>> reloaded = OrchestrationStore.lockTaskRuns(conn, ids, cacheKeys, now);
    Future<List<ConcurrencyFacts.Limit>> limits = ConcurrencyStore.lockLimitsNamedOr(conn, new ArrayList<>(names),
        new ArrayList<>(released.keySet()));
    return Future.all(reloaded, limits).map(both -> {
      Map<UUID, OrchestrationStore.LoadedRun> runs = reloaded.result();
      List<ConcurrencyFacts.Limit> locked = limits.result();
      Map<UUID, ConcurrencyFacts.Limit> current = new java.util.LinkedHashMap<>();
      for (ConcurrencyFacts.Limit l : locked) {
        int back = released.getOrDefault(l.id(), 0);
        current.put(l.id(), back == 0 ? l : withActive(l, Math.max(0, l.activeSlots() - back)));
      }
      List<ConcurrencyEffect.AcquireSlots> acquisitions = new ArrayList<>();
      for (int i : takers) {
        SetStateCommand cmd = cmds.get(i);
        OrchestrationStore.LoadedRun run = runs.get(cmd.runId());
        List<ConcurrencyFacts.Limit> tagLimits = new ArrayList<>();
        for (ConcurrencyFacts.Limit l : current.values()) { // id order
          if (l.name().startsWith("tag:") && run != null && run.draft().tags().contains(l.name().substring(4))) {
            tagLimits.add(l);
          }
        }
        OrchestrationOutcome o = run == null ? null
            : decideQuietly(cmd, run, new ConcurrencyFacts(tagLimits, List.of(), List.of(), null), proposed[i],
                policies[i], now);
        if (o == null || !writtenByGroupTaking(o)) {
          verdicts[i] = ALONE;
          continue;
        }
        for (Effect e : o.effects()) {
          if (e instanceof ConcurrencyEffect.AcquireSlots a) {
            acquisitions.add(a);
            for (UUID limitId : a.limitIds()) {
              ConcurrencyFacts.Limit l = current.get(limitId);
              current.put(limitId, withActive(l, l.activeSlots() + a.slots()));
            }
          }
        }
        verdicts[i] = o;
        decided.add(o);
      }
      return acquisitions;
    });
  }

  private static ConcurrencyFacts.Limit withActive(ConcurrencyFacts.Limit l, int active) {
    return new ConcurrencyFacts.Limit(l.id(), l.name(), l.active(), l.limit(), active, l.deniedSlots(),
        l.slotDecayPerSecond(), l.avgSlotOccupancySeconds());
  }

  /** {@link #writtenByGroup}, plus slots taken on limits the group has locked. */
  private static boolean writtenByGroupTaking(OrchestrationOutcome o) {
    for (Effect e : o.effects()) {
      if (!(e instanceof Effect.InsertCacheEntry) && !(e instanceof ConcurrencyEffect.RecordDenied)
          && !(e instanceof ConcurrencyEffect.ReleaseLeases) && !(e instanceof ConcurrencyEffect.AcquireSlots)) {
        return false;
      }
    }
    return true;
  }

  /** True when a group writes the whole outcome: {@link #writtenByStoreAlone}, plus lease releases. */
  private static boolean writtenByGroup(OrchestrationOutcome o) {
    for (Effect e : o.effects()) {
      if (!(e instanceof Effect.InsertCacheEntry) && !(e instanceof ConcurrencyEffect.RecordDenied)
          && !(e instanceof ConcurrencyEffect.ReleaseLeases)) {
        return false;
      }
    }
    return true;
  }

  /** The engine's outcome, or null when it throws: the proposal then goes alone and fails there. */
  private OrchestrationOutcome decideQuietly(SetStateCommand cmd, OrchestrationStore.LoadedRun run, State proposed,
      Policy policy, Instant now) {
    return decideQuietly(cmd, run, ConcurrencyFacts.EMPTY, proposed, policy, now);
  }

  private OrchestrationOutcome decideQuietly(SetStateCommand cmd, OrchestrationStore.LoadedRun run,
      ConcurrencyFacts concurrency, State proposed, Policy policy, Instant now) {
    try {
      return decide(cmd.kind(), run, concurrency, proposed, policy, cmd.apiVersion(), cmd.clientVersion(), now);
    } catch (RuntimeException e) {
      return null;
    }
  }

  /**
   * True when {@link OrchestrationStore#writeOutcome} writes the whole outcome (no statement depends
   * on another); denied slots are recorded after the commit, in batches ({@link #recordDenials}).
   */
  private static boolean writtenByStoreAlone(OrchestrationOutcome o) {
    for (Effect e : o.effects()) {
      if (!(e instanceof Effect.InsertCacheEntry) && !(e instanceof ConcurrencyEffect.RecordDenied)) {
        return false;
      }
    }
    return true;
  }

  /** Classifies a failed proposal, counts it, logs the unexpected ones, and fails with it. */
  private <T> Future<T> failed(RunKind kind, String endpoint, UUID runId, Throwable t) {
    OrchestrationException e = classify(t);
    metrics.failure(kind, endpoint, e.failure().name());
    if (e.failure() == OrchestrationFailure.INTERNAL) {
      LOG.error("event=orchestration_failed endpoint={} run_kind={} run_id={} error=\"{}\"", endpoint, kind, runId,
          t.toString(), t);
    } else if (e.failure() == OrchestrationFailure.UNAVAILABLE && LOG.isDebugEnabled()) {
      // shed load is counted (baton_overload_rejected_total), not logged per proposal at INFO+
      LOG.debug("event=orchestration_unavailable endpoint={} run_kind={} run_id={} error=\"{}\"", endpoint, kind, runId,
          t.toString());
    }
    return Future.failedFuture(e);
  }

  /**
   * Runs a whole transaction again (up to {@value #MAX_ATTEMPTS} times) when PostgreSQL rolled it
   * back for a deadlock or serialization failure.
   */
  private static <T> Future<T> retryOnConflict(java.util.function.Supplier<Future<T>> transaction) {
    return retryOnConflict(transaction, 1);
  }

  private static <T> Future<T> retryOnConflict(java.util.function.Supplier<Future<T>> transaction, int n) {
    return transaction.get().recover(t -> n < MAX_ATTEMPTS && isTransactionConflict(t)
        ? retryOnConflict(transaction, n + 1)
        : Future.failedFuture(t));
  }

  private Future<OrchestrationOutcome> attempt(SetStateCommand cmd) {
    Instant now = now();
    State proposed = cmd.state().toState(Ids.uuid7(), now);
    Policy policy = PolicySelector.select(cmd.kind(), cmd.force(), proposed.details().isDeferred());
    if (cmd.deadlinePassed()) {
      return Future.failedFuture(Deadline.exceeded());
    }
    return Transactions.pipelined(pool, (conn, begun) -> {
      if (cmd.deadlinePassed()) { // waited too long for a connection
        return Future.failedFuture(Deadline.exceeded());
      }
      // BEGIN and the lock-and-load statement go out together (one round trip); the write is sent
      // only once both have succeeded, so nothing ever runs outside the transaction.
      Future<OrchestrationStore.LoadedRun> loaded = lock(conn, cmd.kind(), cmd.runId(), cacheKeyToLookUp(policy, proposed), now);
      return Future.all(begun, loaded)
          .compose(both -> decideWithFacts(conn, cmd.kind(), loaded.result(), proposed, policy,
              cmd.apiVersion(), cmd.clientVersion(), now))
          .compose(outcome -> {
            if (cmd.deadlinePassed()) { // e.g. waited for the row lock: rolled back, nothing written
              return Future.failedFuture(Deadline.exceeded());
            }
            if (writtenByStoreAlone(outcome)) {
              // the usual case (and a WAIT's): write and COMMIT in one round trip
              return Transactions.commitBehind(conn, OrchestrationStore.writeOutcome(conn, outcome))
                  .map(v -> recordDenials(outcome));
            }
            return writeAndApply(conn, outcome, now)
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
    return orchestrate(conn, kind, runId, proposed, PolicySelector.select(kind, force, proposed.details().isDeferred()),
        apiVersion, clientVersion, now);
  }

  /** As above with an explicit policy (the late-runs marker uses its own). */
  public Future<OrchestrationOutcome> orchestrate(SqlConnection conn, RunKind kind, UUID runId, State proposed,
      Policy policy, ApiVersion apiVersion, String clientVersion, Instant now) {
    return lock(conn, kind, runId, cacheKeyToLookUp(policy, proposed), now)
        .compose(run -> orchestrateLocked(conn, kind, run, proposed, policy, apiVersion, clientVersion, now));
  }

  /**
   * As {@link #orchestrate} for a run the caller has already locked and loaded in this transaction
   * (run creation loads the row it has just inserted in the same round trip as the insert). The
   * loaded run must have been read without a cache key, so the policy must not look one up.
   */
  public Future<OrchestrationOutcome> orchestrateLoaded(SqlConnection conn, RunKind kind, OrchestrationStore.LoadedRun run,
      State proposed, boolean force, ApiVersion apiVersion, String clientVersion, Instant now) {
    Policy policy = PolicySelector.select(kind, force, proposed.details().isDeferred());
    if (cacheKeyToLookUp(policy, proposed) != null) {
      return orchestrate(conn, kind, run.draft().id(), proposed, policy, apiVersion, clientVersion, now);
    }
    return orchestrateLocked(conn, kind, run, proposed, policy, apiVersion, clientVersion, now);
  }

  private Future<OrchestrationOutcome> orchestrateLocked(SqlConnection conn, RunKind kind, OrchestrationStore.LoadedRun run,
      State proposed, Policy policy, ApiVersion apiVersion, String clientVersion, Instant now) {
    return decideWithFacts(conn, kind, run, proposed, policy, apiVersion, clientVersion, now)
        .compose(outcome -> writeAndApply(conn, outcome, now).map(outcome));
  }

  /**
   * Loads the run's concurrency facts and runs the engine. A proposal that may take tag slots
   * reads the limits without locking them first: a WAIT (the limit is full) is then decided from
   * that read and costs no lock on the limit row, which the holders need to give their slots back.
   * Only when that decision takes a slot are the limits loaded again, locked, and the proposal
   * decided again on them (the slot may have gone in between: then it WAITs after all).
   */
  private Future<OrchestrationOutcome> decideWithFacts(SqlConnection conn, RunKind kind, OrchestrationStore.LoadedRun run,
      State proposed, Policy policy, ApiVersion apiVersion, String clientVersion, Instant now) {
    if (run.concurrencyFree()) {
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
      Future<OrchestrationStore.LoadedRun> again = lock(conn, kind, id, cacheKeyToLookUp(policy, proposed), now);
      Future<ConcurrencyFacts> locked = ConcurrencyLoading.load(conn, kind, id, policy, proposed, true);
      return Future.all(again, locked).map(both -> decide(kind, again.result(), locked.result(), proposed, policy,
          apiVersion, clientVersion, now));
    });
  }

  private static boolean takesSlots(OrchestrationOutcome o) {
    for (Effect e : o.effects()) {
      if (e instanceof ConcurrencyEffect.AcquireSlots) {
        return true;
      }
    }
    return false;
  }

  /** Hands the outcome's denied slots to the batched recorder ({@link DeniedSlots}); returns it. */
  private OrchestrationOutcome recordDenials(OrchestrationOutcome o) {
    for (Effect e : o.effects()) {
      if (e instanceof ConcurrencyEffect.RecordDenied d) {
        denied.add(d.limitIds(), d.slots());
      }
    }
    return o;
  }

  /**
   * The run's concurrency facts, read after the run lock (leases, then limits in id order) — or
   * known empty, without a statement, when the locked row shows the run cannot be involved with a
   * slot (see {@link OrchestrationStore.LoadedRun#concurrencyFree}).
   */
  private static Future<ConcurrencyFacts> concurrencyFacts(SqlConnection conn, RunKind kind,
      OrchestrationStore.LoadedRun run, Policy policy, State proposed) {
    return run.concurrencyFree()
        ? Future.succeededFuture(ConcurrencyFacts.EMPTY)
        : ConcurrencyLoading.load(conn, kind, run.draft().id(), policy, proposed);
  }

  /** Locks and loads a run; fails with NOT_FOUND when it does not exist. */
  private static Future<OrchestrationStore.LoadedRun> lock(SqlConnection conn, RunKind kind, UUID runId,
      String cacheKey, Instant now) {
    Future<OrchestrationStore.LoadedRun> loaded = kind == RunKind.TASK_RUN
        ? OrchestrationStore.lockTaskRun(conn, runId, cacheKey, now)
        : OrchestrationStore.lockFlowRun(conn, runId);
    return loaded.compose(run -> run != null ? Future.succeededFuture(run) : Future.failedFuture(notFound(kind, runId)));
  }

  private static OrchestrationException notFound(RunKind kind, UUID runId) {
    return OrchestrationException.notFound((kind == RunKind.TASK_RUN ? "Task run" : "Flow run") + " with id " + runId + " not found");
  }

  /** Runs the engine over an already locked run, then writes the outcome and its effects. */
  private Future<OrchestrationOutcome> decideAndWrite(SqlConnection conn, RunKind kind, OrchestrationStore.LoadedRun run,
      ConcurrencyFacts concurrency, State proposed, Policy policy, ApiVersion apiVersion, String clientVersion,
      Instant now) {
    OrchestrationOutcome outcome = decide(kind, run, concurrency, proposed, policy, apiVersion, clientVersion, now);
    return writeAndApply(conn, outcome, now).map(outcome);
  }

  /** Runs the engine over an already locked run (pure: nothing is written). */
  private OrchestrationOutcome decide(RunKind kind, OrchestrationStore.LoadedRun run, ConcurrencyFacts concurrency,
      State proposed, Policy policy, ApiVersion apiVersion, String clientVersion, Instant now) {
    Facts facts = run.facts().withApiVersion(apiVersion).withClientVersion(clientVersion)
        .withConcurrency(ConcurrencyLoading.ordered(concurrency, run.draft()));
    return engine.orchestrate(policy, PolicySelector.global(kind), run.draft(), run.current(), proposed, facts, env(now));
  }

  /** Writes an outcome, then applies its effects, in the caller's transaction. */
  private Future<Void> writeAndApply(SqlConnection conn, OrchestrationOutcome outcome, Instant now) {
    return OrchestrationStore.writeOutcome(conn, outcome).compose(v -> applyEffects(conn, outcome, now));
  }

  // ---- resume ----

  private static final String NOT_PAUSED = "Cannot resume a flow run that is not paused.";

  /** Check-then-lock rounds when the pause changes between the input check and the lock, at most. */
  private static final int MAX_RESUME_ROUNDS = 3;

  /**
   * Resumes a paused flow run (resume.md §3). The costly part comes first and outside any lock:
   * the pause and its schema are read without locking and the run input is hydrated and validated
   * on the run-input worker, within its budget ({@link RunInputWorker}). Then one transaction locks
   * the run row and re-checks only the cheap facts that check depended on — the run is still
   * PAUSED with the same {@code run_input_keyset}, the schema is the same row (kept from deletion
   * with {@code FOR SHARE}) — before the proposal (Running, or Scheduled "Resuming" for a suspended
   * run) goes through the core flow policy and the input is stored under the keyset's response key.
   * If the pause changed in between, the check is done again (at most {@value #MAX_RESUME_ROUNDS}
   * rounds, then UNAVAILABLE); nothing decided on stale facts is committed. Concurrent resumes of
   * one run serialize on the row lock: exactly one is accepted.
   */
  public Future<OrchestrationResult> resume(ResumeCommand cmd) {
    long start = System.nanoTime();
    return resumeRound(cmd, 1)
        .map(r -> {
          metrics.outcome(RunKind.FLOW_RUN, "resume", r.status(), null, System.nanoTime() - start);
          return r;
        })
        .recover(t -> failed(RunKind.FLOW_RUN, "resume", cmd.flowRunId(), t));
  }

  private Future<OrchestrationResult> resumeRound(ResumeCommand cmd, int round) {
    return checkInputBeforeLock(cmd)
        .compose(checked -> checked.answer() != null
            ? Future.succeededFuture(checked.answer())
            : retryOnConflict(() -> resumeLocked(cmd, checked)))
        .compose(result -> {
          if (result != STALE) {
            return Future.succeededFuture(result);
          }
          if (round < MAX_RESUME_ROUNDS) {
            return resumeRound(cmd, round + 1);
          }
          return Future.failedFuture(new OrchestrationException(OrchestrationFailure.UNAVAILABLE,
              "The flow run's pause kept changing while its run input was checked; retry later"));
        });
  }

  /** The answer of a locked attempt whose input check no longer applies (compared by identity). */
  private static final OrchestrationResult STALE = new OrchestrationResult(null, OrchestrationStatus.ABORT,
      OrchestrationDetails.abort("stale run input check"), false);

  private static OrchestrationResult notPaused() {
    return new OrchestrationResult(null, OrchestrationStatus.ABORT, OrchestrationDetails.abort(NOT_PAUSED), false);
  }

  /**
   * What was decided before the lock: either an {@code answer} that needs no lock (the run is not
   * paused), or the {@code outcome} of checking the input against the pause's {@code keyset} (null
   * when it asks for no input) and the schema row {@code schemaId} (null when there is none).
   */
  private record CheckedInput(OrchestrationResult answer, Map<String, String> keyset, UUID schemaId,
      ResumeInputCheck.Outcome outcome) {}

  /** Reads the pause, its schema and (when referred to) the variables without locking; checks the input on the worker. */
  private Future<CheckedInput> checkInputBeforeLock(ResumeCommand cmd) {
    UUID id = cmd.flowRunId();
    return FlowRunRepository.get(pool, id).compose(run -> {
      if (run == null) {
        return Future.failedFuture(notFound(RunKind.FLOW_RUN, id));
      }
      State current = run.state();
      if (current == null || current.type() != StateType.PAUSED) {
        return Future.succeededFuture(new CheckedInput(notPaused(), null, null, null));
      }
      Map<String, String> keyset = current.details().runInputKeyset();
      if (!ResumeInputCheck.wantsInput(keyset)) {
        // no input asked for: nothing is hydrated, validated or stored
        return Future.succeededFuture(new CheckedInput(null, null, null,
            ResumeInputCheck.check(null, cmd.runInput(), null, Map.of())));
      }
      String schemaKey = ResumeInputCheck.schemaKey(keyset);
      Future<FlowRunInputRepository.FlowRunInput> schema = schemaKey == null
          ? Future.succeededFuture(null)
          : FlowRunInputRepository.get(pool, id, schemaKey);
      // workspace variables are loaded only when the input refers to one
      Future<Map<String, JsonNode>> variables = Hydrator.referencesVariables(cmd.runInput())
          ? VariableRepository.all(pool)
          : Future.succeededFuture(Map.of());
      return Future.all(schema, variables).compose(all -> {
        FlowRunInputRepository.FlowRunInput s = schema.result();
        return runInput.check(keyset, cmd.runInput(), s == null ? null : s.value(), variables.result())
            .map(outcome -> new CheckedInput(null, keyset, s == null ? null : s.id(), outcome));
      });
    });
  }

  /** The keyset as far as the input check is concerned: null when it asks for no input. */
  private static Map<String, String> inputKeyset(Map<String, String> keyset) {
    return ResumeInputCheck.wantsInput(keyset) ? keyset : null;
  }

  /**
   * The transaction of a resume whose input has been checked: lock the run, re-check what the
   * check depended on ({@link #STALE} when it changed), then the proposal and the stored input.
   */
  private Future<OrchestrationResult> resumeLocked(ResumeCommand cmd, CheckedInput checked) {
    if (cmd.deadlinePassed()) { // e.g. the input check waited for a worker
      return Future.failedFuture(Deadline.exceeded());
    }
    Instant now = now();
    UUID id = cmd.flowRunId();
    String schemaKey = ResumeInputCheck.schemaKey(checked.keyset());
    // past the deadline the transaction is rolled back instead of committed (withTransaction
    // commits only when the work succeeds)
    return pool.withTransaction(conn -> resumeLockedIn(conn, cmd, checked, now, id, schemaKey)
        .compose(r -> cmd.deadlinePassed() ? Future.<OrchestrationResult>failedFuture(Deadline.exceeded())
            : Future.succeededFuture(r)));
  }

  private Future<OrchestrationResult> resumeLockedIn(SqlConnection conn, ResumeCommand cmd, CheckedInput checked,
      Instant now, UUID id, String schemaKey) {
    Future<OrchestrationStore.LoadedRun> locked = lock(conn, RunKind.FLOW_RUN, id, null, now);
    // pipelined behind the lock: it reads (and shares) the schema row once the run row is locked
    Future<UUID> schemaId = schemaKey == null ? Future.succeededFuture(null)
        : FlowRunInputRepository.shareId(conn, id, schemaKey);
    return Future.all(locked, schemaId).compose(both -> {
      OrchestrationStore.LoadedRun run = locked.result();
      State current = run.current();
      if (current == null || current.type() != StateType.PAUSED) {
        return Future.succeededFuture(notPaused());
      }
      if (!java.util.Objects.equals(inputKeyset(current.details().runInputKeyset()), inputKeyset(checked.keyset()))
          || !java.util.Objects.equals(schemaId.result(), checked.schemaId())) {
        return Future.succeededFuture(STALE);
      }
      if (checked.outcome() instanceof ResumeInputCheck.Reject reject) {
        // status REJECT with abort_details, as Prefect answers input problems; nothing written
        return Future.succeededFuture(new OrchestrationResult(current, OrchestrationStatus.REJECT,
            OrchestrationDetails.abort(reject.reason()), false));
      }
      ResumeInputCheck.Ok ok = (ResumeInputCheck.Ok) checked.outcome();
      State proposal = current.details().pauseReschedule()
          ? new State(Ids.uuid7(), StateType.SCHEDULED, "Resuming", now, null, null,
              StateDetails.builder().scheduledTime(now).build())
          : new State(Ids.uuid7(), StateType.RUNNING, StateType.RUNNING.defaultName(), now, null, null, StateDetails.EMPTY);
      Policy policy = PolicySelector.select(RunKind.FLOW_RUN, false, false);
      return concurrencyFacts(conn, RunKind.FLOW_RUN, run, policy, proposal)
          .compose(cf -> decideAndWrite(conn, RunKind.FLOW_RUN, run, cf, proposal, policy,
              cmd.apiVersion(), cmd.clientVersion(), now))
          .compose(o -> {
            OrchestrationResult result = new OrchestrationResult(o.state(), o.status(), o.details(), o.stateWritten());
            if (o.status() != OrchestrationStatus.ACCEPT || !ok.shouldStore()) {
              return Future.succeededFuture(result);
            }
            // stored as compact JSON text, e.g. {"approved":true}
            return FlowRunInputRepository.insert(conn, id, ok.responseKey(), ok.input().toString(), null)
                .map(result);
          });
    });
  }

  /** Only the policies with CacheRetrieval look up the cache, and only for RUNNING proposals. */
  private static String cacheKeyToLookUp(Policy policy, State proposed) {
    if (proposed.type() != StateType.RUNNING || proposed.details().cacheKey() == null
        || Boolean.TRUE.equals(proposed.details().refreshCache())
        || !policy.contains(CacheRetrieval.class)) {
      return null;
    }
    return proposed.details().cacheKey();
  }

  private EngineEnv env(Instant now) {
    RandomGenerator random = new SplittableRandom();
    return new EngineEnv(now, Ids::uuid7, random, settings, StateValidator.NONE);
  }

  /** Effects the store does not write itself: nested orchestration of other runs. */
  private Future<Void> applyEffects(SqlConnection conn, OrchestrationOutcome outcome, Instant now) {
    Future<Void> chain = Future.succeededFuture();
    for (Effect e : outcome.effects()) {
      if (e instanceof ConcurrencyEffect.RecordDenied d) {
        denied.add(d.limitIds(), d.slots()); // batched, never in this transaction (DeniedSlots)
      } else if (e instanceof ConcurrencyEffect c) {
        chain = chain.compose(v -> ConcurrencyStore.apply(conn, c));
      } else if (e instanceof Effect.ResetFailedTaskRunsForFlowRetry r) {
        chain = chain.compose(v -> resetFailedTaskRuns(conn, r, now));
      } else if (e instanceof Effect.OrchestrateParentTaskRun p) {
        chain = chain.compose(v -> orchestrate(conn, RunKind.TASK_RUN, p.taskRunId(), p.state(), true, null, null, now)
            .<Void>mapEmpty()
            .recover(t -> t instanceof OrchestrationException oe && oe.failure() == OrchestrationFailure.NOT_FOUND
                ? Future.succeededFuture() // the parent task run is gone: nothing to mirror
                : Future.failedFuture(t)));
      }
    }
    return chain;
  }

  /**
   * Legacy flow retries (api-version < 0.8.3): every FAILED task run of the flow run is force-set
   * to AwaitingRetry at the flow's retry time and its run_count reset to 0.
   */
  private Future<Void> resetFailedTaskRuns(SqlConnection conn, Effect.ResetFailedTaskRunsForFlowRetry r, Instant now) {
    return OrchestrationStore.failedTaskRunIds(conn, r.flowRunId()).compose(ids -> {
      Future<Void> chain = Future.succeededFuture();
      for (UUID taskRunId : ids) {
        State awaiting = new State(Ids.uuid7(), StateType.SCHEDULED, "AwaitingRetry", now, null, null,
            StateDetails.builder().scheduledTime(r.scheduledTime()).build());
        chain = chain.compose(v -> orchestrate(conn, RunKind.TASK_RUN, taskRunId, awaiting, true, null, null, now))
            .compose(o -> OrchestrationStore.resetRunCount(conn, taskRunId));
      }
      return chain;
    });
  }

  /**
   * Deadlock or serialization failure: the transaction was rolled back by PostgreSQL and may be
   * retried as a whole. (Connection errors are not retried: a lost COMMIT may have succeeded.)
   */
  private static boolean isTransactionConflict(Throwable t) {
    io.vertx.pgclient.PgException e = SqlErrors.pgException(t);
    return e != null && ("40P01".equals(e.getSqlState()) || "40001".equals(e.getSqlState()));
  }

  /** Maps any failure to the closed set of orchestration failures. */
  public static OrchestrationException classify(Throwable t) {
    if (t instanceof OrchestrationException oe) {
      return oe;
    }
    if (t instanceof ObjectNotFoundException nf) {
      return new OrchestrationException(OrchestrationFailure.NOT_FOUND, nf.getMessage());
    }
    if (t instanceof StateValidator.RetryableException) {
      return new OrchestrationException(OrchestrationFailure.UNAVAILABLE, "Service Unavailable", t);
    }
    if (t instanceof TaskRunIdConflictException) {
      return new OrchestrationException(OrchestrationFailure.CONFLICT, t.getMessage(), t);
    }
    if (SqlErrors.isRetryable(t)) {
      return new OrchestrationException(OrchestrationFailure.UNAVAILABLE, "Service Unavailable", t);
    }
    if (SqlErrors.isUniqueViolation(t) || SqlErrors.isForeignKeyViolation(t)) {
      return new OrchestrationException(OrchestrationFailure.CONFLICT,
          "Data integrity conflict. This usually means a unique or foreign key constraint was violated. See server logs for details.", t);
    }
    if (SqlErrors.isInvalidValue(t)) {
      return new OrchestrationException(OrchestrationFailure.INVALID_INPUT,
          "Invalid request: a value was refused by the database. See server logs for details.", t);
    }
    return new OrchestrationException(OrchestrationFailure.INTERNAL, "Internal Server Error", t);
  }
}
