package dev.baton.it;

import static dev.baton.it.ApiClient.obj;
import static dev.baton.it.ApiClient.state;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.baton.it.ApiClient.Response;
import dev.baton.testsupport.TestDatabase;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;

/**
 * Racing proposals for scarce slots from two Baton instances on one database. A sampler reads
 * committed snapshots throughout: the holders (runs in the holding states) never exceed the limit,
 * and in every snapshot the limit's counter and its leases equal the holders — a state change and
 * its slot change commit together.
 */
class ConcurrencyRaceIT {
  /** No AwaitingConcurrencySlot delay: a rejected run may retry at once. */
  static final String NO_SLOT_WAIT = "BATON_CONCURRENCY_DEPLOYMENT_SLOT_WAIT_SECONDS=0";
  @ClassServer(env = NO_SLOT_WAIT) static TestServer a;
  @ClassServer(env = NO_SLOT_WAIT) static TestServer b;

  static ApiClient api(int i) {
    return (i % 2 == 0 ? a : b).api();
  }

  /** Samples {@code sql} (holders, counter, leases) until stopped; records every violation. */
  static final class Sampler implements Runnable {
    final String sql;
    final UUID limitId;
    final int max;
    final AtomicBoolean stop = new AtomicBoolean();
    final ConcurrentLinkedQueue<String> violations = new ConcurrentLinkedQueue<>();
    final AtomicInteger samples = new AtomicInteger();
    final AtomicInteger maxSeen = new AtomicInteger();

    Sampler(String sql, UUID limitId, int max) {
      this.sql = sql;
      this.limitId = limitId;
      this.max = max;
    }

    @Override
    public void run() {
      try (Connection c = TestDatabase.jdbc()) {
        c.setAutoCommit(false);
        c.setTransactionIsolation(Connection.TRANSACTION_REPEATABLE_READ);
        while (!stop.get()) {
          try (PreparedStatement p = c.prepareStatement(sql)) {
            p.setObject(1, limitId);
            try (ResultSet rs = p.executeQuery()) {
              rs.next();
              int holders = rs.getInt(1);
              int counter = rs.getInt(2);
              int leases = rs.getInt(3);
              maxSeen.accumulateAndGet(holders, Math::max);
              if (holders > max || counter != holders || leases != holders) {
                violations.add("holders=" + holders + " counter=" + counter + " leases=" + leases);
              }
            }
          }
          c.commit();
          samples.incrementAndGet();
        }
      } catch (Exception e) {
        violations.add(e.toString());
      }
    }
  }

  @Test
  void twentyTaskRunsRaceForOneSlot() throws Exception {
    String tag = "race-" + UUID.randomUUID();
    UUID limitId = a.api().post("/api/concurrency_limits/", obj("tag", tag, "concurrency_limit", 1)).expect(201).id();
    UUID flow = a.api().createFlowRun(state("RUNNING"));
    List<UUID> tasks = new ArrayList<>();
    for (int i = 0; i < 20; i++) {
      tasks.add(a.api().createTaskRun(flow, state("PENDING"), "tags", List.of(tag)));
    }
    String sql = "SELECT (SELECT count(*) FROM task_run t WHERE t.state_type = 'RUNNING' AND t.tags @> jsonb_build_array('" + tag + "')),"
        + " (SELECT active_slots FROM concurrency_limit_v2 WHERE id = ?),"
        + " (SELECT count(*) FROM concurrency_lease l, concurrency_limit_v2 c WHERE c.name = 'tag:" + tag
        + "' AND c.id = ANY (l.resource_ids))";
    Sampler sampler = new Sampler(sql, limitId, 1);
    ExecutorService pool = Executors.newFixedThreadPool(21);
    Future<?> sampling = pool.submit(sampler);
    AtomicInteger waits = new AtomicInteger();
    List<Future<?>> workers = new ArrayList<>();
    for (int i = 0; i < tasks.size(); i++) {
      UUID task = tasks.get(i);
      int n = i;
      workers.add(pool.submit(() -> {
        for (int attempt = 0; ; attempt++) {
          Response r = api(n + attempt).setTaskState(task, state("RUNNING"));
          String status = r.text("status");
          if ("ACCEPT".equals(status)) {
            sleep(3);
            api(n + attempt + 1).setTaskState(task, state("COMPLETED")).expect(201);
            return null;
          }
          assertEquals("WAIT", status, r.raw());
          waits.incrementAndGet();
          sleep(2 + (attempt % 5));
        }
      }));
    }
    for (Future<?> w : workers) {
      w.get(120, TimeUnit.SECONDS);
    }
    sampler.stop.set(true);
    sampling.get(10, TimeUnit.SECONDS);
    pool.shutdownNow();
    assertTrue(sampler.violations.isEmpty(), () -> "violations: " + sampler.violations);
    assertTrue(sampler.samples.get() > 10, "the sampler ran");
    assertTrue(waits.get() > 0, "the runs did contend");
    assertEquals(1, sampler.maxSeen.get());
    assertEquals(0, a.api().get("/api/v2/concurrency_limits/" + limitId).expect(200).get("active_slots").asInt());
    assertEquals(0, a.api().get("/api/v2/concurrency_limits/" + limitId + "/holders").expect(200).body().size());
    for (UUID t : tasks) {
      assertEquals("COMPLETED", a.api().taskRun(t).get("state_type").asText());
    }
  }

  @Test
  void hundredFlowRunsOfADeploymentWithLimitThree() throws Exception {
    UUID flowId = a.api().createFlow();
    Response dep = a.api().post("/api/deployments/", obj("name", "race-" + UUID.randomUUID(), "flow_id", flowId.toString(),
        "concurrency_limit", 3)).expect(201);
    UUID depId = dep.id();
    UUID limitId = UUID.fromString(dep.get("global_concurrency_limit").get("id").asText());
    List<UUID> runs = new ArrayList<>();
    for (int i = 0; i < 100; i++) {
      runs.add(a.api().post("/api/deployments/" + depId + "/create_flow_run", obj()).expect(201).id());
    }
    String sql = "SELECT (SELECT count(*) FROM flow_run WHERE deployment_id = '" + depId
        + "' AND state_type IN ('PENDING', 'RUNNING', 'CANCELLING')),"
        + " (SELECT active_slots FROM concurrency_limit_v2 WHERE id = ?),"
        + " (SELECT count(*) FROM concurrency_lease l WHERE '" + limitId + "' = ANY (l.resource_ids))";
    Sampler sampler = new Sampler(sql, limitId, 3);
    ExecutorService pool = Executors.newFixedThreadPool(17);
    Future<?> sampling = pool.submit(sampler);
    AtomicInteger rejects = new AtomicInteger();
    Map<String, String> client = Map.of("User-Agent", "prefect/3.5.0 (API 0.8.4)");
    List<Future<?>> workers = new ArrayList<>();
    for (int i = 0; i < runs.size(); i++) {
      UUID run = runs.get(i);
      int n = i;
      workers.add(pool.submit(() -> {
        for (int attempt = 0; ; attempt++) {
          Response r = api(n + attempt).post("/api/flow_runs/" + run + "/set_state", obj("state", state("PENDING")), client);
          if ("ACCEPT".equals(r.text("status"))) {
            Response running = api(n + attempt + 1).post("/api/flow_runs/" + run + "/set_state", obj("state", state("RUNNING")), client);
            assertEquals("ACCEPT", running.text("status"), running.raw());
            api(n + attempt).post("/api/flow_runs/" + run + "/set_state", obj("state", state("COMPLETED")), client).expect(201);
            return null;
          }
          assertEquals("AwaitingConcurrencySlot", r.text("state", "name"), r.raw());
          rejects.incrementAndGet();
          sleep(2 + (attempt % 7));
        }
      }));
    }
    for (Future<?> w : workers) {
      w.get(180, TimeUnit.SECONDS);
    }
    sampler.stop.set(true);
    sampling.get(10, TimeUnit.SECONDS);
    pool.shutdownNow();
    assertTrue(sampler.violations.isEmpty(), () -> "violations: " + sampler.violations.stream().limit(10).toList());
    assertTrue(rejects.get() > 0, "the runs did contend");
    assertTrue(sampler.maxSeen.get() <= 3);
    assertEquals(0, a.api().get("/api/v2/concurrency_limits/" + limitId).expect(200).get("active_slots").asInt());
  }

  static void sleep(long ms) {
    try {
      Thread.sleep(ms);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new RuntimeException(e);
    }
  }
}
