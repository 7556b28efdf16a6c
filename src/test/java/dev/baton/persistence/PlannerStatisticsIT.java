package dev.baton.persistence;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import dev.baton.testsupport.DbTestBase;
import dev.baton.testsupport.Poll;
import dev.baton.testsupport.TestDatabase;
import io.vertx.sqlclient.Pool;
import io.vertx.sqlclient.Row;
import io.vertx.sqlclient.SqlConnection;
import java.util.List;
import java.util.UUID;
import java.util.stream.Collectors;
import java.util.stream.StreamSupport;
import org.junit.jupiter.api.Test;

/**
 * {@link PlannerStatistics} against PostgreSQL: a generic plan cached on a connection while
 * {@code task_run} was empty, and the same plan after the table grew and the pass analyzed it.
 */
class PlannerStatisticsIT extends DbTestBase {

  private static final String INSERT_TASK_RUNS = """
      INSERT INTO task_run (id, name, task_key, dynamic_key)
      SELECT gen_random_uuid(), 'stats-' || g, 'stats', g::text FROM generate_series(1, $1) g""";

  /** The group lock-and-load's plan on {@code conn}, for three ids (none need exist). */
  private static String plan(SqlConnection conn) {
    String ids = "'{" + UUID.randomUUID() + "," + UUID.randomUUID() + "," + UUID.randomUUID() + "}'";
    return StreamSupport.stream(await(conn.query(
        "EXPLAIN EXECUTE lock_load(" + ids + ", '{NULL,NULL,NULL}', now())").execute()).spliterator(), false)
        .map(r -> r.getString(0)).collect(Collectors.joining("\n"));
  }

  /**
   * Passes until one analyzes {@code table}: the statistics it reads lag a commit (a second, up to
   * ~10 s once sessions idle).
   */
  private static PlannerStatistics.Outgrown refreshUntil(String table, long minRows) throws Exception {
    PlannerStatistics.Outgrown found = Poll.until(30_000, 200, () -> await(PlannerStatistics.refresh(pool, minRows))
        .stream().filter(t -> t.table().equals(table)).findFirst().orElse(null), t -> t != null);
    assertTrue(found != null, table + " was never found outgrown");
    return found;
  }

  private static long analyzedRows(String table) {
    Row r = await(pool.preparedQuery("SELECT reltuples::bigint FROM pg_class WHERE oid = $1::regclass")
        .execute(io.vertx.sqlclient.Tuple.of(table))).iterator().next();
    return r.getLong(0);
  }

  @Test
  void aTableGrownPastTwiceItsAnalyzedSizeIsAnalyzedAndCachedPlansAreMadeAgain() throws Exception {
    Pool one = TestDatabase.pool(vertx, 1);
    try {
      SqlConnection conn = await(one.getConnection());
      try {
        // as an orchestration transaction plans it: generic, once, on the empty table
        await(conn.query("SET plan_cache_mode = force_generic_plan").execute());
        await(conn.query("PREPARE lock_load(uuid[], text[], timestamptz) AS "
            + OrchestrationStore.LOCK_LOAD_TASK_RUNS).execute());
        String onEmpty = plan(conn);
        assertTrue(onEmpty.contains("Seq Scan on task_run tr"),
            "planned on an empty table, the group lock-and-load scans task_run:\n" + onEmpty);

        await(pool.preparedQuery(INSERT_TASK_RUNS).execute(io.vertx.sqlclient.Tuple.of(20_000)));
        assertTrue(plan(conn).contains("Seq Scan on task_run tr"), "the cached plan is kept while the table grows");

        PlannerStatistics.Outgrown t = refreshUntil("task_run", 1000);
        assertTrue(t.liveRows() >= 20_000, "live rows " + t.liveRows());
        assertTrue(t.analyzedRows() <= 0, "analyzed rows before " + t.analyzedRows());
        assertTrue(analyzedRows("task_run") >= 15_000, "ANALYZE ran: reltuples " + analyzedRows("task_run"));

        String grown = plan(conn);
        assertFalse(grown.contains("Seq Scan on task_run"), grown);
        assertTrue(grown.contains("Index Scan using task_run_pkey on task_run tr"), grown);

        // analyzed now: the next pass leaves it alone
        List<String> again = await(PlannerStatistics.refresh(pool, 1000)).stream()
            .map(PlannerStatistics.Outgrown::table).toList();
        assertFalse(again.contains("task_run"), again.toString());
      } finally {
        await(conn.close());
      }
    } finally {
      await(one.close());
    }
  }

  @Test
  void tablesUnderTheThresholdAreLeftToAutovacuum() throws Exception {
    // emptied before the test (TRUNCATE): never analyzed
    await(pool.preparedQuery(INSERT_TASK_RUNS).execute(io.vertx.sqlclient.Tuple.of(3_000)));
    // the statistics lag a commit (a second, up to ~10 s once sessions idle)
    assertTrue(Poll.until(30_000, 200, () -> liveRows("task_run") >= 3_000),
        "the inserted rows never showed in pg_stat_user_tables");
    List<String> analyzed = await(PlannerStatistics.refresh(pool, 3_001)).stream()
        .map(PlannerStatistics.Outgrown::table).toList();
    assertFalse(analyzed.contains("task_run"), analyzed.toString());
    assertEquals(-1, analyzedRows("task_run"), "smaller than the threshold: not analyzed");
    assertEquals("task_run", refreshUntil("task_run", 3_000).table());
    assertEquals(3_000, analyzedRows("task_run"));
  }

  private static long liveRows(String table) {
    return await(pool.preparedQuery("SELECT n_live_tup FROM pg_stat_user_tables WHERE relid = $1::regclass")
        .execute(io.vertx.sqlclient.Tuple.of(table))).iterator().next().getLong(0);
  }

  @Test
  void tablesThisUserMayNotAnalyzeAreLeftAlone() throws Exception {
    assumeTrue(await(pool.query("SELECT rolsuper FROM pg_roles WHERE rolname = current_user").execute())
        .iterator().next().getBoolean(0), "needs a superuser to create a role and act as it");
    await(pool.query("DROP TABLE IF EXISTS planner_probe; DROP ROLE IF EXISTS baton_stats_probe").execute());
    await(pool.query("CREATE ROLE baton_stats_probe NOLOGIN; CREATE TABLE planner_probe (i int); "
        + "INSERT INTO planner_probe SELECT generate_series(1, 5000)").execute());
    SqlConnection conn = await(pool.getConnection());
    try {
      // the statistics lag a commit (a second, up to ~10 s once sessions idle)
      assertTrue(Poll.until(30_000, 200, () -> liveRows("planner_probe") >= 5_000),
          "the inserted rows never showed in pg_stat_user_tables");
      // a role that neither owns the table nor is a superuser: PostgreSQL would skip it, so the pass does
      await(conn.query("SET ROLE baton_stats_probe").execute());
      List<String> asOther = await(PlannerStatistics.refresh(conn, 1000)).stream()
          .map(PlannerStatistics.Outgrown::table).toList();
      assertFalse(asOther.contains("planner_probe"), asOther.toString());
      await(conn.query("RESET ROLE").execute());
      List<String> asOwner = await(PlannerStatistics.refresh(conn, 1000)).stream()
          .map(PlannerStatistics.Outgrown::table).toList();
      assertTrue(asOwner.contains("planner_probe"), asOwner.toString());
      assertEquals(5_000, analyzedRows("planner_probe"));
    } finally {
      await(conn.query("RESET ROLE").execute());
      await(conn.close());
      await(pool.query("DROP TABLE IF EXISTS planner_probe; DROP ROLE IF EXISTS baton_stats_probe").execute());
    }
  }

  @Test
  void identifiersAreQuoted() {
    assertEquals("\"task_run\"", PlannerStatistics.quoteIdentifier("task_run"));
    assertEquals("\"a\"\"b\"", PlannerStatistics.quoteIdentifier("a\"b"));
  }
}
