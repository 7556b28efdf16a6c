package dev.baton.persistence;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.baton.domain.OrchestrationStatus;
import dev.baton.domain.StateType;
import dev.baton.domain.TaskRunPolicy;
import dev.baton.domain.command.StateCreate;
import dev.baton.domain.command.TaskRunCreate;
import dev.baton.observability.OrchestrationMetrics;
import dev.baton.orchestration.Orchestration;
import dev.baton.orchestration.group.GroupSetState;
import dev.baton.orchestration.api.OrchestrationResult;
import dev.baton.orchestration.api.SetStateCommand;
import dev.baton.orchestration.engine.OrchestrationSettings;
import dev.baton.testsupport.DbTestBase;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import io.vertx.core.Future;
import io.vertx.sqlclient.Tuple;
import java.time.Clock;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * Tagged task runs inside a group ({@link GroupSetState#setStates}): the group itself answers
 * the WAITs (from an unlocked read of the limits) and writes the holders' releases in its own
 * transaction — and every proposal still gets the answer and the writes it would get alone.
 */
class GroupSlotsIT extends DbTestBase {
  private GroupSetState service;
  private UUID flowRun;

  @BeforeEach
  void setUp() {
    service = new Orchestration(pool, OrchestrationSettings.DEFAULTS,
        new OrchestrationMetrics(new SimpleMeterRegistry()), Clock.systemUTC()).proposals();
    flowRun = Fixtures.flowRun(pool, Fixtures.flow(pool, "f-" + UUID.randomUUID()).id());
    assertEquals(OrchestrationStatus.ACCEPT, await(service.setState(
        SetStateCommand.flow(flowRun, StateCreate.of(StateType.RUNNING), false, null, null))).status());
  }

  private UUID taskRun(List<String> tags) {
    TaskRunCreate c = new TaskRunCreate(null, null, "task", flowRun, "k-" + UUID.randomUUID(), "0", null, null, null,
        new TaskRunPolicy(0, 0.0, 0, null, null, null), tags, Fixtures.obj(), Fixtures.obj());
    return await(Fixtures.insertTaskRun(pool, c, "task", Fixtures.obj())).value();
  }

  private UUID limit(String tag, int limit) {
    return await(pool.preparedQuery("INSERT INTO concurrency_limit_v2 (name, \"limit\") VALUES ($1, $2) RETURNING id")
        .execute(Tuple.of("tag:" + tag, limit))).iterator().next().getUUID(0);
  }

  private static SetStateCommand task(UUID id, StateType type) {
    return SetStateCommand.task(id, StateCreate.of(type), false);
  }

  private OrchestrationResult alone(UUID id, StateType type) {
    return await(service.setState(task(id, type)));
  }

  private List<OrchestrationResult> group(List<SetStateCommand> cmds) {
    List<Future<OrchestrationResult>> answers = service.setStates(cmds);
    await(Future.join(answers).transform(done -> Future.succeededFuture()));
    List<OrchestrationResult> results = new ArrayList<>();
    for (Future<OrchestrationResult> f : answers) {
      assertTrue(f.succeeded(), () -> String.valueOf(f.cause()));
      results.add(f.result());
    }
    return results;
  }

  private static int limitColumn(UUID limit, String column) {
    return await(pool.preparedQuery("SELECT " + column + " FROM concurrency_limit_v2 WHERE id = $1")
        .execute(Tuple.of(limit))).iterator().next().getInteger(0);
  }

  private static long leasesHeldBy(UUID run) {
    return await(pool.preparedQuery("SELECT count(*) FROM concurrency_lease WHERE holder_id = $1")
        .execute(Tuple.of(run))).iterator().next().getLong(0);
  }

  private static String runStateType(UUID run) {
    return await(pool.preparedQuery("SELECT state_type FROM task_run WHERE id = $1").execute(Tuple.of(run)))
        .iterator().next().getString(0);
  }

  /** The transaction that wrote the run's current state (its row's xmin). */
  private static String stateXmin(UUID run) {
    return await(pool.preparedQuery("SELECT s.xmin::text FROM task_run tr JOIN task_run_state s ON s.id = tr.state_id"
        + " WHERE tr.id = $1").execute(Tuple.of(run))).iterator().next().getString(0);
  }

  private static long states(UUID run) {
    return await(pool.preparedQuery("SELECT count(*) FROM task_run_state WHERE task_run_id = $1")
        .execute(Tuple.of(run))).iterator().next().getLong(0);
  }

  /**
   * One group: two holders finishing (COMPLETED, FAILED), three waiters asking for RUNNING on the
   * full limit of 2, a tagged run going PENDING, an untagged run finishing. The group gives the two
   * slots back and hands them to the first two waiters in the group's order (under the limit's
   * lock); the third WAITs and nothing is written for it. Everything else — states, releases,
   * acquisitions — is written by the group's one transaction.
   */
  @Test
  void aGroupMixingHoldersWaitersAndOtherRuns() {
    String tag = "gs-" + UUID.randomUUID();
    UUID limit = limit(tag, 2);
    UUID h1 = taskRun(List.of(tag));
    UUID h2 = taskRun(List.of(tag, "other-" + tag));
    UUID w1 = taskRun(List.of(tag));
    UUID w2 = taskRun(List.of(tag));
    UUID w3 = taskRun(List.of(tag));
    UUID p = taskRun(List.of(tag));
    UUID u = taskRun(List.of());
    for (UUID id : List.of(h1, h2, w1, w2, w3, u)) {
      assertEquals(OrchestrationStatus.ACCEPT, alone(id, StateType.PENDING).status());
    }
    assertEquals(OrchestrationStatus.ACCEPT, alone(h1, StateType.RUNNING).status());
    assertEquals(OrchestrationStatus.ACCEPT, alone(h2, StateType.RUNNING).status());
    assertEquals(OrchestrationStatus.ACCEPT, alone(u, StateType.RUNNING).status());
    assertEquals(OrchestrationStatus.WAIT, alone(w1, StateType.RUNNING).status());
    assertEquals(2, limitColumn(limit, "active_slots"));
    long w3States = states(w3);

    List<OrchestrationResult> r = group(List.of(task(h1, StateType.COMPLETED), task(w1, StateType.RUNNING),
        task(u, StateType.COMPLETED), task(w3, StateType.RUNNING), task(h2, StateType.FAILED),
        task(w2, StateType.RUNNING), task(p, StateType.PENDING)));
    // w3 comes before w2 in the group: w1 and w3 take the slots, w2 waits
    assertEquals(OrchestrationStatus.ACCEPT, r.get(0).status(), r::toString);
    assertEquals(StateType.COMPLETED, r.get(0).state().type());
    assertEquals(OrchestrationStatus.ACCEPT, r.get(1).status(), r::toString);
    assertEquals(StateType.RUNNING, r.get(1).state().type());
    assertEquals(OrchestrationStatus.ACCEPT, r.get(2).status(), r::toString);
    assertEquals(OrchestrationStatus.ACCEPT, r.get(3).status(), r::toString);
    assertEquals(StateType.RUNNING, r.get(3).state().type());
    assertEquals(OrchestrationStatus.ACCEPT, r.get(4).status(), r::toString);
    assertEquals(StateType.FAILED, r.get(4).state().type());
    assertEquals(OrchestrationStatus.WAIT, r.get(5).status(), r::toString);
    assertFalse(r.get(5).stateWritten());
    assertEquals(OrchestrationStatus.ACCEPT, r.get(6).status(), r::toString);

    // two slots given back, two taken: still 2, held by w1 and w3 only
    assertEquals(2, limitColumn(limit, "active_slots"));
    assertEquals(0, leasesHeldBy(h1));
    assertEquals(0, leasesHeldBy(h2));
    assertEquals(1, leasesHeldBy(w1));
    assertEquals(1, leasesHeldBy(w3));
    assertEquals(0, leasesHeldBy(w2));
    // the waiter: nothing written
    assertEquals("PENDING", runStateType(w2));
    assertEquals(w3States + 1, states(w3));
    // one transaction wrote every state
    String xmin = stateXmin(u);
    for (UUID id : List.of(h1, h2, w1, w3, p)) {
      assertEquals(xmin, stateXmin(id));
    }

    // w2 gets a slot once one is given back; all slots back at the end
    group(List.of(task(w1, StateType.COMPLETED), task(w3, StateType.COMPLETED)));
    assertEquals(0, limitColumn(limit, "active_slots"));
    List<OrchestrationResult> again = group(List.of(task(w2, StateType.RUNNING), task(u, StateType.RUNNING)));
    assertEquals(OrchestrationStatus.ACCEPT, again.get(0).status(), again::toString);
    assertEquals(1, limitColumn(limit, "active_slots"));
    group(List.of(task(w2, StateType.COMPLETED), task(u, StateType.COMPLETED)));
    assertEquals(0, limitColumn(limit, "active_slots"));
    assertEquals(0, leasesHeldBy(w1) + leasesHeldBy(w2) + leasesHeldBy(w3));
  }

  /**
   * Many RUNNING proposals for one free slot in one group: exactly one takes it (decided under the
   * limit's lock), the others WAIT — also when the group releases a slot of another holder at the
   * same time.
   */
  @Test
  void aGroupNeverGrantsMoreThanTheLimit() {
    String tag = "gn-" + UUID.randomUUID();
    UUID limit = limit(tag, 2);
    UUID holder = taskRun(List.of(tag));
    alone(holder, StateType.PENDING);
    assertEquals(OrchestrationStatus.ACCEPT, alone(holder, StateType.RUNNING).status());
    List<SetStateCommand> cmds = new ArrayList<>();
    cmds.add(task(holder, StateType.COMPLETED));
    for (int i = 0; i < 8; i++) {
      UUID id = taskRun(List.of(tag));
      alone(id, StateType.PENDING);
      cmds.add(task(id, StateType.RUNNING));
    }
    List<OrchestrationResult> r = group(cmds);
    assertEquals(OrchestrationStatus.ACCEPT, r.get(0).status(), r::toString);
    assertEquals(2, r.stream().skip(1).filter(x -> x.status() == OrchestrationStatus.ACCEPT).count(), r::toString);
    assertEquals(6, r.stream().skip(1).filter(x -> x.status() == OrchestrationStatus.WAIT).count(), r::toString);
    assertEquals(2, limitColumn(limit, "active_slots"));
    long leases = await(pool.preparedQuery("SELECT count(*) FROM concurrency_lease WHERE $1 = ANY (resource_ids)")
        .execute(Tuple.of(limit))).iterator().next().getLong(0);
    assertEquals(2, leases);
  }

  /**
   * A holder whose run a legacy v1 row names is left to the single-run path (which locks that row);
   * its release is exact all the same.
   */
  @Test
  void aHolderNamedByALegacyRowIsOrchestratedAlone() {
    String tag = "gl-" + UUID.randomUUID();
    UUID limit = limit(tag, 1);
    UUID h = taskRun(List.of(tag));
    UUID u = taskRun(List.of());
    for (UUID id : List.of(h, u)) {
      alone(id, StateType.PENDING);
      assertEquals(OrchestrationStatus.ACCEPT, alone(id, StateType.RUNNING).status());
    }
    await(pool.preparedQuery("INSERT INTO concurrency_limit (tag, concurrency_limit, active_slots) VALUES ($1, 5, $2)")
        .execute(Tuple.of("legacy-" + tag, (Object) new UUID[] {h})));
    List<OrchestrationResult> r = group(List.of(task(h, StateType.COMPLETED), task(u, StateType.COMPLETED)));
    assertEquals(OrchestrationStatus.ACCEPT, r.get(0).status(), r::toString);
    assertEquals(OrchestrationStatus.ACCEPT, r.get(1).status(), r::toString);
    assertEquals(0, limitColumn(limit, "active_slots"));
    assertEquals(0, leasesHeldBy(h));
    assertNotEquals(stateXmin(u), stateXmin(h));
    long held = await(pool.preparedQuery("SELECT count(*) FROM concurrency_limit WHERE $1 = ANY (active_slots)")
        .execute(Tuple.of(h))).iterator().next().getLong(0);
    assertEquals(0, held, "the legacy slot was given back");
  }
}
