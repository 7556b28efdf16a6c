package dev.baton.it;

import static dev.baton.it.ApiClient.obj;
import static dev.baton.it.ApiClient.state;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.baton.it.ApiClient.Response;
import dev.baton.testsupport.TestDatabase;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;

/**
 * Many concurrent task lifecycles on one tag limit, through one server, so that proposals leave in
 * groups: the groups answer the WAITs and write the holders' releases themselves. A sampler reads
 * committed snapshots throughout (holders never above the limit; counter and leases always equal
 * to the holders), and at the end every slot is back and every run COMPLETED.
 */
class GroupSlotsRaceIT {
  @ClassServer static TestServer server;

  @Test
  void concurrentLifecyclesOnATagLimitLeaveExactCounts() throws Exception {
    ApiClient api = server.api();
    String tag = "gsr-" + UUID.randomUUID();
    int limit = 3;
    UUID limitId = api.post("/api/v2/concurrency_limits/", obj("name", "tag:" + tag, "limit", limit)).expect(201).id();
    UUID flow = api.createFlowRun(state("RUNNING"));
    String sql = "SELECT (SELECT count(*) FROM task_run t WHERE t.state_type = 'RUNNING' AND t.tags @> jsonb_build_array('" + tag + "')),"
        + " (SELECT active_slots FROM concurrency_limit_v2 WHERE id = ?),"
        + " (SELECT count(*) FROM concurrency_lease l WHERE '" + limitId + "' = ANY (l.resource_ids))";
    ConcurrencyRaceIT.Sampler sampler = new ConcurrencyRaceIT.Sampler(sql, limitId, limit);
    int tagged = 24;
    int untagged = 8;
    int rounds = 4;
    ExecutorService pool = Executors.newFixedThreadPool(tagged + untagged + 1);
    Future<?> sampling = pool.submit(sampler);
    AtomicInteger waits = new AtomicInteger();
    ConcurrentLinkedQueue<UUID> taggedRuns = new ConcurrentLinkedQueue<>();
    ConcurrentLinkedQueue<UUID> untaggedRuns = new ConcurrentLinkedQueue<>();
    List<Future<?>> workers = new ArrayList<>();
    for (int w = 0; w < tagged + untagged; w++) {
      boolean withTag = w < tagged;
      workers.add(pool.submit(() -> {
        for (int round = 0; round < rounds; round++) {
          UUID task = withTag ? api.createTaskRun(flow, state("PENDING"), "tags", List.of(tag))
              : api.createTaskRun(flow, state("PENDING"));
          (withTag ? taggedRuns : untaggedRuns).add(task);
          for (int attempt = 0; ; attempt++) {
            Response r = api.setTaskState(task, state("RUNNING"));
            if ("ACCEPT".equals(r.text("status"))) {
              break;
            }
            assertEquals("WAIT", r.text("status"), r.raw());
            waits.incrementAndGet();
            ConcurrencyRaceIT.sleep(1 + attempt % 3);
          }
          api.setTaskState(task, state("COMPLETED")).expect(201);
        }
        return null;
      }));
    }
    for (Future<?> w : workers) {
      w.get(180, TimeUnit.SECONDS);
    }
    sampler.stop.set(true);
    sampling.get(10, TimeUnit.SECONDS);
    pool.shutdownNow();

    assertTrue(sampler.violations.isEmpty(), () -> "violations: " + sampler.violations.stream().limit(10).toList());
    assertTrue(sampler.samples.get() > 10, "the sampler ran");
    assertTrue(waits.get() > 0, "the runs did contend");
    assertTrue(sampler.maxSeen.get() <= limit);
    assertEquals(0, api.get("/api/v2/concurrency_limits/" + limitId).expect(200).get("active_slots").asInt());
    assertEquals(0, api.get("/api/v2/concurrency_limits/" + limitId + "/holders").expect(200).body().size());
    for (UUID t : taggedRuns) {
      assertEquals("COMPLETED", api.taskRun(t).get("state_type").asText());
    }
    assertEquals(tagged * rounds, taggedRuns.size());
    // the groups did write releases: some holder's COMPLETED was committed together with another
    // run's state (one transaction = one xmin)
    try (Connection c = TestDatabase.jdbc(); Statement s = c.createStatement();
        ResultSet rs = s.executeQuery("SELECT count(*) FROM task_run_state s JOIN task_run t ON t.id = s.task_run_id"
            + " WHERE s.type = 'COMPLETED' AND t.tags @> jsonb_build_array('" + tag + "')"
            + " AND EXISTS (SELECT 1 FROM task_run_state o WHERE o.xmin = s.xmin AND o.id <> s.id)")) {
      rs.next();
      assertTrue(rs.getInt(1) > 0, "no holder's COMPLETED was written by a group");
    }
  }
}
