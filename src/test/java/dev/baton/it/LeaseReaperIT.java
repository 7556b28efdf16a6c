package dev.baton.it;

import static dev.baton.it.ApiClient.obj;
import static dev.baton.it.ApiClient.state;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.baton.testsupport.Poll;
import dev.baton.testsupport.Ports;
import dev.baton.testsupport.TestDatabase;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/**
 * Expired leases give their slots back, through the reaper of any instance: also after the Baton
 * process that granted them is killed with SIGKILL (leases live in PostgreSQL).
 */
class LeaseReaperIT {

  static int slots(ApiClient api, UUID limitId) {
    return api.get("/api/v2/concurrency_limits/" + limitId).expect(200).get("active_slots").asInt();
  }

  static int holders(ApiClient api, UUID limitId) {
    return api.get("/api/v2/concurrency_limits/" + limitId + "/holders").expect(200).body().size();
  }

  @Test
  void expiredLeasesAreReapedAndLiveOnesKept() throws Exception {
    try (TestServer s = TestServer.start(Map.of("BATON_CONCURRENCY_TASK_LEASE_SECONDS", "1",
        "BATON_CONCURRENCY_REAPER_INTERVAL_MS", "200"))) {
      ApiClient api = s.api();
      String tag = "reap-" + UUID.randomUUID();
      UUID limitId = api.post("/api/concurrency_limits/", obj("tag", tag, "concurrency_limit", 5)).expect(201).id();
      UUID flow = api.createFlowRun(state("RUNNING"));
      UUID task = api.createTaskRun(flow, state("PENDING"), "tags", List.of(tag));
      api.setTaskState(task, state("RUNNING")).expect(201);
      api.post("/api/v2/concurrency_limits/increment-with-lease", obj("slots", 1, "names", List.of("tag:" + tag),
          "lease_duration", 600)).expect(200);
      assertEquals(2, slots(api, limitId));
      Poll.eventually(5000, () -> assertEquals(1, slots(api, limitId)));
      assertEquals(1, holders(api, limitId), "the 600 s lease is still held");
      // the run whose lease was reaped later completes: nothing is released twice
      api.setTaskState(task, state("COMPLETED")).expect(201);
      assertEquals(1, slots(api, limitId));
    }
  }

  @Test
  void slotsOfAKilledInstanceComeBackAfterTheirLeasesExpire() throws Exception {
    int port = Ports.free();
    Path log = Files.createTempFile("baton-child-", ".log");
    ProcessBuilder pb = ChildBaton.builder();
    Map<String, String> env = pb.environment();
    env.put("BATON_DB_URL", TestDatabase.url());
    env.put("BATON_EVENT_LOOPS", "2");
    env.put("BATON_DB_POOL_SIZE", "4");
    env.put("BATON_CONCURRENCY_TASK_LEASE_SECONDS", "2");
    env.put("BATON_CONCURRENCY_DEPLOYMENT_LEASE_SECONDS", "2");
    env.put("BATON_CONCURRENCY_REAPER_INTERVAL_MS", "0");
    Process child = ChildBaton.start(pb, port, log);
    try {
      ApiClient api = new ApiClient(port);
      ChildBaton.awaitHealthy(api, child, 60_000, log);
      // tag slots taken by task orchestration, deployment slots by flow orchestration
      String tag = "kill-" + UUID.randomUUID();
      UUID tagLimit = api.post("/api/concurrency_limits/", obj("tag", tag, "concurrency_limit", 10)).expect(201).id();
      UUID flow = api.createFlowRun(state("RUNNING"));
      for (int i = 0; i < 3; i++) {
        UUID t = api.createTaskRun(flow, state("PENDING"), "tags", List.of(tag));
        api.setTaskState(t, state("RUNNING")).expect(201);
      }
      UUID flowId = api.createFlow();
      var dep = api.post("/api/deployments/", obj("name", "kill-" + UUID.randomUUID(), "flow_id", flowId.toString(),
          "concurrency_limit", 5)).expect(201);
      UUID depLimit = UUID.fromString(dep.get("global_concurrency_limit").get("id").asText());
      List<UUID> runs = new ArrayList<>();
      for (int i = 0; i < 2; i++) {
        UUID run = api.post("/api/deployments/" + dep.id() + "/create_flow_run", obj()).expect(201).id();
        api.setFlowState(run, state("PENDING")).expect(201);
        runs.add(run);
      }
      // a live holder elsewhere, with a long lease: must survive
      api.post("/api/v2/concurrency_limits/increment-with-lease", obj("slots", 1, "names", List.of("tag:" + tag),
          "lease_duration", 600)).expect(200);
      assertEquals(4, slots(api, tagLimit));
      assertEquals(2, slots(api, depLimit));

      child.destroyForcibly(); // SIGKILL
      assertTrue(child.waitFor(30, TimeUnit.SECONDS));

      try (TestServer survivor = TestServer.start(Map.of("BATON_CONCURRENCY_REAPER_INTERVAL_MS", "200"))) {
        ApiClient s = survivor.api();
        Poll.eventually(10_000, () -> {
          assertEquals(1, slots(s, tagLimit));
          assertEquals(0, slots(s, depLimit));
        });
        assertEquals(1, holders(s, tagLimit), "counts equal holders");
        assertEquals(0, holders(s, depLimit));
        // the runs themselves still exist; finishing them releases nothing twice
        for (UUID run : runs) {
          s.setFlowState(run, state("CANCELLED"), true).expect(201);
        }
        assertEquals(0, slots(s, depLimit));
      }
    } finally {
      child.destroyForcibly();
      if (!child.waitFor(10, TimeUnit.SECONDS)) {
        throw new AssertionError("child did not exit; log: " + log);
      }
      Files.deleteIfExists(log);
    }
  }
}
