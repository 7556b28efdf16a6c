package dev.baton.it;

import static dev.baton.testsupport.Await.await;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.baton.testsupport.Poll;
import io.vertx.sqlclient.Tuple;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * The planner-statistics service of a running server ({@code PlannerStatistics}, scheduled by
 * {@code ScheduledServicesVerticle}): a table that outgrows its statistics is analyzed, counted in
 * {@code baton_db_tables_analyzed_total}.
 */
class PlannerStatisticsServiceIT {

  private static double analyzedTotal(ApiClient api) {
    return api.metric("baton_db_tables_analyzed_total")
        .orElseThrow(() -> new AssertionError("no baton_db_tables_analyzed_total on /metrics"));
  }

  @Test
  void aServerAnalyzesATableThatOutgrewItsStatistics() throws Exception {
    try (TestServer server = TestServer.start(Map.of("BATON_PLANNER_STATISTICS_INTERVAL_SECONDS", "0.2"))) {
      // emptied (TRUNCATE leaves task_run never analyzed), then 8,000 rows at once
      await(server.pool().query("TRUNCATE task_run CASCADE").execute());
      double before = analyzedTotal(server.api());
      await(server.pool().preparedQuery("""
          INSERT INTO task_run (id, name, task_key, dynamic_key)
          SELECT gen_random_uuid(), 'stats-' || g, 'stats', g::text FROM generate_series(1, $1) g""")
          .execute(Tuple.of(8_000)));
      long reltuples = Poll.until(30_000, 100, () -> await(server.pool()
          .query("SELECT reltuples::bigint FROM pg_class WHERE oid = 'task_run'::regclass").execute())
          .iterator().next().getLong(0), n -> n >= 8_000);
      assertTrue(reltuples >= 8_000, "task_run was not analyzed: reltuples " + reltuples);
      assertTrue(analyzedTotal(server.api()) > before, "the analysis is counted");
      await(server.pool().query("TRUNCATE task_run CASCADE").execute());
    }
  }
}
