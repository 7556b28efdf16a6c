package dev.baton.it;

import static dev.baton.it.ApiClient.obj;
import static dev.baton.testsupport.Await.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.baton.config.BatonConfig;
import dev.baton.orchestration.scheduled.SchedulerVerticle;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import io.vertx.core.Future;
import java.time.Clock;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/**
 * The scheduler against PostgreSQL (dispatch.md §1.3, §4), with the facts of Prefect's
 * {@code tests/server/services/test_scheduler.py} and {@code test_deployments.py::TestScheduledRuns};
 * two instances scheduling the same deployments at once never create a run twice; a pass whose
 * connection is killed leaves whole deployments or nothing.
 */
class SchedulerIT {
  @ClassServer(emptyDatabase = true) static TestServer server;
  @ClassServer static TestServer other;

  static final BatonConfig.Scheduler DEFAULTS = BatonConfig.Scheduler.DEFAULTS;

  static SchedulerVerticle scheduler(TestServer s, BatonConfig.Scheduler c) {
    return new SchedulerVerticle(s.vertx(), s.pool(), c, Clock.systemUTC(), new SimpleMeterRegistry());
  }

  static BatonConfig.Scheduler withInsertBatch(int n) {
    BatonConfig.Scheduler d = DEFAULTS;
    return new BatonConfig.Scheduler(d.loopMillis(), d.recentLoopMillis(), d.deploymentBatchSize(), d.minRuns(), d.maxRuns(),
        d.minScheduledTimeMillis(), d.maxScheduledTimeMillis(), n, d.maxLateRuns(), d.statusIntervalMillis(),
        d.notReadyAfterMillis());
  }

  static ObjectNode schedule(ObjectNode s, boolean active, Object... extra) {
    ObjectNode o = obj("schedule", s, "active", active);
    o.setAll(obj(extra));
    return o;
  }

  static UUID deployment(Object... schedules) {
    return server.api().post("/api/deployments/", obj("name", "d-" + UUID.randomUUID(), "flow_id",
        server.api().createFlow().toString(), "schedules", List.of(schedules))).expect(201).id();
  }

  static long runs(UUID dep) throws Exception {
    return ((Number) await(server.pool().query("SELECT count(*) FROM flow_run WHERE deployment_id = '" + dep + "'")
        .execute()).iterator().next().getValue(0)).longValue();
  }

  static long q(String sql) {
    return ((Number) await(server.pool().query(sql).execute()).iterator().next().getValue(0)).longValue();
  }

  @ParameterizedTest
  @CsvSource({"60, 61", "3600, 3", "300, 13", "5184000, 2"})
  void theWaterfallGivesPrefectsCounts(long intervalSeconds, int expected) throws Exception {
    String anchor = Instant.now().plusSeconds(1).toString();
    UUID dep = deployment(schedule(obj("interval", intervalSeconds, "anchor_date", anchor), true));
    await(scheduler(server, DEFAULTS).schedule(List.of(dep)));
    assertEquals(expected, runs(dep));
  }

  @Test
  void activeSchedulesOnlyPausedNeverAndIdempotent() throws Exception {
    SchedulerVerticle s = scheduler(server, DEFAULTS);
    UUID active = deployment(schedule(obj("interval", 3600), true), schedule(obj("interval", 7200), true),
        schedule(obj("interval", 14400), false));
    UUID inactive = deployment(schedule(obj("interval", 3600), false));
    UUID none = deployment();
    UUID paused = deployment(schedule(obj("interval", 3600), true));
    server.api().patch("/api/deployments/" + paused, obj("paused", true)).expect(204);
    await(s.mainPass());
    await(s.mainPass());
    assertEquals(6, runs(active), "min runs per active schedule");
    assertEquals(0, runs(inactive));
    assertEquals(0, runs(none));
    assertEquals(0, runs(paused));
    // a run cancelled is not replaced: the pass finds 2 future runs of its schedule and tops up with the same keys
    UUID first = UUID.fromString(String.valueOf(await(server.pool().query("SELECT id FROM flow_run WHERE deployment_id = '"
        + active + "' ORDER BY next_scheduled_start_time LIMIT 1").execute()).iterator().next().getValue(0)));
    server.api().setFlowState(first, ApiClient.state("CANCELLED"), true).expect(201);
    await(s.mainPass());
    assertEquals(6, runs(active));
    assertEquals(1, q("SELECT count(*) FROM flow_run WHERE deployment_id = '" + active + "' AND state_type = 'CANCELLED'"));
    assertEquals(0, q("SELECT count(*) FROM flow_run fr WHERE deployment_id = '" + active
        + "' AND NOT EXISTS (SELECT 1 FROM flow_run_state s WHERE s.id = fr.state_id AND s.flow_run_id = fr.id)"),
        "every run has its state row");
  }

  @Test
  void scheduleParametersOverrideTheDeploymentsAndKeysNameTheSchedule() throws Exception {
    UUID flow = server.api().createFlow();
    String anchor = Instant.now().toString();
    UUID dep = server.api().post("/api/deployments/", obj("name", "p-" + UUID.randomUUID(), "flow_id", flow.toString(),
        "parameters", obj("name", "deployment-test", "x", 11), "tags", List.of("foo"), "labels", obj("team", "data"),
        "work_queue_name", "wq", "schedules", List.of(
            schedule(obj("interval", 2592000, "anchor_date", anchor), true, "parameters", obj("name", "whoami"), "slug", "s1"),
            schedule(obj("interval", 2592000, "anchor_date", anchor), true, "parameters", obj("name", "whoami2")))))
        .expect(201).id();
    await(scheduler(server, DEFAULTS).recentPass());
    assertEquals(6, runs(dep));
    assertEquals(3, q("SELECT count(*) FROM flow_run WHERE deployment_id = '" + dep + "' AND parameters = '{\"name\": \"whoami\", \"x\": 11}'"));
    assertEquals(3, q("SELECT count(*) FROM flow_run WHERE deployment_id = '" + dep + "' AND parameters = '{\"name\": \"whoami2\", \"x\": 11}'"));
    assertEquals(6, q("SELECT count(*) FROM flow_run fr JOIN deployment_schedule s ON s.id::text = fr.created_by ->> 'id'"
        + " WHERE fr.deployment_id = '" + dep + "' AND fr.idempotency_key LIKE 'scheduled ' || fr.deployment_id || ' ' || s.id || ' %'"
        + " AND fr.tags = '[\"auto-scheduled\", \"foo\"]' AND fr.work_queue_name = 'wq' AND fr.labels ->> 'team' = 'data'"
        + " AND fr.labels ->> 'prefect.deployment.id' = fr.deployment_id::text AND fr.auto_scheduled"
        + " AND fr.expected_start_time = fr.next_scheduled_start_time"));
  }

  @Test
  void recentPassIgnoresDeploymentsNotChangedLately() throws Exception {
    UUID dep = deployment(schedule(obj("interval", 3600), true));
    await(server.pool().query("UPDATE deployment SET updated = now() - interval '60 seconds' WHERE id = '" + dep + "'").execute());
    await(scheduler(server, DEFAULTS).recentPass());
    assertEquals(0, runs(dep));
  }

  @Test
  void aSchedulePassIsSelectedPerSchedule() throws Exception {
    BatonConfig.Scheduler d = DEFAULTS;
    BatonConfig.Scheduler five = new BatonConfig.Scheduler(d.loopMillis(), d.recentLoopMillis(), d.deploymentBatchSize(),
        3, 5, d.minScheduledTimeMillis(), d.maxScheduledTimeMillis(), d.insertBatchSize(), d.maxLateRuns(),
        d.statusIntervalMillis(), d.notReadyAfterMillis());
    UUID dep = deployment(schedule(obj("interval", 900), true), schedule(obj("interval", 7200), true),
        schedule(obj("interval", 21600), true));
    SchedulerVerticle s = scheduler(server, five);
    await(s.schedule(List.of(dep)));
    assertEquals(11, runs(dep));
    // the frequent schedule's runs are consumed: the deployment is selected again and topped up
    await(server.pool().query("DELETE FROM flow_run WHERE deployment_id = '" + dep + "' AND next_scheduled_start_time < now() + interval '2 hours'"
        + " AND created_by ->> 'id' = (SELECT created_by ->> 'id' FROM flow_run WHERE deployment_id = '" + dep
        + "' ORDER BY next_scheduled_start_time LIMIT 1)").execute());
    long before = runs(dep);
    await(s.mainPass());
    assertTrue(runs(dep) > before);
  }

  @Test
  void twoInstancesSchedulingAtOnceNeverCreateARunTwice() throws Exception {
    List<UUID> deps = new ArrayList<>();
    for (int i = 0; i < 20; i++) {
      deps.add(deployment(schedule(obj("interval", 60), true), schedule(obj("cron", "*/5 * * * *"), true)));
    }
    SchedulerVerticle a = scheduler(server, withInsertBatch(70));
    SchedulerVerticle b = scheduler(other, withInsertBatch(70));
    for (int round = 0; round < 15; round++) {
      if (round % 5 == 4) {
        // a change in the middle: schedules kept by id, future runs deleted (D1) and made again
        server.api().patch("/api/deployments/" + deps.get(round), obj("description", "r" + round)).expect(204);
      }
      await(Future.join(a.schedule(deps), b.schedule(deps), a.recentPass(), b.mainPass()));
    }
    String in = "('" + String.join("','", deps.stream().map(UUID::toString).toList()) + "')";
    assertEquals(0, q("SELECT count(*) FROM (SELECT deployment_id, created_by ->> 'id', next_scheduled_start_time, count(*)"
        + " FROM flow_run WHERE deployment_id IN " + in + " GROUP BY 1, 2, 3 HAVING count(*) > 1) dup"));
    assertEquals(20 * (61 + 13), q("SELECT count(*) FROM flow_run WHERE deployment_id IN " + in
        + " AND next_scheduled_start_time >= now()"), "every schedule has its window, once");
  }

  @Test
  void aPassWhoseConnectionIsKilledLeavesWholeDeploymentsOrNothing() throws Exception {
    List<UUID> deps = new ArrayList<>();
    for (int i = 0; i < 60; i++) {
      deps.add(deployment(schedule(obj("interval", 60), true)));
    }
    SchedulerVerticle s = scheduler(other, withInsertBatch(61));
    Future<Integer> pass = s.schedule(deps);
    long killed = 0;
    long until = System.currentTimeMillis() + 10_000;
    while (killed == 0 && !pass.isComplete() && System.currentTimeMillis() < until) {
      killed = q("SELECT count(*) FROM (SELECT pg_terminate_backend(pid) FROM pg_stat_activity"
          + " WHERE query LIKE 'WITH v AS (%' AND pid <> pg_backend_pid()) k");
    }
    try {
      await(pass);
    } catch (Throwable expected) {
      // the killed transaction fails the pass
    }
    assertTrue(killed > 0, "the pass was interrupted");
    String in = "('" + String.join("','", deps.stream().map(UUID::toString).toList()) + "')";
    assertEquals(0, q("SELECT count(*) FROM (SELECT deployment_id FROM flow_run WHERE deployment_id IN " + in
        + " GROUP BY 1 HAVING count(*) <> 61) partial"), "each deployment has all its runs or none");
    assertEquals(0, q("SELECT count(*) FROM flow_run fr WHERE deployment_id IN " + in
        + " AND NOT EXISTS (SELECT 1 FROM flow_run_state s WHERE s.id = fr.state_id)"));
    assertTrue(q("SELECT count(DISTINCT deployment_id) FROM flow_run WHERE deployment_id IN " + in) < 60);
    // the next pass completes the rest
    await(scheduler(server, DEFAULTS).schedule(deps));
    assertEquals(60 * 61, q("SELECT count(*) FROM flow_run WHERE deployment_id IN " + in));
  }

  @Test
  void onlyTheNewestLateRunOfAScheduleIsKeptAndBackfillsNever() throws Exception {
    UUID dep = deployment(schedule(obj("interval", 60), true));
    await(scheduler(server, DEFAULTS).schedule(List.of(dep)));
    // an outage: the first five runs went by unstarted and were marked Late
    await(server.pool().query("UPDATE flow_run SET state_name = 'Late', created = created - interval '2 hours',"
        + " next_scheduled_start_time = next_scheduled_start_time - interval '1 hour',"
        + " expected_start_time = expected_start_time - interval '1 hour'"
        + " WHERE id IN (SELECT id FROM flow_run WHERE deployment_id = '" + dep + "' ORDER BY next_scheduled_start_time LIMIT 5)")
        .execute());
    // a backfill of past dates is Late too, but was never "ahead"
    server.api().post("/api/deployments/" + dep + "/schedule", obj("start_time", Instant.now().minusSeconds(86400).toString(),
        "end_time", Instant.now().minusSeconds(86400 - 180).toString())).expect(200);
    await(server.pool().query("UPDATE flow_run SET state_name = 'Late' WHERE deployment_id = '" + dep
        + "' AND next_scheduled_start_time < now() - interval '12 hours'").execute());
    long backfilled = q("SELECT count(*) FROM flow_run WHERE deployment_id = '" + dep
        + "' AND next_scheduled_start_time < now() - interval '12 hours'");
    assertTrue(backfilled >= 3);
    assertEquals(4, await(scheduler(server, DEFAULTS).trimLateRuns()));
    assertEquals(1 + backfilled, q("SELECT count(*) FROM flow_run WHERE deployment_id = '" + dep + "' AND state_name = 'Late'"),
        "the newest Late run of the schedule and the backfilled runs stay");
  }
}
