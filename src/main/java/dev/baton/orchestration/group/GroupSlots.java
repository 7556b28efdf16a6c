package dev.baton.orchestration.group;

import dev.baton.domain.OrchestrationStatus;
import dev.baton.orchestration.engine.ConcurrencyEffect;
import dev.baton.orchestration.engine.ConcurrencyFacts;
import dev.baton.orchestration.engine.Effect;
import dev.baton.orchestration.engine.OrchestrationOutcome;
import dev.baton.orchestration.run.ConcurrencyFactRows;
import dev.baton.orchestration.run.ConcurrencyLoading;
import dev.baton.orchestration.run.LoadedRuns;
import dev.baton.orchestration.run.LockedRun;
import dev.baton.orchestration.run.OutcomeRows;
import dev.baton.orchestration.run.Proposal;
import dev.baton.domain.TagLimitNames;
import dev.baton.persistence.ServerEventStore.FlowRunStateEvent;
import dev.baton.persistence.concurrency.GroupConcurrencyReads;
import dev.baton.persistence.concurrency.SlotStore;
import io.vertx.core.Future;
import io.vertx.sqlclient.SqlConnection;
import java.util.ArrayList;
import java.util.EnumSet;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.UUID;

/**
 * The concurrency part of a set-state group ({@link GroupSetState}): the group's task runs that may
 * hold or take a slot, decided on facts loaded for all of them at once ({@link GroupConcurrency}) —
 * WAITs answered from one unlocked read, releases and slot hand-offs written in the group's own
 * transaction ({@link #write}) — or sent alone ({@link Verdict#ALONE}, {@link
 * Verdict#ALONE_WAIT_FIRST}).
 */
final class GroupSlots {
  /** What a group writes for a tagged run: the outcome's own statement, plus lease releases. */
  private static final Set<Effect.Writer> WRITES = EnumSet.of(Effect.Writer.WITH_OUTCOME,
      Effect.Writer.AFTER_COMMIT, Effect.Writer.LEASE_RELEASE);

  /** {@link #WRITES}, plus slots taken on limits the group has locked. */
  private static final Set<Effect.Writer> WRITES_TAKING = EnumSet.of(Effect.Writer.WITH_OUTCOME,
      Effect.Writer.AFTER_COMMIT, Effect.Writer.LEASE_RELEASE, Effect.Writer.SLOT_ACQUISITION);

  /** The engine on one run with the given facts; null when it throws (the proposal then goes alone). */
  interface Decider {
    OrchestrationOutcome decide(Proposal p, LockedRun run, ConcurrencyFacts facts);
  }

  /**
   * What {@link #decide} decided: a verdict for each of the runs it was given (by index in the
   * group), the outcomes the group writes for them (in the order they are to be written) and the
   * slot writes.
   */
  record Decided(Map<Integer, Verdict> verdicts, List<OrchestrationOutcome> written, SlotWrites writes) {}

  private final Decider decider;

  GroupSlots(Decider decider) {
    this.decider = decider;
  }

  /**
   * The group's writes and COMMIT-ready futures: the outcomes, the releases, then the acquisitions
   * (their limits are locked already, in id order, after every run and lease lock of the group) —
   * sent together, one round trip; a failed statement fails the group.
   */
  static Future<?> write(SqlConnection conn, List<OrchestrationOutcome> decided, List<FlowRunStateEvent> events,
      SlotWrites slots) {
    List<Future<?>> writes = new ArrayList<>();
    writes.add(OutcomeRows.writeAll(conn, decided, events));
    if (!slots.releases().isEmpty()) {
      writes.add(SlotStore.releaseLeases(conn, slots.releases()));
    }
    for (ConcurrencyEffect.AcquireSlots a : slots.acquisitions()) {
      writes.add(SlotStore.incrementOrFail(conn, a.limitIds(), a.slots(), a.leaseId(), a.ttlSeconds(),
          a.holderType(), a.holderId(), () -> new SlotsGone(a.limitIds())));
    }
    return Future.all(writes);
  }

  /**
   * A group's acquisition found its slots gone under the lock. Cannot happen while the group's
   * accounting is right (the limits are locked before it decides); if it did, the group is rolled
   * back and every proposal orchestrated alone, as after a refused statement.
   */
  static final class SlotsGone extends RuntimeException {
    SlotsGone(List<UUID> limitIds) {
      super("slots on " + limitIds + " were no longer free under the group's lock", null, false, false);
    }
  }

  /** What a group writes besides its outcomes: leases to release, then slots to take. */
  record SlotWrites(List<UUID> releases, List<ConcurrencyEffect.AcquireSlots> acquisitions) {}

  /**
   * The group's task runs that may hold or take a slot ({@code slotRuns}: indices into
   * {@code proposals}), decided on facts loaded for all of them in one round trip
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
   */
  Future<Decided> decide(SqlConnection conn, List<Proposal> proposals, List<Integer> slotRuns,
      Map<UUID, LockedRun> tasks) {
    List<LockedRun> runs = new ArrayList<>(slotRuns.size());
    Set<UUID> mayTakeSlots = new HashSet<>();
    for (int i : slotRuns) {
      Proposal p = proposals.get(i);
      runs.add(tasks.get(p.runId()));
      if (ConcurrencyLoading.readsLimitsFirst(p)) {
        mayTakeSlots.add(p.runId());
      }
    }
    return GroupConcurrency.load(conn, runs, mayTakeSlots).compose(facts -> {
      Map<Integer, Verdict> verdicts = new TreeMap<>();
      List<UUID> releases = new ArrayList<>();
      Map<UUID, Integer> released = new HashMap<>(); // limit id → slots the group gives back
      List<Integer> takers = new ArrayList<>();
      List<Integer> waiters = new ArrayList<>();
      for (int i : slotRuns) {
        Proposal p = proposals.get(i);
        LockedRun run = tasks.get(p.runId());
        ConcurrencyFacts cf = facts.get(p.runId());
        boolean mayTake = mayTakeSlots.contains(p.runId());
        if (cf == null || (mayTake && !cf.leases().isEmpty())) {
          verdicts.put(i, mayTake && !run.draft().tags().isEmpty() ? Verdict.ALONE_WAIT_FIRST : Verdict.ALONE);
          continue;
        }
        OrchestrationOutcome o = decider.decide(p, run, cf);
        if (o == null) {
          verdicts.put(i, Verdict.ALONE);
        } else if (mayTake && o.has(Effect.Writer.SLOT_ACQUISITION)) {
          takers.add(i);
        } else if (!o.writtenBy(WRITES)) {
          verdicts.put(i, Verdict.ALONE);
        } else {
          verdicts.put(i, new Verdict.Written(o)); // a WAIT writes nothing (its denied slot is batched)
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
        for (ConcurrencyFacts.Limit l : facts.get(proposals.get(i).runId()).tagLimits()) {
          if (released.containsKey(l.id())) {
            takers.add(i);
            break;
          }
        }
      }
      List<OrchestrationOutcome> written = new ArrayList<>();
      verdicts.forEach((i, v) -> {
        if (v instanceof Verdict.Written w && !takers.contains(i)) {
          written.add(w.outcome());
        }
      });
      if (takers.isEmpty()) {
        return Future.succeededFuture(new Decided(verdicts, written, new SlotWrites(releases, List.of())));
      }
      return decideTakers(conn, proposals, tasks, takers, released).map(taken -> {
        verdicts.putAll(taken.verdicts());
        written.addAll(taken.written());
        return new Decided(verdicts, written, new SlotWrites(releases, taken.acquisitions()));
      });
    });
  }

  /** What {@link #decideTakers} decided: verdicts by index, the outcomes to write, the slots to take. */
  private record Taken(Map<Integer, Verdict> verdicts, List<OrchestrationOutcome> written,
      List<ConcurrencyEffect.AcquireSlots> acquisitions) {}

  /**
   * The proposals of {@link #decide} decided again under the locks: their runs reloaded
   * (the first decision changed the loaded drafts; the rows are this transaction's already) and
   * their tag limits locked with the limits of the leases the group releases, in one id-ordered
   * statement — one round trip. Each is decided on the locked counts less the group's releases,
   * plus what the takers before it took.
   */
  private Future<Taken> decideTakers(SqlConnection conn, List<Proposal> proposals, Map<UUID, LockedRun> tasks,
      List<Integer> takers, Map<UUID, Integer> released) {
    takers.sort(null); // the group's order
    List<UUID> ids = new ArrayList<>(takers.size());
    List<String> cacheKeys = new ArrayList<>(takers.size());
    Set<String> names = new LinkedHashSet<>();
    for (int i : takers) {
      ids.add(proposals.get(i).runId());
      cacheKeys.add(proposals.get(i).cacheKeyToLookUp());
    }
    // a locked run's tags cannot change under us: the first load's tags name the limits
    for (int i : takers) {
      tasks.get(proposals.get(i).runId()).draft().tags().forEach(t -> names.add(TagLimitNames.name(t)));
    }
    Future<Map<UUID, LockedRun>> reloaded = LoadedRuns.lockTaskRuns(conn, ids, cacheKeys, proposals.get(0).now());
    Future<List<ConcurrencyFacts.Limit>> limits = GroupConcurrencyReads.lockLimitsNamedOr(conn, new ArrayList<>(names),
        new ArrayList<>(released.keySet())).map(rows -> rows.stream().map(ConcurrencyFactRows::limit).toList());
    return Future.all(reloaded, limits).map(both -> {
      Map<UUID, LockedRun> runs = reloaded.result();
      Map<UUID, ConcurrencyFacts.Limit> current = new LinkedHashMap<>();
      for (ConcurrencyFacts.Limit l : limits.result()) {
        int back = released.getOrDefault(l.id(), 0);
        current.put(l.id(), back == 0 ? l : withActive(l, Math.max(0, l.activeSlots() - back)));
      }
      Map<Integer, Verdict> verdicts = new TreeMap<>();
      List<OrchestrationOutcome> written = new ArrayList<>();
      List<ConcurrencyEffect.AcquireSlots> acquisitions = new ArrayList<>();
      for (int i : takers) {
        Proposal p = proposals.get(i);
        LockedRun run = runs.get(p.runId());
        List<ConcurrencyFacts.Limit> tagLimits = new ArrayList<>();
        for (ConcurrencyFacts.Limit l : current.values()) { // id order
          if (TagLimitNames.isTagLimit(l.name()) && run != null
              && run.draft().tags().contains(TagLimitNames.tagOf(l.name()))) {
            tagLimits.add(l);
          }
        }
        OrchestrationOutcome o = run == null ? null
            : decider.decide(p, run, new ConcurrencyFacts(tagLimits, List.of(), List.of(), null));
        if (o == null || !o.writtenBy(WRITES_TAKING)) {
          verdicts.put(i, Verdict.ALONE);
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
        verdicts.put(i, new Verdict.Written(o));
        written.add(o);
      }
      return new Taken(verdicts, written, acquisitions);
    });
  }

  private static ConcurrencyFacts.Limit withActive(ConcurrencyFacts.Limit l, int active) {
    return new ConcurrencyFacts.Limit(l.id(), l.name(), l.active(), l.limit(), active, l.deniedSlots(),
        l.slotDecayPerSecond(), l.avgSlotOccupancySeconds());
  }
}
