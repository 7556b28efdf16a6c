package dev.baton.it;

import static dev.baton.it.ApiClient.state;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.baton.domain.StateType;
import dev.baton.domain.command.StateCreate;
import dev.baton.orchestration.api.Deadline;
import dev.baton.orchestration.api.OrchestrationClient;
import dev.baton.orchestration.api.OrchestrationException;
import dev.baton.orchestration.api.OrchestrationFailure;
import dev.baton.orchestration.api.OrchestrationResult;
import dev.baton.orchestration.api.SetStateCommand;
import dev.baton.testsupport.Await;
import dev.baton.testsupport.TestDatabase;
import io.vertx.core.Future;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.time.Duration;
import java.util.Map;
import java.util.UUID;
import org.junit.jupiter.api.Test;

/**
 * The event-bus side is bounded like HTTP: proposals from a co-located verticle beyond the
 * orchestrator's in-flight bound, past their deadline, or sent while the server drains are refused
 * at once with UNAVAILABLE, and nothing of them is written.
 */
class EventBusOverloadIT {

  private static OrchestrationException refusal(Future<?> f) {
    return assertInstanceOf(OrchestrationException.class, Await.failure(f, Duration.ofSeconds(5)));
  }

  @Test
  void busProposalsPastTheBoundPastTheirDeadlineOrWhileDrainingAreRefused() throws Exception {
    try (TestServer s = TestServer.start(Map.of("BATON_ORCHESTRATION_MAX_IN_FLIGHT", "1",
        "BATON_DB_LOCK_TIMEOUT_MS", "0", "BATON_DB_STATEMENT_TIMEOUT_MS", "10000",
        "BATON_PROPOSAL_DEADLINE_MS", "10000", "BATON_EVENT_BUS_TIMEOUT_MS", "31000",
        "BATON_HTTP_REQUEST_TIMEOUT_MS", "35000"))) {
      ApiClient api = s.api();
      UUID flowRun = api.createFlowRun(state("RUNNING"));
      UUID held = api.createTaskRun(flowRun, state("PENDING"));
      UUID other = api.createTaskRun(flowRun, state("PENDING"));
      OrchestrationClient client = new OrchestrationClient(s.vertx(), 31_000, 10_000);

      Connection holder = TestDatabase.lockForUpdate("task_run", "id", held);
      Future<OrchestrationResult> first;
      try {
        first = client.setTaskRunState(held, StateCreate.of(StateType.RUNNING), false);
        Thread.sleep(300); // the first proposal is in flight, waiting for the lock

        OrchestrationException bound = refusal(client.setTaskRunState(other, StateCreate.of(StateType.RUNNING), false));
        assertEquals(OrchestrationFailure.UNAVAILABLE, bound.failure());
        // over HTTP the same refusal is a 503
        assertEquals(503, api.setTaskState(other, state("RUNNING")).status());
      } finally {
        holder.commit();
        holder.close();
      }
      assertEquals(StateType.RUNNING, Await.await(first, Duration.ofSeconds(10))
          .state().type());

      // a command whose deadline has already passed is never started
      SetStateCommand late = SetStateCommand.task(other, StateCreate.of(StateType.RUNNING), false)
          .withDeadline(Deadline.in(-1));
      assertEquals(OrchestrationFailure.UNAVAILABLE, refusal(client.send(late)).failure());
      assertEquals("PENDING", api.taskRun(other).get("state").get("type").asText());

      // while draining, new proposals are refused
      s.baton().state().startDraining();
      assertEquals(OrchestrationFailure.UNAVAILABLE,
          refusal(client.setTaskRunState(other, StateCreate.of(StateType.RUNNING), false)).failure());
      assertTrue(s.baton().draining());
      assertEquals(503, api.get("/api/task_runs/" + other).status(), "HTTP refuses too while draining");
      try (Connection c = TestDatabase.jdbc();
          PreparedStatement ps = c.prepareStatement("SELECT state_type FROM task_run WHERE id = ?")) {
        ps.setObject(1, other);
        try (java.sql.ResultSet rs = ps.executeQuery()) {
          assertTrue(rs.next());
          assertEquals("PENDING", rs.getString(1), "nothing refused was written");
        }
      }
    }
  }
}
