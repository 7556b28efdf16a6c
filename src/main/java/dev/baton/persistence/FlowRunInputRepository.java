package dev.baton.persistence;

import io.vertx.core.Future;
import io.vertx.sqlclient.Row;
import io.vertx.sqlclient.SqlClient;
import io.vertx.sqlclient.Tuple;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;

/** Flow run inputs: {@code (flow_run_id, key)}-unique key/value strings (api.md §4.7). */
public final class FlowRunInputRepository {
  private FlowRunInputRepository() {}

  /** One stored input. */
  public record FlowRunInput(UUID id, Instant created, Instant updated, UUID flowRunId, String key, String value,
      String sender) {}

  static final String INSERT = """
      INSERT INTO flow_run_input (flow_run_id, key, value, sender) VALUES ($1, $2, $3, $4)""";

  /**
   * Inserts an input. A duplicate key fails with a unique violation, an unknown flow run with a
   * foreign-key violation ({@link SqlErrors}).
   */
  public static Future<Void> insert(SqlClient c, UUID flowRunId, String key, String value, String sender) {
    return c.preparedQuery(INSERT).execute(Tuple.of(flowRunId, key, value, sender)).mapEmpty();
  }

  static final String COLUMNS = "id, created, updated, flow_run_id, key, value, sender";
  static final String GET = "SELECT " + COLUMNS + " FROM flow_run_input WHERE flow_run_id = $1 AND key = $2";

  /** The input, or null. */
  public static Future<FlowRunInput> get(SqlClient c, UUID flowRunId, String key) {
    return c.preparedQuery(GET).execute(Tuple.of(flowRunId, key)).map(FlowRepository.first(FlowRunInputRepository::row));
  }

  static final String SHARE_ID = "SELECT id FROM flow_run_input WHERE flow_run_id = $1 AND key = $2 FOR SHARE";

  /**
   * The input's id, or null; the row, when there is one, is locked against deletion until the
   * transaction ends ({@code FOR SHARE}).
   */
  public static Future<UUID> shareId(SqlClient c, UUID flowRunId, String key) {
    return c.preparedQuery(SHARE_ID).execute(Tuple.of(flowRunId, key)).map(rows ->
        rows.size() == 0 ? null : rows.iterator().next().getUUID("id"));
  }

  static final String FILTER = "SELECT " + COLUMNS + " FROM flow_run_input"
      + " WHERE flow_run_id = $1 AND starts_with(key, $2) AND NOT (key = ANY($3::text[]))"
      + " ORDER BY created, id LIMIT $4";

  /** Inputs whose key starts with {@code prefix}, minus {@code excludeKeys}, oldest first. */
  public static Future<List<FlowRunInput>> filter(SqlClient c, UUID flowRunId, String prefix, List<String> excludeKeys,
      int limit) {
    return c.preparedQuery(FILTER)
        .execute(Tuple.of(flowRunId, prefix, excludeKeys.toArray(new String[0]), limit))
        .map(rows -> {
          List<FlowRunInput> out = new ArrayList<>(rows.size());
          rows.forEach(r -> out.add(row(r)));
          return out;
        });
  }

  static final String DELETE = "DELETE FROM flow_run_input WHERE flow_run_id = $1 AND key = $2";

  /** True when the input existed. */
  public static Future<Boolean> delete(SqlClient c, UUID flowRunId, String key) {
    return c.preparedQuery(DELETE).execute(Tuple.of(flowRunId, key)).map(rows -> rows.rowCount() > 0);
  }

  static FlowRunInput row(Row r) {
    return new FlowRunInput(r.getUUID("id"), Rows.instant(r, "created"), Rows.instant(r, "updated"),
        r.getUUID("flow_run_id"), r.getString("key"), r.getString("value"), r.getString("sender"));
  }
}
