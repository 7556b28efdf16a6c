package dev.baton.service;

import dev.baton.domain.Flow;
import dev.baton.filter.Filters;
import dev.baton.persistence.FlowRepository;
import dev.baton.persistence.filter.FilterSql;
import io.vertx.core.Future;
import io.vertx.sqlclient.Pool;
import java.util.List;
import java.util.Optional;
import java.util.UUID;

/** Flows: filter, count, read, retag and delete (creation is {@code ApiService.createFlow}). */
public final class Flows {
  public static final String NOT_FOUND = "Flow not found";

  private final Pool pool;

  public Flows(Pool pool) {
    this.pool = pool;
  }

  public Future<List<Flow>> list(Filters.ListRequest<Filters.FlowSort> q) {
    FilterSql.Where w = FilterSql.flows(q.filter(), "flow", 1);
    return FlowRepository.list(pool, w.sql(), w.params(), FilterSql.orderBy(q.sort(), "flow"), q.limit(), q.offset());
  }

  /** The page and the total the filter matches, read concurrently. */
  public Future<Page<Flow>> page(Filters.ListRequest<Filters.FlowSort> q) {
    FilterSql.Where w = FilterSql.flows(q.filter(), "flow", 1);
    Future<List<Flow>> page = FlowRepository.list(pool, w.sql(), w.params(), FilterSql.orderBy(q.sort(), "flow"),
        q.limit(), q.offset());
    return Page.of(page, FlowRepository.count(pool, w.sql(), w.params()));
  }

  public Future<Long> count(Filters.Query q) {
    FilterSql.Where w = FilterSql.flows(q, "flow", 1);
    return FlowRepository.count(pool, w.sql(), w.params());
  }

  /** NOT_FOUND when there is no such flow. */
  public Future<Flow> get(UUID id) {
    return Found.orNotFound(FlowRepository.get(pool, id), NOT_FOUND);
  }

  /** NOT_FOUND when there is no flow of that name. */
  public Future<Flow> byName(String name) {
    return Found.orNotFound(FlowRepository.getByName(pool, name), NOT_FOUND);
  }

  /** Replaces the tags when given (empty: nothing changes, the flow must still exist); NOT_FOUND when absent. */
  public Future<Void> update(UUID id, Optional<List<String>> tags) {
    return Found.touched(tags.isEmpty() ? FlowRepository.get(pool, id).map(f -> f != null)
        : FlowRepository.patchTags(pool, id, tags.get()), NOT_FOUND);
  }

  /** NOT_FOUND when there is no such flow. */
  public Future<Void> delete(UUID id) {
    return Found.touched(FlowRepository.delete(pool, id), NOT_FOUND);
  }
}
