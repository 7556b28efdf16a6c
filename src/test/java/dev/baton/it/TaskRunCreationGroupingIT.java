package dev.baton.it;

import static dev.baton.it.ApiClient.obj;
import static dev.baton.testsupport.Await.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.baton.testsupport.Triggers;
import io.vertx.sqlclient.Tuple;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/**
 * {@code POST /api/task_runs/} through the creation batcher, over real HTTP: creations that arrive
 * while a creation is in the database leave together, and repeated ids and natural keys among them
 * behave as if sent one after the other — exactly one 201, the others 200 with the same run.
 */
class TaskRunCreationGroupingIT {
  // one event loop: every creation goes through one queue
  @ClassServer(env = "BATON_EVENT_LOOPS=1") private static TestServer server;
  @ClassServer private static ApiClient api;

  private static ObjectNode body(UUID flowRun, String key, UUID id) {
    ObjectNode b = obj("flow_run_id", flowRun.toString(), "task_key", key, "dynamic_key", "0",
        "state", obj("type", "PENDING"));
    if (id != null) {
      b.put("id", id.toString());
    }
    return b;
  }

  @Test
  void repeatedKeysAndIdsInAGroupGetOne201AndTheSameRun() throws Exception {
    UUID flowRun = api.createFlowRun(ApiClient.state("RUNNING"));
    String slowKey = "slow-" + UUID.randomUUID();
    // the first creation holds the queue's group in the database for a while, so the others queue up
    Triggers slowCreations = Triggers.slow(server.pool(), "slow_task_run", "task_run", "NEW.task_key LIKE 'slow-%'", 1);
    ExecutorService threads = Executors.newFixedThreadPool(24);
    try {
      Future<ApiClient.Response> slow = threads.submit(() -> api.post("/api/task_runs/", body(flowRun, slowKey, null)));
      Thread.sleep(300);
      String dupKey = "dup-" + UUID.randomUUID();
      String idKey = "id-" + UUID.randomUUID();
      UUID sameId = UUID.randomUUID();
      List<Future<ApiClient.Response>> dup = new ArrayList<>();
      List<Future<ApiClient.Response>> byId = new ArrayList<>();
      List<Future<ApiClient.Response>> distinct = new ArrayList<>();
      for (int i = 0; i < 8; i++) {
        dup.add(threads.submit(() -> api.post("/api/task_runs/", body(flowRun, dupKey, null))));
        byId.add(threads.submit(() -> api.post("/api/task_runs/", body(flowRun, idKey, sameId))));
        String key = "distinct-" + i + "-" + UUID.randomUUID();
        distinct.add(threads.submit(() -> api.post("/api/task_runs/", body(flowRun, key, null))));
      }
      assertEquals(201, slow.get(30, TimeUnit.SECONDS).status());
      Set<UUID> dupIds = new HashSet<>();
      int dupCreated = 0;
      for (Future<ApiClient.Response> f : dup) {
        ApiClient.Response r = f.get(30, TimeUnit.SECONDS);
        assertTrue(r.status() == 201 || r.status() == 200, r.raw());
        dupCreated += r.status() == 201 ? 1 : 0;
        dupIds.add(r.id());
        assertEquals("PENDING", r.text("state", "type"));
      }
      assertEquals(1, dupCreated, "exactly one creation of the repeated natural key is new");
      assertEquals(1, dupIds.size());
      int idCreated = 0;
      for (Future<ApiClient.Response> f : byId) {
        ApiClient.Response r = f.get(30, TimeUnit.SECONDS);
        assertTrue(r.status() == 201 || r.status() == 200, r.raw());
        idCreated += r.status() == 201 ? 1 : 0;
        assertEquals(sameId, r.id());
      }
      assertEquals(1, idCreated, "exactly one creation of the repeated id is new");
      List<UUID> distinctIds = new ArrayList<>();
      for (Future<ApiClient.Response> f : distinct) {
        ApiClient.Response r = f.get(30, TimeUnit.SECONDS);
        assertEquals(201, r.status(), r.raw());
        distinctIds.add(r.id());
      }
      // one state each, never two
      long states = await(server.pool().preparedQuery("""
          SELECT count(*) FROM task_run_state s JOIN task_run r ON r.id = s.task_run_id
           WHERE r.task_key = ANY ($1)""").execute(Tuple.of(new String[] {dupKey, idKey})))
          .iterator().next().getLong(0);
      assertEquals(2, states);
      // the creations that waited were committed together: far fewer transactions than runs
      List<UUID> waited = new ArrayList<>(distinctIds);
      waited.addAll(dupIds);
      waited.add(sameId);
      long transactions = await(server.pool().preparedQuery(
              "SELECT count(DISTINCT xmin::text) FROM task_run WHERE id = ANY ($1)")
          .execute(Tuple.of(waited.toArray(UUID[]::new)))).iterator().next().getLong(0);
      assertTrue(transactions < waited.size() / 2, transactions + " transactions for " + waited.size() + " runs");
      // and the groups are seen in the metrics
      double largestGroup = api.metric("baton_creation_group_size_max").orElse(0);
      assertTrue(largestGroup >= 2, "baton_creation_group_size_max " + largestGroup);
    } finally {
      threads.shutdownNow();
      slowCreations.close();
    }
  }

  @Test
  void aLoneCreationOnAnIdleServerIsAnsweredAtOnceAndLikeBefore() {
    UUID flowRun = api.createFlowRun(ApiClient.state("RUNNING"));
    String key = "lone-" + UUID.randomUUID();
    ApiClient.Response first = api.post("/api/task_runs/", body(flowRun, key, null));
    assertEquals(201, first.status(), first.raw());
    ApiClient.Response again = api.post("/api/task_runs/", body(flowRun, key, null));
    assertEquals(200, again.status(), again.raw());
    assertEquals(first.id(), again.id());
    assertEquals(first.body().get("state"), again.body().get("state"));
  }
}
