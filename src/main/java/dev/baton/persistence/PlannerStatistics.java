package dev.baton.persistence;

import io.vertx.core.Future;
import io.vertx.sqlclient.Row;
import io.vertx.sqlclient.SqlClient;
import io.vertx.sqlclient.Tuple;
import java.util.ArrayList;
import java.util.List;

/**
 * Keeps PostgreSQL's planner statistics of Baton's tables in step with a database that grows faster
 * than autovacuum looks at it.
 *
 * <p>The orchestration transactions plan each statement once per connection ({@link Transactions}:
 * generic plans), from the table sizes of that moment, and keep the plan until the next ANALYZE of
 * its tables. On a new database that is a plan made for empty tables: the group lock-and-load then
 * joined its ids to a sequential scan of {@code task_run}, and went on scanning the whole table for
 * every group while it grew to thousands of rows — until autovacuum's first ANALYZE, which comes a
 * minute or more later (its naptime). Measured on a new database 15 to 30 s after start-up, the
 * {@code contended} benchmark ran at half the rate (bench/README.md, "Round 6").
 *
 * <p>A pass finds the tables of the current schema that hold at least {@code minRows} rows and more
 * than twice as many as when last analyzed (never analyzed counts as none), and analyzes them
 * ({@code SKIP_LOCKED}: a table another session is analyzing or altering is left to the next pass).
 * PostgreSQL then drops the cached plans that use them, in every session. Once autovacuum keeps up
 * (it analyzes a table after a tenth of it changed), no table is twice its analyzed size and a pass
 * is one catalog query. Safe with several instances on one database: at worst a table is analyzed
 * twice. Only tables this user may analyze are considered (those of a role it is or inherits from,
 * or any for a superuser): PostgreSQL would skip the others with a warning, and they would stay
 * outgrown and be tried, and logged, on every pass.
 */
public final class PlannerStatistics {
  private PlannerStatistics() {}

  /** A table found outgrown: its live rows now, and those of its last ANALYZE (-1: never). */
  public record Outgrown(String table, long liveRows, long analyzedRows) {}

  static final String OUTGROWN = """
      SELECT s.relname::text AS relname, s.n_live_tup, c.reltuples::bigint AS reltuples
        FROM pg_stat_user_tables s
        JOIN pg_class c ON c.oid = s.relid
       WHERE s.schemaname = current_schema()
         AND s.relname <> 'flyway_schema_history'
         AND pg_has_role(c.relowner, 'USAGE')
         AND s.n_live_tup >= $1
         AND s.n_live_tup > 2 * greatest(c.reltuples, 0)
       ORDER BY s.relname""";

  /**
   * One pass: analyzes the outgrown tables (see the class comment) and completes with them, in name
   * order; empty when none was.
   */
  public static Future<List<Outgrown>> refresh(SqlClient db, long minRows) {
    return db.preparedQuery(OUTGROWN).execute(Tuple.of(minRows)).compose(rows -> {
      List<Outgrown> outgrown = new ArrayList<>();
      for (Row r : rows) {
        outgrown.add(new Outgrown(r.getString("relname"), r.getLong("n_live_tup"), r.getLong("reltuples")));
      }
      if (outgrown.isEmpty()) {
        return Future.succeededFuture(outgrown);
      }
      StringBuilder sql = new StringBuilder("ANALYZE (SKIP_LOCKED) ");
      for (int i = 0; i < outgrown.size(); i++) {
        sql.append(i == 0 ? "" : ", ").append(quoteIdentifier(outgrown.get(i).table()));
      }
      return db.query(sql.toString()).execute().map(outgrown);
    });
  }

  /** An SQL identifier, double-quoted (names come from the catalog, but are quoted all the same). */
  static String quoteIdentifier(String name) {
    return '"' + name.replace("\"", "\"\"") + '"';
  }
}
