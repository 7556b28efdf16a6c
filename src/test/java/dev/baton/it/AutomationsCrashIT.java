package dev.baton.it;

import static dev.baton.it.ApiClient.obj;
import static org.junit.jupiter.api.Assertions.assertEquals;

import com.fasterxml.jackson.databind.node.ArrayNode;
import dev.baton.testsupport.Await;
import dev.baton.testsupport.Poll;
import dev.baton.testsupport.Ports;
import dev.baton.testsupport.TestDatabase;
import io.vertx.sqlclient.Tuple;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/**
 * A Baton killed (-9) while it evaluates automations loses no firing and fires none twice: an event
 * leaves the inbox only in the transaction that records what it fired, so another instance finishes
 * exactly what the dead one had not committed.
 */
class AutomationsCrashIT {
  /** Writes the automation and the events; evaluates nothing itself. */
  @ClassServer(env = "BATON_AUTOMATIONS_INTERVAL_SECONDS=0") static TestServer server;

  private static long count(String sql, Object... args) {
    return Await.await(server.pool().preparedQuery(sql).execute(Tuple.from(args))).iterator().next().getLong(0);
  }

  @Test
  void aKilledEvaluatorLosesNoFiringAndFiresNoneTwice() throws Exception {
    ApiClient api = server.api();
    String kind = "crash.tick." + UUID.randomUUID();
    String automation = api.post("/api/automations/", obj("name", "crash-" + kind, "trigger", obj("type", "event",
        "posture", "Reactive", "expect", List.of(kind), "threshold", 1, "within", 0), "actions",
        List.of(obj("type", "do-nothing")))).expect(201).body().get("id").asText();
    String resource = "prefect.automation." + automation;
    Path dir = Files.createTempDirectory("baton-automations-crash");
    int port = Ports.free();
    ProcessBuilder pb = ChildBaton.builder();
    Map<String, String> env = pb.environment();
    env.keySet().removeIf(k -> k.startsWith("BATON_"));
    env.put("BATON_DB_URL", TestDatabase.url());
    env.put("BATON_EVENT_LOOPS", "1");
    env.put("BATON_DB_POOL_SIZE", "4");
    env.put("BATON_AUTOMATIONS_INTERVAL_SECONDS", "1");
    env.put("BATON_LATE_RUNS_INTERVAL_SECONDS", "0");
    env.put("BATON_PAUSE_EXPIRATIONS_INTERVAL_SECONDS", "0");
    Path log = dir.resolve("child.log");
    Process child = ChildBaton.start(pb, port, log);
    TestServer finisher = null;
    try {
      ChildBaton.awaitHealthy(new ApiClient(port), child, 60_000, log);
      int n = 3000;
      for (int i = 0; i < n; i += 200) {
        ArrayNode batch = ApiClient.JSON.createArrayNode();
        for (int k = i; k < i + 200; k++) {
          batch.add(obj("id", UUID.randomUUID().toString(), "occurred", Instant.now().toString(), "event", kind,
              "resource", obj("prefect.resource.id", "crash.thing." + k), "related", List.of(), "payload", obj()));
        }
        api.post("/api/events", batch).expect(204);
      }
      // killed once it has committed its first firings: in the middle of its work
      Poll.until(20_000, 5, () -> count("SELECT count(*) FROM event WHERE resource_id = $1 AND event = $2", resource,
          "prefect.automation.triggered") > 0);
      child.destroyForcibly();
      child.waitFor(30, TimeUnit.SECONDS);
      long firedBeforeKill = count("SELECT count(*) FROM event WHERE resource_id = $1 AND event = $2", resource,
          "prefect.automation.triggered");
      System.out.println("AutomationsCrashIT: " + firedBeforeKill + " of " + n + " firings committed before the kill");

      finisher = TestServer.start(Map.of("BATON_AUTOMATIONS_INTERVAL_SECONDS", "1"));
      Poll.eventually(60_000, 200, () -> assertEquals(0, count("SELECT count(*) FROM automation_inbox")));
      assertEquals(n, count("SELECT count(*) FROM event WHERE resource_id = $1 AND event = $2", resource,
          "prefect.automation.triggered"), "one firing per event, whoever evaluated it");
      assertEquals(n, count("SELECT count(DISTINCT payload -> 'triggering_event' ->> 'id') FROM event "
          + "WHERE resource_id = $1 AND event = $2", resource, "prefect.automation.triggered"));
      // actions the dead instance had claimed wait for their lease; none is lost or doubled meanwhile
      Poll.eventually(30_000, 200, () -> assertEquals(n, count("SELECT count(*) FROM event WHERE resource_id = $1 "
          + "AND event = $2", resource, "prefect.automation.action.executed")
          + count("SELECT count(*) FROM automation_action WHERE automation_id = $1::uuid", automation)));
    } finally {
      child.destroyForcibly();
      if (finisher != null) {
        finisher.close();
      }
      Await.await(server.pool().query("DELETE FROM automation").execute());
      TestDatabase.deleteTree(dir);
    }
  }
}
