package dev.baton.orchestration.group;

import static dev.baton.orchestration.run.RunOrchestrator.cacheKeyToLookUp;

import dev.baton.domain.OrchestrationStatus;
import dev.baton.domain.State;
import dev.baton.orchestration.api.SetStateCommand;
import dev.baton.orchestration.engine.ConcurrencyEffect;
import dev.baton.orchestration.engine.ConcurrencyFacts;
import dev.baton.orchestration.engine.Effect;
import dev.baton.orchestration.engine.OrchestrationOutcome;
import dev.baton.orchestration.engine.Policy;
import dev.baton.domain.TagLimitNames;
import dev.baton.persistence.concurrency.GroupConcurrencyReads;
import dev.baton.persistence.concurrency.SlotStore;
import io.vertx.core.Future;
import io.vertx.sqlclient.SqlConnection;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import dev.baton.orchestration.run.RunOrchestrator;
import dev.baton.orchestration.run.OutcomeRows;
import dev.baton.orchestration.run.LockedRun;
import dev.baton.orchestration.run.LoadedRuns;
import dev.baton.orchestration.run.EffectApplier;
import dev.baton.orchestration.run.ConcurrencyLoading;
import dev.baton.orchestration.run.ConcurrencyFactRows;
import dev.baton.orchestration.OrchestrationService;

/**
 * The concurrency part of a set-state group ({@link OrchestrationService#setStates}): the group's
 * task runs that may hold or take a slot, decided on facts loaded for all of them at once
 * ({@link GroupConcurrency}) — WAITs answered from one unlocked read, releases and slot hand-offs
 * written in the group's own transaction ({@link #write}) — or sent alone with the group verdicts
 * {@link OrchestrationService#ALONE} / {@link OrchestrationService#ALONE_WAIT_FIRST}.
 */
public final class GroupSlots {
  /** The engine on one run with the given facts; null when it throws (the proposal then goes alone). */
  public interface Decider {
    public OrchestrationOutcome decide(SetStateCommand cmd, LockedRun run, ConcurrencyFacts facts, State proposed,
        Policy policy, Instant now);
  }

  private final Decider decider;

  public GroupSlots(Decider decider) {
    this.decider = decider;
  }

  /**
   * The group's writes and COMMIT-ready futures: the outcomes, the releases, then the acquisitions
   * (their limits are locked already, in id order, after every run and lease lock of the group) —
   * sent together, one round trip; a failed statement fails the group.
   */
  public static Future<?> write(SqlConnection conn, List<OrchestrationOutcome> decided, SlotWrites slots) {
    List<Future<?>> writes = new ArrayList<>();
    writes.add(OutcomeRows.writeAll(conn, decided));
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
  public static final class SlotsGone extends RuntimeException {
    SlotsGone(List<UUID> limitIds) {
      super("slots on " + limitIds + " were no longer free under the group's lock", null, false, false);
    }
  }

  /** What a group writes besides its outcomes: leases to release, then slots to take. */
  public record SlotWrites(List<UUID> releases, List<ConcurrencyEffect.AcquireSlots> acquisitions) {}

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
  public Future<SlotWrites> decide(SqlConnection conn, List<SetStateCommand> cmds, List<Integer> slotRuns,
      Map<UUID, LockedRun> tasks, State[] proposed, Policy[] policies, Instant now,
      Object[] verdicts, List<OrchestrationOutcome> decided) {
    List<LockedRun> runs = new ArrayList<>(slotRuns.size());
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
        LockedRun run = tasks.get(cmd.runId());
        ConcurrencyFacts cf = facts.get(cmd.runId());
        boolean mayTake = mayTakeSlots.contains(cmd.runId());
        if (cf == null || (mayTake && !cf.leases().isEmpty())) {
          verdicts[i] = mayTake && !run.draft().tags().isEmpty() ? OrchestrationService.ALONE_WAIT_FIRST : OrchestrationService.ALONE;
          continue;
        }
        OrchestrationOutcome o = decider.decide(cmd, run, cf, proposed[i], policies[i], now);
        if (o == null) {
          verdicts[i] = OrchestrationService.ALONE;
        } else if (mayTake && RunOrchestrator.takesSlots(o)) {
          takers.add(i);
        } else if (!writtenByGroup(o)) {
          verdicts[i] = OrchestrationService.ALONE;
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
   * The proposals of {@link #decide} decided again under the locks: their runs reloaded
   * (the first decision changed the loaded drafts; the rows are this transaction's already) and
   * their tag limits locked with the limits of the leases the group releases, in one id-ordered
   * statement — one round trip. Each is decided on the locked counts less the group's releases,
   * plus what the takers before it took. Succeeds with the slots to take.
   */
  private Future<List<ConcurrencyEffect.AcquireSlots>> decideTakers(SqlConnection conn, List<SetStateCommand> cmds,
      Map<UUID, LockedRun> tasks, List<Integer> takers, Map<UUID, Integer> released,
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
      tasks.get(cmds.get(i).runId()).draft().tags().forEach(t -> names.add(TagLimitNames.name(t)));
    }
    Future<Map<UUID, LockedRun>> reloaded = LoadedRuns.lockTaskRuns(conn, ids, cacheKeys, now);
    Future<List<ConcurrencyFacts.Limit>> limits = GroupConcurrencyReads.lockLimitsNamedOr(conn, new ArrayList<>(names),
        new ArrayList<>(released.keySet())).map(rows -> rows.stream().map(ConcurrencyFactRows::limit).toList());
    return Future.all(reloaded, limits).map(both -> {
      Map<UUID, LockedRun> runs = reloaded.result();
      List<ConcurrencyFacts.Limit> locked = limits.result();
      Map<UUID, ConcurrencyFacts.Limit> current = new java.util.LinkedHashMap<>();
      for (ConcurrencyFacts.Limit l : locked) {
        int back = released.getOrDefault(l.id(), 0);
        current.put(l.id(), back == 0 ? l : withActive(l, Math.max(0, l.activeSlots() - back)));
      }
      List<ConcurrencyEffect.AcquireSlots> acquisitions = new ArrayList<>();
      for (int i : takers) {
        SetStateCommand cmd = cmds.get(i);
        LockedRun run = runs.get(cmd.runId());
        List<ConcurrencyFacts.Limit> tagLimits = new ArrayList<>();
        for (ConcurrencyFacts.Limit l : current.values()) { // id order
          if (TagLimitNames.isTagLimit(l.name()) && run != null
              && run.draft().tags().contains(TagLimitNames.tagOf(l.name()))) {
            tagLimits.add(l);
          }
        }
        OrchestrationOutcome o = run == null ? null
            : decider.decide(cmd, run, new ConcurrencyFacts(tagLimits, List.of(), List.of(), null), proposed[i],
                policies[i], now);
        if (o == null || !writtenByGroupTaking(o)) {
          verdicts[i] = OrchestrationService.ALONE;
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

  /** What a group writes for a tagged run: {@link EffectApplier#STORE_WRITES}, plus lease releases. */
  private static final Class<?>[] GROUP_WRITES = {Effect.InsertCacheEntry.class,
      ConcurrencyEffect.RecordDenied.class, ConcurrencyEffect.ReleaseLeases.class};

  /** {@link #GROUP_WRITES}, plus slots taken on limits the group has locked. */
  private static final Class<?>[] GROUP_WRITES_TAKING = {Effect.InsertCacheEntry.class,
      ConcurrencyEffect.RecordDenied.class, ConcurrencyEffect.ReleaseLeases.class, ConcurrencyEffect.AcquireSlots.class};

  private static boolean writtenByGroup(OrchestrationOutcome o) {
    return EffectApplier.effectsAllOf(o, GROUP_WRITES);
  }

  private static boolean writtenByGroupTaking(OrchestrationOutcome o) {
    return EffectApplier.effectsAllOf(o, GROUP_WRITES_TAKING);
  }
}
