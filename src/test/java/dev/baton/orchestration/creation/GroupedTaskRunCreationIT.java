package dev.baton.orchestration.creation;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.baton.domain.StateDetails;
import dev.baton.domain.StateType;
import dev.baton.domain.TaskRun;
import dev.baton.domain.TaskRunPolicy;
import dev.baton.domain.command.FlowCreate;
import dev.baton.domain.command.FlowRunCreate;
import dev.baton.domain.command.StateCreate;
import dev.baton.domain.command.TaskRunCreate;
import dev.baton.domain.FlowRunPolicy;
import dev.baton.observability.OrchestrationMetrics;
import dev.baton.orchestration.creation.RunCreation.Created;
import dev.baton.orchestration.engine.OrchestrationSettings;
import dev.baton.persistence.FlowRepository;
import dev.baton.persistence.FlowRunRepository;
import dev.baton.persistence.SqlErrors;
import dev.baton.persistence.TaskRunIdConflictException;
import dev.baton.persistence.TaskRunRepository;
import dev.baton.testsupport.DbTestBase;
import dev.baton.testsupport.Triggers;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import io.vertx.core.Future;
import io.vertx.sqlclient.SqlConnection;
import io.vertx.sqlclient.Tuple;
import java.time.Clock;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import dev.baton.orchestration.Orchestration;
import dev.baton.orchestration.run.RunOrchestrator;

/**
 * Grouped task-run creation ({@link GroupedTaskRunCreation}) against PostgreSQL: every creation of
 * a group is answered and written exactly as the lone path ({@link RunCreation#createTaskRun})
 * answers and writes it, whatever its neighbours do.
 */
class GroupedTaskRunCreationIT extends DbTestBase {
  private RunOrchestrator runs;
  private RunCreation lone;
  private GroupedTaskRunCreation grouped;
  private UUID flowRun;

  @BeforeEach
  void setUp() {
    runs = new Orchestration(pool, OrchestrationSettings.DEFAULTS,
        new OrchestrationMetrics(new SimpleMeterRegistry()), Clock.systemUTC()).runs();
    lone = new RunCreation(pool, runs);
    grouped = new GroupedTaskRunCreation(pool, runs, lone);
    UUID flow = await(FlowRepository.insertOrGet(pool, new FlowCreate("f-" + UUID.randomUUID(), List.of(), obj()))).value().id();
    flowRun = await(FlowRunRepository.insert(pool, new FlowRunCreate(flow, "run", null, null, obj(), obj(), null, null,
        FlowRunPolicy.DEFAULT, List.of(), obj(), null, null, null, null, null), "run", obj().put("from", "flow-run"), null)).value();
  }

  private static ObjectNode obj() {
    return JsonNodeFactory.instance.objectNode();
  }

  private TaskRunCreate create(String key, StateCreate state) {
    return create(null, flowRun, key, state, List.of());
  }

  private static TaskRunCreate create(UUID id, UUID flowRun, String key, StateCreate state, List<String> tags) {
    return new TaskRunCreate(id, state, "task-" + key, flowRun, key, "0", "ck-" + key, null, "v1",
        new TaskRunPolicy(1, 0.0, 2, null, List.of(1.0), null), tags, obj().put("own", key),
        obj().set("x", JsonNodeFactory.instance.arrayNode().add(obj().put("input_type", "parameter").put("name", "x"))));
  }

  /** Waits until every answer is in, failed or not. */
  private static void settle(List<Future<Created<TaskRun>>> answers) {
    await(Future.join(answers).transform(done -> Future.succeededFuture()));
  }

  private List<Future<Created<TaskRun>>> group(List<TaskRunCreate> creates) {
    List<Future<Created<TaskRun>>> answers = grouped.create(creates);
    settle(answers);
    return answers;
  }

  /** What a creation wrote, with ids and times reduced to whether they are set. */
  private static String written(UUID taskRun) {
    var run = await(pool.preparedQuery("""
        SELECT dynamic_key, task_version, empirical_policy, tags, labels - 'own' AS labels,
               task_inputs, state_type, state_name, run_count, flow_run_run_count, start_time IS NOT NULL AS started,
               end_time IS NOT NULL AS ended, total_run_time_us, expected_start_time IS NOT NULL AS expected,
               next_scheduled_start_time IS NOT NULL AS next, state_id IS NOT NULL AS has_state
          FROM task_run WHERE id = $1""").execute(Tuple.of(taskRun))).iterator().next().toJson().encode();
    StringBuilder states = new StringBuilder(run);
    await(pool.preparedQuery("""
        SELECT type, name, message, state_details - 'scheduled_time' - 'task_run_id' AS details, data
          FROM task_run_state WHERE task_run_id = $1 ORDER BY timestamp, id""").execute(Tuple.of(taskRun)))
        .forEach(r -> states.append('\n').append(r.toJson().encode()));
    return states.toString();
  }

  private static long transactionsThatWrote(List<UUID> taskRuns) {
    return await(pool.preparedQuery("""
        SELECT count(DISTINCT x) FROM (
          SELECT xmin::text AS x FROM task_run WHERE id = ANY ($1)
          UNION ALL SELECT xmin::text FROM task_run_state WHERE task_run_id = ANY ($1)) t""")
        .execute(Tuple.of(taskRuns.toArray(UUID[]::new)))).iterator().next().getLong(0);
  }

  @Test
  void aGroupWritesAndAnswersExactlyWhatLoneCreationsDo() {
    StateCreate scheduled = new StateCreate(StateType.SCHEDULED, null, "m", null,
        StateDetails.builder().scheduledTime(Instant.now().plusSeconds(60).truncatedTo(ChronoUnit.MICROS)).build());
    StateCreate deferred = new StateCreate(StateType.SCHEDULED, null, null, null,
        StateDetails.builder().deferred(true).build());
    StateCreate running = new StateCreate(StateType.RUNNING, "Running", null, null, StateDetails.EMPTY);
    List<StateCreate> states = List.of(StateCreate.of(StateType.PENDING), scheduled, deferred, running);
    List<TaskRunCreate> alone = new ArrayList<>();
    List<TaskRunCreate> together = new ArrayList<>();
    for (int i = 0; i < states.size(); i++) {
      alone.add(create("alone-" + i, states.get(i)));
      together.add(create("group-" + i, states.get(i)));
    }
    // one with no state at all (Pending)
    alone.add(create("alone-n", null));
    together.add(create("group-n", null));

    List<Created<TaskRun>> a = new ArrayList<>();
    for (TaskRunCreate c : alone) {
      a.add(await(lone.createTaskRun(c)));
    }
    List<Future<Created<TaskRun>>> g = group(together);
    for (int i = 0; i < alone.size(); i++) {
      Created<TaskRun> ga = await(g.get(i));
      assertTrue(ga.created());
      assertTrue(a.get(i).created());
      TaskRun run = ga.run();
      // the answer is the run as stored
      assertEquals(await(TaskRunRepository.get(pool, run.id())), run);
      assertEquals(written(a.get(i).run().id()), written(run.id()), "creation " + i);
      assertEquals(a.get(i).run().state().type(), run.state().type());
      assertEquals(a.get(i).run().state().name(), run.state().name());
      assertEquals(a.get(i).run().labels().deepCopy().without("own"), run.labels().deepCopy().without("own"));
    }
    assertEquals("flow-run", await(g.get(0)).run().labels().get("from").asText());
    assertEquals(StateType.SCHEDULED, await(g.get(2)).run().state().type());
    assertTrue(await(g.get(2)).run().state().details().isDeferred());
    // one transaction wrote them all
    assertEquals(1, transactionsThatWrote(g.stream().map(f -> f.result().run().id()).toList()));
  }

  @Test
  void anExistingNaturalKeyOrIdIsFoundAndAnsweredLikeAlone() {
    Created<TaskRun> existing = await(lone.createTaskRun(create("existing", null)));
    UUID clientId = UUID.randomUUID();
    Created<TaskRun> byId = await(lone.createTaskRun(create(clientId, flowRun, "by-id", null, List.of())));
    List<Future<Created<TaskRun>>> g = group(List.of(create("new-1", null), create("existing", null),
        create(clientId, flowRun, "by-id", null, List.of()), create("new-2", null)));
    assertTrue(await(g.get(0)).created());
    assertFalse(await(g.get(1)).created());
    assertEquals(existing.run(), await(g.get(1)).run());
    assertFalse(await(g.get(2)).created());
    assertEquals(byId.run(), await(g.get(2)).run());
    assertTrue(await(g.get(3)).created());
    assertEquals(1, count("task_run WHERE task_key = 'existing'"));
    assertEquals(1, count("task_run_state s JOIN task_run r ON r.id = s.task_run_id WHERE r.task_key = 'by-id'"));
  }

  @Test
  void onlyTheBadCreationsOfAGroupFail() {
    UUID taken = await(lone.createTaskRun(create("taken", null))).run().id();
    // an id that belongs to another natural key, and an unknown flow run: both refused by PostgreSQL
    List<Future<Created<TaskRun>>> g = group(List.of(create("ok-1", null),
        create(taken, flowRun, "other-key", null, List.of()), create(null, UUID.randomUUID(), "no-flow-run", null, List.of()),
        create("ok-2", null)));
    assertTrue(await(g.get(0)).created());
    assertInstanceOf(TaskRunIdConflictException.class, g.get(1).cause());
    assertTrue(SqlErrors.isForeignKeyViolation(g.get(2).cause()), String.valueOf(g.get(2).cause()));
    assertTrue(await(g.get(3)).created());
    assertEquals(0, count("task_run WHERE task_key IN ('other-key', 'no-flow-run')"));
    assertEquals(1, count("task_run_state s JOIN task_run r ON r.id = s.task_run_id WHERE r.task_key = 'ok-2'"));
  }

  @Test
  void whenPostgresRefusesOneInsertTheOthersAreStillCreated() {
    // a server-side refusal of one row only: any task run named task-boom
    try (Triggers refusing = Triggers.refuse(pool, "refuse_boom_run", "task_run", "NEW.name = 'task-boom'")) {
      List<Future<Created<TaskRun>>> g = group(List.of(create("a", null), create("boom", null), create("c", null)));
      assertTrue(await(g.get(0)).created());
      assertTrue(g.get(1).failed());
      assertNotNull(SqlErrors.pgException(g.get(1).cause()));
      assertTrue(await(g.get(2)).created());
      assertEquals(StateType.PENDING, await(g.get(2)).run().state().type());
      assertEquals(2, count("task_run"));
      assertEquals(2, count("task_run_state"));
    }
  }

  @Test
  void taggedCreationsAreDecidedByTheGroupAndTakeNoSlot() {
    // a v2 limit on one tag and a legacy row on the other: no creation policy takes a slot from either
    String tag = "t-" + UUID.randomUUID();
    String legacyTag = "l-" + UUID.randomUUID();
    UUID limit = await(pool.preparedQuery("INSERT INTO concurrency_limit_v2 (name, \"limit\") VALUES ($1, 1) RETURNING id")
        .execute(Tuple.of("tag:" + tag))).iterator().next().getUUID(0);
    await(pool.preparedQuery("INSERT INTO concurrency_limit (tag, concurrency_limit) VALUES ($1, 1)").execute(Tuple.of(legacyTag)));
    List<String> tags = List.of(tag, legacyTag);
    StateCreate running = new StateCreate(StateType.RUNNING, null, null, null, StateDetails.EMPTY);
    StateCreate deferred = new StateCreate(StateType.SCHEDULED, null, null, null,
        StateDetails.builder().deferred(true).build());
    List<StateCreate> states = List.of(StateCreate.of(StateType.PENDING), running, running, deferred);
    List<TaskRunCreate> together = new ArrayList<>();
    List<Created<TaskRun>> alone = new ArrayList<>();
    List<Future<Created<TaskRun>>> g;
    // another transaction holds both limit rows meanwhile: the creations neither read nor wait for them
    SqlConnection holder = await(pool.getConnection());
    try {
      await(holder.query("BEGIN").execute());
      await(holder.preparedQuery("SELECT 1 FROM concurrency_limit_v2 WHERE id = $1 FOR UPDATE").execute(Tuple.of(limit)));
      await(holder.preparedQuery("SELECT 1 FROM concurrency_limit WHERE tag = $1 FOR UPDATE").execute(Tuple.of(legacyTag)));
      for (int i = 0; i < states.size(); i++) {
        together.add(create(null, flowRun, "group-" + i, states.get(i), tags));
        alone.add(await(lone.createTaskRun(create(null, flowRun, "alone-" + i, states.get(i), tags))));
      }
      g = group(together);
    } finally {
      await(holder.query("ROLLBACK").execute());
      await(holder.close());
    }
    for (int i = 0; i < states.size(); i++) {
      assertTrue(await(g.get(i)).created());
      assertEquals(written(alone.get(i).run().id()), written(await(g.get(i)).run().id()), "creation " + i);
    }
    // decided by the group (one transaction wrote them all), not made alone after it
    assertEquals(1, transactionsThatWrote(g.stream().map(f -> f.result().run().id()).toList()));
    assertEquals(0, count("concurrency_lease"));
    assertEquals(1, count("concurrency_limit_v2 WHERE id = '" + limit + "' AND active_slots = 0 AND denied_slots = 0"));
    assertEquals(1, count("concurrency_limit WHERE tag = '" + legacyTag + "' AND active_slots = '{}'"));
  }

  @Test
  void aRunThatHoldsASlotIsOrchestratedInTheGroupLikeAlone() {
    // leases left naming the ids two creations ask for (their holders went without giving them
    // back): a new run's initial state gives its slots back, in a group as alone
    String tag = "t-" + UUID.randomUUID();
    UUID limit = await(pool.preparedQuery(
        "INSERT INTO concurrency_limit_v2 (name, \"limit\", active_slots) VALUES ($1, 2, 2) RETURNING id")
        .execute(Tuple.of("tag:" + tag))).iterator().next().getUUID(0);
    UUID inGroup = UUID.randomUUID();
    UUID byItself = UUID.randomUUID();
    for (UUID holder : List.of(inGroup, byItself)) {
      await(pool.preparedQuery("""
          INSERT INTO concurrency_lease (id, expires_at, resource_ids, slots, holder_type, holder_id)
          VALUES (gen_random_uuid(), 'infinity', ARRAY[$1]::uuid[], 1, 'task_run', $2)""").execute(Tuple.of(limit, holder)));
    }
    List<Future<Created<TaskRun>>> g = group(List.of(create("plain", null),
        create(inGroup, flowRun, "held", StateCreate.of(StateType.PENDING), List.of(tag))));
    Created<TaskRun> alone = await(lone.createTaskRun(create(byItself, flowRun, "held-alone",
        StateCreate.of(StateType.PENDING), List.of(tag))));
    assertTrue(await(g.get(0)).created());
    assertEquals(inGroup, await(g.get(1)).run().id());
    assertEquals(written(alone.run().id()), written(inGroup));
    assertEquals(1, transactionsThatWrote(List.of(await(g.get(0)).run().id(), inGroup)));
    assertEquals(0, count("concurrency_lease"));
    assertEquals(1, count("concurrency_limit_v2 WHERE id = '" + limit + "' AND active_slots = 0"));
  }

  private static long count(String from) {
    return await(pool.query("SELECT count(*) FROM " + from).execute()).iterator().next().getLong(0);
  }
}
