package dev.baton.persistence;

import io.vertx.core.Future;
import io.vertx.sqlclient.SqlClient;
import io.vertx.sqlclient.Tuple;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.util.List;
import java.util.UUID;

/**
 * The durable queue of deferred (background) task runs, {@code task_run_delivery} (migration V12):
 * rows written in the transaction that schedules the run, each queued run announced on {@value
 * #CHANNEL} with its task key once that transaction commits.
 */
public final class TaskQueueStore {
  private TaskQueueStore() {}

  /** The notification channel: payload = a task key with a newly queued run. */
  public static final String CHANNEL = "baton_task_runs";

  /** A run to queue for the task workers of its key. */
  public record Queued(UUID taskRunId, String taskKey, boolean retry, Instant deliverableAt) {}

  /**
   * Queues the runs (a run queued again goes to the back of its queue, unclaimed) and announces each
   * key once; on commit.
   */
  static final String ENQUEUE = """
      WITH q AS (
        INSERT INTO task_run_delivery AS d (task_run_id, task_key, retry, deliverable_at)
        SELECT * FROM unnest($1::uuid[], $2::text[], $3::boolean[], $4::timestamptz[])
        ON CONFLICT (task_run_id) DO UPDATE
           SET task_key = excluded.task_key, retry = excluded.retry, deliverable_at = excluded.deliverable_at,
               enqueued = now(), claimed_by = NULL, claimed_until = NULL
        RETURNING d.task_key)
      SELECT count(*) FROM (SELECT DISTINCT task_key FROM q) k
       CROSS JOIN LATERAL (SELECT pg_notify('baton_task_runs', k.task_key)) n""";

  /** Queues {@code runs} in the caller's transaction. */
  public static Future<Void> enqueue(SqlClient c, List<Queued> runs) {
    if (runs.isEmpty()) {
      return Future.succeededFuture();
    }
    int n = runs.size();
    UUID[] ids = new UUID[n];
    String[] keys = new String[n];
    Boolean[] retry = new Boolean[n];
    OffsetDateTime[] at = new OffsetDateTime[n];
    for (int i = 0; i < n; i++) {
      Queued q = runs.get(i);
      ids[i] = q.taskRunId();
      keys[i] = q.taskKey();
      retry[i] = q.retry();
      at[i] = Rows.ts(q.deliverableAt());
    }
    return c.preparedQuery(ENQUEUE).execute(Tuple.of(ids, keys, retry, at)).mapEmpty();
  }
}
