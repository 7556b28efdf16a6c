package dev.baton.persistence;

import dev.baton.domain.Log;
import io.vertx.core.Future;
import io.vertx.sqlclient.SqlClient;
import io.vertx.sqlclient.Tuple;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;

/** {@code POST /api/logs/} and {@code POST /api/logs/filter}. */
public final class LogRepository {
  private LogRepository() {}

  /** One log line as a client ships it. */
  public record LogEntry(String name, int level, String message, Instant timestamp, UUID flowRunId, UUID taskRunId) {}

  static final String INSERT = """
      INSERT INTO log (name, level, message, timestamp, flow_run_id, task_run_id)
      VALUES ($1, $2, $3, $4, $5, $6)""";

  /** Inserts all entries as one pipelined batch; nothing is sent for an empty list. */
  public static Future<Void> insertBatch(SqlClient c, List<LogEntry> entries) {
    if (entries.isEmpty()) {
      return Future.succeededFuture();
    }
    List<Tuple> batch = new ArrayList<>(entries.size());
    for (LogEntry e : entries) {
      batch.add(Tuple.of(e.name(), e.level(), e.message(), Rows.ts(e.timestamp()), e.flowRunId(), e.taskRunId()));
    }
    return c.preparedQuery(INSERT).executeBatch(batch).mapEmpty();
  }

  static final String LIST = """
      SELECT id, created, name, level, message, timestamp, flow_run_id, task_run_id
        FROM log
       WHERE %s
       ORDER BY %s
       LIMIT $%d OFFSET $%d""";

  /** One page of logs matching {@code where} (a fragment over alias {@code log}). */
  public static Future<List<Log>> list(SqlClient c, String where, List<Object> params, String orderBy, int limit,
      int offset) {
    return Queries.list(c, LIST, where, params, orderBy, limit, offset, r -> new Log(r.getUUID("id"),
        Rows.instant(r, "created"), r.getString("name"), r.getInteger("level"), r.getString("message"),
        Rows.instant(r, "timestamp"), r.getUUID("flow_run_id"), r.getUUID("task_run_id")));
  }
}
