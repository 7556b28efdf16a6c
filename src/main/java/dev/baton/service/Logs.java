package dev.baton.service;

import dev.baton.domain.Log;
import dev.baton.domain.command.LogCreate;
import dev.baton.filter.Filters;
import dev.baton.persistence.LogRepository;
import dev.baton.persistence.filter.FilterSql;
import io.vertx.core.Future;
import io.vertx.sqlclient.Pool;
import java.util.List;

/** Log lines: store a batch, filter them. */
public final class Logs {
  private final Pool pool;

  public Logs(Pool pool) {
    this.pool = pool;
  }

  /** Stores the batch (one pipelined batch; nothing is sent for an empty list). */
  public Future<Void> create(List<LogCreate> logs) {
    return LogRepository.insertBatch(pool, logs.stream().map(l -> new LogRepository.LogEntry(l.name(), l.level(), l.message(),
        l.timestamp(), l.flowRunId(), l.taskRunId())).toList());
  }

  public Future<List<Log>> list(Filters.LogRequest q) {
    FilterSql.Where w = FilterSql.logs(q.filter(), "log", 1);
    return LogRepository.list(pool, w.sql(), w.params(), FilterSql.orderBy(q.sort(), "log"), q.limit(), q.offset());
  }
}
