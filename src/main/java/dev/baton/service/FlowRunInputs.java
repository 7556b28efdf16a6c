package dev.baton.service;

import dev.baton.domain.FlowRunInput;
import dev.baton.orchestration.api.OrchestrationException;
import dev.baton.orchestration.api.OrchestrationFailure;
import dev.baton.persistence.FlowRunInputRepository;
import dev.baton.persistence.SqlErrors;
import io.vertx.core.Future;
import io.vertx.sqlclient.Pool;
import java.util.List;
import java.util.UUID;

/** Flow run inputs (what a paused run waits for, {@code /flow_runs/{id}/input}): create, filter, read, delete. */
public final class FlowRunInputs {
  public static final String NOT_FOUND = "Flow run input not found";
  public static final String KEY_TAKEN = "A flow run input with this key already exists.";

  private final Pool pool;

  public FlowRunInputs(Pool pool) {
    this.pool = pool;
  }

  /** CONFLICT when the run has an input with that key; NOT_FOUND ("Flow run not found") when there is no such run. */
  public Future<Void> create(UUID flowRunId, String key, String value, String sender) {
    return FlowRunInputRepository.insert(pool, flowRunId, key, value, sender).recover(t -> {
      if (SqlErrors.isUniqueViolation(t)) {
        return Future.failedFuture(new OrchestrationException(OrchestrationFailure.CONFLICT, KEY_TAKEN));
      }
      if (SqlErrors.isForeignKeyViolation(t)) {
        return Future.failedFuture(OrchestrationException.notFound(FlowRuns.NOT_FOUND));
      }
      return Future.failedFuture(t);
    });
  }

  /** Up to {@code limit} inputs of the run whose key starts with {@code prefix}, except {@code excludeKeys}. */
  public Future<List<FlowRunInput>> filter(UUID flowRunId, String prefix, List<String> excludeKeys, int limit) {
    return FlowRunInputRepository.filter(pool, flowRunId, prefix, excludeKeys, limit)
        .map(inputs -> inputs.stream().map(FlowRunInputs::domain).toList());
  }

  /** NOT_FOUND when the run has no input with that key. */
  public Future<FlowRunInput> get(UUID flowRunId, String key) {
    return Found.orNotFound(FlowRunInputRepository.get(pool, flowRunId, key), NOT_FOUND).map(FlowRunInputs::domain);
  }

  /** NOT_FOUND when the run has no input with that key. */
  public Future<Void> delete(UUID flowRunId, String key) {
    return Found.touched(FlowRunInputRepository.delete(pool, flowRunId, key), NOT_FOUND);
  }

  private static FlowRunInput domain(FlowRunInputRepository.FlowRunInput in) {
    return new FlowRunInput(in.id(), in.created(), in.updated(), in.flowRunId(), in.key(), in.value(), in.sender());
  }
}
