package dev.baton.orchestration;

import dev.baton.domain.RunKind;
import dev.baton.orchestration.api.Deadline;
import dev.baton.orchestration.api.OrchestrationException;
import dev.baton.orchestration.api.OrchestrationFailure;
import dev.baton.orchestration.api.OrchestrationResult;
import dev.baton.orchestration.api.SetStateCommand;
import io.vertx.core.Future;
import io.vertx.core.Promise;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.Iterator;
import java.util.List;
import java.util.Set;
import java.util.UUID;
import java.util.function.Function;
import java.util.function.IntConsumer;

/**
 * Groups set-state proposals that arrive while the database is busy (group commit). At most
 * {@code groupsInFlight} groups are being orchestrated at once; a proposal that arrives when one
 * is free starts its own group at once (no timer, no added latency when idle), otherwise it waits
 * in the queue and leaves with the next group: up to {@code maxGroupSize} queued proposals, in
 * arrival order, for distinct runs. A second proposal for a run already in the group stays queued
 * for a later group: a group never holds two proposals for one run, and those, like any concurrent
 * proposals for one run, are serialized by the run's row lock.
 *
 * <p>Not thread-safe: one instance belongs to one event-loop context (an
 * {@link OrchestrationVerticle}), and all its callbacks run there.
 */
public final class ProposalBatcher {
  private record Pending(SetStateCommand cmd, Promise<OrchestrationResult> answer) {}

  /** A run's identity across both kinds. */
  private record RunKey(RunKind kind, UUID id) {}

  private final Function<List<SetStateCommand>, List<Future<OrchestrationResult>>> orchestrate;
  private final int maxGroupSize;
  private final int groupsInFlight;
  private final int maxQueued;
  private final IntConsumer groupSizes;
  private final ArrayDeque<Pending> queue = new ArrayDeque<>();
  private int inFlight;

  /**
   * @param orchestrate orchestrates a group of proposals for distinct runs, answers index-aligned
   * @param maxGroupSize largest group (1 = every proposal alone)
   * @param groupsInFlight groups orchestrated at once
   * @param maxQueued most proposals waiting; past it a proposal is refused at once (UNAVAILABLE)
   *     rather than queued without bound (HTTP has its own in-flight limit; event-bus senders not)
   * @param groupSizes told the size of every group that leaves
   */
  public ProposalBatcher(Function<List<SetStateCommand>, List<Future<OrchestrationResult>>> orchestrate,
      int maxGroupSize, int groupsInFlight, int maxQueued, IntConsumer groupSizes) {
    if (maxGroupSize < 1 || groupsInFlight < 1 || maxQueued < 1) {
      throw new IllegalArgumentException("maxGroupSize, groupsInFlight and maxQueued must be at least 1");
    }
    this.orchestrate = orchestrate;
    this.maxGroupSize = maxGroupSize;
    this.groupsInFlight = groupsInFlight;
    this.maxQueued = maxQueued;
    this.groupSizes = groupSizes;
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

  private void drain() {
    while (inFlight < groupsInFlight && !queue.isEmpty()) {
      List<Pending> group = nextGroup();
      if (group.isEmpty()) {
        continue; // every proposal looked at was past its deadline
      }
      List<SetStateCommand> cmds = new ArrayList<>(group.size());
      group.forEach(p -> cmds.add(p.cmd()));
      inFlight++;
      groupSizes.accept(group.size());
      List<Future<OrchestrationResult>> answers;
      try {
        answers = orchestrate.apply(cmds);
      } catch (RuntimeException e) {
        answers = new ArrayList<>(group.size());
        for (int i = 0; i < group.size(); i++) {
          answers.add(Future.failedFuture(e));
        }
      }
      for (int i = 0; i < group.size(); i++) {
        answers.get(i).onComplete(group.get(i).answer());
      }
      Future.join(answers).onComplete(done -> {
        inFlight--;
        drain();
      });
    }
  }

  /** Takes the next group off the queue: oldest first, one proposal per run, at most maxGroupSize. */
  private List<Pending> nextGroup() {
    if (queue.size() == 1 || maxGroupSize == 1) {
      return List.of(queue.pollFirst());
    }
    List<Pending> group = new ArrayList<>(Math.min(queue.size(), maxGroupSize));
    Set<RunKey> runs = new HashSet<>();
    Iterator<Pending> it = queue.iterator();
    while (it.hasNext() && group.size() < maxGroupSize) {
      Pending p = it.next();
      if (p.cmd().deadlinePassed()) {
        // waited past its deadline: refused without touching the database
        it.remove();
        p.answer().fail(Deadline.exceeded());
      } else if (runs.add(new RunKey(p.cmd().kind(), p.cmd().runId()))) {
        group.add(p);
        it.remove();
      }
    }
    return group;
  }
}
