package dev.baton.persistence;

import dev.baton.domain.TaskRun;
import dev.baton.domain.command.TaskRunCreate;
import io.vertx.core.Future;
import io.vertx.sqlclient.SqlClient;
import io.vertx.sqlclient.Tuple;
import java.time.OffsetDateTime;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.UUID;

/**
 * The statements of grouped task-run creation: one multi-row insert for a whole group, and the
 * group's read-back. Both run inside the caller's transaction.
 */
public final class TaskRunCreationStore {
  private TaskRunCreationStore() {}

  /** A task run to insert: its id, its name and what the request asked for. */
  public record NewTaskRun(UUID id, String name, TaskRunCreate create) {}

  /**
   * {@link TaskRunRepository#INSERT} for many rows at once, the values bound as arrays and
   * {@code unnest}ed: the same columns, the same label inheritance (the flow run's labels, then
   * {@code prefect.flow-run.id}, then the run's own), the same {@code ON CONFLICT} on the natural key.
   * {@code WITH ORDINALITY … ORDER BY} keeps the rows in the order they are bound.
   */
  static final String INSERT_MANY = """
      INSERT INTO task_run (id, name, flow_run_id, task_key, dynamic_key, cache_key, cache_expiration,
                            task_version, empirical_policy, tags, labels, task_inputs)
      SELECT v.id, v.name, v.flow_run_id, v.task_key, v.dynamic_key, v.cache_key, v.cache_expiration,
             v.task_version, v.empirical_policy::jsonb, v.tags::jsonb,
             CASE WHEN v.flow_run_id IS NULL THEN '{}'::jsonb
                  ELSE coalesce((SELECT f.labels FROM flow_run f WHERE f.id = v.flow_run_id), '{}'::jsonb)
                       || jsonb_build_object('prefect.flow-run.id', v.flow_run_id::text) END
             || v.labels::jsonb,
             v.task_inputs::jsonb
        FROM unnest($1::uuid[], $2::text[], $3::uuid[], $4::text[], $5::text[], $6::text[], $7::timestamptz[],
                    $8::text[], $9::text[], $10::text[], $11::text[], $12::text[])
             WITH ORDINALITY AS v(id, name, flow_run_id, task_key, dynamic_key, cache_key, cache_expiration,
                                  task_version, empirical_policy, tags, labels, task_inputs, n)
       ORDER BY v.n
      ON CONFLICT (flow_run_id, task_key, dynamic_key) DO NOTHING
      RETURNING id""";

  /**
   * Inserts the runs of a group in one statement; each one whose natural key
   * {@code (flow_run_id, task_key, dynamic_key)} exists already is left out. Completes with the ids
   * of the rows inserted. The rows go in natural-key order, so two groups that share keys wait for
   * each other rather than deadlock. The natural keys and ids must be distinct within the group.
   * Any refused row (an id taken by another natural key, an unknown flow run) fails the statement.
   */
  public static Future<Set<UUID>> insertMany(SqlClient c, List<NewTaskRun> runs) {
    List<NewTaskRun> sorted = new ArrayList<>(runs);
    sorted.sort(Comparator.comparing((NewTaskRun r) -> r.create().flowRunId(), Comparator.nullsFirst(Comparator.naturalOrder()))
        .thenComparing(r -> r.create().taskKey())
        .thenComparing(r -> r.create().dynamicKey()));
    int n = sorted.size();
    UUID[] ids = new UUID[n];
    String[] names = new String[n];
    UUID[] flowRuns = new UUID[n];
    String[] taskKeys = new String[n];
    String[] dynamicKeys = new String[n];
    String[] cacheKeys = new String[n];
    OffsetDateTime[] cacheExpirations = new OffsetDateTime[n];
    String[] versions = new String[n];
    String[] policies = new String[n];
    String[] tags = new String[n];
    String[] labels = new String[n];
    String[] inputs = new String[n];
    for (int i = 0; i < n; i++) {
      NewTaskRun r = sorted.get(i);
      TaskRunCreate cmd = r.create();
      ids[i] = r.id();
      names[i] = r.name();
      flowRuns[i] = cmd.flowRunId();
      taskKeys[i] = cmd.taskKey();
      dynamicKeys[i] = cmd.dynamicKey();
      cacheKeys[i] = cmd.cacheKey();
      cacheExpirations[i] = Rows.ts(cmd.cacheExpiration());
      versions[i] = cmd.taskVersion();
      policies[i] = JsonCodec.writeTaskPolicy(cmd.empiricalPolicy());
      tags[i] = JsonCodec.writeStrings(cmd.tags());
      labels[i] = JsonCodec.write(JsonCodec.objectOrEmpty(cmd.labels()));
      inputs[i] = JsonCodec.write(JsonCodec.objectOrEmpty(cmd.taskInputs()));
    }
    Tuple t = Tuple.tuple().addValue(ids).addValue(names).addValue(flowRuns).addValue(taskKeys).addValue(dynamicKeys)
        .addValue(cacheKeys).addValue(cacheExpirations).addValue(versions).addValue(policies).addValue(tags).addValue(labels).addValue(inputs);
    return c.preparedQuery(INSERT_MANY).execute(t).map(rows -> {
      Set<UUID> inserted = new HashSet<>(rows.size() * 2);
      rows.forEach(r -> inserted.add(r.getUUID("id")));
      return inserted;
    });
  }

  static final String GET_MANY = """
      SELECT %s, %s
        FROM task_run tr
        LEFT JOIN task_run_state s ON s.id = tr.state_id
       WHERE tr.id = ANY ($1::uuid[])""".formatted(Rows.TASK_RUN_COLUMNS, Rows.STATE_COLUMNS);

  /** The task runs with these ids, with their current states, by id (no entry for a missing one). */
  public static Future<Map<UUID, TaskRun>> getMany(SqlClient c, List<UUID> ids) {
    return c.preparedQuery(GET_MANY).execute(Tuple.of(ids.toArray(UUID[]::new))).map(rows -> {
      Map<UUID, TaskRun> byId = new HashMap<>(rows.size() * 2);
      rows.forEach(r -> {
        TaskRun run = Rows.taskRun(r);
        byId.put(run.id(), run);
      });
      return byId;
    });
  }

  static final String GET_BY_NATURAL_KEY = """
      SELECT %s, %s
        FROM task_run tr
        LEFT JOIN task_run_state s ON s.id = tr.state_id
       WHERE tr.flow_run_id IS NOT DISTINCT FROM $1 AND tr.task_key = $2 AND tr.dynamic_key = $3"""
      .formatted(Rows.TASK_RUN_COLUMNS, Rows.STATE_COLUMNS);

  /** The task run with this natural key and its current state, or null. */
  public static Future<TaskRun> getByNaturalKey(SqlClient c, TaskRunCreate cmd) {
    return c.preparedQuery(GET_BY_NATURAL_KEY).execute(Tuple.of(cmd.flowRunId(), cmd.taskKey(), cmd.dynamicKey()))
        .map(FlowRepository.first(Rows::taskRun));
  }

  /** A task run's natural key {@code (flow_run_id, task_key, dynamic_key)}; a null flow run is a value. */
  public record NaturalKey(UUID flowRunId, String taskKey, String dynamicKey) {
    public static NaturalKey of(TaskRunCreate c) {
      return new NaturalKey(c.flowRunId(), c.taskKey(), c.dynamicKey());
    }

    public boolean matches(TaskRun run) {
      return Objects.equals(flowRunId, run.flowRunId()) && Objects.equals(taskKey, run.taskKey())
          && Objects.equals(dynamicKey, run.dynamicKey());
    }
  }
}
