package dev.baton.persistence;

import dev.baton.domain.State;
import io.vertx.core.Future;
import io.vertx.sqlclient.SqlClient;
import io.vertx.sqlclient.Tuple;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;

/** State history reads (spec/api.md §6). States come with their data. */
public final class StateRepository {
  private StateRepository() {}

  static final String FLOW_STATE = "SELECT " + Rows.STATE_COLUMNS + " FROM flow_run_state s WHERE s.id = $1";
  static final String TASK_STATE = "SELECT " + Rows.STATE_COLUMNS + " FROM task_run_state s WHERE s.id = $1";
  static final String FLOW_STATES = "SELECT " + Rows.STATE_COLUMNS
      + " FROM flow_run_state s WHERE s.flow_run_id = $1 ORDER BY s.timestamp, s.id";
  static final String TASK_STATES = "SELECT " + Rows.STATE_COLUMNS
      + " FROM task_run_state s WHERE s.task_run_id = $1 ORDER BY s.timestamp, s.id";

  /** The flow-run state, or null. */
  public static Future<State> flowRunState(SqlClient c, UUID id) {
    return c.preparedQuery(FLOW_STATE).execute(Tuple.of(id)).map(FlowRepository.first(Rows::state));
  }

  /** The task-run state, or null. */
  public static Future<State> taskRunState(SqlClient c, UUID id) {
    return c.preparedQuery(TASK_STATE).execute(Tuple.of(id)).map(FlowRepository.first(Rows::state));
  }

  /** The states of a flow run, oldest first (empty for an unknown run). */
  public static Future<List<State>> flowRunStates(SqlClient c, UUID flowRunId) {
    return list(c, FLOW_STATES, flowRunId);
  }

  /** The states of a task run, oldest first (empty for an unknown run). */
  public static Future<List<State>> taskRunStates(SqlClient c, UUID taskRunId) {
    return list(c, TASK_STATES, taskRunId);
  }

  private static Future<List<State>> list(SqlClient c, String sql, UUID runId) {
    return c.preparedQuery(sql).execute(Tuple.of(runId)).map(rows -> {
      List<State> out = new ArrayList<>(rows.size());
      rows.forEach(r -> out.add(Rows.state(r)));
      return out;
    });
  }
}
