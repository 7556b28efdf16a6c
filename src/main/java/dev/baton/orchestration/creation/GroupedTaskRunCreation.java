package dev.baton.orchestration.creation;

import dev.baton.domain.Ids;
import dev.baton.domain.Names;
import dev.baton.domain.RunKind;
import dev.baton.domain.StateType;
import dev.baton.domain.TaskRun;
import dev.baton.domain.command.StateCreate;
import dev.baton.domain.command.TaskRunCreate;
import dev.baton.orchestration.creation.RunCreation.Created;
import dev.baton.orchestration.engine.OrchestrationOutcome;
import dev.baton.orchestration.engine.ConcurrencyFacts;
import dev.baton.orchestration.engine.Effect;
import dev.baton.orchestration.run.ConcurrencyLoading;
import dev.baton.orchestration.run.Proposal;
import dev.baton.persistence.SqlErrors;
import dev.baton.persistence.TaskRunCreationStore;
import dev.baton.persistence.TaskRunCreationStore.NewTaskRun;
import dev.baton.persistence.Transactions;
import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.sqlclient.Pool;
import io.vertx.sqlclient.SqlConnection;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.EnumSet;
import java.util.Set;
import java.util.UUID;
import dev.baton.orchestration.run.RunOrchestrator;
import dev.baton.orchestration.run.OutcomeRows;
import dev.baton.orchestration.run.LockedRun;
import dev.baton.orchestration.run.LoadedRuns;

/**
 * Creates a group of task runs in one transaction (group commit for creation), each answered
 * exactly as {@link RunCreation#createTaskRun} would answer it alone:
 * <ol>
 *   <li>BEGIN, one multi-row insert of all the runs ({@code ON CONFLICT} on the natural key, so a
 *       run that exists is left alone) and the lock-and-load of all the new ids — one round trip;
 *   <li>the initial state of every new run decided (force, or the background policy for a deferred
 *       state), all written by the set-state group write ({@link OutcomeRows#writeAll}),
 *       the read-back of every run and COMMIT — one round trip.
 * </ol>
 * A new run whose initial state needs more than that (it may hold a concurrency slot, its outcome
 * has other effects) is orchestrated in the group's transaction as the lone path does, before the
 * read-back. The creations of a group must have distinct ids and distinct natural keys
 * ({@link CreationBatcher} sees to it), so a repeated one waits for the next group and finds the run
 * there (200), as if sent after. If PostgreSQL refuses any statement of the group (an id taken by
 * another natural key, an unknown flow run, a trigger, a deadlock) or the engine throws on one
 * creation, the group rolls back and every creation is made alone, so one bad creation never fails
 * another; a lost connection (the COMMIT may have happened) or a failing pool fails them all, as it
 * would fail a lone creation.
 */
public final class GroupedTaskRunCreation {
  /** The group could not decide a creation (the engine threw): roll back, every creation alone. */
  private static final class Alone extends RuntimeException {
    Alone(Throwable cause) {
      super(null, cause, false, false);
    }
  }

  /** What a creation group writes for a new run: the outcome's own statement (cache entries). */
  private static final Set<Effect.Writer> WRITES = EnumSet.of(Effect.Writer.WITH_OUTCOME);

  private final Pool pool;
  private final RunOrchestrator runs;
  private final RunCreation lone;

  GroupedTaskRunCreation(Pool pool, RunOrchestrator runs, RunCreation lone) {
    this.pool = pool;
    this.runs = runs;
    this.lone = lone;
  }

  /** Creates the runs; the answers are index-aligned with {@code creates}. */
  List<Future<Created<TaskRun>>> create(List<TaskRunCreate> creates) {
    if (creates.size() == 1) {
      return List.of(lone.createTaskRun(creates.get(0)));
    }
    int n = creates.size();
    List<Promise<Created<TaskRun>>> answers = new ArrayList<>(n);
    List<Future<Created<TaskRun>>> futures = new ArrayList<>(n);
    for (int i = 0; i < n; i++) {
      Promise<Created<TaskRun>> p = Promise.promise();
      answers.add(p);
      futures.add(p.future());
    }
    group(creates).onComplete(ar -> {
      if (ar.succeeded()) {
        for (int i = 0; i < n; i++) {
          Created<TaskRun> answer = ar.result().get(i);
          if (answer != null) {
            answers.get(i).complete(answer);
          } else {
            lone.createTaskRun(creates.get(i)).onComplete(answers.get(i));
          }
        }
      } else if (!lostConnection(ar.cause())) {
        for (int i = 0; i < n; i++) {
          lone.createTaskRun(creates.get(i)).onComplete(answers.get(i));
        }
      } else {
        answers.forEach(p -> p.fail(ar.cause()));
      }
    });
    return futures;
  }

  /**
   * A failure that says nothing about any one creation and may have hit a COMMIT that happened: the
   * connection or the pool failed (not PostgreSQL refusing a statement, which rolls the group back).
   */
  private static boolean lostConnection(Throwable t) {
    return SqlErrors.pgException(t) == null && SqlErrors.isRetryable(t);
  }

  private Future<List<Created<TaskRun>>> group(List<TaskRunCreate> creates) {
    Instant now = runs.now();
    int n = creates.size();
    List<NewTaskRun> rows = new ArrayList<>(n);
    List<UUID> ids = new ArrayList<>(n);
    List<String> cacheKeys = new ArrayList<>(n);
    List<Proposal> proposals = new ArrayList<>(n);
    for (int i = 0; i < n; i++) {
      TaskRunCreate c = creates.get(i);
      UUID id = c.id() != null ? c.id() : Ids.uuid7();
      String name = c.name() == null || c.name().isEmpty() ? Names.slug() : c.name();
      StateCreate initial = c.state() == null ? StateCreate.of(StateType.PENDING) : c.state();
      Proposal p = Proposal.forced(RunKind.TASK_RUN, id, initial.toState(Ids.uuid7(), now), now);
      proposals.add(p);
      rows.add(new NewTaskRun(id, name, c));
      ids.add(id);
      cacheKeys.add(p.cacheKeyToLookUp());
    }
    return Transactions.pipelined(pool, (conn, begun) -> {
      Future<Set<UUID>> inserted = TaskRunCreationStore.insertMany(conn, rows);
      // the new rows, locked; also an existing run under a requested id, as the lone path locks it
      Future<Map<UUID, LockedRun>> loaded = LoadedRuns.lockTaskRuns(conn, ids, cacheKeys, now);
      return Future.all(begun, inserted, loaded).compose(x -> {
        Set<UUID> created = inserted.result();
        List<OrchestrationOutcome> decided = new ArrayList<>(created.size());
        List<Integer> inTransaction = new ArrayList<>();
        for (int i = 0; i < n; i++) {
          if (!created.contains(ids.get(i))) {
            continue;
          }
          LockedRun run = loaded.result().get(ids.get(i));
          OrchestrationOutcome o;
          try {
            if (run == null) {
              throw new IllegalStateException("task run " + ids.get(i) + " inserted but not loaded");
            }
            o = decide(proposals.get(i), run);
          } catch (RuntimeException e) {
            return Future.failedFuture(new Alone(e));
          }
          if (o != null) {
            decided.add(o);
          } else {
            inTransaction.add(i);
          }
        }
        Future<Void> written = OutcomeRows.writeAll(conn, decided, List.of());
        for (int i : inTransaction) {
          // as the lone path: orchestrated in this transaction (the row lock is already ours)
          written = written.compose(v -> runs.lockAndOrchestrate(conn, proposals.get(i),
              RunOrchestrator.Ending.IN_TRANSACTION).mapEmpty());
        }
        return written.compose(v -> readBack(conn, creates, ids, created));
      });
    });
  }

  /**
   * The initial state of a task run the group has just inserted, locked and loaded, decided as the
   * lone path would decide it — when the group can write the whole outcome with {@link
   * OutcomeRows#writeAll}: its concurrency facts are known to be empty ({@link
   * ConcurrencyLoading#factsKnownEmpty}: a new run holds nothing, and no creation policy takes tag
   * slots) and the outcome's only effects are cache entries. Otherwise null, and the run is
   * orchestrated in the group's transaction. Throws what the engine throws.
   */
  private OrchestrationOutcome decide(Proposal p, LockedRun run) {
    if (!ConcurrencyLoading.factsKnownEmpty(p, run)) {
      return null;
    }
    OrchestrationOutcome o = runs.decide(p, run, ConcurrencyFacts.EMPTY);
    return o.writtenBy(WRITES) ? o : null;
  }

  /**
   * Every run of the group as it now is, and COMMIT, in one round trip: new runs by id, runs that
   * existed by natural key. An answer is null when its run is no longer there.
   */
  private static Future<List<Created<TaskRun>>> readBack(SqlConnection conn, List<TaskRunCreate> creates,
      List<UUID> ids, Set<UUID> created) {
    int n = creates.size();
    List<Future<TaskRun>> byKey = new ArrayList<>(n);
    for (int i = 0; i < n; i++) {
      byKey.add(created.contains(ids.get(i)) ? null : TaskRunCreationStore.getByNaturalKey(conn, creates.get(i)));
    }
    Future<Map<UUID, TaskRun>> byId = created.isEmpty() ? Future.succeededFuture(Map.of())
        : TaskRunCreationStore.getMany(conn, new ArrayList<>(created));
    List<Future<?>> all = new ArrayList<>(n + 1);
    all.add(byId);
    byKey.forEach(f -> {
      if (f != null) {
        all.add(f);
      }
    });
    return Transactions.commitBehind(conn, Future.all(all)).map(done -> {
      List<Created<TaskRun>> answers = new ArrayList<>(n);
      for (int i = 0; i < n; i++) {
        boolean isNew = created.contains(ids.get(i));
        TaskRun run = isNew ? byId.result().get(ids.get(i)) : byKey.get(i).result();
        // null: the run the insert found was deleted since (by another transaction); that creation
        // is then made alone, after this group, as if sent after the delete
        answers.add(run == null ? null : new Created<>(run, isNew));
      }
      return answers;
    });
  }
}
