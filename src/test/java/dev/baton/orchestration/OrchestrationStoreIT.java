package dev.baton.orchestration;

import static dev.baton.persistence.Fixtures.obj;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.node.IntNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.baton.domain.FlowRun;
import dev.baton.domain.FlowRunPolicy;
import dev.baton.domain.Ids;
import dev.baton.domain.OrchestrationDetails;
import dev.baton.domain.OrchestrationStatus;
import dev.baton.domain.State;
import dev.baton.domain.StateDetails;
import dev.baton.domain.StateType;
import dev.baton.domain.TaskRun;
import dev.baton.orchestration.engine.Effect;
import dev.baton.orchestration.engine.FlowRunDraft;
import dev.baton.orchestration.engine.OrchestrationOutcome;
import dev.baton.orchestration.engine.RunDraft;
import dev.baton.orchestration.engine.TaskRunDraft;
import dev.baton.persistence.Fixtures;
import dev.baton.persistence.FlowRunRepository;
import dev.baton.persistence.SqlErrors;
import dev.baton.persistence.StateRepository;
import dev.baton.persistence.TaskRunRepository;
import dev.baton.testsupport.DbTestBase;
import dev.baton.testsupport.TestDatabase;
import io.vertx.core.Future;
import io.vertx.sqlclient.SqlConnection;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.Statement;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.junit.jupiter.api.Test;
import dev.baton.orchestration.run.OutcomeRows;
import dev.baton.orchestration.run.LockedRun;
import dev.baton.orchestration.run.LoadedRuns;

class OrchestrationStoreIT extends DbTestBase {

  private static final Instant T0 = Instant.parse("2030-01-02T03:04:05.123456Z");

  private static OrchestrationOutcome accepted(RunDraft run, State s, List<Effect> effects) {
    return new OrchestrationOutcome(s, true, OrchestrationStatus.ACCEPT, OrchestrationDetails.ACCEPT, run, effects, null);
  }

  private static State state(StateType type, Instant at, ObjectNode data, StateDetails d) {
    return new State(Ids.uuid7(), type, type.defaultName(), at, "msg " + type, data, d);
  }

  private static void write(OrchestrationOutcome o) {
    inTx(c -> OutcomeRows.write(c, o, null));
  }

  @Test
  void unknownRunsLoadAsNull() {
    assertNull(inTx(c -> LoadedRuns.lockFlowRun(c, UUID.randomUUID())));
    assertNull(inTx(c -> LoadedRuns.lockTaskRun(c, UUID.randomUUID(), "k", Instant.now())));
  }

  @Test
  void flowRunLockLoadWriteRoundTrip() {
    UUID flowId = Fixtures.flow(pool, "f").id();
    UUID runId = Fixtures.flowRun(pool, flowId);

    LockedRun fresh = inTx(c -> LoadedRuns.lockFlowRun(c, runId));
    assertNull(fresh.current());
    FlowRunDraft d = (FlowRunDraft) fresh.draft();
    assertEquals(runId, d.id());
    assertEquals(flowId, d.flowId());
    assertEquals(List.of("a", "b"), d.tags());
    assertNull(d.stateType());
    assertEquals(0, d.runCount());
    assertFalse(d.changed());

    ObjectNode data = obj().put("storage_key", "s3://x").put("artifact_key", "k").put("artifact_type", "result")
        .put("artifact_description", "d");
    State running = state(StateType.RUNNING, T0, data,
        StateDetails.builder().flowRunId(runId).transitionId(UUID.randomUUID()).runInputKeyset(Map.of("a", "b")).build());
    d.setCurrentState(running);
    d.setRunCount(1);
    d.setStartTime(T0);
    d.setExpectedStartTime(T0);
    d.setTotalRunTimeMicros(1_500_000);
    d.setPolicy(FlowRunPolicy.DEFAULT.withPauseKeys(List.of("p1")).withResuming(true).withRetryType("reschedule"));
    write(accepted(d, running, List.of()));

    FlowRun run = await(FlowRunRepository.get(pool, runId));
    assertEquals(running.id(), run.stateId());
    assertEquals(StateType.RUNNING, run.stateType());
    assertEquals("Running", run.stateName());
    assertEquals(1, run.runCount());
    assertEquals(T0, run.startTime());
    assertEquals(T0, run.expectedStartTime());
    assertEquals(1_500_000, run.totalRunTimeMicros());
    assertEquals(List.of("p1"), run.empiricalPolicy().pauseKeys());
    assertTrue(run.empiricalPolicy().resuming());
    assertEquals("reschedule", run.empiricalPolicy().retryType());
    assertTrue(run.updated().isAfter(run.created()) || run.updated().equals(run.created()));
    // the stored state: artifact keys stripped, details round-trip exactly
    assertEquals(obj().put("storage_key", "s3://x"), run.state().data());
    assertEquals(running.details(), run.state().details());
    assertEquals(running.withData(obj().put("storage_key", "s3://x")), run.state());

    LockedRun again = inTx(c -> LoadedRuns.lockFlowRun(c, runId));
    assertEquals(run.state(), again.current());
    assertEquals(StateType.RUNNING, again.draft().stateType());
    assertEquals(T0, again.draft().stateTimestamp());
    assertEquals(1, again.draft().runCount());
    assertTrue(((FlowRunDraft) again.draft()).policy().resuming());

    // an unpersisted payload is not stored; a scalar is stored as is
    State done = state(StateType.COMPLETED, T0.plusSeconds(1), obj().put("type", "unpersisted"), StateDetails.EMPTY);
    again.draft().setCurrentState(done);
    write(accepted(again.draft(), done, List.of()));
    assertNull(await(StateRepository.flowRunState(pool, done.id())).data());
    State scalar = new State(Ids.uuid7(), StateType.COMPLETED, "Completed", T0.plusSeconds(2), null, IntNode.valueOf(1),
        StateDetails.EMPTY);
    write(new OrchestrationOutcome(scalar, true, OrchestrationStatus.ACCEPT, OrchestrationDetails.ACCEPT,
        FlowRunDraft.fresh(runId, flowId, null, null), List.of(), null));
    assertEquals(IntNode.valueOf(1), await(StateRepository.flowRunState(pool, scalar.id())).data());

    List<State> history = await(StateRepository.flowRunStates(pool, runId));
    assertEquals(List.of(running.id(), done.id(), scalar.id()), history.stream().map(State::id).toList());
  }

  @Test
  void stateOnlyAndRunOnlyAndNothing() {
    UUID flowId = Fixtures.flow(pool, "f").id();
    UUID runId = Fixtures.flowRun(pool, flowId);
    // nothing to write: no statement, no failure
    LockedRun l = inTx(c -> LoadedRuns.lockFlowRun(c, runId));
    write(new OrchestrationOutcome(null, false, OrchestrationStatus.WAIT, OrchestrationDetails.waitFor(5, "later"),
        l.draft(), List.of(), "X"));
    // run columns only
    l.draft().setExpectedStartTime(T0);
    write(new OrchestrationOutcome(null, false, OrchestrationStatus.ABORT, OrchestrationDetails.abort("x"),
        l.draft(), List.of(), "X"));
    assertEquals(T0, await(FlowRunRepository.get(pool, runId)).expectedStartTime());
    assertNull(await(FlowRunRepository.get(pool, runId)).state());
  }

  @Test
  void lockBlocksASecondLocker() {
    UUID runId = Fixtures.flowRun(pool, Fixtures.flow(pool, "f").id());
    Throwable blocked = await(pool.withTransaction(a -> LoadedRuns.lockFlowRun(a, runId)
        .compose(locked -> pool.withTransaction(b -> b.query("SET LOCAL lock_timeout = '200ms'").execute()
            .compose(x -> LoadedRuns.lockFlowRun(b, runId)))
            .map(x -> (Throwable) null)
            .recover(Future::succeededFuture))));
    assertNotNull(blocked, "the second lock must wait for the first");
    assertEquals("55P03", SqlErrors.pgException(blocked).getSqlState());
  }

  @Test
  void taskRunFactsParentStateAndCache() throws Exception {
    UUID flowId = Fixtures.flow(pool, "f").id();
    UUID flowRunId = Fixtures.flowRun(pool, flowId);
    FlowRunDraft fd = (FlowRunDraft) inTx(c -> LoadedRuns.lockFlowRun(c, flowRunId)).draft();
    State flowRunning = state(StateType.RUNNING, T0, null, StateDetails.EMPTY);
    fd.setCurrentState(flowRunning);
    fd.setRunCount(3);
    write(accepted(fd, flowRunning, List.of()));

    UUID taskId = Fixtures.taskRun(pool, flowRunId, "t");
    LockedRun loaded = inTx(c -> LoadedRuns.lockTaskRun(c, taskId, null, T0));
    TaskRunDraft td = (TaskRunDraft) loaded.draft();
    assertEquals(flowRunId, td.flowRunId());
    assertEquals("t", td.taskKey());
    assertEquals(List.of(1.0, 2.5), td.policy().retryDelayList());
    assertEquals(0.5, td.policy().retryJitterFactor());
    assertEquals(2, td.policy().retries());
    assertNull(loaded.current());
    assertNotNull(loaded.facts().parentFlowRun());
    assertEquals(flowRunId, loaded.facts().parentFlowRun().id());
    assertEquals(3, loaded.facts().parentFlowRun().runCount());
    assertEquals(flowRunning, loaded.facts().parentFlowRun().state());
    assertFalse(loaded.facts().parentFlowRunMissing());
    assertNull(loaded.facts().cacheHit());

    // complete the task and cache its state in the same statement
    ObjectNode result = obj().put("storage_key", "r1");
    State completed = state(StateType.COMPLETED, T0.plusSeconds(1), result,
        StateDetails.builder().cacheKey("key-1").taskRunId(taskId).build());
    td.setCurrentState(completed);
    td.setFlowRunRunCount(3);
    td.setEndTime(T0.plusSeconds(1));
    write(accepted(td, completed, List.of(new Effect.InsertCacheEntry("key-1", null, completed.id()),
        new Effect.OrchestrateParentTaskRun(UUID.randomUUID(), completed))));
    TaskRun tr = await(TaskRunRepository.get(pool, taskId));
    assertEquals(completed, tr.state());
    assertEquals(3, tr.flowRunRunCount());
    assertEquals(T0.plusSeconds(1), tr.endTime());

    UUID other = Fixtures.taskRun(pool, flowRunId, "u");
    LockedRun hit = inTx(c -> LoadedRuns.lockTaskRun(c, other, "key-1", T0));
    assertEquals(completed, hit.facts().cacheHit());
    assertNull(inTx(c -> LoadedRuns.lockTaskRun(c, other, "key-2", T0)).facts().cacheHit());
    assertNull(inTx(c -> LoadedRuns.lockTaskRun(c, other, null, T0)).facts().cacheHit());

    // a newer entry wins; an expired one is skipped
    State newer = state(StateType.COMPLETED, T0.plusSeconds(2), obj().put("storage_key", "r2"), StateDetails.EMPTY);
    TaskRunDraft od = (TaskRunDraft) hit.draft();
    od.setCurrentState(newer);
    write(accepted(od, newer, List.of(new Effect.InsertCacheEntry("key-1", T0.plusSeconds(60), newer.id()))));
    assertEquals(newer.id(), inTx(c -> LoadedRuns.lockTaskRun(c, taskId, "key-1", T0)).facts().cacheHit().id());
    assertEquals(completed.id(), inTx(c -> LoadedRuns.lockTaskRun(c, taskId, "key-1", T0.plusSeconds(60)))
        .facts().cacheHit().id());

    // a task without flow run has no parent facts
    UUID loose = Fixtures.taskRun(pool, null, "loose");
    LockedRun l = inTx(c -> LoadedRuns.lockTaskRun(c, loose, null, T0));
    assertNull(l.facts().parentFlowRun());
    assertFalse(l.facts().parentFlowRunMissing());
  }

  @Test
  void taskRunWhoseFlowRunRowIsMissing() throws Exception {
    UUID taskId = UUID.randomUUID();
    try (Connection c = TestDatabase.jdbc(); Statement s = c.createStatement()) {
      s.execute("SET session_replication_role = replica"); // skip the foreign key for this row
      try (PreparedStatement p = c.prepareStatement(
          "INSERT INTO task_run (id, name, flow_run_id, task_key, dynamic_key) VALUES (?, 'x', ?, 'k', '0')")) {
        p.setObject(1, taskId);
        p.setObject(2, UUID.randomUUID());
        p.executeUpdate();
      }
    }
    LockedRun l = inTx(c -> LoadedRuns.lockTaskRun(c, taskId, null, Instant.now()));
    assertNull(l.facts().parentFlowRun());
    assertTrue(l.facts().parentFlowRunMissing());
  }

  @Test
  void cacheEntryForUnknownStateFailsAsForeignKeyViolation() {
    UUID taskId = Fixtures.taskRun(pool, null, "t");
    TaskRunDraft d = (TaskRunDraft) inTx(c -> LoadedRuns.lockTaskRun(c, taskId, null, T0)).draft();
    Throwable e = failure(pool.withTransaction((SqlConnection c) -> OutcomeRows.write(c,
        new OrchestrationOutcome(null, false, OrchestrationStatus.ACCEPT, OrchestrationDetails.ACCEPT, d,
            List.of(new Effect.InsertCacheEntry("k", null, UUID.randomUUID())), null), null)));
    assertEquals(SqlErrors.Kind.FOREIGN_KEY_VIOLATION, SqlErrors.classify(e));
    assertInstanceOf(io.vertx.pgclient.PgException.class, SqlErrors.pgException(e));
  }
}
