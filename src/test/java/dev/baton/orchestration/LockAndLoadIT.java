package dev.baton.orchestration;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;

import dev.baton.domain.Ids;
import dev.baton.domain.OrchestrationDetails;
import dev.baton.domain.OrchestrationStatus;
import dev.baton.domain.State;
import dev.baton.domain.StateDetails;
import dev.baton.domain.StateType;
import dev.baton.orchestration.engine.OrchestrationOutcome;
import dev.baton.orchestration.engine.RunDraft;
import dev.baton.persistence.Fixtures;
import dev.baton.testsupport.DbTestBase;
import io.vertx.core.Future;
import io.vertx.sqlclient.SqlConnection;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.List;
import java.util.UUID;
import org.junit.jupiter.api.Test;
import dev.baton.orchestration.run.OutcomeRows;
import dev.baton.orchestration.run.LockedRun;
import dev.baton.orchestration.run.LoadedRuns;

/**
 * The READ COMMITTED trap of locking and loading in one statement: a reader that waited for the
 * run lock while another transaction wrote a new current state must still see that new state.
 */
class LockAndLoadIT extends DbTestBase {

  private static State state(StateType type) {
    return new State(Ids.uuid7(), type, type.defaultName(), Instant.now().truncatedTo(ChronoUnit.MICROS), null, null,
        StateDetails.EMPTY);
  }

  /** Writes {@code s} as the new current state of the locked run (what the service does). */
  private static Future<Void> writeState(SqlConnection c, LockedRun run, State s) {
    RunDraft draft = run.draft();
    draft.setCurrentState(s);
    return OutcomeRows.write(c, new OrchestrationOutcome(s, true, OrchestrationStatus.ACCEPT,
        OrchestrationDetails.ACCEPT, draft, List.of(), null), null);
  }

  private void assertWaiterSeesTheNewState(boolean flow) throws Exception {
    UUID flowRun = Fixtures.flowRun(pool, Fixtures.flow(pool, "f-" + UUID.randomUUID()).id());
    UUID id = flow ? flowRun : Fixtures.taskRun(pool, flowRun, "t");
    State first = state(StateType.PENDING);
    State second = state(StateType.RUNNING);
    // give the run a current state
    await(pool.withTransaction(c -> lock(c, flow, id).compose(r -> writeState(c, r, first))));

    SqlConnection holder = await(pool.getConnection());
    SqlConnection waiter = await(pool.getConnection());
    try {
      await(holder.query("BEGIN").execute());
      LockedRun held = await(lock(holder, flow, id));
      assertEquals(first.id(), held.current().id());
      await(waiter.query("BEGIN").execute());
      Future<LockedRun> waiting = lock(waiter, flow, id); // blocks on the row lock
      Thread.sleep(300);
      assertFalse(waiting.isComplete(), "the second reader waits for the lock");
      await(writeState(holder, held, second));
      await(holder.query("COMMIT").execute());
      LockedRun seen = await(waiting);
      assertNotNull(seen.current(), "the waiter must see a current state");
      assertEquals(second.id(), seen.current().id(), "the waiter sees the state written while it waited");
      assertEquals(StateType.RUNNING, seen.current().type());
      assertEquals(second.id(), seen.draft().stateId());
    } finally {
      // never hand a connection back to the pool inside a transaction (it would keep the row lock)
      for (SqlConnection c : List.of(holder, waiter)) {
        try {
          await(c.query("ROLLBACK").execute());
        } finally {
          c.close();
        }
      }
    }
  }

  private static Future<LockedRun> lock(SqlConnection c, boolean flow, UUID id) {
    return flow ? LoadedRuns.lockFlowRun(c, id) : LoadedRuns.lockTaskRun(c, id, null, Instant.now());
  }

  @Test
  void flowRunWaiterSeesStateWrittenWhileWaiting() throws Exception {
    assertWaiterSeesTheNewState(true);
  }

  @Test
  void taskRunWaiterSeesStateWrittenWhileWaiting() throws Exception {
    assertWaiterSeesTheNewState(false);
  }
}
