package dev.baton.persistence;

import io.vertx.core.Future;
import io.vertx.sqlclient.SqlClient;
import io.vertx.sqlclient.Tuple;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;

/** {@code POST /api/logs/}. */
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
}
