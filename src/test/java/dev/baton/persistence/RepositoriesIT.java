package dev.baton.persistence;

import static dev.baton.persistence.Fixtures.obj;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.baton.domain.Deployment;
import dev.baton.domain.Flow;
import dev.baton.domain.FlowRun;
import dev.baton.domain.FlowRunPolicy;
import dev.baton.domain.TaskRun;
import dev.baton.domain.command.DeploymentCreate;
import dev.baton.domain.command.FlowCreate;
import dev.baton.domain.command.FlowRunCreate;
import dev.baton.persistence.FlowRunRepository.FlowRunPatch;
import dev.baton.persistence.LogRepository.LogEntry;
import dev.baton.persistence.concurrency.LimitStore;
import dev.baton.testsupport.DbTestBase;
import dev.baton.testsupport.TestDatabase;
import java.sql.Connection;
import java.sql.ResultSet;
import java.time.Instant;
import java.util.List;
import java.util.Optional;
import java.util.UUID;
import org.junit.jupiter.api.Test;

class RepositoriesIT extends DbTestBase {

  @Test
  void flowInsertOrGetAndReads() {
    Upserted<Flow> a = await(FlowRepository.insertOrGet(pool, new FlowCreate("etl", List.of("x"), obj().put("k", 1))));
    assertTrue(a.created());
    assertEquals("etl", a.value().name());
    assertEquals(List.of("x"), a.value().tags());
    assertEquals(obj().put("k", 1), a.value().labels());
    Upserted<Flow> b = await(FlowRepository.insertOrGet(pool, new FlowCreate("etl", List.of("other"), obj())));
    assertFalse(b.created());
    assertEquals(a.value(), b.value(), "existing row unchanged");
    assertEquals(a.value(), await(FlowRepository.get(pool, a.value().id())));
    assertEquals(a.value(), await(FlowRepository.getByName(pool, "etl")));
    assertNull(await(FlowRepository.get(pool, UUID.randomUUID())));
    assertNull(await(FlowRepository.getByName(pool, "nope")));

    assertTrue(await(FlowRepository.patchTags(pool, a.value().id(), List.of("p", "q"))));
    assertEquals(List.of("p", "q"), await(FlowRepository.get(pool, a.value().id())).tags());
    assertFalse(await(FlowRepository.patchTags(pool, UUID.randomUUID(), List.of())));

    Fixtures.flow(pool, "zeta");
    List<Flow> page = await(FlowRepository.list(pool, "name LIKE $1", List.of("%t%"), "name DESC", 10, 0));
    assertEquals(List.of("zeta", "etl"), page.stream().map(Flow::name).toList());
    assertEquals(2L, await(FlowRepository.count(pool, null, List.of())));

    UUID runId = Fixtures.flowRun(pool, a.value().id());
    assertTrue(await(FlowRepository.delete(pool, a.value().id())));
    assertFalse(await(FlowRepository.delete(pool, a.value().id())));
    assertNull(await(FlowRunRepository.get(pool, runId)), "runs cascade with their flow");
  }

  @Test
  void deploymentUpsertGetDelete() {
    UUID flowId = Fixtures.flow(pool, "f").id();
    DeploymentCreate cmd = new DeploymentCreate("d", flowId, "v1", "desc", false, List.of("t"), obj().put("l", "x"),
        obj().put("p", 1), "pool", "queue", 3, obj().put("collision_strategy", "ENQUEUE"));
    Upserted<Deployment> a = await(DeploymentRepository.upsert(pool, cmd));
    assertTrue(a.created());
    assertEquals(3, a.value().concurrencyLimit());
    assertEquals("ENQUEUE", a.value().concurrencyOptions().get("collision_strategy").asText());
    UUID limitId = await(LimitStore.insert(pool, new LimitStore.LimitFields(true,
        "deployment:" + a.value().id(), 3, 0, 0, 0.0))).id();
    assertTrue(await(DeploymentRepository.setConcurrencyLimitId(pool, a.value().id(), limitId)));

    Upserted<Deployment> b = await(DeploymentRepository.upsert(pool, new DeploymentCreate("d", flowId, "v2", null, true,
        List.of(), obj(), obj(), null, null, null, null)));
    assertFalse(b.created());
    assertEquals(a.value().id(), b.value().id());
    assertEquals("v2", b.value().version());
    assertTrue(b.value().paused());
    assertNull(b.value().concurrencyLimit());
    assertNull(b.value().concurrencyOptions());
    assertEquals(limitId, b.value().concurrencyLimitId(), "limit link kept on update");
    assertEquals(b.value(), await(DeploymentRepository.get(pool, a.value().id())));

    FlowRunCreate rc = Fixtures.flowRunCreate(flowId, null);
    FlowRunCreate withDeployment = new FlowRunCreate(rc.flowId(), rc.name(), null, null, null, null, null, null, null,
        null, null, null, null, null, null, a.value().id());
    UUID runId = await(FlowRunRepository.insert(pool, withDeployment, "r", obj(), "v2")).value();
    assertEquals("v2", await(FlowRunRepository.get(pool, runId)).deploymentVersion());
    assertTrue(await(DeploymentRepository.delete(pool, a.value().id())));
    assertFalse(await(DeploymentRepository.delete(pool, a.value().id())));
    assertNull(await(DeploymentRepository.get(pool, a.value().id())));
    assertNull(await(FlowRunRepository.get(pool, runId)).deploymentId(), "runs outlive their deployment");

    Throwable e = failure(DeploymentRepository.upsert(pool, new DeploymentCreate("x", UUID.randomUUID(), null, null,
        false, null, null, null, null, null, null, null)));
    assertEquals(SqlErrors.Kind.FOREIGN_KEY_VIOLATION, SqlErrors.classify(e));
  }

  @Test
  void flowRunInsertIdempotencyGetPatchLabelsDelete() {
    UUID flowId = Fixtures.flow(pool, "f").id();
    FlowRunCreate cmd = Fixtures.flowRunCreate(flowId, "idem");
    Upserted<UUID> a = await(FlowRunRepository.insert(pool, cmd, "brave-fox", obj().put("prefect.flow.id", flowId.toString()), null));
    assertTrue(a.created());
    Upserted<UUID> again = await(FlowRunRepository.insert(pool, cmd, "other", obj(), null));
    assertFalse(again.created());
    assertEquals(a.value(), again.value());
    UUID plain1 = Fixtures.flowRun(pool, flowId);
    UUID plain2 = Fixtures.flowRun(pool, flowId);
    assertNotEquals(plain1, plain2, "runs without idempotency key never collide");

    FlowRun r = await(FlowRunRepository.get(pool, a.value()));
    assertEquals("brave-fox", r.name());
    assertEquals(flowId, r.flowId());
    assertEquals("1.0", r.flowVersion());
    assertEquals(obj().put("x", 1), r.parameters());
    assertEquals(obj().put("c", true), r.context());
    assertEquals("idem", r.idempotencyKey());
    assertEquals(List.of("a", "b"), r.tags());
    assertEquals("pool", r.workPoolName());
    assertEquals("queue", r.workQueueName());
    assertEquals(obj(), r.jobVariables(), "null job variables are stored as {}");
    assertEquals(FlowRunPolicy.DEFAULT, r.empiricalPolicy());
    assertEquals(0, r.runCount());
    assertNull(r.state());
    assertNull(r.stateType());
    assertFalse(r.autoScheduled());

    assertTrue(await(FlowRunRepository.patch(pool, a.value(), new FlowRunPatch(Optional.of("renamed"),
        Optional.empty(), null, Optional.of(FlowRunPolicy.DEFAULT.withRetryType("in_process")), Optional.of(List.of("z")),
        Optional.of("pid-1"), Optional.of(obj().put("image", "x"))))));
    FlowRun p = await(FlowRunRepository.get(pool, a.value()));
    assertEquals("renamed", p.name());
    assertNull(p.flowVersion());
    assertEquals(obj().put("x", 1), p.parameters(), "absent fields unchanged");
    assertEquals("in_process", p.empiricalPolicy().retryType());
    assertEquals(List.of("z"), p.tags());
    assertEquals("pid-1", p.infrastructurePid());
    assertEquals(obj().put("image", "x"), p.jobVariables());
    FlowRunPatch none = new FlowRunPatch(null, null, null, null, null, null, null);
    assertTrue(await(FlowRunRepository.patch(pool, a.value(), none)));
    assertFalse(await(FlowRunRepository.patch(pool, UUID.randomUUID(), none)));
    assertFalse(await(FlowRunRepository.patch(pool, UUID.randomUUID(), new FlowRunPatch(Optional.of("n"), null, null,
        null, null, null, null))));

    assertTrue(await(FlowRunRepository.mergeLabels(pool, a.value(), obj().put("new", "1").put("prefect.flow.id", "x"))));
    assertEquals(obj().put("prefect.flow.id", "x").put("new", "1"), await(FlowRunRepository.get(pool, a.value())).labels());
    assertFalse(await(FlowRunRepository.mergeLabels(pool, UUID.randomUUID(), obj())));

    // list/count with a caller fragment and ordering; bare column names see flow_run only
    List<FlowRun> byName = await(FlowRunRepository.list(pool, "flow_id = $1", List.of(flowId), "name DESC, id", 2, 0));
    assertEquals(2, byName.size());
    assertEquals("run", byName.get(0).name());
    assertEquals("renamed", await(FlowRunRepository.list(pool, "flow_id = $1", List.of(flowId), "name DESC, id", 2, 2))
        .get(0).name());
    assertEquals(3L, await(FlowRunRepository.count(pool, "flow_id = $1", List.of(flowId))));
    assertEquals(1L, await(FlowRunRepository.count(pool, "tags @> $1::text::jsonb", List.of("[\"z\"]"))));
    assertEquals(List.of(a.value()), await(FlowRunRepository.list(pool,
        "name = $1 AND EXISTS (SELECT 1 FROM flow WHERE flow.id = flow_run.flow_id AND flow.name = $2)",
        List.of("renamed", "f"), "id DESC", 10, 0)).stream().map(FlowRun::id).toList());

    assertTrue(await(FlowRunRepository.delete(pool, a.value())));
    assertFalse(await(FlowRunRepository.delete(pool, a.value())));
    assertNull(await(FlowRunRepository.get(pool, a.value())));

    Throwable e = failure(FlowRunRepository.insert(pool, Fixtures.flowRunCreate(UUID.randomUUID(), null), "x", obj(), null));
    assertEquals(SqlErrors.Kind.FOREIGN_KEY_VIOLATION, SqlErrors.classify(e));
  }

  @Test
  void taskRunInsertIfAbsentOnNaturalKey() {
    UUID flowRunId = Fixtures.flowRun(pool, Fixtures.flow(pool, "f").id());
    UUID clientId = UUID.randomUUID();
    Upserted<UUID> a = await(Fixtures.insertTaskRun(pool, Fixtures.taskRunCreate(clientId, flowRunId, "k", "0"),
        "task-1", obj().put("prefect.flow-run.id", flowRunId.toString())));
    assertTrue(a.created());
    assertEquals(clientId, a.value());
    Upserted<UUID> same = await(Fixtures.insertTaskRun(pool, Fixtures.taskRunCreate(null, flowRunId, "k", "0"),
        "other", obj()));
    assertFalse(same.created());
    assertEquals(clientId, same.value());
    Upserted<UUID> sameWithId = await(Fixtures.insertTaskRun(pool,
        Fixtures.taskRunCreate(clientId, flowRunId, "k", "0"), "other", obj()));
    assertFalse(sameWithId.created());

    Throwable conflict = failure(Fixtures.insertTaskRun(pool,
        Fixtures.taskRunCreate(clientId, flowRunId, "k", "1"), "other", obj()));
    assertInstanceOf(TaskRunIdConflictException.class, conflict);

    // null flow run: the natural key still holds (NULLS NOT DISTINCT)
    Upserted<UUID> l1 = await(Fixtures.insertTaskRun(pool, Fixtures.taskRunCreate(null, null, "k", "0"), "x", obj()));
    Upserted<UUID> l2 = await(Fixtures.insertTaskRun(pool, Fixtures.taskRunCreate(null, null, "k", "0"), "y", obj()));
    assertTrue(l1.created());
    assertFalse(l2.created());
    assertEquals(l1.value(), l2.value());

    TaskRun t = await(TaskRunRepository.get(pool, clientId));
    assertEquals("task-1", t.name());
    assertEquals(flowRunId, t.flowRunId());
    assertEquals("k", t.taskKey());
    assertEquals("0", t.dynamicKey());
    assertEquals("ck", t.cacheKey());
    assertEquals("v1", t.taskVersion());
    assertEquals(List.of("tag"), t.tags());
    assertEquals(List.of(1.0, 2.5), t.empiricalPolicy().retryDelayList());
    assertEquals("parameter", t.taskInputs().get("x").get(0).get("input_type").asText());
    assertNull(t.state());
    assertNull(await(TaskRunRepository.get(pool, UUID.randomUUID())));

    assertTrue(await(TaskRunRepository.rename(pool, clientId, "renamed")));
    assertEquals("renamed", await(TaskRunRepository.get(pool, clientId)).name());
    assertFalse(await(TaskRunRepository.rename(pool, UUID.randomUUID(), "x")));

    assertEquals(2L, await(TaskRunRepository.count(pool, null, null)));
    assertEquals(List.of(clientId), await(TaskRunRepository.list(pool, "flow_run_id = $1", List.of(flowRunId),
        "id DESC", 10, 0)).stream().map(TaskRun::id).toList());
    assertEquals(List.of(l1.value()), await(TaskRunRepository.list(pool, "flow_run_id IS NULL", List.of(),
        "name", 10, 0)).stream().map(TaskRun::id).toList());

    assertTrue(await(TaskRunRepository.delete(pool, clientId)));
    assertFalse(await(TaskRunRepository.delete(pool, clientId)));

    Throwable fk = failure(Fixtures.insertTaskRun(pool, Fixtures.taskRunCreate(null, UUID.randomUUID(), "k", "0"),
        "x", obj()));
    assertEquals(SqlErrors.Kind.FOREIGN_KEY_VIOLATION, SqlErrors.classify(fk));
  }

  @Test
  void statesOfUnknownRunsAreEmpty() {
    assertEquals(List.of(), await(StateRepository.flowRunStates(pool, UUID.randomUUID())));
    assertEquals(List.of(), await(StateRepository.taskRunStates(pool, UUID.randomUUID())));
    assertNull(await(StateRepository.flowRunState(pool, UUID.randomUUID())));
    assertNull(await(StateRepository.taskRunState(pool, UUID.randomUUID())));
  }

  @Test
  void logsAreInsertedAsABatch() throws Exception {
    await(LogRepository.insertBatch(pool, List.of()));
    UUID fr = UUID.randomUUID();
    Instant at = Instant.parse("2030-01-01T00:00:00.000001Z");
    await(LogRepository.insertBatch(pool, List.of(new LogEntry("prefect.flow_runs", 20, "hello", at, fr, null),
        new LogEntry("prefect.task_runs", 40, "boom", at.plusSeconds(1), fr, UUID.randomUUID()))));
    try (Connection c = TestDatabase.jdbc();
        ResultSet rs = c.createStatement().executeQuery("SELECT name, level, message FROM log ORDER BY timestamp")) {
      assertTrue(rs.next());
      assertEquals("hello", rs.getString("message"));
      assertEquals(20, rs.getInt("level"));
      assertTrue(rs.next());
      assertEquals("boom", rs.getString("message"));
      assertFalse(rs.next());
    }
  }

  @Test
  void uniqueViolationsAreClassified() {
    await(FlowRepository.insertOrGet(pool, new FlowCreate("f", null, null)));
    Throwable e = failure(pool.query("INSERT INTO flow (name) VALUES ('f')").execute());
    assertEquals(SqlErrors.Kind.UNIQUE_VIOLATION, SqlErrors.classify(e));
    assertEquals("uq_flow__name", SqlErrors.constraint(e));
    Throwable bad = failure(pool.query("SELECT 1/0").execute());
    assertEquals(SqlErrors.Kind.INTERNAL, SqlErrors.classify(bad));
  }
}
