package dev.baton.persistence;

import dev.baton.domain.Flow;
import dev.baton.domain.FlowRun;
import dev.baton.domain.State;
import dev.baton.domain.StateType;
import dev.baton.domain.TaskRun;
import io.vertx.sqlclient.Row;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.util.UUID;

/**
 * Column lists and row mappers shared by the repositories. Every select list aliases its columns,
 * so mappers read by name (the hot path's statements decode by index instead: {@link SelectList});
 * the state columns of a joined state carry a prefix ({@code s_}, {@code fs_}, {@code cs_}).
 */
public final class Rows {
  private Rows() {}

  static OffsetDateTime ts(Instant i) {
    return i == null ? null : OffsetDateTime.ofInstant(i, ZoneOffset.UTC);
  }

  static Instant instant(Row r, String col) {
    OffsetDateTime t = r.getOffsetDateTime(col);
    return t == null ? null : t.toInstant();
  }

  static StateType stateType(String s) {
    return s == null ? null : StateType.valueOf(s);
  }

  /**
   * A state table's columns in select order: the expression on the table, and the name (after the
   * prefix). The one definition of {@link #stateColumns} and of the offsets below.
   */
  static final String[][] STATE = {
      {"id", "id"}, {"type", "type"}, {"name", "name"}, {"timestamp", "timestamp"}, {"message", "message"},
      {"state_details::text", "state_details"}, {"data::text", "data"}};

  /** Offsets of the state columns from the first one ({@link #state(Row, int)}). */
  static final int STATE_ID = stateOffset("id");
  static final int STATE_TYPE = stateOffset("type");
  static final int STATE_NAME = stateOffset("name");
  static final int STATE_TIMESTAMP = stateOffset("timestamp");
  static final int STATE_MESSAGE = stateOffset("message");
  static final int STATE_DETAILS = stateOffset("state_details");
  static final int STATE_DATA = stateOffset("data");

  private static int stateOffset(String name) {
    for (int i = 0; i < STATE.length; i++) {
      if (STATE[i][1].equals(name)) {
        return i;
      }
    }
    throw new IllegalArgumentException(name);
  }

  /** Select list of a state table aliased {@code alias}, columns prefixed {@code prefix}. */
  static String stateColumns(String alias, String prefix) {
    SelectList list = new SelectList();
    list.addState(alias, prefix);
    return list.sql();
  }

  static final String STATE_COLUMNS = stateColumns("s", "s_");

  /** The state in the columns with {@code prefix}, or null when the join found none. */
  static State state(Row r, String prefix) {
    UUID id = r.getUUID(prefix + "id");
    if (id == null) {
      return null;
    }
    return new State(id, StateType.valueOf(r.getString(prefix + "type")), r.getString(prefix + "name"),
        instant(r, prefix + "timestamp"), r.getString(prefix + "message"),
        JsonCodec.read(r.getString(prefix + "data")),
        JsonCodec.readDetails(r.getString(prefix + "state_details")));
  }

  static State state(Row r) {
    return state(r, "s_");
  }

  /** The state in the columns from index {@code first} on ({@link SelectList#addState}), or null when the join found none. */
  static State state(Row r, int first) {
    UUID id = r.getUUID(first + STATE_ID);
    if (id == null) {
      return null;
    }
    return new State(id, StateType.valueOf(r.getString(first + STATE_TYPE)), r.getString(first + STATE_NAME),
        instant(r, first + STATE_TIMESTAMP), r.getString(first + STATE_MESSAGE),
        JsonCodec.read(r.getString(first + STATE_DATA)),
        JsonCodec.readDetails(r.getString(first + STATE_DETAILS)));
  }

  public static Instant instant(Row r, int pos) {
    OffsetDateTime t = r.getOffsetDateTime(pos);
    return t == null ? null : t.toInstant();
  }

  // ---- flow ----

  static final String FLOW_COLUMNS =
      "id, created, updated, name, tags::text AS tags, labels::text AS labels";

  static Flow flow(Row r) {
    return new Flow(r.getUUID("id"), instant(r, "created"), instant(r, "updated"), r.getString("name"),
        JsonCodec.readStrings(r.getString("tags")), JsonCodec.readObject(r.getString("labels")));
  }

  // ---- flow run ----

  /** Flow-run columns of the run aliased {@code fr}. */
  static final String FLOW_RUN_COLUMNS = """
      fr.id, fr.created, fr.updated, fr.name, fr.flow_id, fr.deployment_id, fr.deployment_version,
      fr.work_queue_name, fr.work_pool_name, fr.flow_version, fr.parameters::text AS parameters,
      fr.idempotency_key, fr.context::text AS context, fr.empirical_policy::text AS empirical_policy,
      fr.tags::text AS tags, fr.labels::text AS labels, fr.parent_task_run_id, fr.state_id,
      fr.state_type, fr.state_name, fr.state_timestamp, fr.run_count, fr.expected_start_time,
      fr.next_scheduled_start_time, fr.start_time, fr.end_time, fr.total_run_time_us,
      fr.auto_scheduled, fr.infrastructure_document_id, fr.infrastructure_pid,
      fr.created_by::text AS created_by, fr.job_variables::text AS job_variables""";

  static FlowRun flowRun(Row r) {
    return new FlowRun(r.getUUID("id"), instant(r, "created"), instant(r, "updated"), r.getString("name"),
        r.getUUID("flow_id"), r.getUUID("deployment_id"), r.getString("deployment_version"),
        r.getString("work_queue_name"), r.getString("work_pool_name"), r.getString("flow_version"),
        JsonCodec.readObject(r.getString("parameters")), r.getString("idempotency_key"),
        JsonCodec.readObject(r.getString("context")), JsonCodec.readFlowPolicy(r.getString("empirical_policy")),
        JsonCodec.readStrings(r.getString("tags")), JsonCodec.readObject(r.getString("labels")),
        r.getUUID("parent_task_run_id"), r.getUUID("state_id"), stateType(r.getString("state_type")),
        r.getString("state_name"), r.getInteger("run_count"), instant(r, "expected_start_time"),
        instant(r, "next_scheduled_start_time"), instant(r, "start_time"), instant(r, "end_time"),
        r.getLong("total_run_time_us"), r.getBoolean("auto_scheduled"), r.getUUID("infrastructure_document_id"),
        r.getString("infrastructure_pid"), JsonCodec.read(r.getString("created_by")),
        JsonCodec.read(r.getString("job_variables")), state(r));
  }

  // ---- task run ----

  /** Task-run columns of the run aliased {@code tr}. */
  static final String TASK_RUN_COLUMNS = """
      tr.id, tr.created, tr.updated, tr.name, tr.flow_run_id, tr.task_key, tr.dynamic_key,
      tr.cache_key, tr.cache_expiration, tr.task_version, tr.empirical_policy::text AS empirical_policy,
      tr.tags::text AS tags, tr.labels::text AS labels, tr.task_inputs::text AS task_inputs,
      tr.state_id, tr.state_type, tr.state_name, tr.state_timestamp, tr.run_count,
      tr.flow_run_run_count, tr.expected_start_time, tr.next_scheduled_start_time, tr.start_time,
      tr.end_time, tr.total_run_time_us""";

  static TaskRun taskRun(Row r) {
    return new TaskRun(r.getUUID("id"), instant(r, "created"), instant(r, "updated"), r.getString("name"),
        r.getUUID("flow_run_id"), r.getString("task_key"), r.getString("dynamic_key"), r.getString("cache_key"),
        instant(r, "cache_expiration"), r.getString("task_version"),
        JsonCodec.readTaskPolicy(r.getString("empirical_policy")), JsonCodec.readStrings(r.getString("tags")),
        JsonCodec.readObject(r.getString("labels")), JsonCodec.readObject(r.getString("task_inputs")),
        r.getUUID("state_id"), stateType(r.getString("state_type")), r.getString("state_name"),
        r.getInteger("run_count"), r.getInteger("flow_run_run_count"), instant(r, "expected_start_time"),
        instant(r, "next_scheduled_start_time"), instant(r, "start_time"), instant(r, "end_time"),
        r.getLong("total_run_time_us"), state(r));
  }
}
