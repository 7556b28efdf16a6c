package dev.baton.it;

import static dev.baton.it.ApiClient.state;
import static dev.baton.testsupport.Await.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.baton.testsupport.TestDatabase;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/**
 * {@link dev.baton.BatonServer#shutdown} in process: proposals in flight when it starts finish and
 * are answered (one is held behind a row lock until well into the drain); new ones get 503; no
 * 500 reaches anyone; every acknowledged state is in the database afterwards.
 */
class ShutdownIT {

  static Set<UUID> presentStates(Set<UUID> ids) throws Exception {
    Set<UUID> found = new HashSet<>();
    try (Connection c = TestDatabase.jdbc();
        PreparedStatement ps = c.prepareStatement("SELECT id FROM task_run_state WHERE id = ANY (?)")) {
      ps.setArray(1, c.createArrayOf("uuid", ids.toArray()));
      try (ResultSet rs = ps.executeQuery()) {
        while (rs.next()) {
          found.add((UUID) rs.getObject(1));
        }
      }
    }
    return found;
  }

  @Test
  void inFlightProposalsFinishNewOnesGet503AndNothingAcknowledgedIsLost() throws Exception {
    try (TestServer s = TestServer.start()) {
      ApiClient api = s.api();
      UUID flowRun = api.createFlowRun(state("RUNNING"));
      List<UUID> runs = new ArrayList<>();
      for (int i = 0; i < 16; i++) {
        runs.add(api.createTaskRun(flowRun, state("PENDING")));
      }
      UUID heldRun = api.createTaskRun(flowRun, state("PENDING"));

      ShutdownLoad load = new ShutdownLoad();
      load.start(api, runs);
      Thread.sleep(1000);

      // one proposal certainly in flight: it waits for a row lock held here
      Connection holder = TestDatabase.lockForUpdate("task_run", "id", heldRun);
      CompletableFuture<ApiClient.Response> held =
          CompletableFuture.supplyAsync(() -> api.setTaskState(heldRun, state("RUNNING")));
      Thread.sleep(300);

      long t0 = System.nanoTime();
      CompletableFuture<Long> shutdown = s.baton().shutdown(10_000).toCompletionStage().toCompletableFuture();
      Thread.sleep(500);
      assertFalse(shutdown.isDone(), "the drain waits for the proposal in flight");
      ApiClient.Response refused = api.get("/api/flow_runs/" + flowRun);
      assertEquals(503, refused.status(), "new requests are refused while draining");
      assertEquals("1", refused.header("Retry-After"));
      holder.commit();
      holder.close();

      ApiClient.Response heldAnswer = held.get(10, TimeUnit.SECONDS);
      assertEquals(201, heldAnswer.status(), "the proposal admitted before the drain finished normally: " + heldAnswer.raw());
      long took = shutdown.get(20, TimeUnit.SECONDS);
      long wall = (System.nanoTime() - t0) / 1_000_000;
      load.stop();

      assertTrue(load.unexpected.isEmpty(), "only 201 and 503: " + load.unexpected);
      assertEquals(0, load.count(500));
      assertTrue(load.count(201) > 0, "the load ran: " + load.statuses);
      Set<UUID> acked = new HashSet<>(load.acknowledged);
      acked.add(UUID.fromString(heldAnswer.body().get("state").get("id").asText()));
      Set<UUID> missing = new HashSet<>(acked);
      missing.removeAll(presentStates(acked));
      assertTrue(missing.isEmpty(), missing.size() + " acknowledged states missing of " + acked.size());
      assertTrue(took < 10_000, "drained within the grace period: " + took + " ms (wall " + wall + " ms)");
      System.out.println("ShutdownIT: drain+stop " + took + " ms, statuses " + load.statuses);
    }
  }

  @Test
  void theDeniedSlotsOfWaitsAnsweredJustBeforeTheStopAreWritten() throws Exception {
    // WAITs' denied slots are written in batches every 100 ms: a stop right after them writes them too
    try (TestServer s = TestServer.start(Map.of("BATON_CONCURRENCY_WAIT_HOLD_MS", "0"))) {
      ApiClient api = s.api();
      String tag = "stop-" + UUID.randomUUID();
      String limit = api.createTagLimit(tag, 1);
      UUID flowRun = api.createFlowRun(state("RUNNING"));
      UUID holder = api.createTaggedTaskRun(flowRun, tag);
      api.setTaskState(holder, state("RUNNING")).expect(201);
      List<UUID> waiters = new ArrayList<>();
      for (int i = 0; i < 3; i++) {
        waiters.add(api.createTaggedTaskRun(flowRun, tag));
      }
      for (UUID w : waiters) {
        assertEquals("WAIT", api.setTaskState(w, state("RUNNING")).expect(200).text("status"));
      }
      await(s.baton().shutdown(10_000), Duration.ofSeconds(20));
      try (Connection c = TestDatabase.jdbc();
          PreparedStatement ps = c.prepareStatement("SELECT denied_slots FROM concurrency_limit_v2 WHERE id = ?")) {
        ps.setObject(1, UUID.fromString(limit));
        try (ResultSet rs = ps.executeQuery()) {
          assertTrue(rs.next());
          assertEquals(3, rs.getInt(1));
        }
      }
    }
  }
}
