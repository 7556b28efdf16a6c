package dev.baton.it;

import static dev.baton.it.ApiClient.obj;
import static dev.baton.it.ApiClient.state;
import static dev.baton.it.ConcurrencyEndpointsIT.enc;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import dev.baton.it.ApiClient.Response;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.time.Instant;
import java.util.List;
import java.util.UUID;
import dev.baton.testsupport.Poll;
import dev.baton.testsupport.TestDatabase;
import org.junit.jupiter.api.Test;

/** Task tag concurrency through task set_state: spec/scenarios.md L (77–84). */
class TagConcurrencyIT {
  @ClassServer static ApiClient api;

  static UUID runningFlow() {
    return api.createFlowRun(state("RUNNING"));
  }

  static UUID task(UUID flow, String... tags) {
    return api.createTaggedTaskRun(flow, tags);
  }

  static String limit(String tag, int n) {
    return api.createTagLimit(tag, n);
  }

  static int slots(String limitId) {
    return api.activeSlots(limitId);
  }

  /** A legacy (v1 table) limit row on {@code tag}; its id. */
  static UUID legacyLimit(String tag, int n) throws Exception {
    UUID id = UUID.randomUUID();
    try (Connection c = TestDatabase.jdbc();
         PreparedStatement p = c.prepareStatement("INSERT INTO concurrency_limit (id, tag, concurrency_limit) VALUES (?, ?, ?)")) {
      p.setObject(1, id);
      p.setString(2, tag);
      p.setInt(3, n);
      p.executeUpdate();
    }
    return id;
  }

  static JsonNode holders(String tag) {
    return api.get("/api/concurrency_limits/tag/" + enc(tag)).expect(200).get("active_slots");
  }

  @Test
  void l77_l84_basicLimitingWithLeases() {
    String tag = "some tag " + UUID.randomUUID();
    String id = limit(tag, 1);
    UUID flow = runningFlow();
    UUID a = task(flow, tag);
    UUID b = task(flow, tag);
    assertEquals("ACCEPT", api.setTaskState(a, state("RUNNING")).expect(201).text("status"));
    assertEquals(1, slots(id));
    assertEquals(a.toString(), holders(tag).get(0).asText());
    JsonNode lease = api.get("/api/v2/concurrency_limits/" + id + "/holders").expect(200).body().get(0);
    assertEquals("task_run", lease.get("holder").get("type").asText());
    assertEquals(1, lease.get("slots").asInt());

    Response wait = api.setTaskState(b, state("RUNNING")).expect(200);
    assertEquals("WAIT", wait.text("status"));
    assertEquals("Concurrency limit reached for tags: " + tag, wait.text("details", "reason"));
    int delay = wait.body().get("details").get("delay_seconds").asInt();
    assertTrue(delay >= 1 && delay <= 13, wait.raw());
    assertNotNull(wait.header("Retry-After"), "Retry-After on WAIT");
    double retryAfter = wait.body().get("details").get("retry_after").asDouble();
    assertTrue(retryAfter > 0 && retryAfter <= 13, wait.raw());
    assertEquals("PENDING", wait.text("state", "type"));

    assertEquals(201, api.setTaskState(a, state("COMPLETED")).status());
    assertEquals(0, slots(id));
    assertEquals(0, holders(tag).size());
    assertEquals("ACCEPT", api.setTaskState(b, state("RUNNING")).expect(201).text("status"));
    assertEquals(1, slots(id));
  }

  /**
   * A WAIT is decided from an unlocked read of the limit and its denied slot is recorded later, in
   * a batch: it neither waits for nor takes the limit row's lock, which the holders need to give
   * their slots back. Here another transaction holds that lock for the whole proposal: the WAIT is
   * answered anyway (before the change it queued behind the lock until that transaction ended),
   * and the denial reaches {@code denied_slots} once the lock is gone.
   */
  @Test
  void aWaitNeitherTakesNorWaitsForTheLimitRowLock() throws Exception {
    String tag = "locked-" + UUID.randomUUID();
    String id = limit(tag, 1);
    UUID flow = runningFlow();
    UUID a = task(flow, tag);
    UUID b = task(flow, tag);
    assertEquals("ACCEPT", api.setTaskState(a, state("RUNNING")).expect(201).text("status"));
    java.util.concurrent.ExecutorService pool = java.util.concurrent.Executors.newSingleThreadExecutor();
    try (Connection c = TestDatabase.jdbc()) {
      c.setAutoCommit(false);
      try (PreparedStatement lock = c.prepareStatement("SELECT id FROM concurrency_limit_v2 WHERE id = ? FOR UPDATE")) {
        lock.setObject(1, UUID.fromString(id));
        assertTrue(lock.executeQuery().next());
      }
      java.util.concurrent.Future<Response> wait = pool.submit(() -> api.setTaskState(b, state("RUNNING")));
      // the lock stays held until an answer arrives (or 20 s pass): a WAIT that needed it cannot answer
      Response r = wait.get(20, java.util.concurrent.TimeUnit.SECONDS);
      assertEquals("WAIT", r.expect(200).text("status"), r.raw());
      c.rollback();
    } finally {
      pool.shutdownNow();
    }
    int denied;
    try (Connection c = TestDatabase.jdbc();
        PreparedStatement read = c.prepareStatement("SELECT denied_slots FROM concurrency_limit_v2 WHERE id = ?")) {
      read.setObject(1, UUID.fromString(id));
      denied = Poll.until(10_000, 50, () -> {
        try (java.sql.ResultSet rs = read.executeQuery()) {
          assertTrue(rs.next());
          return rs.getInt(1);
        }
      }, n -> n != 0);
    }
    assertEquals(1, denied, "the WAIT's denied slot is recorded once the lock is gone");
    assertEquals(1, slots(id));
    assertEquals(201, api.setTaskState(a, state("COMPLETED")).status());
    assertEquals("ACCEPT", api.setTaskState(b, state("RUNNING")).expect(201).text("status"));
    assertEquals(1, slots(id));
  }

  @Test
  void aTaggedRunThatHoldsNoSlotNeitherReadsNorWaitsForItsLimitRows() throws Exception {
    // creations, and proposals that cannot take a slot, of tagged runs holding none: their
    // concurrency facts are known empty, so they go through while another transaction holds the
    // rows of their tags' limits (v2 and legacy)
    String tag = "held-rows-" + UUID.randomUUID();
    String id = limit(tag, 1);
    UUID legacyId = legacyLimit(tag, 1);
    UUID flow = runningFlow();
    UUID a = task(flow, tag);
    java.util.concurrent.ExecutorService pool = java.util.concurrent.Executors.newFixedThreadPool(4);
    try (Connection c = TestDatabase.jdbc()) {
      c.setAutoCommit(false);
      try (PreparedStatement v2 = c.prepareStatement("SELECT 1 FROM concurrency_limit_v2 WHERE id = ? FOR UPDATE");
           PreparedStatement legacy = c.prepareStatement("SELECT 1 FROM concurrency_limit WHERE id = ? FOR UPDATE")) {
        v2.setObject(1, UUID.fromString(id));
        legacy.setObject(1, legacyId);
        assertTrue(v2.executeQuery().next());
        assertTrue(legacy.executeQuery().next());
      }
      List<java.util.concurrent.Future<?>> calls = List.of(
          pool.submit(() -> task(flow, tag)),
          pool.submit(() -> task(flow, tag)),
          pool.submit(() -> api.createTaskRun(flow, state("RUNNING"), "tags", List.of(tag))),
          pool.submit(() -> api.setTaskState(a, state("FAILED")).expect(201)));
      // the locks stay held until every answer is in (or 20 s pass): a call that needed them cannot answer
      for (java.util.concurrent.Future<?> call : calls) {
        call.get(20, java.util.concurrent.TimeUnit.SECONDS);
      }
      c.rollback();
    } finally {
      pool.shutdownNow();
    }
    assertEquals(0, slots(id));
    assertEquals(0, legacySlots(legacyId));
    UUID b = task(flow, tag);
    assertEquals("ACCEPT", api.setTaskState(b, state("RUNNING")).expect(201).text("status"));
    assertEquals(1, slots(id));
  }

  @Test
  void l78_cancellingKeepsTheSlot() {
    String tag = "t-" + UUID.randomUUID();
    String id = limit(tag, 1);
    UUID flow = runningFlow();
    UUID a = task(flow, tag);
    UUID b = task(flow, tag);
    api.setTaskState(a, state("RUNNING")).expect(201);
    api.setTaskState(a, state("CANCELLING")).expect(201);
    assertEquals(1, slots(id));
    assertEquals("WAIT", api.setTaskState(b, state("RUNNING")).text("status"));
    api.setTaskState(a, state("CANCELLED")).expect(201);
    assertEquals(0, slots(id));
    assertEquals("ACCEPT", api.setTaskState(b, state("RUNNING")).text("status"));
  }

  @Test
  void l79_l83_zeroLimitAborts() {
    String tag = "the worst limit " + UUID.randomUUID();
    String id = limit(tag, 0);
    UUID t = task(runningFlow(), tag);
    Response r = api.setTaskState(t, state("RUNNING")).expect(200);
    assertEquals("ABORT", r.text("status"));
    assertEquals("The concurrency limit on tag \"" + tag + "\" is 0 and will deadlock if the task tries to run again.",
        r.text("details", "reason"));
    assertEquals(0, slots(id));
  }

  @Test
  void zeroLimitTakesNoOtherSlot() {
    String ok = "ok-" + UUID.randomUUID();
    String zero = "zero-" + UUID.randomUUID();
    String okId = limit(ok, 5);
    limit(zero, 0);
    UUID t = task(runningFlow(), ok, zero);
    assertEquals("ABORT", api.setTaskState(t, state("RUNNING")).text("status"));
    assertEquals(0, slots(okId), "Prefect leaks this slot; Baton takes none");
  }

  @Test
  void l80_fizzledAcquisitionIsGivenBack() {
    String tag = "t-" + UUID.randomUUID();
    String id = limit(tag, 1);
    UUID t = api.createTaskRun(runningFlow(), state("SCHEDULED", "state_details",
        obj("scheduled_time", Instant.now().plusSeconds(3600).toString())), "tags", List.of(tag));
    Response r = api.setTaskState(t, state("RUNNING")).expect(200);
    assertEquals("WAIT", r.text("status"));
    assertEquals("Scheduled time is in the future", r.text("details", "reason"));
    assertEquals(0, slots(id));
  }

  @Test
  void runningToRunningTakesNoSecondSlot() {
    String tag = "t-" + UUID.randomUUID();
    String id = limit(tag, 1);
    UUID t = task(runningFlow(), tag);
    api.setTaskState(t, state("RUNNING")).expect(201);
    assertEquals("ACCEPT", api.setTaskState(t, state("RUNNING")).text("status"));
    assertEquals(1, slots(id), "RUNNING → RUNNING takes no second slot");
    api.setTaskState(t, state("COMPLETED")).expect(201);
    assertEquals(0, slots(id));
  }

  @Test
  void l82_l84_v2TakesPrecedenceOverLegacyAndInactiveFallsBack() throws Exception {
    String tag = "shared-tag-" + UUID.randomUUID();
    String id = limit(tag, 1);
    UUID legacyId = legacyLimit(tag, 2);
    UUID flow = runningFlow();
    UUID a = task(flow, tag);
    UUID b = task(flow, tag);
    api.setTaskState(a, state("RUNNING")).expect(201);
    assertEquals(1, slots(id));
    assertEquals(0, legacySlots(legacyId));
    Response w = api.setTaskState(b, state("RUNNING")).expect(200);
    assertEquals("Concurrency limit reached for tags: " + tag, w.text("details", "reason"));
    api.setTaskState(a, state("COMPLETED")).expect(201);

    // inactive v2 limit: the legacy row (limit 2) governs
    api.patch("/api/v2/concurrency_limits/" + id, obj("active", false)).expect(204);
    UUID c1 = task(flow, tag);
    UUID c2 = task(flow, tag);
    UUID c3 = task(flow, tag);
    api.setTaskState(c1, state("RUNNING")).expect(201);
    api.setTaskState(c2, state("RUNNING")).expect(201);
    assertEquals(2, legacySlots(legacyId));
    Response legacyWait = api.setTaskState(c3, state("RUNNING")).expect(200);
    assertEquals("Concurrency limit for the " + tag + " tag has been reached", legacyWait.text("details", "reason"));
    assertEquals(10, legacyWait.body().get("details").get("delay_seconds").asInt());
    api.setTaskState(c1, state("FAILED")).expect(201);
    assertEquals(1, legacySlots(legacyId));
    assertEquals("ACCEPT", api.setTaskState(c3, state("RUNNING")).text("status"));
  }

  @Test
  void forcedTransitionReleasesAndDeleteReleases() {
    String tag = "t-" + UUID.randomUUID();
    String id = limit(tag, 2);
    UUID flow = runningFlow();
    UUID a = task(flow, tag);
    UUID b = task(flow, tag);
    api.setTaskState(a, state("RUNNING")).expect(201);
    api.setTaskState(b, state("RUNNING")).expect(201);
    assertEquals(2, slots(id));
    api.setTaskState(a, state("CRASHED"), true).expect(201);
    assertEquals(1, slots(id));
    api.delete("/api/task_runs/" + b).expect(204);
    assertEquals(0, slots(id));
    assertEquals(0, holders(tag).size());
  }

  static int legacySlots(UUID id) throws Exception {
    try (Connection c = TestDatabase.jdbc();
         PreparedStatement p = c.prepareStatement("SELECT cardinality(active_slots) FROM concurrency_limit WHERE id = ?")) {
      p.setObject(1, id);
      var rs = p.executeQuery();
      rs.next();
      return rs.getInt(1);
    }
  }

  /**
   * A task run without tags can still hold slots, taken for it through the v1 increment endpoint
   * (and a legacy row). Orchestration must still read and release them when the run leaves RUNNING:
   * the lock-and-load shortcut for runs that cannot hold slots must not apply to it.
   */
  @Test
  void taglessRunHoldingSlotsThroughTheEndpointReleasesThem() {
    String tag = "endpoint-" + UUID.randomUUID();
    api.post("/api/concurrency_limits/", obj("tag", tag, "concurrency_limit", 1)).expect(201);
    UUID flowRun = api.createFlowRun(state("RUNNING"));
    UUID task = api.createTaskRun(flowRun, null);
    assertEquals(0, api.taskRun(task).get("tags").size());
    api.post("/api/concurrency_limits/increment", obj("names", List.of(tag), "task_run_id", task.toString())).expect(200);
    assertEquals(1, api.get("/api/v2/concurrency_limits/tag:" + tag).expect(200).get("active_slots").asInt());
    api.setTaskState(task, state("RUNNING")).expect(201);
    assertEquals(1, api.get("/api/v2/concurrency_limits/tag:" + tag).expect(200).get("active_slots").asInt(),
        "still held while RUNNING");
    api.setTaskState(task, state("COMPLETED")).expect(201);
    assertEquals(0, api.get("/api/v2/concurrency_limits/tag:" + tag).expect(200).get("active_slots").asInt(),
        "released when the run left RUNNING");
    assertEquals(0, api.get("/api/v2/concurrency_limits/tag:" + tag + "/holders").expect(200).body().size());
  }
}
