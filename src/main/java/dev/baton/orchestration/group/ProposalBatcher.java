package dev.baton.orchestration.group;

import dev.baton.domain.RunKind;
import dev.baton.domain.StateType;
import dev.baton.orchestration.api.Deadline;
import dev.baton.orchestration.api.OrchestrationException;
import dev.baton.orchestration.api.OrchestrationFailure;
import dev.baton.orchestration.api.OrchestrationResult;
import dev.baton.orchestration.api.SetStateCommand;
import dev.baton.orchestration.run.Noted;
import io.vertx.core.Future;
import io.vertx.core.Promise;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import java.util.function.BooleanSupplier;
import java.util.function.Function;
import java.util.function.IntConsumer;
import dev.baton.orchestration.bus.OrchestrationVerticle;

/**
 * Groups set-state proposals that arrive while the database is busy (group commit). At most
 * {@code groupsInFlight} groups are being orchestrated at once; a proposal that arrives when one
 * is free starts its own group at once (no timer, no added latency when idle), otherwise it waits
 * in the queue and leaves with the next group: up to {@code maxGroupSize} queued proposals, in
 * arrival order, for distinct runs. A second proposal for a run already in the group stays queued
 * for a later group: a group never holds two proposals for one run, and those, like any concurrent
 * proposals for one run, are serialized by the run's row lock.
 *
 * <p><b>Held WAITs</b> ({@link WaitHolds}). A tagged task run's RUNNING proposal refused for a
 * full tag limit (a WAIT that wrote nothing but its denied slot) is not answered at once: it is
 * held, for at most {@link WaitHolds#holdMillis}, on the limits that refused it. When a later group
 * carries a proposal of a run this batcher saw take a slot on one of those limits (a holder about
 * to finish), the oldest held proposal on that limit joins the same group, whose transaction then
 * gives the freed slot straight to it ({@link GroupSlots}): the waiter is answered ACCEPT in the
 * commit that released the slot, instead of polling for it. A held proposal whose time runs out is
 * orchestrated once more (it may find a slot freed elsewhere) and answered whatever that gives. At
 * most {@link WaitHolds#maxHeld} are held at once (they keep their in-flight places); past it, or
 * while the server drains, a WAIT is answered at once as before. Holding changes when a WAIT is
 * answered, never what is written: every answer is still one the proposal could have had alone.
 *
 * <p>Not thread-safe: one instance belongs to one event-loop context (an
 * {@link OrchestrationVerticle}), and all its callbacks run there.
 */
public final class ProposalBatcher {
  /**
   * How WAITs on full tag limits are held ({@link ProposalBatcher}).
   *
   * @param holdMillis longest a proposal is held; 0 = never held (every WAIT answered at once)
   * @param maxHeld most proposals held at once
   * @param mayHold whether new holds are allowed now (false while the server drains)
   * @param timers schedules the end of a hold
   */
  public record WaitHolds(long holdMillis, int maxHeld, BooleanSupplier mayHold, Timers timers) {
    public static final WaitHolds OFF = new WaitHolds(0, 0, () -> false, Timers.NONE);

    public boolean on() {
      return holdMillis > 0 && maxHeld > 0;
    }
  }

  /** Timers on the batcher's own context (Vert.x {@code setTimer}/{@code cancelTimer}). */
  public interface Timers {
    long schedule(long delayMillis, Runnable action);

    void cancel(long id);

    Timers NONE = new Timers() {
      @Override
      public long schedule(long delayMillis, Runnable action) {
        throw new IllegalStateException("no timers");
      }

      @Override
      public void cancel(long id) {}
    };
  }

  /** What the batcher reports about held WAITs ({@code baton_orchestration_waits_held…}). */
  public interface HoldEvents {
    /** A WAIT is held. */
    void started();

    /**
     * A held proposal left its hold: {@code "handed_over"} (it joined the group of a holder's
     * proposal), {@code "expired"} (its time ran out) or {@code "stopped"} (answered its WAIT at stop).
     */
    void ended(String how);

    HoldEvents NONE = new HoldEvents() {
      @Override
      public void started() {}

      @Override
      public void ended(String how) {}
    };
  }

  /** A proposal waiting for a group, or held. */
  private static final class Pending {
    final SetStateCommand cmd;
    final Promise<OrchestrationResult> answer;
    /** System.nanoTime() past which it is no longer held; 0 = never held yet. */
    long holdUntil;
    /** Its time ran out: orchestrated once more and answered whatever that gives. */
    boolean lastTry;
    List<UUID> heldOn = List.of();
    OrchestrationResult heldWait;
    long timer = -1;

    Pending(SetStateCommand cmd, Promise<OrchestrationResult> answer) {
      this.cmd = cmd;
      this.answer = answer;
    }
  }

  /** A run's identity across both kinds. */
  private record RunKey(RunKind kind, UUID id) {}

  /** How many holders this batcher remembers (the oldest are forgotten: their waiters time out instead). */
  private static final int MAX_HOLDERS = 65_536;
  /** A held proposal is answered this long before its own deadline, at the latest. */
  private static final long DEADLINE_MARGIN_NANOS = 500_000_000L;

  private final Function<List<SetStateCommand>, List<Future<Noted>>> orchestrate;
  private final int maxGroupSize;
  private final int groupsInFlight;
  private final int maxQueued;
  private final IntConsumer groupSizes;
  private final WaitHolds holds;
  private final HoldEvents holdEvents;
  private final ArrayDeque<Pending> queue = new ArrayDeque<>();
  /** Held proposals by the id of a limit that refused them, oldest first. */
  private final Map<UUID, ArrayDeque<Pending>> held = new HashMap<>();
  private int heldCount;
  /** Task runs seen taking tag slots → the ids of those limits (access order, bounded). */
  private final Map<UUID, List<UUID>> holders = new LinkedHashMap<>(256, 0.75f, true) {
    @Override
    protected boolean removeEldestEntry(Map.Entry<UUID, List<UUID>> eldest) {
      return size() > MAX_HOLDERS;
    }
  };
  private int inFlight;

  /**
   * @param orchestrate orchestrates a group of proposals for distinct runs, answers index-aligned
   *     and noted with their slot effects for held WAITs ({@link GroupSetState#setStatesNoted})
   * @param maxGroupSize largest group (1 = every proposal alone)
   * @param groupsInFlight groups orchestrated at once
   * @param maxQueued most proposals waiting; past it a proposal is refused at once (UNAVAILABLE)
   *     rather than queued without bound (HTTP has its own in-flight limit; event-bus senders not)
   * @param groupSizes told the size of every group that leaves
   * @param holds how WAITs on full tag limits are held ({@link WaitHolds#OFF}: never)
   * @param holdEvents told when holds start and end
   */
  public ProposalBatcher(Function<List<SetStateCommand>, List<Future<Noted>>> orchestrate, int maxGroupSize,
      int groupsInFlight, int maxQueued, IntConsumer groupSizes, WaitHolds holds, HoldEvents holdEvents) {
    if (maxGroupSize < 1 || groupsInFlight < 1 || maxQueued < 1) {
      throw new IllegalArgumentException("maxGroupSize, groupsInFlight and maxQueued must be at least 1");
    }
    this.orchestrate = orchestrate;
    this.maxGroupSize = maxGroupSize;
    this.groupsInFlight = groupsInFlight;
    this.maxQueued = maxQueued;
    this.groupSizes = groupSizes;
    this.holds = holds;
    this.holdEvents = holdEvents;
  }

  /** Queues a proposal; the future completes with its own answer. */
  public Future<OrchestrationResult> submit(SetStateCommand cmd) {
    if (queue.size() >= maxQueued) {
      return Future.failedFuture(new OrchestrationException(OrchestrationFailure.UNAVAILABLE, "Service Unavailable"));
    }
    Promise<OrchestrationResult> answer = Promise.promise();
    queue.addLast(new Pending(cmd, answer));
    drain();
    return answer.future();
  }

  /** Proposals waiting for a group. */
  public int queued() {
    return queue.size();
  }

  /** Proposals held (WAITs not yet answered). */
  public int held() {
    return heldCount;
  }

  /** Answers every held proposal with the WAIT it was held on (the verticle stops). */
  public void close() {
    Set<Pending> all = new java.util.LinkedHashSet<>();
    held.values().forEach(all::addAll);
    for (Pending p : all) {
      if (unhold(p)) {
        holdEvents.ended("stopped");
        p.answer.tryComplete(p.heldWait);
      }
    }
  }

  private void drain() {
    while (inFlight < groupsInFlight && !queue.isEmpty()) {
      List<Pending> group = nextGroup();
      if (group.isEmpty()) {
        continue; // every proposal looked at was past its deadline
      }
      List<SetStateCommand> cmds = new ArrayList<>(group.size());
      group.forEach(p -> cmds.add(p.cmd));
      inFlight++;
      groupSizes.accept(group.size());
      List<Future<Noted>> answers;
      try {
        answers = orchestrate.apply(cmds);
      } catch (RuntimeException e) {
        answers = new ArrayList<>(group.size());
        for (int i = 0; i < group.size(); i++) {
          answers.add(Future.failedFuture(e));
        }
      }
      for (int i = 0; i < group.size(); i++) {
        Pending p = group.get(i);
        answers.get(i).onComplete(ar -> settle(p, ar.succeeded() ? ar.result() : null, ar.cause()));
      }
      Future.join(answers).onComplete(done -> {
        inFlight--;
        drain();
      });
    }
  }

  /**
   * Takes the next group off the queue: oldest first, one proposal per run, at most maxGroupSize —
   * plus, for each proposal of a run seen holding tag slots (one about to give them back), the
   * oldest proposal held on each of those limits.
   */
  private List<Pending> nextGroup() {
    if ((queue.size() == 1 || maxGroupSize == 1) && heldCount == 0) {
      return List.of(queue.pollFirst());
    }
    List<Pending> group = new ArrayList<>(Math.min(queue.size(), maxGroupSize));
    Set<RunKey> runs = new HashSet<>();
    Iterator<Pending> it = queue.iterator();
    while (it.hasNext() && group.size() < maxGroupSize) {
      Pending p = it.next();
      if (p.cmd.deadlinePassed()) {
        // waited past its deadline: refused without touching the database
        it.remove();
        p.answer.fail(Deadline.exceeded());
      } else if (runs.add(new RunKey(p.cmd.kind(), p.cmd.runId()))) {
        group.add(p);
        it.remove();
      }
    }
    if (heldCount > 0) {
      int picked = group.size();
      for (int i = 0; i < picked; i++) {
        SetStateCommand cmd = group.get(i).cmd;
        List<UUID> limits = cmd.kind() == RunKind.TASK_RUN && cmd.state().type() != StateType.RUNNING
            ? holders.get(cmd.runId()) : null;
        if (limits != null) {
          for (UUID limit : limits) {
            Pending waiter = oldestHeld(limit, runs);
            if (waiter != null && unhold(waiter)) {
              holdEvents.ended("handed_over");
              group.add(waiter);
            }
          }
        }
      }
    }
    return group;
  }

  /** The oldest proposal held on {@code limit} whose run is not in the group yet (and is added to it). */
  private Pending oldestHeld(UUID limit, Set<RunKey> runs) {
    ArrayDeque<Pending> waiters = held.get(limit);
    if (waiters == null) {
      return null;
    }
    for (Pending p : waiters) {
      if (runs.add(new RunKey(p.cmd.kind(), p.cmd.runId()))) {
        return p;
      }
    }
    return null;
  }

  /** A proposal's answer is in: noted for holders, then held or handed back. */
  private void settle(Pending p, Noted noted, Throwable failure) {
    if (noted == null) {
      p.answer.fail(failure);
      return;
    }
    if (!noted.holds().isEmpty()) {
      holders.put(p.cmd.runId(), noted.holds());
    } else if (noted.releases()) {
      holders.remove(p.cmd.runId());
    }
    if (!noted.waitsOn().isEmpty() && hold(p, noted)) {
      return;
    }
    p.answer.complete(noted.result());
  }

  /** Holds {@code p} on the limits that refused it, when allowed and in time; false otherwise. */
  private boolean hold(Pending p, Noted noted) {
    if (!holds.on() || p.lastTry || heldCount >= holds.maxHeld() || !holds.mayHold().getAsBoolean()) {
      return false;
    }
    long now = System.nanoTime();
    if (p.holdUntil == 0) {
      p.holdUntil = now + holds.holdMillis() * 1_000_000L;
      if (p.cmd.deadlineNanos() != Deadline.NONE && p.cmd.deadlineNanos() - DEADLINE_MARGIN_NANOS - p.holdUntil < 0) {
        p.holdUntil = p.cmd.deadlineNanos() - DEADLINE_MARGIN_NANOS;
      }
    }
    long leftMillis = (p.holdUntil - now) / 1_000_000L;
    if (leftMillis <= 0) {
      return false;
    }
    p.heldOn = noted.waitsOn();
    p.heldWait = noted.result();
    for (UUID limit : p.heldOn) {
      held.computeIfAbsent(limit, k -> new ArrayDeque<>()).addLast(p);
    }
    heldCount++;
    holdEvents.started();
    p.timer = holds.timers().schedule(leftMillis, () -> expire(p));
    return true;
  }

  /** Its time ran out: orchestrated once more, first in line, and answered whatever that gives. */
  private void expire(Pending p) {
    p.timer = -1;
    if (unhold(p)) {
      holdEvents.ended("expired");
      p.lastTry = true;
      queue.addFirst(p);
      drain();
    }
  }

  /** Takes {@code p} off every limit it is held on; false when it was not held. */
  private boolean unhold(Pending p) {
    if (p.heldOn.isEmpty()) {
      return false;
    }
    for (UUID limit : p.heldOn) {
      ArrayDeque<Pending> waiters = held.get(limit);
      if (waiters != null) {
        waiters.remove(p);
        if (waiters.isEmpty()) {
          held.remove(limit);
        }
      }
    }
    p.heldOn = List.of();
    heldCount--;
    if (p.timer != -1) {
      holds.timers().cancel(p.timer);
      p.timer = -1;
    }
    return true;
  }
}
