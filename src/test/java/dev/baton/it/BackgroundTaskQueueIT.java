package dev.baton.it;

import static dev.baton.it.ApiClient.obj;
import static org.junit.jupiter.api.Assertions.assertEquals;

import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.baton.testsupport.Await;
import io.vertx.sqlclient.Row;
import io.vertx.sqlclient.Tuple;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import org.junit.jupiter.api.Test;

/**
 * The durable queue of background task runs (EnqueueScheduledTasks, migration V12): a deferred task
 * run created SCHEDULED — alone or in a creation group — is queued in the transaction that creates it;
 * a plain one is not; a deferred AwaitingRetry goes to the retry queue at its scheduled time.
 */
class BackgroundTaskQueueIT {
  @ClassServer static TestServer server;
  @ClassServer static ApiClient api;

  private static ObjectNode deferred(String name, String scheduledTime) {
    ObjectNode details = obj("deferred", true, "task_parameters_id", UUID.randomUUID().toString());
    if (scheduledTime != null) {
      details.put("scheduled_time", scheduledTime);
    }
    return obj("type", "SCHEDULED", "name", name, "state_details", details);
  }

  private static Row delivery(UUID taskRun) {
    var rows = Await.await(server.pool().preparedQuery(
        "SELECT task_key, retry, deliverable_at, claimed_by FROM task_run_delivery WHERE task_run_id = $1")
        .execute(Tuple.of(taskRun)));
    return rows.size() == 0 ? null : rows.iterator().next();
  }

  @Test
  void deferredRunsAreQueuedWhenCreatedAndOthersAreNot() throws Exception {
    String key = "bg-" + UUID.randomUUID();
    // created together: the creation groups write the queue rows with the runs
    List<CompletableFuture<UUID>> created = new ArrayList<>();
    for (int i = 0; i < 24; i++) {
      String dyn = Integer.toString(i);
      created.add(CompletableFuture.supplyAsync(() -> api.post("/api/task_runs/", obj("flow_run_id", null,
          "task_key", key, "dynamic_key", dyn, "state", deferred("Scheduled", null))).expect(201).id()));
    }
    for (CompletableFuture<UUID> f : created) {
      Row r = delivery(f.get());
      assertEquals(key, r.getString("task_key"));
      assertEquals(false, r.getBoolean("retry"));
      assertEquals(null, r.getString("claimed_by"));
    }
    UUID plain = api.createTaskRun(null, obj("type", "SCHEDULED"));
    assertEquals(null, delivery(plain), "not deferred: not queued");
    UUID pending = api.createTaskRun(null, obj("type", "PENDING", "state_details", obj("deferred", true)));
    assertEquals(null, delivery(pending), "deferred but not SCHEDULED: not queued");
  }

  @Test
  void aDeferredAwaitingRetryGoesToTheRetryQueueAtItsTime() {
    UUID run = api.createTaskRun(null, deferred("Scheduled", null));
    String at = "2030-01-01T00:00:00Z";
    assertEquals("ACCEPT", api.post("/api/task_runs/" + run + "/set_state", obj("state",
        deferred("AwaitingRetry", at))).expect(201).text("status"));
    Row r = delivery(run);
    assertEquals(true, r.getBoolean("retry"));
    assertEquals("2030-01-01T00:00Z", r.getOffsetDateTime("deliverable_at").toString());
  }
}
