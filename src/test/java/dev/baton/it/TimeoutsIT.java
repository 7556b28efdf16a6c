package dev.baton.it;

import static dev.baton.it.ApiClient.state;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.baton.testsupport.TestDatabase;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/**
 * A 503 means "not committed": a proposal stuck behind a row lock another connection holds is
 * answered 503 within the configured time, and once the lock is released nothing of it is
 * written — neither when PostgreSQL's lock_timeout cancels the wait, nor when the proposal gets the
 * lock only after its deadline passed.
 */
class TimeoutsIT {

  private static long states(UUID taskRunId) throws Exception {
    try (Connection c = TestDatabase.jdbc();
        PreparedStatement ps = c.prepareStatement("SELECT count(*) FROM task_run_state WHERE task_run_id = ?")) {
      ps.setObject(1, taskRunId);
      try (ResultSet rs = ps.executeQuery()) {
        rs.next();
        return rs.getLong(1);
      }
    }
  }

  private static void assertUnavailable(ApiClient.Response r) {
    assertEquals(503, r.status(), r.raw());
    assertEquals("Service Unavailable", r.text("exception_message"), r.raw());
    assertEquals("1", r.header("Retry-After"));
  }

  @Test
  void lockTimeoutAnswers503AndNothingIsWrittenAfterTheLockIsReleased() throws Exception {
    try (TestServer s = TestServer.start(Map.of("BATON_DB_LOCK_TIMEOUT_MS", "300"))) {
      ApiClient api = s.api();
      UUID task = api.createTaskRun(api.createFlowRun(state("RUNNING")), state("PENDING"));
      long before = states(task);
      Connection holder = TestDatabase.lockForUpdate("task_run", "id", task);
      long t0 = System.nanoTime();
      ApiClient.Response r;
      try {
        r = api.setTaskState(task, state("RUNNING"));
      } finally {
        holder.commit();
        holder.close();
      }
      long ms = (System.nanoTime() - t0) / 1_000_000;
      assertUnavailable(r);
      // lock_timeout (300 ms) ends the wait, well before the statement timeout (3 s) would
      assertTrue(ms < 2500, "answered after " + ms + " ms");
      assertEquals("PENDING", api.taskRun(task).get("state").get("type").asText());
      assertEquals(before, states(task), "nothing of the refused proposal was written");
      // the run is not damaged: the same proposal now goes through
      api.setTaskState(task, state("RUNNING")).expect(201);
    }
  }

  @Test
  void proposalThatGetsTheLockAfterItsDeadlineIsRolledBack() throws Exception {
    // no lock_timeout, a long statement timeout: only the deadline (500 ms) can refuse it
    try (TestServer s = TestServer.start(Map.of("BATON_DB_LOCK_TIMEOUT_MS", "0",
        "BATON_DB_STATEMENT_TIMEOUT_MS", "10000", "BATON_PROPOSAL_DEADLINE_MS", "500",
        "BATON_EVENT_BUS_TIMEOUT_MS", "21000", "BATON_HTTP_REQUEST_TIMEOUT_MS", "25000"))) {
      ApiClient api = s.api();
      UUID task = api.createTaskRun(api.createFlowRun(state("RUNNING")), state("PENDING"));
      long before = states(task);
      Connection holder = TestDatabase.lockForUpdate("task_run", "id", task);
      CompletableFuture<ApiClient.Response> answer;
      try {
        answer = CompletableFuture.supplyAsync(() -> api.setTaskState(task, state("RUNNING")));
        Thread.sleep(1500); // the proposal waits for the lock, past its deadline
        assertTrue(!answer.isDone(), "still waiting for the row lock");
      } finally {
        holder.commit(); // the proposal now gets the lock, its deadline long past
        holder.close();
      }
      assertUnavailable(answer.get(10, TimeUnit.SECONDS));
      assertEquals("PENDING", api.taskRun(task).get("state").get("type").asText());
      assertEquals(before, states(task), "a proposal answered 503 is never committed");
      api.setTaskState(task, state("RUNNING")).expect(201);
    }
  }
}
