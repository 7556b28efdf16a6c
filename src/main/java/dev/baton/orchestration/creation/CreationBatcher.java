package dev.baton.orchestration.creation;

import dev.baton.domain.TaskRun;
import dev.baton.domain.command.TaskRunCreate;
import dev.baton.orchestration.creation.RunCreation.Created;
import dev.baton.persistence.TaskRunCreationStore.NaturalKey;
import io.vertx.core.Context;
import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.Vertx;
import io.vertx.sqlclient.Pool;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.Iterator;
import java.util.List;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Function;
import java.util.function.IntConsumer;
import dev.baton.orchestration.group.ProposalBatcher;
import dev.baton.observability.OrchestrationMetrics;
import dev.baton.orchestration.run.RunOrchestrator;

/**
 * Groups task-run creations that arrive while a creation group is in the database (group commit
 * for {@code POST /api/task_runs/} and the bus create command), as {@link ProposalBatcher} groups
 * set-state proposals: when no group is in flight a creation leaves at once, alone (no timer: an
 * idle server answers a lone creation with a lone creation's latency); creations that arrive
 * meanwhile wait and leave together with the next group — up to {@code maxGroupSize}, in arrival
 * order, with distinct ids and distinct natural keys. A creation that repeats the id or natural key
 * of one already in the group stays queued for a later group, where it finds the run created
 * before it (200), as if sent after it.
 *
 * <p>Tagged creations are grouped too: no creation policy secures tag slots, so a new run holds
 * none and takes none, and the group decides it as it decides an untagged one (see {@link
 * GroupedTaskRunCreation}). Groups are kept per event-loop thread: the
 * callers (HTTP verticles, the bus API verticle) run on several event loops, and each loop's queue
 * is touched only from its own thread, so no lock is needed. A caller that is not on an event loop
 * creates alone. The queue needs no bound of its own: every queued creation was admitted by the
 * HTTP or event-bus in-flight limit.
 */
public final class CreationBatcher {
  private final Function<TaskRunCreate, Future<Created<TaskRun>>> lone;
  private final Function<List<TaskRunCreate>, List<Future<Created<TaskRun>>>> group;
  private final int maxGroupSize;
  private final int groupsInFlight;
  private final IntConsumer groupSizes;
  private final ConcurrentHashMap<Thread, Queue> queues = new ConcurrentHashMap<>();

  /**
   * @param maxGroupSize most creations in one group (1 = every creation alone)
   * @param groupsInFlight creation groups in the database at once, per event loop
   */
  public CreationBatcher(Pool pool, RunOrchestrator runs, RunCreation lone, OrchestrationMetrics metrics,
      int maxGroupSize, int groupsInFlight) {
    this(lone::createTaskRun, new GroupedTaskRunCreation(pool, runs, lone)::create, maxGroupSize, groupsInFlight,
        metrics::creationGroup);
  }

  /**
   * @param lone creates one task run alone
   * @param group creates a group (distinct ids and natural keys); answers index-aligned
   * @param groupSizes told the size of every group that leaves (1 for a creation made alone)
   */
  CreationBatcher(Function<TaskRunCreate, Future<Created<TaskRun>>> lone, Function<List<TaskRunCreate>, List<Future<Created<TaskRun>>>> group,
      int maxGroupSize, int groupsInFlight, IntConsumer groupSizes) {
    if (maxGroupSize < 1 || groupsInFlight < 1) {
      throw new IllegalArgumentException("maxGroupSize and groupsInFlight must be at least 1");
    }
    this.lone = lone;
    this.group = group;
    this.maxGroupSize = maxGroupSize;
    this.groupsInFlight = groupsInFlight;
    this.groupSizes = groupSizes;
  }

  /** Creates the task run, alone or in a group; same answer either way. */
  public Future<Created<TaskRun>> createTaskRun(TaskRunCreate create) {
    if (maxGroupSize == 1 || !Context.isOnEventLoopThread()) {
      groupSizes.accept(1);
      return lone.apply(create);
    }
    Thread loop = Thread.currentThread();
    return queues.computeIfAbsent(loop, Queue::new).submit(create);
  }

  private record Pending(TaskRunCreate create, Promise<Created<TaskRun>> answer) {}

  /** One event loop's creations: touched only from {@code loop}. */
  private final class Queue {
    private final Thread loop;
    private final ArrayDeque<Pending> waiting = new ArrayDeque<>();
    private int inFlight;

    Queue(Thread loop) {
      this.loop = loop;
    }

    Future<Created<TaskRun>> submit(TaskRunCreate create) {
      Promise<Created<TaskRun>> answer = Promise.promise();
      waiting.addLast(new Pending(create, answer));
      drain();
      return answer.future();
    }

    private void drain() {
      while (inFlight < groupsInFlight && !waiting.isEmpty()) {
        List<Pending> next = nextGroup();
        List<TaskRunCreate> creates = new ArrayList<>(next.size());
        next.forEach(p -> creates.add(p.create()));
        inFlight++;
        groupSizes.accept(creates.size());
        List<Future<Created<TaskRun>>> answers;
        try {
          answers = group.apply(creates);
        } catch (RuntimeException e) {
          answers = new ArrayList<>(next.size());
          for (int i = 0; i < next.size(); i++) {
            answers.add(Future.failedFuture(e));
          }
        }
        for (int i = 0; i < next.size(); i++) {
          answers.get(i).onComplete(next.get(i).answer());
        }
        Context context = Vertx.currentContext();
        Future.join(answers).onComplete(done -> {
          if (Thread.currentThread() == loop) {
            groupDone();
          } else {
            context.runOnContext(v -> groupDone());
          }
        });
      }
    }

    private void groupDone() {
      inFlight--;
      drain();
    }

    /** Oldest first, distinct ids and natural keys, at most maxGroupSize. */
    private List<Pending> nextGroup() {
      if (waiting.size() == 1) {
        return List.of(waiting.pollFirst());
      }
      List<Pending> next = new ArrayList<>(Math.min(waiting.size(), maxGroupSize));
      Set<UUID> ids = new HashSet<>();
      Set<NaturalKey> keys = new HashSet<>();
      Iterator<Pending> it = waiting.iterator();
      while (it.hasNext() && next.size() < maxGroupSize) {
        Pending p = it.next();
        TaskRunCreate c = p.create();
        NaturalKey key = NaturalKey.of(c);
        if ((c.id() == null || !ids.contains(c.id())) && !keys.contains(key)) {
          if (c.id() != null) {
            ids.add(c.id());
          }
          keys.add(key);
          next.add(p);
          it.remove();
        }
      }
      return next;
    }
  }
}
