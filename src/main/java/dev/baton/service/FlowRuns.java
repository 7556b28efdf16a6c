package dev.baton.service;

import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.baton.domain.FlowRun;
import dev.baton.domain.Names;
import dev.baton.domain.State;
import dev.baton.domain.StateType;
import dev.baton.domain.command.FlowRunPatch;
import dev.baton.filter.Filters;
import dev.baton.orchestration.api.OrchestrationException;
import dev.baton.orchestration.api.OrchestrationFailure;
import dev.baton.persistence.FlowRunRepository;
import dev.baton.persistence.StateRepository;
import dev.baton.persistence.filter.FilterSql;
import io.vertx.core.Future;
import io.vertx.sqlclient.Pool;
import java.util.List;
import java.util.Optional;
import java.util.UUID;

/**
 * Flow runs besides creation, reading by id and state history ({@code ApiService}) and besides
 * orchestration: filter, paginate, count, patch, relabel, delete (one or by filter), and a state
 * by its id.
 */
public final class FlowRuns {
  public static final String NOT_FOUND = "Flow run not found";
  public static final String STATE_NOT_FOUND = "Flow run state not found";

  private final Pool pool;

  public FlowRuns(Pool pool) {
    this.pool = pool;
  }

  public Future<List<FlowRun>> list(Filters.ListRequest<Filters.FlowRunSort> q) {
    FilterSql.Where w = FilterSql.flowRuns(q.filter(), "flow_run", 1);
    return FlowRunRepository.list(pool, w.sql(), w.params(), FilterSql.orderBy(q.sort(), "flow_run"), q.limit(), q.offset());
  }

  /** The page and the total the filter matches, read concurrently. */
  public Future<Page<FlowRun>> page(Filters.ListRequest<Filters.FlowRunSort> q) {
    FilterSql.Where w = FilterSql.flowRuns(q.filter(), "flow_run", 1);
    Future<List<FlowRun>> page = FlowRunRepository.list(pool, w.sql(), w.params(), FilterSql.orderBy(q.sort(), "flow_run"),
        q.limit(), q.offset());
    Future<Long> count = FlowRunRepository.count(pool, w.sql(), w.params());
    return Future.all(page, count).map(all -> new Page<>(page.result(), count.result()));
  }

  public Future<Long> count(Filters.Query q) {
    FilterSql.Where w = FilterSql.flowRuns(q, "flow_run", 1);
    return FlowRunRepository.count(pool, w.sql(), w.params());
  }

  /** A state of a flow run by the state's id; NOT_FOUND ({@value #STATE_NOT_FOUND}) when absent. */
  public Future<State> state(UUID stateId) {
    return Found.orNotFound(StateRepository.flowRunState(pool, stateId), STATE_NOT_FOUND);
  }

  /**
   * Writes the fields sent; an explicit {@code name: null} becomes a new slug (Prefect's
   * behaviour). Changing {@code job_variables} needs a SCHEDULED run of a deployment
   * (INVALID_INPUT otherwise, see {@link #jobVariablesRefusal}). NOT_FOUND when there is no such run.
   */
  public Future<Void> patch(UUID id, FlowRunPatch p) {
    FlowRunRepository.FlowRunPatch row = row(p);
    if (p.jobVariables() == null) {
      return Found.touched(FlowRunRepository.patch(pool, id, row), NOT_FOUND);
    }
    return Found.orNotFound(FlowRunRepository.get(pool, id), NOT_FOUND).compose(run -> {
      String refusal = jobVariablesRefusal(run.stateType(), run.deploymentId());
      return refusal != null ? Future.failedFuture(new OrchestrationException(OrchestrationFailure.INVALID_INPUT, refusal))
          : Found.touched(FlowRunRepository.patch(pool, id, row), NOT_FOUND);
    });
  }

  /** The columns to write: those sent, with an explicit null name replaced by a new slug. */
  static FlowRunRepository.FlowRunPatch row(FlowRunPatch p) {
    return new FlowRunRepository.FlowRunPatch(p.name() == null ? null : Optional.of(p.name().orElseGet(Names::slug)),
        p.flowVersion(), p.parameters(), p.empiricalPolicy(), p.tags(), p.infrastructurePid(), p.jobVariables());
  }

  /** Why a run in {@code state} (null: none) of {@code deploymentId} (null: none) cannot get new job variables; null when it can. */
  static String jobVariablesRefusal(StateType state, UUID deploymentId) {
    if (state == null) {
      return "Flow run state is required to update job variables but none exists";
    }
    if (state != StateType.SCHEDULED) {
      return "Job variables for a flow run in state " + state + " cannot be updated";
    }
    if (deploymentId == null) {
      return "A deployment for the flow run could not be found";
    }
    return null;
  }

  /** Merges {@code labels} into the run's; NOT_FOUND ("Flow run with id … not found") when there is no such run. */
  public Future<Void> mergeLabels(UUID id, ObjectNode labels) {
    return Found.touched(FlowRunRepository.mergeLabels(pool, id, labels), "Flow run with id " + id + " not found");
  }

  /** NOT_FOUND when there is no such run. */
  public Future<Void> delete(UUID id) {
    return Found.touched(FlowRunRepository.delete(pool, id), NOT_FOUND);
  }

  /** Deletes up to {@code limit} runs matching {@code filter}; their ids. */
  public Future<List<UUID>> deleteMatching(Filters.FlowRunFilter filter, int limit) {
    FilterSql.Where w = FilterSql.flowRuns(query(filter), "flow_run", 1);
    return FlowRunRepository.deleteMatching(pool, w.sql(), w.params(), limit);
  }

  /** The ids of up to {@code limit} runs matching {@code filter}, by id. */
  public Future<List<UUID>> ids(Filters.FlowRunFilter filter, int limit) {
    FilterSql.Where w = FilterSql.flowRuns(query(filter), "flow_run", 1);
    return FlowRunRepository.list(pool, w.sql(), w.params(), "flow_run.id", limit, 0)
        .map(runs -> runs.stream().map(FlowRun::id).toList());
  }

  private static Filters.Query query(Filters.FlowRunFilter f) {
    return new Filters.Query(null, f, null, null, null, null);
  }
}
