package dev.baton.persistence;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.baton.domain.OrchestrationStatus;
import dev.baton.domain.State;
import dev.baton.domain.StateDetails;
import dev.baton.domain.StateType;
import dev.baton.domain.TaskRunPolicy;
import dev.baton.domain.command.StateCreate;
import dev.baton.domain.command.TaskRunCreate;
import dev.baton.observability.OrchestrationMetrics;
import dev.baton.orchestration.Orchestration;
import dev.baton.orchestration.group.GroupSetState;
import dev.baton.orchestration.api.OrchestrationException;
import dev.baton.orchestration.api.OrchestrationFailure;
import dev.baton.orchestration.api.OrchestrationResult;
import dev.baton.orchestration.api.SetStateCommand;
import dev.baton.orchestration.engine.OrchestrationSettings;
import dev.baton.testsupport.DbTestBase;
import dev.baton.testsupport.Poll;
import dev.baton.testsupport.Triggers;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import io.vertx.core.Future;
import io.vertx.sqlclient.Tuple;
import java.time.Clock;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Random;
import java.util.UUID;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * Group commit ({@link GroupSetState#setStates}) against PostgreSQL: every proposal of a
 * group gets the answer it would get alone, whatever its neighbours do.
 */
class GroupCommitIT extends DbTestBase {
  private GroupSetState service;
  private UUID flowRun;

  @BeforeEach
  void setUp() {
    service = new Orchestration(pool, OrchestrationSettings.DEFAULTS,
        new OrchestrationMetrics(new SimpleMeterRegistry()), Clock.systemUTC()).proposals();
    flowRun = Fixtures.flowRun(pool, Fixtures.flow(pool, "f-" + UUID.randomUUID()).id());
    assertEquals(OrchestrationStatus.ACCEPT, await(service.setState(flow(flowRun, StateType.RUNNING))).status());
  }

  private UUID untaggedTaskRun() {
    TaskRunCreate c = new TaskRunCreate(null, null, "task", flowRun, "k-" + UUID.randomUUID(), "0", null, null, null,
        new TaskRunPolicy(0, 0.0, 0, null, null, null), List.of(), Fixtures.obj(), Fixtures.obj());
    return await(Fixtures.insertTaskRun(pool, c, "task", Fixtures.obj())).value();
  }

  private UUID taggedTaskRun(String tag) {
    TaskRunCreate c = new TaskRunCreate(null, null, "task", flowRun, "k-" + UUID.randomUUID(), "0", null, null, null,
        new TaskRunPolicy(0, 0.0, 0, null, null, null), List.of(tag), Fixtures.obj(), Fixtures.obj());
    UUID id = await(Fixtures.insertTaskRun(pool, c, "task", Fixtures.obj())).value();
    assertEquals(OrchestrationStatus.ACCEPT, await(service.setState(task(id, StateType.PENDING))).status());
    return id;
  }

  private static int limitColumn(UUID limit, String column) {
    return await(pool.preparedQuery("SELECT " + column + " FROM concurrency_limit_v2 WHERE id = $1")
        .execute(Tuple.of(limit))).iterator().next().getInteger(0);
  }

  /**
   * Tagged runs' RUNNING proposals in a group: the ones that would WAIT are answered from an
   * unlocked read (nothing written for them but their denied slots, recorded in a batch); a
   * proposal that finds a free slot is orchestrated under the locks, so one slot is taken once.
   */
  @Test
  void taggedProposalsOfAGroupWaitOrTakeTheOneSlotOnce() throws Exception {
    String tag = "g-" + UUID.randomUUID();
    UUID limit = await(pool.preparedQuery("INSERT INTO concurrency_limit_v2 (name, \"limit\", avg_slot_occupancy_seconds) VALUES ($1, 1, 10) RETURNING id")
        .execute(Tuple.of("tag:" + tag))).iterator().next().getUUID(0);
    List<UUID> runs = new ArrayList<>();
    List<SetStateCommand> cmds = new ArrayList<>();
    for (int i = 0; i < 4; i++) {
      UUID id = taggedTaskRun(tag);
      runs.add(id);
      cmds.add(task(id, StateType.RUNNING));
    }
    List<OrchestrationResult> first = group(cmds);
    assertEquals(1, first.stream().filter(r -> r.status() == OrchestrationStatus.ACCEPT).count(), first::toString);
    assertEquals(3, first.stream().filter(r -> r.status() == OrchestrationStatus.WAIT).count(), first::toString);
    assertEquals(1, limitColumn(limit, "active_slots"));

    // the slot is held: every proposal of the next group waits, and nothing is written for them
    List<SetStateCommand> waiting = new ArrayList<>();
    for (int i = 0; i < 4; i++) {
      if (first.get(i).status() == OrchestrationStatus.WAIT) {
        waiting.add(cmds.get(i));
      }
    }
    List<OrchestrationResult> second = group(waiting);
    for (int i = 0; i < waiting.size(); i++) {
      assertEquals(OrchestrationStatus.WAIT, second.get(i).status(), second::toString);
      assertFalse(second.get(i).stateWritten());
      assertEquals(StateType.PENDING, second.get(i).state().type());
      assertEquals("PENDING", runStateType(waiting.get(i).runId()));
      assertEquals(1, history(waiting.get(i).runId()).size());
    }
    assertEquals(1, limitColumn(limit, "active_slots"));
    // six denials in all, written in batches shortly after the answers
    Poll.until(10_000, 50, () -> limitColumn(limit, "denied_slots") >= 6);
    assertEquals(6, limitColumn(limit, "denied_slots"));
  }

  private static SetStateCommand task(UUID id, StateType type) {
    return SetStateCommand.task(id, StateCreate.of(type), false);
  }

  private static SetStateCommand task(UUID id, StateType type, String name, StateDetails details) {
    return SetStateCommand.task(id, new StateCreate(type, name, null, null, details), false);
  }

  private static SetStateCommand flow(UUID id, StateType type) {
    return SetStateCommand.flow(id, StateCreate.of(type), false, null, null);
  }

  /** Waits until every answer is in, failed or not. */
  private static void settle(List<Future<OrchestrationResult>> answers) {
    await(Future.join(answers).transform(done -> Future.succeededFuture()));
  }

  private List<OrchestrationResult> group(List<SetStateCommand> cmds) {
    List<Future<OrchestrationResult>> answers = service.setStates(cmds);
    settle(answers);
    List<OrchestrationResult> results = new ArrayList<>();
    answers.forEach(f -> results.add(f.succeeded() ? f.result() : null));
    return results;
  }

  private static List<State> history(UUID taskRun) {
    return await(StateRepository.taskRunStates(pool, taskRun));
  }

  private static String runStateType(UUID taskRun) {
    return await(pool.preparedQuery("SELECT state_type FROM task_run WHERE id = $1").execute(Tuple.of(taskRun)))
        .iterator().next().getString(0);
  }

  @Test
  void everyProposalOfAGroupIsDecidedAndWrittenOnItsOwn() {
    UUID a = untaggedTaskRun();
    UUID b = untaggedTaskRun();
    UUID c = untaggedTaskRun();
    UUID otherFlow = Fixtures.flowRun(pool, Fixtures.flow(pool, "g-" + UUID.randomUUID()).id());
    await(service.setState(task(c, StateType.RUNNING)));
    await(service.setState(SetStateCommand.task(c, new StateCreate(StateType.COMPLETED, null, null,
        Fixtures.obj().put("storage_key", "s3://r"), StateDetails.EMPTY), false)));

    UUID thirdFlow = Fixtures.flowRun(pool, Fixtures.flow(pool, "h-" + UUID.randomUUID()).id());
    List<OrchestrationResult> r = group(List.of(task(a, StateType.PENDING), task(b, StateType.RUNNING),
        task(c, StateType.RUNNING), flow(otherFlow, StateType.PENDING), flow(thirdFlow, StateType.PENDING)));

    assertEquals(OrchestrationStatus.ACCEPT, r.get(0).status());
    assertTrue(r.get(0).stateWritten());
    assertEquals(OrchestrationStatus.ACCEPT, r.get(1).status());
    // c is COMPLETED with a persisted result: rejected, and nothing is written for it
    assertEquals(OrchestrationStatus.REJECT, r.get(2).status());
    assertFalse(r.get(2).stateWritten());
    assertEquals(StateType.COMPLETED, r.get(2).state().type());
    assertEquals(OrchestrationStatus.ACCEPT, r.get(3).status());

    assertEquals(List.of(r.get(0).state().id()), history(a).stream().map(State::id).toList());
    assertEquals("PENDING", runStateType(a));
    assertEquals("RUNNING", runStateType(b));
    assertEquals(2, history(c).size());
    assertEquals("COMPLETED", runStateType(c));
    assertEquals(OrchestrationStatus.ACCEPT, r.get(4).status());
    for (UUID f : List.of(otherFlow, thirdFlow)) {
      assertEquals(1, await(StateRepository.flowRunStates(pool, f)).size());
      var fr = await(pool.preparedQuery("SELECT state_type, state_id, empirical_policy::text AS p FROM flow_run WHERE id = $1")
          .execute(Tuple.of(f))).iterator().next();
      assertEquals("PENDING", fr.getString("state_type"));
      assertEquals(await(StateRepository.flowRunStates(pool, f)).get(0).id(), fr.getUUID("state_id"));
      assertTrue(fr.getString("p").startsWith("{"), fr.getString("p"));
    }
    // one transaction wrote them all (same xmin): the group really was committed together
    assertEquals(1, await(pool.preparedQuery("""
        SELECT count(DISTINCT x) FROM (
          SELECT xmin::text AS x FROM task_run_state WHERE task_run_id = ANY ($1)
          UNION ALL SELECT xmin::text FROM flow_run_state WHERE flow_run_id = $2) t""")
        .execute(Tuple.of(new UUID[] {a, b}, otherFlow))).iterator().next().getLong(0));
    assertEquals(1, await(pool.preparedQuery("""
        SELECT count(DISTINCT x) FROM (
          SELECT xmin::text AS x FROM task_run_state WHERE task_run_id = $1
          UNION ALL SELECT xmin::text FROM flow_run_state WHERE flow_run_id = $2) t""")
        .execute(Tuple.of(a, thirdFlow))).iterator().next().getLong(0));
    // run_count and start_time bookkeeping ran for the RUNNING proposal
    var row = await(pool.preparedQuery("SELECT run_count, start_time FROM task_run WHERE id = $1").execute(Tuple.of(b)))
        .iterator().next();
    assertEquals(1, row.getInteger("run_count"));
    assertTrue(row.getValue("start_time") != null);
  }

  /** The columns a transition writes, with times reduced to whether they are set. */
  private static String written(UUID taskRun) {
    var run = await(pool.preparedQuery("""
        SELECT state_type, state_name, run_count, flow_run_run_count, start_time IS NOT NULL AS started,
               end_time IS NOT NULL AS ended, total_run_time_us > 0 AS ran, expected_start_time IS NOT NULL AS expected,
               next_scheduled_start_time IS NOT NULL AS next, state_id IS NOT NULL AS has_state
          FROM task_run WHERE id = $1""").execute(Tuple.of(taskRun))).iterator().next().toJson().encode();
    StringBuilder states = new StringBuilder(run);
    await(pool.preparedQuery("""
        SELECT type, name, message, state_details - 'scheduled_time' - 'task_run_id' AS details, data
          FROM task_run_state WHERE task_run_id = $1 ORDER BY timestamp, id""").execute(Tuple.of(taskRun)))
        .forEach(r -> states.append('\n').append(r.toJson().encode()));
    return states.toString();
  }

  @Test
  void aGroupWritesExactlyWhatTheProposalsWouldWriteAlone() {
    List<UUID> alone = List.of(untaggedTaskRun(), untaggedTaskRun(), untaggedTaskRun());
    List<UUID> grouped = List.of(untaggedTaskRun(), untaggedTaskRun(), untaggedTaskRun());
    List<java.util.function.Function<UUID, SetStateCommand>> steps = List.of(
        id -> task(id, StateType.PENDING),
        id -> SetStateCommand.task(id, new StateCreate(StateType.RUNNING, "Running", "go", null, StateDetails.EMPTY), false),
        id -> SetStateCommand.task(id, new StateCreate(StateType.COMPLETED, null, "done",
            Fixtures.obj().put("storage_key", "s3://" + "x"), StateDetails.EMPTY), false));
    for (var step : steps) {
      for (UUID id : alone) {
        assertEquals(OrchestrationStatus.ACCEPT, await(service.setState(step.apply(id))).status());
      }
      List<OrchestrationResult> r = group(grouped.stream().map(step).toList());
      r.forEach(x -> assertEquals(OrchestrationStatus.ACCEPT, x.status()));
    }
    for (int i = 0; i < 3; i++) {
      assertEquals(written(alone.get(i)), written(grouped.get(i)));
    }
    assertTrue(written(grouped.get(0)).contains("\"state_type\":\"COMPLETED\""), written(grouped.get(0)));
    assertTrue(written(grouped.get(0)).contains("s3://x"));
  }

  @Test
  void aMissingRunFailsAloneAndItsNeighboursGoOn() {
    UUID a = untaggedTaskRun();
    UUID missing = UUID.randomUUID();
    List<Future<OrchestrationResult>> answers = service.setStates(List.of(task(missing, StateType.PENDING),
        task(a, StateType.PENDING), flow(UUID.randomUUID(), StateType.PENDING)));
    OrchestrationException e = (OrchestrationException) failure(answers.get(0));
    assertEquals(OrchestrationFailure.NOT_FOUND, e.failure());
    assertEquals("Task run with id " + missing + " not found", e.getMessage());
    assertEquals(OrchestrationStatus.ACCEPT, await(answers.get(1)).status());
    assertEquals(OrchestrationFailure.NOT_FOUND, ((OrchestrationException) failure(answers.get(2))).failure());
    assertEquals(1, history(a).size());
  }

  @Test
  void whenPostgresRejectsOneWriteTheOthersAreStillWrittenAndOnlyThatOneFails() {
    UUID a = untaggedTaskRun();
    UUID boom = untaggedTaskRun();
    UUID c = untaggedTaskRun();
    // a server-side failure for one proposal only: any state named Boom is refused
    try (Triggers refusing = Triggers.refuse(pool, "refuse_boom", "task_run_state", "NEW.name = 'Boom'")) {
      List<Future<OrchestrationResult>> answers = service.setStates(List.of(task(a, StateType.PENDING),
          task(boom, StateType.PENDING, "Boom", StateDetails.EMPTY), task(c, StateType.PENDING)));
      settle(answers);
      assertEquals(OrchestrationStatus.ACCEPT, answers.get(0).result().status());
      assertEquals(OrchestrationFailure.INTERNAL, ((OrchestrationException) answers.get(1).cause()).failure());
      assertEquals(OrchestrationStatus.ACCEPT, answers.get(2).result().status());
      assertEquals(1, history(a).size());
      assertEquals(0, history(boom).size());
      assertNull(runStateType(boom));
      assertEquals(1, history(c).size());
    }
  }

  @Test
  void aRunThatMayTakeASlotIsOrchestratedAloneWithItsLimits() {
    UUID tagged = Fixtures.taskRun(pool, flowRun, "tagged"); // tag "tag"
    UUID free = untaggedTaskRun();
    await(pool.query("INSERT INTO concurrency_limit (id, tag, concurrency_limit, active_slots) "
        + "VALUES (gen_random_uuid(), 'tag', 0, '{}')").execute());
    List<OrchestrationResult> r = group(List.of(task(tagged, StateType.PENDING), task(free, StateType.PENDING)));
    assertEquals(OrchestrationStatus.ACCEPT, r.get(0).status());
    assertEquals(OrchestrationStatus.ACCEPT, r.get(1).status());
    r = group(List.of(task(tagged, StateType.RUNNING), task(free, StateType.RUNNING)));
    // a zero limit on the tag aborts the tagged run's RUNNING; the free one runs
    assertEquals(OrchestrationStatus.ABORT, r.get(0).status());
    assertEquals(OrchestrationStatus.ACCEPT, r.get(1).status());
    assertEquals("PENDING", runStateType(tagged));
    assertEquals("RUNNING", runStateType(free));
  }

  @Test
  void cacheEntriesAreWrittenAndReadInsideGroups() {
    UUID a = untaggedTaskRun();
    UUID b = untaggedTaskRun();
    UUID other = untaggedTaskRun();
    String key = "key-" + UUID.randomUUID();
    group(List.of(task(a, StateType.RUNNING), task(other, StateType.PENDING)));
    StateDetails cached = StateDetails.builder().cacheKey(key).cacheExpiration(Instant.now().plusSeconds(3600)).build();
    List<OrchestrationResult> r = group(List.of(task(a, StateType.COMPLETED, null, cached), task(other, StateType.RUNNING)));
    assertEquals(OrchestrationStatus.ACCEPT, r.get(0).status());
    r = group(List.of(task(b, StateType.RUNNING, null, StateDetails.builder().cacheKey(key).build()),
        task(other, StateType.COMPLETED)));
    assertEquals(OrchestrationStatus.REJECT, r.get(0).status());
    assertEquals("Retrieved state from cache", r.get(0).details().reason());
    assertEquals(StateType.COMPLETED, r.get(0).state().type());
    assertEquals("Cached", r.get(0).state().name());
    assertEquals(OrchestrationStatus.ACCEPT, r.get(1).status());
    assertEquals("COMPLETED", runStateType(b));
  }

  @Test
  void concurrentGroupsSharingRunsNeitherDeadlockNorLoseAWrite() {
    int runs = 12;
    List<UUID> ids = new ArrayList<>();
    for (int i = 0; i < runs; i++) {
      ids.add(untaggedTaskRun());
    }
    // 30 groups at once, each a random half of the runs in a random order, each forcing a state
    // (forced proposals are accepted and written, so every proposal adds a row)
    Random random = new Random(7);
    List<Future<OrchestrationResult>> all = new ArrayList<>();
    int[] proposed = new int[runs];
    for (int g = 0; g < 30; g++) {
      List<UUID> shuffled = new ArrayList<>(ids);
      Collections.shuffle(shuffled, random);
      List<SetStateCommand> cmds = new ArrayList<>();
      for (UUID id : shuffled.subList(0, runs / 2)) {
        StateType type = g % 2 == 0 ? StateType.RUNNING : StateType.PENDING;
        cmds.add(SetStateCommand.task(id, StateCreate.of(type), true));
        proposed[ids.indexOf(id)]++;
      }
      all.addAll(service.setStates(cmds));
    }
    settle(all);
    long accepted = all.stream().filter(f -> f.succeeded() && f.result().stateWritten()).count();
    assertEquals(all.size(), all.stream().filter(Future::succeeded).count(), "no proposal failed");
    long written = 0;
    for (int i = 0; i < runs; i++) {
      List<State> h = history(ids.get(i));
      written += h.size();
      // the run row points at the newest state of its history
      UUID current = await(pool.preparedQuery("SELECT state_id FROM task_run WHERE id = $1")
          .execute(Tuple.of(ids.get(i)))).iterator().next().getUUID(0);
      assertEquals(h.get(h.size() - 1).id(), current);
    }
    assertEquals(accepted, written, "every accepted write is in the history, no more");
    for (int i = 0; i < runs; i++) {
      assertEquals(proposed[i], history(ids.get(i)).size(), "every forced proposal was written");
    }
  }
}
