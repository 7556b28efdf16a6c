package dev.baton.persistence;

import dev.baton.domain.FlowRun;
import dev.baton.domain.TaskRun;
import dev.baton.filter.Keyset;
import io.vertx.core.Future;
import io.vertx.sqlclient.SqlClient;
import io.vertx.sqlclient.Tuple;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The operator console's reads that the REST API has no fast form for: runs by state (one
 * {@code GROUP BY} per table) and keyset pages of runs.
 *
 * <p>Keyset order, for flow runs and task runs alike: {@code expected_start_time DESC NULLS FIRST,
 * id DESC} — the order of the {@code expected_start_time DESC} index of each table, with the id to
 * break ties (the index gives the first key; PostgreSQL sorts the ties incrementally). The column is
 * set once, by a run's first state ({@code SetExpectedStartTime}), so its index costs a transition
 * nothing (docs/operations.md, "Task-run indexes and heap-only updates"). Rows without one (runs
 * that never had a state) come first, and are read apart through the index's {@code IS NULL} range.
 * A page after a key reads the index from that key on, never an offset.
 */
public final class ConsoleStore {
  private ConsoleStore() {}

  /**
   * Makes the calling transaction read-only, its statements plan without parallel workers, and
   * gives them {@code timeoutMillis} instead of the pool's statement timeout (a count over millions
   * of rows on one core takes seconds).
   */
  public static Future<Void> serialReadOnly(SqlClient c, long timeoutMillis) {
    return c.query("SET TRANSACTION READ ONLY; SET LOCAL max_parallel_workers_per_gather = 0; SET LOCAL statement_timeout = "
        + Math.max(1, timeoutMillis)).execute().mapEmpty();
  }

  /** Each table's runs by state type ({@code "NONE"} for runs without a state), as counted by one statement. */
  public static Future<Map<String, Long>> countByState(SqlClient c, String table) {
    if (!table.equals("flow_run") && !table.equals("task_run")) {
      throw new IllegalArgumentException(table);
    }
    String sql = "SELECT coalesce(state_type, 'NONE') AS state_type, count(*) AS n FROM " + table
        + " GROUP BY 1 ORDER BY 1";
    return c.query(sql).execute().map(rows -> {
      Map<String, Long> out = new LinkedHashMap<>();
      rows.forEach(r -> out.put(r.getString("state_type"), r.getLong("n")));
      return out;
    });
  }

  /**
   * Up to {@code limit} flow runs matching {@code where} (over table {@code flow_run}, params
   * {@code $1..$n}) in keyset order: those without an expected start time when {@code nulls}, the
   * others otherwise; after {@code after} (null: from the start), not past {@code lowest} (null:
   * no bound; an inclusive lower bound that keeps a sparse filter's scan within a window).
   */
  public static Future<List<FlowRun>> flowRuns(SqlClient c, String where, List<Object> params, boolean nulls, Keyset after,
      Keyset lowest, int limit) {
    return page(c, FlowRunRepository.LIST, "flow_run", where, params, nulls, after, lowest, limit, Rows::flowRun);
  }

  /** As {@link #flowRuns}, over table {@code task_run}. */
  public static Future<List<TaskRun>> taskRuns(SqlClient c, String where, List<Object> params, boolean nulls, Keyset after,
      Keyset lowest, int limit) {
    return page(c, TaskRunRepository.LIST, "task_run", where, params, nulls, after, lowest, limit, Rows::taskRun);
  }

  /**
   * The key {@code window} rows past {@code after} (null: from the first run with an expected start
   * time) among the runs with an expected start time, in keyset order, whatever they hold; null
   * when fewer remain. Reads the index and nothing else of rows it passes over.
   */
  public static Future<Keyset> windowEnd(SqlClient c, String table, Keyset after, int window) {
    if (!table.equals("flow_run") && !table.equals("task_run")) {
      throw new IllegalArgumentException(table);
    }
    List<Object> params = new ArrayList<>();
    String cond = table + ".expected_start_time IS NOT NULL" + afterSql(table, after, params);
    params.add(window - 1);
    String sql = "SELECT expected_start_time, id FROM " + table + " WHERE " + cond + " ORDER BY " + order(table)
        + " OFFSET $" + params.size() + " LIMIT 1";
    return c.preparedQuery(sql).execute(Tuple.from(params)).map(rows -> {
      if (rows.size() == 0) {
        return null;
      }
      var r = rows.iterator().next();
      return new Keyset(r.getOffsetDateTime("expected_start_time").toInstant(), r.getUUID("id"));
    });
  }

  private static <T> Future<List<T>> page(SqlClient c, String template, String table, String where, List<Object> params,
      boolean nulls, Keyset after, Keyset lowest, int limit, java.util.function.Function<io.vertx.sqlclient.Row, T> mapper) {
    List<Object> all = new ArrayList<>(params);
    StringBuilder cond = new StringBuilder("(").append(Queries.whereOrTrue(where)).append(")");
    if (nulls) {
      cond.append(" AND ").append(table).append(".expected_start_time IS NULL");
      if (after != null) {
        all.add(after.id());
        cond.append(" AND ").append(table).append(".id < $").append(all.size());
      }
    } else {
      cond.append(" AND ").append(table).append(".expected_start_time IS NOT NULL");
      cond.append(afterSql(table, after, all));
      if (lowest != null) {
        all.add(odt(lowest.time()));
        int t = all.size();
        all.add(lowest.id());
        cond.append(" AND ").append(table).append(".expected_start_time >= $").append(t).append("::timestamptz AND (")
            .append(table).append(".expected_start_time > $").append(t).append("::timestamptz OR ")
            .append(table).append(".id >= $").append(all.size()).append(")");
      }
    }
    String orderBy = nulls ? table + ".id DESC" : order(table);
    return Queries.list(c, template, cond.toString(), all, orderBy, limit, 0, mapper);
  }

  /**
   * The rows after {@code after} among those with an expected start time: none of the rows without
   * one (they come first), the rows past the key otherwise; empty or starting with {@code " AND "}.
   */
  private static String afterSql(String table, Keyset after, List<Object> params) {
    String prefix = " AND ";
    if (after == null || after.time() == null) {
      return ""; // every row with an expected start time comes after the start and after the rows without one
    }
    params.add(odt(after.time()));
    int t = params.size();
    params.add(after.id());
    return prefix + table + ".expected_start_time <= $" + t + "::timestamptz AND (" + table + ".expected_start_time < $" + t
        + "::timestamptz OR " + table + ".id < $" + params.size() + ")";
  }

  private static String order(String table) {
    return table + ".expected_start_time DESC, " + table + ".id DESC";
  }

  private static OffsetDateTime odt(Instant i) {
    return OffsetDateTime.ofInstant(i, ZoneOffset.UTC);
  }
}
