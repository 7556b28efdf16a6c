package dev.baton.service;

import dev.baton.domain.Names;
import dev.baton.domain.State;
import dev.baton.domain.TaskRun;
import dev.baton.filter.Filters;
import dev.baton.persistence.StateRepository;
import dev.baton.persistence.TaskRunRepository;
import dev.baton.persistence.filter.FilterSql;
import io.vertx.core.Future;
import io.vertx.sqlclient.Pool;
import java.util.List;
import java.util.UUID;

/**
 * Task runs besides creation, reading by id and state history ({@code ApiService}) and besides
 * orchestration: filter, paginate, count, rename, delete, and a state by its id.
 */
public final class TaskRuns {
  public static final String NOT_FOUND = "Task run not found";
  private final Pool pool;

  public TaskRuns(Pool pool) {
    this.pool = pool;
  }

  public Future<List<TaskRun>> list(Filters.ListRequest<Filters.TaskRunSort> q) {
    FilterSql.Where w = FilterSql.taskRuns(q.filter(), "task_run", 1);
    return TaskRunRepository.list(pool, w.sql(), w.params(), FilterSql.orderBy(q.sort(), "task_run"), q.limit(), q.offset());
  }

  /** The page and the total the filter matches, read concurrently. */
  public Future<Page<TaskRun>> page(Filters.ListRequest<Filters.TaskRunSort> q) {
    FilterSql.Where w = FilterSql.taskRuns(q.filter(), "task_run", 1);
    Future<List<TaskRun>> page = TaskRunRepository.list(pool, w.sql(), w.params(), FilterSql.orderBy(q.sort(), "task_run"),
        q.limit(), q.offset());
    Future<Long> count = TaskRunRepository.count(pool, w.sql(), w.params());
    return Future.all(page, count).map(all -> new Page<>(page.result(), count.result()));
  }

  public Future<Long> count(Filters.Query q) {
    FilterSql.Where w = FilterSql.taskRuns(q, "task_run", 1);
    return TaskRunRepository.count(pool, w.sql(), w.params());
  }

  /** A state of a task run by the state's id; NOT_FOUND when absent. */
  public Future<State> state(UUID stateId) {
    return Found.orNotFound(StateRepository.taskRunState(pool, stateId), FlowRuns.STATE_NOT_FOUND);
  }

  /**
   * {@code PATCH}: renames when {@code hasName}; a null or empty name is replaced by a new slug, as
   * Prefect's TaskRunUpdate does. NOT_FOUND when there is no such run.
   */
  public Future<Void> update(UUID id, boolean hasName, String name) {
    String newName = name == null || name.isEmpty() ? Names.slug() : name;
    return Found.touched(hasName ? TaskRunRepository.rename(pool, id, newName) : TaskRunRepository.get(pool, id).map(t -> t != null),
        NOT_FOUND);
  }

  /** NOT_FOUND when there is no such run. */
  public Future<Void> delete(UUID id) {
    return Found.touched(TaskRunRepository.delete(pool, id), NOT_FOUND);
  }
}
