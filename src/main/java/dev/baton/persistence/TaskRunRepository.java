package dev.baton.persistence;

import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.baton.domain.TaskRun;
import dev.baton.domain.command.TaskRunCreate;
import io.vertx.core.Future;
import io.vertx.sqlclient.SqlClient;
import io.vertx.sqlclient.Tuple;
import java.util.List;
import java.util.UUID;

/** Task runs (spec/api.md §5.1–5.2). Reads return the run with its current state (and data). */
public final class TaskRunRepository {
  private TaskRunRepository() {}

  /**
   * Inserts a task run unless its natural key exists. Its labels: its flow run's, then
   * {@code prefect.flow-run.id}, then its own ({@code $11}), later keys winning.
   */
  static final String INSERT = """
      INSERT INTO task_run (id, name, flow_run_id, task_key, dynamic_key, cache_key, cache_expiration,
                            task_version, empirical_policy, tags, labels, task_inputs)
      SELECT $1, $2, $3, $4, $5, $6, $7, $8, $9::text::jsonb, $10::text::jsonb,
             CASE WHEN $3::uuid IS NULL THEN '{}'::jsonb
                  ELSE coalesce((SELECT f.labels FROM flow_run f WHERE f.id = $3), '{}'::jsonb)
                       || jsonb_build_object('prefect.flow-run.id', $3::text) END
             || $11::text::jsonb,
             $12::text::jsonb
      ON CONFLICT (flow_run_id, task_key, dynamic_key) DO NOTHING
      RETURNING id""";

  static final String BY_NATURAL_KEY = """
      SELECT id FROM task_run
       WHERE flow_run_id IS NOT DISTINCT FROM $1 AND task_key = $2 AND dynamic_key = $3""";

  /**
   * Inserts the task run unless one with the same {@code (flow_run_id, task_key, dynamic_key)}
   * exists (a null flow run counts as a value), whose id is then returned with
   * {@code created = false}. Its labels are inherited from the flow run inside the statement, then
   * {@code ownLabels} override them. An {@code id} that already belongs to another natural key
   * fails with {@link TaskRunIdConflictException}; an unknown flow run with a foreign-key violation
   * ({@link SqlErrors}).
   */
  public static Future<Upserted<UUID>> insertInheritingLabels(SqlClient c, UUID id, TaskRunCreate cmd, String name,
      ObjectNode ownLabels) {
    Tuple t = Tuple.tuple()
        .addValue(id).addValue(name).addValue(cmd.flowRunId()).addValue(cmd.taskKey()).addValue(cmd.dynamicKey())
        .addValue(cmd.cacheKey()).addValue(Rows.ts(cmd.cacheExpiration())).addValue(cmd.taskVersion())
        .addValue(JsonCodec.writeTaskPolicy(cmd.empiricalPolicy())).addValue(JsonCodec.writeStrings(cmd.tags()))
        .addValue(JsonCodec.write(JsonCodec.objectOrEmpty(ownLabels)))
        .addValue(JsonCodec.write(JsonCodec.objectOrEmpty(cmd.taskInputs())));
    return c.preparedQuery(INSERT).execute(t)
        .recover(e -> SqlErrors.isUniqueViolation(e) && "task_run_pkey".equals(SqlErrors.constraint(e))
            ? Future.failedFuture(new TaskRunIdConflictException(id))
            : Future.failedFuture(e))
        .compose(rows -> {
          if (rows.size() > 0) {
            return Future.succeededFuture(new Upserted<>(rows.iterator().next().getUUID("id"), true));
          }
          return c.preparedQuery(BY_NATURAL_KEY).execute(Tuple.of(cmd.flowRunId(), cmd.taskKey(), cmd.dynamicKey()))
              .map(r -> new Upserted<>(r.iterator().next().getUUID("id"), false));
        });
  }

  static final String GET = """
      SELECT %s, %s
        FROM task_run tr
        LEFT JOIN task_run_state s ON s.id = tr.state_id
       WHERE tr.id = $1""".formatted(Rows.TASK_RUN_COLUMNS, Rows.STATE_COLUMNS);

  /** The task run with its current state, or null. */
  public static Future<TaskRun> get(SqlClient c, UUID id) {
    return c.preparedQuery(GET).execute(Tuple.of(id)).map(FlowRepository.first(Rows::taskRun));
  }

  /** As {@link FlowRunRepository#list}: {@code where}/{@code orderBy} see table {@code task_run} alone. */
  static final String LIST = """
      SELECT %s, %s
        FROM (SELECT task_run.*, row_number() OVER (ORDER BY %%2$s) AS page_position
                FROM task_run
               WHERE %%1$s
               ORDER BY %%2$s
               LIMIT $%%3$d OFFSET $%%4$d) tr
        LEFT JOIN task_run_state s ON s.id = tr.state_id
       ORDER BY tr.page_position""".formatted(Rows.TASK_RUN_COLUMNS, Rows.STATE_COLUMNS);

  public static Future<List<TaskRun>> list(SqlClient c, String where, List<Object> params, String orderBy,
      int limit, int offset) {
    return Queries.list(c, LIST, where, params, orderBy, limit, offset, Rows::taskRun);
  }

  public static Future<Long> count(SqlClient c, String where, List<Object> params) {
    return Queries.count(c, "task_run", where, params);
  }

  static final String DELETE = "DELETE FROM task_run WHERE id = $1";

  /** True when the task run existed. */
  public static Future<Boolean> delete(SqlClient c, UUID id) {
    return c.preparedQuery(DELETE).execute(Tuple.of(id)).map(rows -> rows.rowCount() > 0);
  }

  static final String RENAME = "UPDATE task_run SET name = $2, updated = now() WHERE id = $1";

  /** True when the task run exists. */
  public static Future<Boolean> rename(SqlClient c, UUID id, String name) {
    return c.preparedQuery(RENAME).execute(Tuple.of(id, name)).map(rows -> rows.rowCount() > 0);
  }
}
