package dev.baton.it;

import static dev.baton.it.ApiClient.state;
import static dev.baton.testsupport.Await.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.baton.testsupport.Poll;
import io.vertx.sqlclient.Row;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.UUID;
import org.junit.jupiter.api.Test;

/**
 * Task-run transitions are heap-only (HOT) updates where PostgreSQL can make them (migration V6):
 * no index of {@code task_run} covers a column every transition changes, its pages keep room for
 * the next versions of their rows, and transitions made through the API are counted as HOT.
 */
class TaskRunHotUpdateIT {
  /** Columns every accepted task-run transition writes a new value to. */
  private static final Set<String> CHANGED_BY_EVERY_TRANSITION =
      Set.of("state_id", "state_type", "state_name", "state_timestamp", "updated");

  @ClassServer private static TestServer server;
  @ClassServer private static ApiClient api;

  @Test
  void noIndexOfTaskRunCoversAColumnEveryTransitionChanges() {
    // key columns, expression and predicate columns alike: any of them changing rules HOT out
    List<String> covered = new ArrayList<>();
    for (Row r : await(server.pool().query("""
        SELECT i.indexrelid::regclass::text AS index, a.attname
          FROM pg_index i
          JOIN pg_attribute a ON a.attrelid = i.indrelid AND a.attnum > 0
         WHERE i.indrelid = 'task_run'::regclass
           AND (a.attnum = ANY (i.indkey)
                OR pg_get_expr(i.indexprs, i.indrelid) ~ ('\\m' || a.attname || '\\M')
                OR pg_get_expr(i.indpred, i.indrelid) ~ ('\\m' || a.attname || '\\M'))""").execute())) {
      if (CHANGED_BY_EVERY_TRANSITION.contains(r.getString("attname"))) {
        covered.add(r.getString("index") + "(" + r.getString("attname") + ")");
      }
    }
    assertEquals(List.of(), covered);
    String options = await(server.pool().query(
        "SELECT coalesce(array_to_string(reloptions, ','), '') FROM pg_class WHERE oid = 'task_run'::regclass")
        .execute()).iterator().next().getString(0);
    assertTrue(options.contains("fillfactor=70"), options);
  }

  @Test
  void transitionsThroughTheApiAreHeapOnlyUpdates() throws Exception {
    long before = hotUpdates();
    UUID flowRun = api.createFlowRun(state("RUNNING"));
    for (int i = 0; i < 20; i++) {
      UUID task = api.createTaskRun(flowRun, state("PENDING"));
      assertEquals("ACCEPT", api.setTaskState(task, state("RUNNING")).expect(201).text("status"));
      assertEquals("ACCEPT", api.setTaskState(task, state("COMPLETED")).expect(201).text("status"));
    }
    // the statistics lag a commit (a second, up to ~10 s once sessions idle)
    long hot = Poll.until(30_000, 100, () -> hotUpdates() - before, n -> n >= 20);
    assertTrue(hot >= 20, "40 transitions on fresh rows, " + hot + " HOT updates");
  }

  private static long hotUpdates() {
    return await(server.pool().query(
        "SELECT n_tup_hot_upd FROM pg_stat_user_tables WHERE relid = 'task_run'::regclass").execute())
        .iterator().next().getLong(0);
  }
}
